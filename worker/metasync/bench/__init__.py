"""``metasync bench``: benchmark commands that print numbers (not timed tests)."""

from __future__ import annotations

import typer

from metasync.bench import scheduler as _scheduler

app = typer.Typer(
    help="Benchmarks: print numbers, change nothing but a throwaway database.", no_args_is_help=True
)
app.command("scheduler")(_scheduler.scheduler)

from metasync.bench import onboarding as _onboarding  # noqa: E402

app.command("onboarding")(_onboarding.onboarding)

from metasync.bench import fleet_day as _fleet_day  # noqa: E402
from metasync.bench import ingest as _ingest  # noqa: E402
from metasync.bench import workers as _workers  # noqa: E402

app.command("ingest")(_ingest.ingest)
app.command("fleet-day")(_fleet_day.fleet_day)
app.command("workers")(_workers.workers)

from metasync.bench import emulator as _emulator  # noqa: E402
from metasync.bench import manual_range as _manual_range  # noqa: E402

app.command("emulator")(_emulator.emulator)
app.command("manual-range")(_manual_range.manual_range)

from metasync.bench import kpi as _kpi  # noqa: E402

app.command("kpi")(_kpi.kpi)

from metasync.bench import console_streams as _console_streams  # noqa: E402

app.command("console-streams")(_console_streams.console_streams)

from metasync.bench import console_pages as _console_pages  # noqa: E402

app.command("console-pages")(_console_pages.console_pages)
