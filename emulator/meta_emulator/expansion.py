"""Field expansion: edges read inside a node's ``fields`` (one call), as the Graph API allows.

``GET /act_X?fields=name,campaigns.limit(500).filtering([...]){id,name},ads{id,creative{id}}``

Grammar (a recursive descent; anything else is Meta's code 100 "Syntax error")::

    fields   := item ("," item)*
    item     := name ("." name "(" argument ")")* ("{" fields "}")?
    argument := text whose (), [] and {} balance outside JSON strings ("..." with \\ escapes)

Each ``.name(argument)`` becomes the edge parameter ``name=argument`` (``limit``, ``filtering``,
``effective_status``, ``after``, ...) and the braces become its ``fields``, so an expanded edge is
served exactly like the plain edge request ``/<node>/<edge>?fields=..&limit=..&filtering=..``:
same validation, filtering, statuses, errors and paging, whose ``next`` is the full URL of that
plain request. An edge that has no data at all (empty and no ``next``) is left out of the node, as
Meta leaves out empty connections; an empty page that still has a ``next`` (a paging quirk) is
kept. ``insights`` cannot be expanded here (use the edge). The whole node is one call.

Object fields that reference another node (an ad's ``adset`` and ``campaign``, an ad set's
``campaign``) expand the same way: ``adset{id,name}`` is that ad set rendered exactly as the
by-id read ``/<adset_id>?fields=id,name`` renders it (same visibility, deleted included, same
code 100 for an unknown field), inside the same call; bare, ``adset`` is ``{"id": ...}``.
"""

from __future__ import annotations

from dataclasses import dataclass

from meta_emulator.errors import ErrorReply, invalid

EDGE_NAMES = frozenset({"campaigns", "adsets", "ads", "adcreatives"})
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
CLOSERS = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True)
class Item:
    """One entry of ``fields``: a name, its ``.param(value)`` modifiers, the raw ``{...}`` text."""

    name: str
    modifiers: tuple[tuple[str, str], ...] = ()
    nested: str | None = None


class _Parser:
    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def fail(self, expected: str) -> ErrorReply:
        found = repr(self.text[self.pos]) if self.pos < len(self.text) else "end of string"
        return invalid(
            f'Syntax error "Expected {expected} instead of {found}." at character {self.pos}: '
            f"{self.text}"
        )

    def skip_spaces(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] == " ":
            self.pos += 1

    def peek(self) -> str:
        self.skip_spaces()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def items(self, closing: str) -> list[Item]:
        out = [self.item()]
        while self.peek() == ",":
            self.pos += 1
            out.append(self.item())
        if self.peek() != closing:
            raise self.fail("end of string" if not closing else f"{closing!r}")
        return out

    def name(self) -> str:
        self.skip_spaces()
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] in NAME_CHARS:
            self.pos += 1
        if start == self.pos:
            raise self.fail("a field name")
        return self.text[start : self.pos]

    def item(self) -> Item:
        name, modifiers = self.name(), []
        while self.peek() == ".":
            self.pos += 1
            param = self.name()
            if self.peek() != "(":
                raise self.fail("'('")
            modifiers.append((param, self.argument()))
        nested = None
        if self.peek() == "{":
            self.pos += 1
            start = self.pos
            self.items("}")
            nested = self.text[start : self.pos].strip()
            self.pos += 1
        return Item(name, tuple(modifiers), nested)

    def argument(self) -> str:
        """The text between ``(`` (at ``pos``) and its matching ``)``."""
        start, stack = self.pos + 1, [")"]
        self.pos += 1
        while stack:
            if self.pos >= len(self.text):
                raise self.fail(repr(stack[-1]))
            ch = self.text[self.pos]
            if ch == '"':
                self.string()
                continue
            if ch in CLOSERS:
                stack.append(CLOSERS[ch])
            elif ch in ")]}" and ch != stack.pop():
                raise self.fail("balanced brackets")
            self.pos += 1
        return self.text[start : self.pos - 1].strip()

    def string(self) -> None:
        self.pos += 1
        while self.pos < len(self.text) and self.text[self.pos] != '"':
            self.pos += 2 if self.text[self.pos] == "\\" else 1
        if self.pos >= len(self.text):
            raise self.fail("'\"'")
        self.pos += 1


def parse_items(raw: str) -> list[Item]:
    """The top-level items of a ``fields`` value; malformed text raises code 100."""
    return _Parser(raw).items("")


@dataclass(frozen=True)
class Selection:
    """A node's ``fields``: its own field names, the edges to expand, and the object fields
    given a ``{...}`` selection (their names are among ``own`` too: bare, they are ``{"id"}``)."""

    own: tuple[str, ...]
    edges: tuple[Item, ...] = ()
    objects: tuple[Item, ...] = ()


def split_fields(
    raw: str | None,
    default: tuple[str, ...],
    edges: tuple[str, ...],
    objects: frozenset[str] = frozenset(),
) -> Selection:
    """A bare edge name is an expansion too. An object field named in ``objects`` keeps its
    ``{subfields}``; any other object field (``creative{id}``, ``business{id,name}``) counts by
    its name, as before."""
    if not raw or not raw.strip():
        return Selection(default)
    own: list[str] = []
    expanded: list[Item] = []
    nested: list[Item] = []
    for item in parse_items(raw):
        if item.name in edges:
            expanded.append(item)
        elif item.name == "insights":
            raise invalid("The emulator does not expand insights; use the /insights edge")
        else:
            own.append(item.name)
            if item.name in objects and item.nested is not None:
                nested.append(item)
    return Selection(tuple(own), tuple(expanded), tuple(nested))


def edge_params(item: Item, params: dict[str, str]) -> dict[str, str]:
    """The plain request an expansion stands for (the edge's, or the by-id read of an object
    field's object): its modifiers, its fields, and the node call's credentials (so ``next`` is
    the full URL, as Meta prints it)."""
    out = {k: v for k, v in params.items() if k in ("access_token", "appsecret_proof")}
    out.update(dict(item.modifiers))
    if item.nested is not None:
        out["fields"] = item.nested
    return out


def expands(raw: str | None) -> bool:
    """Whether ``fields`` expands an edge (for the call's kind in statistics); never raises."""
    if not raw:
        return False
    try:
        return any(i.name in EDGE_NAMES for i in parse_items(raw))
    except ErrorReply:
        return False
