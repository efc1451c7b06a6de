"""A node read with its edges expanded: the first page of every edge in ONE call.

``GET /act_X?fields=id,campaigns.limit(500).filtering([...]){id,name},ads.limit(500){...}``
answers each edge as ``{"data": [...], "paging": {..., "next": <plain edge URL>}}``, or leaves
an edge out when it has no data (Graph API field expansion). Each edge's following pages are
then read with the client's ordinary paging (``next`` only), the edges side by side (each edge's
pages in order: a cursor leads to the next). An edge may be read to its end (``follow``) or only
as far as its first page, which costs nothing extra.

When Meta refuses the combined call as too much data (code 1 "reduce the amount of data" or
100/1487534), every edge is read on its own, as plain edge requests: more calls, same rows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from metasync.graph.client import GraphClient
from metasync.graph.encoding import encode_params
from metasync.graph.errors import TooMuchDataError, UnexpectedResponseError

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class EdgeRequest:
    """One edge to expand: its fields, its parameters (``limit``, ``filtering``, ...)."""

    edge: str
    fields: Sequence[str]
    params: Mapping[str, Any] = field(default_factory=dict)
    follow: bool = True  # read every page; False: the first page only

    def expansion(self) -> str:
        """``edge.limit(500).filtering([...]){f1,f2}`` (values encoded as in a query)."""
        modifiers = "".join(f".{k}({v})" for k, v in encode_params(self.params).items())
        return f"{self.edge}{modifiers}{{{','.join(self.fields)}}}"

    def plain_params(self) -> dict[str, Any]:
        return {"fields": list(self.fields), **self.params}


@dataclass
class ExpandedNode:
    node: dict[str, Any]  # the node's own fields
    rows: dict[str, Rows] = field(default_factory=dict)  # edge -> rows read
    complete: dict[str, bool] = field(default_factory=dict)  # edge -> read to its last page


async def read_with_edges(
    graph: GraphClient,
    path: str,
    fields: Sequence[str],
    edges: Sequence[EdgeRequest],
    *,
    access_token: str | None = None,
    account_id: str | None = None,
) -> ExpandedNode:
    """The node's ``fields`` and every edge's rows: one call, plus one per following page."""
    params = {"fields": ",".join([*fields, *(e.expansion() for e in edges)])}
    try:
        body = await graph.get(path, params, access_token=access_token, account_id=account_id)
    except TooMuchDataError:
        return await _edge_by_edge(graph, path, fields, edges, access_token, account_id)
    names = {e.edge for e in edges}
    out = ExpandedNode({k: v for k, v in body.items() if k not in names})
    firsts = [_first_page(body, req.edge, path) for req in edges]
    follows = [
        _follow(graph, first, f"{path}/{req.edge}", access_token, account_id)
        if req.follow else _rows_of(first)
        for req, first in zip(edges, firsts, strict=True)
    ]  # fmt: skip
    for req, first, rows in zip(edges, firsts, await asyncio.gather(*follows), strict=True):
        out.rows[req.edge] = rows
        out.complete[req.edge] = req.follow or not _has_next(first)
    return out


def _first_page(body: Mapping[str, Any], edge: str, path: str) -> dict[str, Any]:
    first = body.get(edge) or {"data": []}
    if not isinstance(first, dict) or not isinstance(first.get("data"), list):
        raise UnexpectedResponseError(f"expanded edge {edge} is not a page: {path}")
    return first


async def _rows_of(first: Mapping[str, Any]) -> Rows:
    return list(first["data"])


async def _follow(
    graph: GraphClient,
    first: Mapping[str, Any],
    edge_path: str,
    access_token: str | None,
    account_id: str | None,
) -> Rows:
    """The first page's rows and every following page's, in order."""
    rows: Rows = list(first["data"])
    pages = graph.follow_pages(first, edge_path, access_token=access_token, account_id=account_id)
    async for data in pages:
        rows.extend(data)
    return rows


async def _edge_by_edge(
    graph: GraphClient,
    path: str,
    fields: Sequence[str],
    edges: Sequence[EdgeRequest],
    access_token: str | None,
    account_id: str | None,
) -> ExpandedNode:
    """The fallback: the node alone, then each edge as its plain request."""
    auth: dict[str, Any] = {"access_token": access_token, "account_id": account_id}
    out = ExpandedNode(await graph.get(path, {"fields": list(fields)}, **auth))
    for req in edges:
        edge_path = f"{path}/{req.edge}"
        if req.follow:
            out.rows[req.edge] = await graph.get_all(edge_path, req.plain_params(), **auth)
            out.complete[req.edge] = True
        else:
            first = await graph.get(edge_path, req.plain_params(), **auth)
            out.rows[req.edge] = list(first.get("data") or [])
            out.complete[req.edge] = not _has_next(first)
    return out


def _has_next(page: Mapping[str, Any]) -> bool:
    return bool((page.get("paging") or {}).get("next"))
