"""The demo's world: the emulator's ``demo`` preset, and which of its accounts a run connects."""

from __future__ import annotations

from datetime import UTC, datetime

from meta_emulator import Emulator
from metasync.demo import DEMO_WORLD, DemoOptions, build_emulator, demo_accounts

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
IDS = [f"act_{i}" for i in range(6)]


def test_the_default_demo_connects_exactly_the_world_the_emulator_serves() -> None:
    emu, accounts = build_emulator(DemoOptions(), NOW)

    assert accounts == emu.account_ids
    assert accounts == Emulator(DEMO_WORLD, seed=DemoOptions().seed, clock=NOW).account_ids
    assert len(accounts) == 6


def test_fewer_agency_accounts_and_no_large_one() -> None:
    assert demo_accounts(IDS, DemoOptions(accounts=2)) == ["act_0", "act_1", "act_5"]
    assert demo_accounts(IDS, DemoOptions(accounts=2, large=False)) == ["act_0", "act_1"]
    assert demo_accounts(IDS, DemoOptions(accounts=0)) == ["act_5"]
    assert demo_accounts(IDS, DemoOptions(accounts=9, large=False)) == IDS[:5]
