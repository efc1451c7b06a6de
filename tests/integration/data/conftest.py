"""Fixtures of the data-layer tests: the hand-checkable world of :mod:`kpi_world`."""

from __future__ import annotations

import psycopg
import pytest

from tests.integration.data.kpi_world import seed


@pytest.fixture
def world(conn: psycopg.Connection) -> psycopg.Connection:
    return seed(conn)
