"""Account listings (``/me``, ``/me/adaccounts``, business edges), account fields, page requests."""

from __future__ import annotations

from typing import Any

from meta_emulator.errors import invalid
from meta_emulator.nodes import parse_fields, render, when
from meta_emulator.objectfields import account_extras
from meta_emulator.paging import Cursor, PageRequest, paginate
from meta_emulator.runtime import Runtime
from meta_emulator.world import AccountWorld


def page_request(
    rt: Runtime, base: str, path: str, params: dict[str, str], fingerprint: str, now: float
) -> PageRequest:
    try:
        limit = int(params.get("limit", rt.config.page_size))
    except ValueError:
        raise invalid("Param limit must be an integer") from None
    after, before = (
        Cursor.decode(params[name], fingerprint, now, rt.config.cursor_ttl_s)
        if name in params
        else None
        for name in ("after", "before")
    )
    kept = {k: v for k, v in params.items() if k not in ("after", "before", "limit")}
    f = rt.faults.faults
    return PageRequest(
        f"{base}{path}",
        kept,
        max(1, limit),
        after,
        rt.seed,
        f.short_page,
        f.empty_page,
        now,
        before,
    )


def account_values(
    rt: Runtime, aw: AccountWorld, fields: tuple[str, ...], now: float
) -> dict[str, Any]:
    acc = aw.account
    offset = rt.now_local(aw).utcoffset()
    values: dict[str, Any] = {
        "id": acc.node_id,
        "account_id": acc.id,
        "name": acc.name,
        "currency": acc.currency,
        "timezone_name": acc.timezone,
        "account_status": acc.status,
        "created_time": when(aw, acc.created),
        "timezone_offset_hours_utc": offset.total_seconds() / 3600 if offset else 0.0,
        "disable_reason": 0,
        "business": {"id": acc.business_id, "name": rt.world.businesses[acc.business_id].name},
    }
    if "amount_spent" in fields:
        values["amount_spent"] = str(rt.amount_spent(aw, now))
    business_name = rt.world.businesses[acc.business_id].name
    values.update(account_extras(aw, business_name, (now - acc.created) / 86400))
    return values


def _accounts_page(
    rt: Runtime,
    accounts: list[AccountWorld],
    path: str,
    params: dict[str, str],
    base: str,
    now: float,
) -> Any:
    fields = parse_fields(params.get("fields"), ("id", "account_id"))
    req = page_request(rt, base, path, params, path, now)
    return paginate(
        req,
        path,
        lambda start: (
            (i, render("account", account_values(rt, accounts[i], fields, now), fields))
            for i in range(start, len(accounts))
        ),
    )


def me(rt: Runtime, parts: list[str], params: dict[str, str], base: str, now: float) -> Any:
    if len(parts) == 1:
        return {"id": rt.creds.user_id, "name": "Emulated System User"}
    if parts[1] == "adaccounts":
        return _accounts_page(
            rt, list(rt.world.accounts.values()), "/me/adaccounts", params, base, now
        )
    if parts[1] == "businesses":
        data = [{"id": b.id, "name": b.name} for b in rt.world.businesses.values()]
        return {"data": data, "paging": {"cursors": {"before": "MA", "after": "MA"}}}
    raise invalid(f"Unknown path components: /{parts[1]}")


def business(rt: Runtime, parts: list[str], params: dict[str, str], base: str, now: float) -> Any:
    biz = rt.world.businesses[parts[0]]
    if len(parts) == 1:
        return {"id": biz.id, "name": biz.name, "created_time": str(int(biz.created))}
    if parts[1] not in ("owned_ad_accounts", "client_ad_accounts"):
        raise invalid(f"Unknown path components: /{parts[1]}")
    owned = [aw for aw in rt.world.accounts.values() if aw.account.business_id == biz.id]
    accounts = owned if parts[1] == "owned_ad_accounts" else []
    return _accounts_page(rt, accounts, f"/{biz.id}/{parts[1]}", params, base, now)
