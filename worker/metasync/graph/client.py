"""GraphClient: one async HTTP entry point to the Graph API.

Every call carries ``appsecret_proof`` when the app secret is known, reports its usage headers to
the governor (errors included), is classified once (:func:`metasync.graph.errors.classify`) and
retried only when transient. Throttles are never retried here: the governor stops the scope.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from metasync.clock import SYSTEM_CLOCK
from metasync.graph.encoding import account_of, appsecret_proof, encode_params, use_case_of
from metasync.graph.errors import (
    GraphError,
    ThrottledError,
    TransientError,
    UnexpectedResponseError,
    classify,
    graph_error_from_transport,
)
from metasync.graph.governor import Governor
from metasync.redaction import SECRET_PARAMS, install_httpx_redaction, redact

if TYPE_CHECKING:
    from metasync.settings import Settings

log = logging.getLogger("metasync.graph")
install_httpx_redaction()


@dataclass(frozen=True)
class RetryPolicy:
    """Transient errors only: exponential backoff with jitter, bounded attempts."""

    attempts: int = 5
    initial_seconds: float = 1.0
    max_seconds: float = 60.0
    jitter_seconds: float = 1.0


@dataclass(frozen=True)
class _Call:
    method: str
    url: str
    params: dict[str, str]
    account_id: str | None
    use_case: str
    log_path: str


class GraphClient:
    """Async Graph API client over an injected ``httpx.AsyncClient``. No I/O in ``__init__``."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        api_version: str,
        app_secret: str | None = None,
        access_token: str | None = None,
        governor: Governor | None = None,
        retry: RetryPolicy | None = None,
        timeout: float | httpx.Timeout = 60.0,
        sleep: Callable[[float], Awaitable[None]] = SYSTEM_CLOCK.sleep,
    ) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.api_version = api_version
        self.governor = governor
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self._app_secret = app_secret
        self._access_token = access_token
        self.sleep = sleep

    @classmethod
    def from_settings(
        cls, http: httpx.AsyncClient, settings: Settings, **kwargs: Any
    ) -> GraphClient:
        secret = settings.meta_app_secret
        kwargs.setdefault("timeout", settings.graph_timeout_seconds)
        kwargs.setdefault("retry", RetryPolicy(attempts=settings.graph_retry_attempts))
        return cls(
            http,
            base_url=settings.graph_base_url,
            api_version=settings.graph_api_version,
            app_secret=secret.get_secret_value() if secret else None,
            **kwargs,
        )

    def __repr__(self) -> str:
        return f"GraphClient(base_url={self.base_url!r}, api_version={self.api_version!r})"

    def bind(self, access_token: str) -> GraphClient:
        """A client sharing everything but bound to ``access_token``."""
        bound = copy.copy(self)
        bound._access_token = access_token
        return bound

    def url(self, path: str) -> str:
        return f"{self.base_url}/{self.api_version}/{path.lstrip('/')}"

    def relative_url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """A batch item's ``relative_url`` (no credentials: the batch carries them)."""
        query = urlencode(encode_params(params))
        rel = f"{self.api_version}/{path.lstrip('/')}"
        return f"{rel}?{query}" if query else rel

    def auth_params(self, access_token: str | None = None) -> dict[str, str]:
        token = access_token or self._access_token
        if not token:
            return {}
        params = {"access_token": token}
        if self._app_secret:
            params["appsecret_proof"] = appsecret_proof(self._app_secret, token)
        return params

    async def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        access_token: str | None = None,
        account_id: str | None = None,
    ) -> dict[str, Any]:
        call = self._call("GET", path, params, account_id)
        return _expect_object(await self._with_retries(call, access_token), call)

    async def post(
        self,
        path: str,
        data: Mapping[str, Any] | None = None,
        *,
        access_token: str | None = None,
        account_id: str | None = None,
    ) -> Any:
        """POST form data; returns the decoded JSON (an object, or a list for a batch)."""
        return await self._with_retries(self._call("POST", path, data, account_id), access_token)

    async def iter_pages(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        access_token: str | None = None,
        account_id: str | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """Yield each page's ``data``; follows ``paging.next`` until it is absent."""
        call = self._call("GET", path, params, account_id)
        page = _expect_object(await self._with_retries(call, access_token), call)
        yield _page_data(page, call)
        async for data in self._following(call, page, access_token):
            yield data

    async def follow_pages(
        self,
        page: Mapping[str, Any],
        path: str,
        *,
        access_token: str | None = None,
        account_id: str | None = None,
    ) -> AsyncIterator[list[dict[str, Any]]]:
        """The pages after ``page``, one already read elsewhere (an edge expanded on its node,
        whose ``next`` is the plain ``path`` request): yields each following page's ``data``."""
        call = self._call("GET", path, None, account_id)
        async for data in self._following(call, page, access_token):
            yield data

    async def _following(
        self, call: _Call, page: Mapping[str, Any], access_token: str | None
    ) -> AsyncIterator[list[dict[str, Any]]]:
        while True:
            next_url = (page.get("paging") or {}).get("next")
            if not isinstance(next_url, str) or not next_url:
                return
            following = self._next_call(call, next_url)
            if following == call:
                raise UnexpectedResponseError(f"paging.next repeats the page: {call.log_path}")
            call = following
            page = _expect_object(await self._with_retries(call, access_token), call)
            yield _page_data(page, call)

    async def get_all(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        access_token: str | None = None,
        account_id: str | None = None,
    ) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        pages = self.iter_pages(path, params, access_token=access_token, account_id=account_id)
        async for page in pages:
            rows.extend(page)
        return rows

    def _call(
        self, method: str, path: str, params: Mapping[str, Any] | None, account_id: str | None
    ) -> _Call:
        account = account_id or account_of(path)
        return _Call(
            method, self.url(path), encode_params(params), account, use_case_of(path), path
        )

    def _next_call(self, call: _Call, next_url: str) -> _Call:
        """The next page, sent to our base URL: Meta's ``next`` embeds the token, drop it."""
        url = httpx.URL(next_url)
        params = {k: v for k, v in url.params.multi_items() if k not in SECRET_PARAMS}
        base = httpx.URL(self.base_url)
        target = str(base.copy_with(path=url.path, query=None))
        return _Call(call.method, target, params, call.account_id, call.use_case, call.log_path)

    async def _with_retries(self, call: _Call, access_token: str | None) -> Any:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.retry.attempts),
            wait=wait_exponential_jitter(
                multiplier=self.retry.initial_seconds,
                max=self.retry.max_seconds,
                jitter=self.retry.jitter_seconds,
            ),
            retry=retry_if_exception_type(TransientError),
            sleep=self.sleep,
            reraise=True,
            before_sleep=_log_retry(call),
        )
        return await retrying(self._send_once, call, access_token)

    async def _send_once(self, call: _Call, access_token: str | None) -> Any:
        if self.governor is not None:
            await self.governor.before_call(call.account_id, call.use_case)
        params = call.params | self.auth_params(access_token)
        started = SYSTEM_CLOCK.monotonic()
        try:
            if call.method == "GET":
                response = await self.http.get(call.url, params=params, timeout=self.timeout)
            else:
                response = await self.http.post(call.url, data=params, timeout=self.timeout)
        except httpx.RequestError as exc:
            raise graph_error_from_transport(exc) from None
        await self._after_response(call, response, SYSTEM_CLOCK.monotonic() - started)
        return response.json()

    async def _after_response(self, call: _Call, response: httpx.Response, elapsed: float) -> None:
        if self.governor is not None:
            await self.governor.observe(response.headers, call.account_id)
        err = classify(
            response.status_code, response.content, response.headers, account_id=call.account_id
        )
        fields: dict[str, Any] = {"graph_method": call.method, "graph_path": redact(call.log_path)}
        fields |= {"http_status": response.status_code, "duration_ms": round(elapsed * 1000)}
        if err is None:
            log.debug("graph call", extra=fields)
            return
        log.warning("graph error", extra=fields | err.log_fields())
        if isinstance(err, ThrottledError) and self.governor is not None:
            await self.governor.observe_throttle(err, call.account_id)
        raise err


def _expect_object(value: Any, call: _Call) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise UnexpectedResponseError(f"expected a JSON object from {redact(call.log_path)}")
    return value


def _page_data(page: Mapping[str, Any], call: _Call) -> list[dict[str, Any]]:
    data = page.get("data")
    if not isinstance(data, list):
        raise UnexpectedResponseError(f"page without a data list: {call.log_path}")
    return data


def _log_retry(call: _Call) -> Callable[[RetryCallState], None]:
    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        fields = exc.log_fields() if isinstance(exc, GraphError) else {}
        log.info(
            "graph retry",
            extra=fields
            | {
                "graph_path": redact(call.log_path),
                "attempt": state.attempt_number,
                "sleep_seconds": round(state.upcoming_sleep, 3),
            },
        )

    return before_sleep
