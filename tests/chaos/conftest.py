"""Chaos suite: a reduced version in every test run, the full one with ``--chaos-full``.

``pytest tests/chaos --chaos-full`` runs the full suite (20+ kills, longer storms). The option is
registered here; when pytest is started without ``tests/chaos`` on the command line this file is
not an initial conftest, so the option is read with a default.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--chaos-full", action="store_true", default=False, help="run the full chaos suite"
    )


def full_suite(config: pytest.Config) -> bool:
    return bool(config.getoption("--chaos-full", default=False))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if full_suite(config):
        return
    skip = pytest.mark.skip(reason="full chaos suite: run with --chaos-full")
    for item in items:
        if "chaos_full" in item.keywords:
            item.add_marker(skip)
