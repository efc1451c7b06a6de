"""Shared test helpers: ``graph_fakes`` (a fake Graph server for unit tests), ``emuhelpers``
(the emulator over ASGI), ``e2e_harness`` (worker + emulator + database end to end),
``server_helpers`` (signed webhook deliveries, /tick) and ``fleet`` (the chaos suite's worker
processes and integrity check)."""
