"""``metasync export``: KPI rows of one level and range to CSV or Parquet, in constant memory.

CSV is relayed from ``COPY ... TO STDOUT`` block by block; Parquet is written one row group per
batch of a server-side cursor (:mod:`metasync.db.export`). pyarrow is needed for Parquet only
(``pip install 'meta-sync[parquet]'``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from metasync.db.export import COLUMNS, Conn, ExportScope, batches, copy_csv, export_query

FORMATS = ("csv", "parquet")
DEFAULT_BATCH_ROWS = 50_000


class ExportError(Exception):
    """The export cannot run (missing pyarrow, bad output); nothing half-written is left."""


@dataclass(frozen=True)
class ExportResult:
    rows: int
    batches: int


async def export_csv(conn: Conn, scope: ExportScope, out: IO[bytes]) -> ExportResult:
    rows = await copy_csv(conn, export_query(scope), out.write)
    return ExportResult(rows, 1)


def parquet_schema() -> Any:
    pa = _pyarrow()
    money, count = pa.decimal128(38, 6), pa.int64()
    types = {
        "date": pa.date32(), "impressions": count, "clicks": count, "link_clicks": count,
        "reach": count, "fx_missing_currencies": pa.list_(pa.string()),
    }  # fmt: skip
    strings = {"level", "entity_id", "organization_id", "account_id", "currency"}
    return pa.schema(
        [(name, pa.string() if name in strings else types.get(name, money)) for name, _ in COLUMNS]
    )


async def export_parquet(
    conn: Conn, scope: ExportScope, path: Path, batch_rows: int = DEFAULT_BATCH_ROWS
) -> ExportResult:
    """Write ``path`` (via a temporary file renamed at the end: no half file on failure)."""
    pa, pq = _pyarrow(), _parquet()
    schema = parquet_schema()
    names = [name for name, _ in COLUMNS]
    partial = path.with_name(path.name + ".partial")
    rows = groups = 0
    try:
        with pq.ParquetWriter(str(partial), schema, compression="zstd") as writer:
            async for batch in batches(conn, export_query(scope), batch_rows):
                writer.write_table(_table(pa, schema, names, batch))
                rows, groups = rows + len(batch), groups + 1
            if groups == 0:
                writer.write_table(schema.empty_table())
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return ExportResult(rows, groups)


def _table(pa: Any, schema: Any, names: list[str], batch: list[tuple[Any, ...]]) -> Any:
    columns = list(zip(*batch, strict=True))
    arrays = [pa.array(c, type=schema.field(n).type) for n, c in zip(names, columns, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise ExportError(
            "Parquet needs pyarrow: pip install 'meta-sync[parquet]' (or use --format csv)"
        ) from None
    return pyarrow


def _parquet() -> Any:
    _pyarrow()
    import pyarrow.parquet

    return pyarrow.parquet
