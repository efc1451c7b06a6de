"""The operator-trust migration on a database that already holds data: duplicate organisation
names (case or blanks apart) are renamed, never merged; accounts stay where they were."""

from __future__ import annotations

import psycopg

from metasync import schema
from metasync.postgres.embedded import EmbeddedPostgres
from metasync.postgres.migrate import migrate


def test_existing_duplicate_names_are_renamed_then_unique(pg_cluster: EmbeddedPostgres) -> None:
    with psycopg.connect(pg_cluster.url_for("postgres"), autocommit=True) as conn:
        conn.execute("drop database if exists before_operator_trust")
        conn.execute("create database before_operator_trust")
    url = pg_cluster.url_for("before_operator_trust")
    previous = [m for m in schema.migrations() if "operator_trust" not in m.name]
    migrate(url, target=previous[0].version)  # the released baseline
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "insert into meta_sync.organizations (id, name, created_at) values"
            " ('7a000000-0000-0000-0000-000000000001', 'Acme', '2026-01-01'),"
            " ('7b000000-0000-0000-0000-000000000002', 'acme ', '2026-02-01'),"
            " ('7c000000-0000-0000-0000-000000000003', 'ACME', '2026-03-01'),"
            " ('7d000000-0000-0000-0000-000000000004', 'Other', '2026-01-01')"
        )
        conn.execute(
            "insert into meta_sync.meta_ad_accounts (id, organization_id)"
            " values ('act_7400001', '7b000000-0000-0000-0000-000000000002')"
        )

    migrate(url)

    with psycopg.connect(url, autocommit=True) as conn:
        names = conn.execute(
            "select id::text, name from meta_sync.organizations order by id"
        ).fetchall()
        assert names == [
            ("7a000000-0000-0000-0000-000000000001", "Acme"),
            ("7b000000-0000-0000-0000-000000000002", "acme (7b000000)"),
            ("7c000000-0000-0000-0000-000000000003", "ACME (7c000000)"),
            ("7d000000-0000-0000-0000-000000000004", "Other"),
        ]
        owner = conn.execute(
            "select organization_id::text from meta_sync.meta_ad_accounts"
        ).fetchone()
        assert owner == ("7b000000-0000-0000-0000-000000000002",)
        found = conn.execute("select meta_sync.ensure_organization('aCmE')::text").fetchone()
        assert found == ("7a000000-0000-0000-0000-000000000001",)
