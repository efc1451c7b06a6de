"""Tenancy rails: an account belongs to one organisation; moving it takes --confirm and is
recorded; organisation names match in any case; output claims only what was done."""

from __future__ import annotations

import psycopg

from tests.support.operator_cli import fingerprint, invoke, one_line_error


def test_accounts_add_refuses_an_account_of_another_organisation(
    env: dict[str, str], conn: psycopg.Connection, org_with_connection: str
) -> None:
    added = invoke(env, "accounts", "add", "act_7100001", "--org", "AgencyOne")
    assert added.exit_code == 0, added.output
    assert "phase 1 enqueued" in added.output
    before = fingerprint(conn)

    refused = invoke(env, "accounts", "add", "act_7100001", "--org", "AgencyTwo")

    line = one_line_error(refused)
    assert "act_7100001 belongs to organisation AgencyOne" in line
    assert "metasync accounts move act_7100001" in line
    assert refused.exit_code == 2
    assert fingerprint(conn) == before  # AgencyTwo was not even created


def test_organisation_names_match_in_any_case_and_output_says_what_was_done(
    env: dict[str, str], conn: psycopg.Connection, org_with_connection: str
) -> None:
    first = invoke(env, "accounts", "add", "act_7100002", "--org", "AgencyOne")
    again = invoke(env, "accounts", "add", "act_7100002", "--org", "  agencyone ")

    assert first.exit_code == 0 and again.exit_code == 0, again.output
    assert "phase 1 enqueued" in first.output
    assert "already in organisation" in again.output
    assert "enqueued" not in again.output and "phase 1 already queued" in again.output
    assert conn.execute("select count(*) from meta_sync.organizations").fetchone() == (1,)
    assert conn.execute("select count(*) from meta_sync.sync_jobs").fetchone() == (1,)


def test_move_needs_confirm_an_existing_organisation_and_is_recorded(
    env: dict[str, str], conn: psycopg.Connection, org_with_connection: str
) -> None:
    assert invoke(env, "accounts", "add", "act_7100003", "--org", "AgencyOne").exit_code == 0
    assert (
        invoke(
            env, "sync", "act_7100003", "--since", "2026-01-01", "--until", "2026-01-02"
        ).exit_code
        == 0
    )
    conn.execute("insert into meta_sync.organizations (name) values ('AgencyTwo')")
    before = fingerprint(conn)

    no_confirm = invoke(env, "accounts", "move", "act_7100003", "--to", "AgencyTwo")
    typo = invoke(env, "accounts", "move", "act_7100003", "--to", "AgencyTow", "--confirm")
    same = invoke(env, "accounts", "move", "act_7100003", "--to", "agencyone", "--confirm")

    assert "add --confirm" in one_line_error(no_confirm)
    assert 'no organisation "AgencyTow"' in one_line_error(typo)
    assert "already belongs to organisation AgencyOne" in one_line_error(same)
    assert fingerprint(conn) == before

    moved = invoke(env, "accounts", "move", "act_7100003", "--to", "agencytwo", "--confirm",
                   "--reason", "client changed agency")  # fmt: skip

    assert moved.exit_code == 0, moved.output
    assert "moved to organisation AgencyTwo" in moved.output
    orgs = conn.execute(
        "select distinct o.name from meta_sync.sync_jobs j"
        " join meta_sync.organizations o on o.id = j.organization_id"
        " where j.account_id = 'act_7100003'"
    ).fetchall()
    assert orgs == [("AgencyTwo",)]
    audit = conn.execute(
        "select action, from_organization, to_organization, jobs, actor like 'cli%%', reason,"
        " at > now() - interval '1 minute' from meta_sync.ad_account_audit"
    ).fetchall()
    assert audit == [("move", "AgencyOne", "AgencyTwo", 2, True, "client changed agency", True)]
    shown = invoke(env, "accounts", "show", "act_7100003")
    assert "AgencyOne -> AgencyTwo" in shown.output


def test_remove_needs_confirm_and_is_recorded(
    env: dict[str, str], conn: psycopg.Connection, org_with_connection: str
) -> None:
    assert invoke(env, "accounts", "add", "act_7100004", "--org", "AgencyOne").exit_code == 0
    before = fingerprint(conn)

    assert "add --confirm" in one_line_error(invoke(env, "accounts", "remove", "act_7100004"))
    assert fingerprint(conn) == before
    removed = invoke(env, "accounts", "remove", "act_7100004", "--confirm")

    assert removed.exit_code == 0, removed.output
    assert conn.execute("select count(*) from meta_sync.meta_ad_accounts").fetchone() == (0,)
    assert conn.execute(
        "select action, jobs from meta_sync.ad_account_audit where account_id = 'act_7100004'"
    ).fetchall() == [("remove", 1)]
