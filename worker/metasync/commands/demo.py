"""``metasync demo``: onboard emulated accounts end to end and check them against ground truth."""

from __future__ import annotations

from typing import Annotated

import typer

from metasync.settings import get_settings


def demo_command(
    accounts: Annotated[
        int | None,
        typer.Option(
            "--accounts",
            min=0,
            help="Agency accounts of the emulator's demo world to connect (default: all five).",
        ),
    ] = None,
    large: Annotated[
        bool, typer.Option("--large/--no-large", help="Also the large account (1000 ads).")
    ] = True,
    latency_ms: Annotated[
        float, typer.Option("--latency-ms", min=0, help="Mean emulated latency per call.")
    ] = 100.0,
    report_seconds: Annotated[
        float, typer.Option("--report-seconds", min=0, help="Duration of an async report run.")
    ] = 3.0,
    workers: Annotated[
        int, typer.Option("--workers", min=1, max=8, help="Workers run in process.")
    ] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the emulator's demo world.")] = 7,
    timeout_seconds: Annotated[
        float, typer.Option("--timeout-seconds", min=1, help="Give up waiting after this long.")
    ] = 600.0,
    per_account: Annotated[
        int, typer.Option("--per-account-concurrency", min=1, max=32, help="Chunks per account.")
    ] = 4,
    serve_console: Annotated[
        bool,
        typer.Option(
            "--console",
            help="Afterwards keep serving the console on the demo's database (prints the URL"
            " and how to sign in; Ctrl-C stops it).",
        ),
    ] = False,
    console_port: Annotated[
        int | None,
        typer.Option("--console-port", min=1, max=65535, help="Default METASYNC_SERVE_PORT."),
    ] = None,
) -> None:
    """Embedded Postgres + the Meta emulator: connect, sync phase 1 and 2 live, verify.

    Every run starts clean: the metasync_demo database of the embedded cluster is dropped
    (ending its sessions) and created again, then migrated. No other database of the cluster is
    touched. One demo at a time per cluster: a second one exits 2 while the first runs.
    """
    from meta_emulator.presets import DEMO_AGENCY_ACCOUNTS
    from metasync.demo import DemoOptions, run_demo

    if accounts is not None and accounts > DEMO_AGENCY_ACCOUNTS:
        raise typer.BadParameter(
            f"the demo world has {DEMO_AGENCY_ACCOUNTS} agency accounts", param_hint="--accounts"
        )

    options = DemoOptions(accounts, large, latency_ms, report_seconds, seed, workers,
                          timeout_seconds, per_account, serve_console, console_port)  # fmt: skip
    raise typer.Exit(run_demo(get_settings(), options))
