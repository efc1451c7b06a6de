"""The HTML of Connect with Meta: small server-rendered pages, every value escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import urlencode

from starlette.responses import HTMLResponse

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · meta-sync</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""
_NO_STORE = {"cache-control": "no-store", "x-frame-options": "DENY"}


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    html = _PAGE.format(title=escape(title), body=body)
    return HTMLResponse(html, status_code=status, headers=_NO_STORE)


def message(title: str, text: str, status: int, *, again: str | None = None) -> HTMLResponse:
    """A page that says what happened, with a way to start again when there is one."""
    link = f'<p><a href="{escape(again)}">Start again</a></p>' if again else ""
    return page(title, f'<p role="alert">{escape(text)}</p>{link}', status)


def connect_url(organization_id: str, *, rerequest: bool = False, connection: str = "") -> str:
    params = {"org": organization_id}
    if rerequest:
        params["rerequest"] = "1"
    if connection:
        params["connection"] = connection
    return "/connect/meta?" + urlencode(params)


def missing_permissions(missing: Sequence[str], again: str) -> HTMLResponse:
    items = "".join(f"<li>{escape(s)}</li>" for s in missing)
    body = (
        "<p>Meta did not grant every permission meta-sync needs; nothing was connected.</p>"
        f"<ul>{items}</ul>"
        f'<p><a href="{escape(again)}">Ask again on Meta</a></p>'
    )
    return page("Permission missing", body, 403)


def _account_row(account: Mapping[str, Any], owner: tuple[str, bool] | None) -> str:
    act = escape(str(account["id"]))
    name = escape(str(account.get("name") or ""))
    if owner is None:
        state, attrs = "not connected", ""
    elif owner[1]:
        state, attrs = f"connected to {escape(owner[0])}", " checked"
    else:
        state, attrs = f"belongs to organisation {escape(owner[0])}", " disabled"
    details = " · ".join(
        escape(str(account.get(k) or "")) for k in ("currency", "timezone_name", "business_name")
    )
    return (
        f'<li><label><input type="checkbox" name="account" value="{act}"{attrs}> '
        f"<strong>{name}</strong> <code>{act}</code></label> "
        f"<small>{details} · status {escape(str(account.get('account_status')))}</small> "
        f'<em data-state="{act}">{state}</em></li>'
    )


def picker(
    organization: str,
    grant_id: str,
    csrf: str,
    accounts: Sequence[Mapping[str, Any]],
    owners: Mapping[str, tuple[str, bool]],
) -> HTMLResponse:
    """A checkbox per account; another organisation's account is shown and cannot be picked."""
    rows = "".join(_account_row(a, owners.get(str(a["id"]))) for a in accounts)
    if not accounts:
        text = "Meta lists no ad account this login can read; nothing was connected."
        return message("No ad account", text, 200, again=connect_url(organization))
    body = (
        f"<p>Pick the ad accounts to connect to <strong>{escape(organization)}</strong>.</p>"
        '<form method="post" action="/connect/meta/accounts">'
        f'<input type="hidden" name="grant" value="{escape(grant_id)}">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}">'
        f"<fieldset><legend>Ad accounts</legend><ul>{rows}</ul></fieldset>"
        '<button type="submit">Connect the picked accounts</button></form>'
    )
    return page("Pick ad accounts", body)


def reconnected(label: str, accounts: int, waiting: int) -> HTMLResponse:
    body = (
        f"<p>The connection <strong>{escape(label)}</strong> has a new token; its {accounts}"
        f" account(s) sync again and {waiting} waiting job(s) resume.</p>"
        '<p><a href="/connect/meta/attention">Connections that need attention</a></p>'
    )
    return page("Reconnected", body)


def _reconnect_link(row: Mapping[str, Any]) -> str:
    url = connect_url(str(row["organization_id"]), connection=str(row["connection_id"]),
                      rerequest=row["reason"] == "permission_missing")  # fmt: skip
    return f'<a href="{escape(url)}">Reconnect</a>'


def _attention_row(r: Mapping[str, Any]) -> str:
    cells = (
        r["organization_name"], r["label"], r["reason"], r["expires_at"] or "never",
        r["data_access_expires_at"] or "-", ", ".join(r["missing_scopes"]), r["accounts"],
        r["waiting_jobs"],
    )  # fmt: skip
    tds = "".join(f"<td>{escape(str(c))}</td>" for c in cells)
    cid = escape(str(r["connection_id"]))
    return f'<tr data-connection="{cid}">{tds}<td>{_reconnect_link(r)}</td></tr>'


def attention(rows: Sequence[Mapping[str, Any]]) -> HTMLResponse:
    items = "".join(_attention_row(r) for r in rows)
    head = ("<tr><th>Organisation</th><th>Connection</th><th>Why</th><th>Token expires</th>"
            "<th>Data access expires</th><th>Missing</th><th>Accounts</th><th>Waiting jobs</th>"
            "<th></th></tr>")  # fmt: skip
    body = f"<table>{head}{items}</table>" if rows else "<p>Every connection is fine.</p>"
    return page("Connections that need attention", body)


def deletion_status(row: Mapping[str, Any]) -> HTMLResponse:
    done = row["status"] == "completed"
    body = (
        f"<p>Confirmation code <code>{escape(str(row['confirmation_code']))}</code>.</p>"
        f"<p>Status: <strong>{escape(str(row['status']))}</strong> (received "
        f"{escape(str(row['requested_at']))}"
        + (f", completed {escape(str(row['completed_at']))}" if done else "")
        + ").</p>"
        f"<p>Deleted: {row['connections_deleted']} Meta connection(s) (access tokens) and "
        f"{row['accounts_deleted']} ad account(s) with the data synced for them.</p>"
    )
    return page("Data deletion request", body)
