"""A deterministic emulator of the Meta Graph (Marketing) API, to test, demo and benchmark against.

Python surface::

    from meta_emulator import Emulator, EmulatorConfig, Faults
    emu = Emulator(world="small", seed=1, config=EmulatorConfig(),
                   clock=datetime(2026, 3, 1, tzinfo=UTC))
    emu.app                       # the ASGI app (Graph API + control API)
    emu.client()                  # httpx.AsyncClient over httpx.ASGITransport (no sockets)
    emu.clock.now() / .set(dt) / .advance(timedelta | seconds); emu.clock = dt
    emu.credentials               # {app_id, app_secret, access_token, tokens, account_ids}
    emu.account_ids               # ["act_...", ...]
    emu.truth_entities("act_X")   # {"campaigns","adsets","ads","adcreatives"}: visible objects,
                                  #   archived and deleted included, all fields, as of the clock
    emu.truth_insights("act_X", since, until)  # ad-level daily rows exactly as the API prints
                                  #   them (TRUTH_FIELDS), deleted/archived ads included
    emu.truth_ad_status("act_X")  # {ad_id: effective_status}
    emu.stats / emu.call_log(n)   # counters (calls by kind/account, throttled, failed, batch items)
    emu.faults / emu.set_faults(transient=0.05, latency_ms=20)  # rates per class (`Faults`)
    emu.reset()                   # clock, stats, faults, quotas, runs, tokens back to the start
    await emu.deliver_webhooks(url, account_id=None, field="with_issues_ad_objects", count=10)
    await emu.verify_webhook(url, verify_token)   # GET hub.mode=subscribe&hub.challenge=...

World presets: ``small`` (1 account, 20 ads, 120 days), ``agency`` (50 accounts), ``large`` (one
2-year-old account: 351 campaigns, 700 ad sets, 1000 ads), ``fleet`` (5000 small accounts),
``demo`` (the first 5 ``agency`` accounts and the ``large`` account: what ``metasync demo``
syncs). The world is generated relative to ``anchor`` (default: the clock's start date):
fixed clock + seed give identical bytes. Without ``clock`` the emulator clock follows wall time
from "now" (UTC).

Behaviour worth knowing when writing a client (all in ``EmulatorConfig``):
``require_appsecret_proof`` (True), ``report_race_rate`` (0.1: that share of report runs answers
100/33 to its first ``report_race_polls`` polls), ``ad_account_usage_until`` (None: every version
sends X-Ad-Account-Usage), ``report_run_s`` (2.0, the larger of emulator-clock and wall-clock
progress counts), ``cursor_ttl_s`` (3600 on the emulator clock), ``max_sync_rows`` (50 000
estimated rows -> 100/1487534), ``max_sync_ad_days`` (400 000 -> code 1, HTTP 500),
``access_tier`` and
``quota_scale`` (Business Use Case quotas per account and rolling hour), ``app_calls_per_hour``
(code 4). Fault classes (``Faults``): transient, throttle, token_death, batch_null,
report_failed, malformed, http_429, short_page, empty_page. Conversions of a day grow for 28 days
(`metrics.maturity`), deleted ads' past days included; today is partial.

Graph API (``/vNN.0/...``; versions in ``EmulatorConfig.versions``, others answer 2635):
``act_X`` node and edges ``campaigns|adsets|ads|adcreatives|insights``; ``/<id>`` for any object
(deleted ones too), ``/<campaign>/adsets|ads|insights``, ``/<adset>/ads|insights``,
``/<ad>/insights`` (``breakdowns`` and ``action_breakdowns`` in Meta's allowed combinations;
split rows add up exactly); ``/me``, ``/me/adaccounts``, ``/me/businesses``,
``/<business>/owned_ad_accounts``; ``POST .../insights`` -> ``{report_run_id}``, ``GET /<run>``,
``GET /<run>/insights``; ``POST /`` with ``batch``; ``/oauth/access_token``, ``/debug_token``.
Field expansion on the account, campaign and ad-set nodes (``act_X?fields=name,
campaigns.limit(500).filtering([...]){id,name},ads{...}``): each edge answered as its plain edge
request (``next`` = that request's full URL), an empty edge left out, one call (kind
``node:expanded``); see ``expansion.py``.

Control API (JSON, no token, not counted):
``GET /__emulator/health`` · ``GET|PUT /__emulator/clock`` (``{"now": iso}``) ·
``POST /__emulator/clock/advance`` (``{"days"|"hours"|"seconds"}``) ·
``GET /__emulator/credentials`` · ``GET /__emulator/truth/entities?account_id=`` ·
``GET /__emulator/truth/insights?account_id=&since=&until=[&breakdowns=&action_breakdowns=]``
(``{"data","ad_status","clock"}``) · ``GET /__emulator/openapi.json`` ·
``GET /__emulator/stats`` · ``GET /__emulator/calls?limit=`` · ``GET|PUT /__emulator/faults`` ·
``POST /__emulator/reset`` · ``POST /__emulator/webhooks/deliver``
(``{"url","account_id"?,"field"?,"count"?}``) · ``POST /__emulator/webhooks/verify``
(``{"url","verify_token"}``: the hub.challenge handshake).

Meta's dialect: every field of the official SDK's field lists, list parameters as comma lists
or JSON arrays, ``time_ranges``, every ``date_preset``, ``filtering`` operators, ``sort``,
``summary``; Meta's SDK (``facebook-business``) runs against it unmodified apart from its base
URL. The page ``docs/emulator.md`` describes it all; ``/__emulator/openapi.json`` the control API.

CLI: ``meta-emulator --port 8787 --world small --seed 1 [--token T] [--latency-ms N]``
(or ``python -m meta_emulator``).

Serving on 127.0.0.1 (``meta_emulator.serving``): ``EmulatorServer(emu)`` runs an emulator
object under uvicorn in a thread (a context manager); ``EmulatorProcess(world, ...)`` runs the
CLI in a subprocess and offers its control API as methods (credentials, stats, faults, truth).
"""

__version__ = "0.2.0"

from meta_emulator.app import Emulator
from meta_emulator.config import EmulatorConfig, Faults
from meta_emulator.runtime import TRUTH_FIELDS

__all__ = ["TRUTH_FIELDS", "Emulator", "EmulatorConfig", "Faults"]
