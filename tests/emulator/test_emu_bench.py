"""``metasync bench emulator`` runs and reports every preset and both serving paths (the
numbers themselves are for BENCHMARKS.md, not asserted)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from meta_emulator.presets import PRESETS
from metasync.cli import app


def test_bench_emulator_reports_builds_and_page_rates(tmp_path: Path) -> None:
    out = tmp_path / "emulator.json"
    result = CliRunner().invoke(app, ["bench", "emulator", "--runs", "1", "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert set(data["builds"]) == set(PRESETS)
    assert data["builds"]["large"]["ads"] == 1000
    assert set(data["rows_per_second"]) == {"in_process", "http"}
    assert all(len(seconds) == 2 for seconds in data["page_seconds"].values())
