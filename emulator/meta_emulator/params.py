"""Parameter values as Graph parses them: lists as comma lists or JSON arrays, booleans, JSON.

Meta's own SDK JSON-encodes every non-string value (``fields=["ad_id","spend"]``,
``summary=true``, ``time_range={"since":..}``); hand-written clients send comma lists
(``fields=ad_id,spend``). Graph accepts both for every list parameter, and so does the emulator.
"""

from __future__ import annotations

import json
from typing import Any

from meta_emulator.errors import invalid


def json_param(params: dict[str, str], name: str) -> Any:
    try:
        return json.loads(params[name])
    except (ValueError, KeyError):
        raise invalid(f"Param {name} must be a JSON value") from None


def list_param(params: dict[str, str], name: str) -> tuple[str, ...] | None:
    """A list parameter's items (``None`` when absent): ``a,b`` or ``["a","b"]`` alike."""
    raw = params.get(name)
    if raw is None:
        return None
    text = raw.strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            raise invalid(f"Param {name} must be an array or a comma-separated list") from None
        if not isinstance(items, list) or not all(isinstance(i, str | int) for i in items):
            raise invalid(f"Param {name} must be an array of strings")
        return tuple(str(i).strip() for i in items if str(i).strip())
    return tuple(part.strip() for part in text.split(",") if part.strip())


def bool_param(params: dict[str, str], name: str, default: bool = False) -> bool:
    """``true``/``false`` (also ``1``/``0``), as the SDK and curl send booleans."""
    raw = params.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0", ""):
        return False
    raise invalid(f"Param {name} must be a boolean")


def fields_text(raw: str | None) -> str | None:
    """A ``fields`` value as the expansion grammar reads it: a JSON array becomes a comma list
    (``["id","campaigns{id}"]`` -> ``id,campaigns{id}``)."""
    if raw is None or not raw.strip().startswith("["):
        return raw
    items = list_param({"fields": raw}, "fields") or ()
    return ",".join(items)
