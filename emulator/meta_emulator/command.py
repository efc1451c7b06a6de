"""``meta-emulator``: serve a world over HTTP (uvicorn) and print how to reach it."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from meta_emulator.clock import parse_time
from meta_emulator.config import EmulatorConfig, Faults


def parse_faults(spec: str | None, fault_rate: float) -> Faults:
    """``"transient=0.01,throttle=0.005"`` (plus ``--fault-rate`` as the transient rate)."""
    faults = Faults(transient=fault_rate)
    if not spec:
        return faults
    pairs = dict(item.split("=", 1) for item in spec.split(",") if item.strip())
    return faults.updated({k.strip(): float(v) for k, v in pairs.items()})


def emulator(
    port: Annotated[int, typer.Option(help="TCP port")] = 8787,
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    world: Annotated[str, typer.Option(help="small | agency | large | fleet | demo")] = "small",
    seed: Annotated[int, typer.Option(help="world seed")] = 1,
    token: Annotated[str | None, typer.Option(help="fix the system-user access token")] = None,
    latency_ms: Annotated[float, typer.Option(help="fixed latency per request")] = 0.0,
    jitter_ms: Annotated[float, typer.Option(help="random extra latency (seeded)")] = 0.0,
    fault_rate: Annotated[float, typer.Option(help="transient 500/503 rate")] = 0.0,
    faults: Annotated[str | None, typer.Option(help="class=rate,... (see Faults)")] = None,
    clock: Annotated[
        str | None, typer.Option(help="frozen start instant (ISO); default: wall clock")
    ] = None,
    quota_scale: Annotated[float, typer.Option(help="multiplies the BUC quotas")] = 1.0,
    tier: Annotated[
        str, typer.Option(help="standard_access | development_access")
    ] = "standard_access",
    require_proof: Annotated[bool, typer.Option(help="require appsecret_proof")] = True,
    report_run_s: Annotated[float, typer.Option(help="async report run duration")] = 2.0,
    report_race_rate: Annotated[
        float, typer.Option(help="share of report runs whose first poll answers 100/33")
    ] = 0.1,
    ad_account_usage_until: Annotated[
        str | None, typer.Option(help="last version sending X-Ad-Account-Usage (default: all)")
    ] = None,
) -> None:
    """Run the Meta Graph API emulator (Graph API + /__emulator control API)."""
    import uvicorn

    from meta_emulator.app import Emulator

    config = EmulatorConfig(
        token=token,
        latency_ms=latency_ms,
        jitter_ms=jitter_ms,
        faults=parse_faults(faults, fault_rate),
        quota_scale=quota_scale,
        access_tier=tier,
        require_appsecret_proof=require_proof,
        report_run_s=report_run_s,
        report_race_rate=report_race_rate,
        ad_account_usage_until=ad_account_usage_until,
    )
    emu = Emulator(world, seed, config, parse_time(clock) if clock else None)
    base = f"http://{host}:{port}"
    creds = emu.credentials
    summary = {
        "base_url": base,
        "graph_url": f"{base}/{config.versions[-1]}",
        "world": world,
        "seed": seed,
        "app_id": creds["app_id"],
        "app_secret": creds["app_secret"],
        "access_token": creds["access_token"],
        "accounts": len(creds["account_ids"]),
        "first_accounts": creds["account_ids"][:5],
        "control": f"{base}/__emulator/credentials",
    }
    typer.echo(json.dumps(summary, indent=2))
    uvicorn.run(emu.app, host=host, port=port, log_level="warning", access_log=False)


def main() -> None:
    """The ``meta-emulator`` console script."""
    typer.run(emulator)
