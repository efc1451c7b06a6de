"""One database boundary: the Python product runs SQL only in ``metasync/db/``.

Every module of ``worker/metasync`` outside ``db/`` (and the benchmarks' ``bench/``, whose
throwaway-database setup and measuring queries are their own) is scanned for

- calls that run SQL: ``.execute(``, ``.executemany(``, ``.cursor(``, ``.copy(`` (except the
  ``copy`` module's), ``.notifies(`` is allowed: it only reads what LISTEN delivers;
- ``psycopg.sql`` composition (``sql.SQL(``, ``sql.Identifier(``, ...);
- string literals that are SQL statements (docstrings excepted).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "worker" / "metasync"
ALLOWED = ("db", "bench")
# The webhook event queue still runs its own statements until it becomes SQL functions (like the
# chunk queue). Only these files; once one is clean, it must leave this list.
PENDING = {"server/deliveries.py", "server/processing.py"}
RUNS_SQL = {"execute", "executemany", "cursor", "copy"}
COMPOSES_SQL = {"SQL", "Identifier", "Literal", "Composed", "Placeholder"}
STATEMENT = re.compile(
    r"(?is)^\s*(select\s|insert\s+into\s|update\s+\S+\s+set\s|delete\s+from\s"
    r"|with\s+\w+\s+as\s*\(|(un)?listen\s+[\w{}]+\s*$|notify\s+[\w{}]+|truncate\s|call\s"
    r"|(create|alter|drop)\s+(temp\s+|temporary\s+)?(table|database|schema|index|function|role"
    r"|extension|view|trigger)\b|copy\s.*\bfrom\s+stdin)"
)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _call_problem(node: ast.Call) -> str | None:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value.id if isinstance(func.value, ast.Name) else None
    if func.attr in RUNS_SQL and not (func.attr == "copy" and receiver == "copy"):
        return f".{func.attr}() runs SQL"
    if func.attr in COMPOSES_SQL and receiver == "sql":
        return f"sql.{func.attr}() composes SQL"
    return None


def _is_statement(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and STATEMENT.match(node.value) is not None
    )


def violations(source: str, name: str) -> list[str]:
    """``name:line: why`` for every SQL execution or statement in ``source``."""
    tree = ast.parse(source, name)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        why = None
        if isinstance(node, ast.Call):
            why = _call_problem(node)
        elif _is_statement(node) and id(node) not in docstrings:
            why = f"SQL statement {str(node.value).strip()[:40]!r}"
        if why:
            found.append(f"{name}:{getattr(node, 'lineno', 0)}: {why}")
    return found


def product_modules() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in ALLOWED
    ]


def _scan() -> dict[str, list[str]]:
    found = {}
    for path in product_modules():
        name = path.relative_to(PACKAGE).as_posix()
        found[name] = violations(path.read_text(encoding="utf-8"), name)
    return found


def test_the_product_runs_sql_only_in_the_db_package() -> None:
    found = _scan()
    assert len(found) > 40, "the scan found too few modules: wrong package path?"
    outside = [v for name, vs in found.items() if name not in PENDING for v in vs]
    assert not outside, "SQL outside metasync/db/:\n" + "\n".join(outside)


def test_the_pending_list_holds_only_files_that_still_run_sql() -> None:
    found = _scan()
    clean = sorted(name for name in PENDING if not found.get(name))
    assert not clean, f"{clean} run no SQL any more: remove them from PENDING"


PLANTED = '''
"""A module docstring may say: select * from meta_sync.meta_sync_status."""
import copy

async def status(conn):
    """So may a function's: update meta_sync.x set y = 1."""
    cur = await conn.execute("select 1")
    async with conn.cursor() as c:
        await c.execute(QUERY)
    shallow = copy.copy(conn)
    return sql.SQL("listen {}").format(sql.Identifier("x")), shallow

QUERY = """
insert into meta_sync.organizations (name) values (%s)
"""
LOG = "update_meta_sync_status failed"
NAME = "meta_sync.enqueue_due_syncs"
'''


def test_the_scan_finds_planted_sql_and_ignores_docstrings_and_names() -> None:
    found = violations(PLANTED, "planted.py")
    reasons = [f.split(": ", 1)[1] for f in found]
    assert reasons.count(".execute() runs SQL") == 2
    assert ".cursor() runs SQL" in reasons
    assert "sql.SQL() composes SQL" in reasons and "sql.Identifier() composes SQL" in reasons
    assert any(r.startswith("SQL statement 'select 1'") for r in reasons)
    assert any("insert into meta_sync.organizations" in r for r in reasons)
    assert any(r.startswith("SQL statement 'listen {}'") for r in reasons)
    assert len(found) == 8, found  # not copy.copy, not the docstrings, the log text, the name
