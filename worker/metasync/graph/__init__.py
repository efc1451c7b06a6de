"""The Graph API client the sync worker uses: HTTP, errors, paging, batch, report runs, pacing."""

from metasync.graph.batch import BatchItem, BatchRequest, BatchResult, execute_batch
from metasync.graph.client import GraphClient, RetryPolicy
from metasync.graph.encoding import appsecret_proof
from metasync.graph.errors import (
    ApiVersionError,
    BadRequestError,
    DateRangeTooOldError,
    GovernorBlockedError,
    GraphError,
    PermissionDeniedError,
    ReportRunFailedError,
    ReportRunTimeoutError,
    ThrottledError,
    TokenDeadError,
    TooMuchDataError,
    TransientError,
    UnexpectedResponseError,
    classify,
)
from metasync.graph.expand import EdgeRequest, ExpandedNode, read_with_edges
from metasync.graph.governor import Governor
from metasync.graph.ratelimit import (
    GovernorPolicy,
    InMemoryUsageStore,
    Scope,
    ScopeState,
    Usage,
    UsageStore,
    delay_before_next_call,
    merge_state,
    parse_usage,
)
from metasync.graph.redaction import redact, redact_url
from metasync.graph.reports import (
    PollPolicy,
    ReportRun,
    iter_report_pages,
    poll_report_runs,
    run_report,
    start_report_run,
)

__all__ = [
    "ApiVersionError",
    "BadRequestError",
    "BatchItem",
    "BatchRequest",
    "BatchResult",
    "DateRangeTooOldError",
    "EdgeRequest",
    "ExpandedNode",
    "Governor",
    "GovernorBlockedError",
    "GovernorPolicy",
    "GraphClient",
    "GraphError",
    "InMemoryUsageStore",
    "PermissionDeniedError",
    "PollPolicy",
    "ReportRun",
    "ReportRunFailedError",
    "ReportRunTimeoutError",
    "RetryPolicy",
    "Scope",
    "ScopeState",
    "ThrottledError",
    "TokenDeadError",
    "TooMuchDataError",
    "TransientError",
    "UnexpectedResponseError",
    "Usage",
    "UsageStore",
    "appsecret_proof",
    "classify",
    "delay_before_next_call",
    "execute_batch",
    "iter_report_pages",
    "merge_state",
    "parse_usage",
    "poll_report_runs",
    "read_with_edges",
    "redact",
    "redact_url",
    "run_report",
    "start_report_run",
]
