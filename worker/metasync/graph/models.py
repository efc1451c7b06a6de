"""pydantic models for the Meta JSON the sync reads, validated at the edge.

Meta sends numbers as strings and datetimes as ``2023-03-21T22:41:46-0700``; both are parsed
here. Unknown keys are ignored (the raw dict is kept by the caller). Garbage becomes an
:class:`UnexpectedResponseError` through :func:`parse` / :func:`parse_many`, never a bare
``ValidationError`` in the middle of a write.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, ValidationError

from metasync.graph.errors import UnexpectedResponseError


def _blank_to_none(value: Any) -> Any:
    return None if value == "" else value


OptDecimal = Annotated[Decimal | None, BeforeValidator(_blank_to_none)]
OptInt = Annotated[int | None, BeforeValidator(_blank_to_none)]


class MetaModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class AdAccount(MetaModel):
    id: str = Field(pattern=r"^act_\d+$")
    account_id: str
    name: str | None = None
    currency: str | None = None
    timezone_name: str | None = None
    timezone_offset_hours_utc: float | None = None
    account_status: int | None = None
    created_time: datetime | None = None
    amount_spent: OptDecimal = None


class CreativeRef(MetaModel):
    id: str


class _Entity(MetaModel):
    id: str
    name: str | None = None
    status: str | None = None
    effective_status: str | None = None
    created_time: datetime | None = None
    updated_time: datetime | None = None
    issues_info: list[dict[str, Any]] | None = None


class Campaign(_Entity):
    account_id: str | None = None
    objective: str | None = None
    daily_budget: OptInt = None
    lifetime_budget: OptInt = None
    buying_type: str | None = None


class AdSet(_Entity):
    account_id: str | None = None
    campaign_id: str
    daily_budget: OptInt = None
    lifetime_budget: OptInt = None
    optimization_goal: str | None = None
    targeting: dict[str, Any] | None = None


class Ad(_Entity):
    account_id: str | None = None
    campaign_id: str
    adset_id: str
    creative: CreativeRef | None = None


class Creative(MetaModel):
    id: str
    name: str | None = None
    status: str | None = None
    object_type: str | None = None
    title: str | None = None
    body: str | None = None
    thumbnail_url: str | None = None
    effective_object_story_id: str | None = None


class ActionStat(MetaModel):
    """``{"action_type","value"}`` (+ per-window keys such as ``7d_click``, kept as extras)."""

    model_config = ConfigDict(frozen=True, extra="allow")
    action_type: str
    value: Decimal


class InsightRow(MetaModel):
    account_id: str | None = None
    campaign_id: str | None = None
    adset_id: str | None = None
    ad_id: str | None = None
    date_start: date
    date_stop: date
    account_currency: str | None = None
    impressions: int = 0
    clicks: int = 0
    inline_link_clicks: OptInt = None
    reach: OptInt = None
    frequency: OptDecimal = None
    spend: Decimal = Decimal(0)
    actions: list[ActionStat] = Field(default_factory=list)
    action_values: list[ActionStat] = Field(default_factory=list)
    cost_per_action_type: list[ActionStat] = Field(default_factory=list)
    purchase_roas: list[ActionStat] = Field(default_factory=list)

    def action(self, action_type: str) -> Decimal:
        """The total of one action type (0 when absent)."""
        return sum((a.value for a in self.actions if a.action_type == action_type), Decimal(0))

    def action_value(self, action_type: str) -> Decimal:
        values = self.action_values
        return sum((a.value for a in values if a.action_type == action_type), Decimal(0))


class DebugTokenData(MetaModel):
    app_id: str | None = None
    type: str | None = None
    application: str | None = None
    user_id: str | None = None
    is_valid: bool
    expires_at: int | None = None
    data_access_expires_at: int | None = None
    scopes: list[str] = Field(default_factory=list)

    @property
    def expires(self) -> datetime | None:
        """``None`` when the token never expires (``expires_at`` 0 or absent)."""
        return datetime.fromtimestamp(self.expires_at, UTC) if self.expires_at else None


class TokenExchange(MetaModel):
    access_token: SecretStr
    token_type: str | None = None
    expires_in: int | None = None


M = TypeVar("M", bound=BaseModel)


def _summary(exc: ValidationError) -> str:
    """Where and what, without the offending values (they may be large or sensitive)."""
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]]
    more = f" (+{exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
    return "; ".join(parts) + more


def parse(model: type[M], data: Any, *, what: str = "") -> M:
    """Validate one Meta object, or raise :class:`UnexpectedResponseError`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        label = what or model.__name__
        raise UnexpectedResponseError(f"unexpected {label} from Meta: {_summary(exc)}") from None


def parse_many(model: type[M], rows: Iterable[Any], *, what: str = "") -> list[M]:
    return [parse(model, row, what=what) for row in rows]
