-- Operator trust: one organisation per ad account (connect_ad_account refuses another's,
-- move_ad_account moves it with an audit row), organisation names unique case-insensitively,
-- the one schedule pause (schedule_state, pause_schedule / resume_schedule, honoured by
-- enqueue_due_syncs), why waiting work waits (ad_account_waiting, in meta_sync_status and
-- sync_job_progress), the operator's actions as SQL functions (set_account_paused,
-- remove_ad_account, set_sync_config, ensure_organization), and what members may read of them.

-- The one switch of the whole schedule: while paused, enqueue_due_syncs creates nothing (for
-- pg_cron's /tick and idle workers alike). Manual syncs and jobs already queued still run.

create table meta_sync.schedule_state (
  singleton  boolean primary key default true constraint schedule_state_one_row check (singleton),
  paused     boolean not null default false,
  paused_at  timestamptz,
  paused_by  text,
  reason     text,
  updated_at timestamptz not null default now(),
  constraint schedule_state_paused_consistent check (paused = (paused_at is not null))
);
insert into meta_sync.schedule_state (singleton) values (true);
comment on table meta_sync.schedule_state is
  'One row: whether the schedule is paused (pause_schedule / resume_schedule), since when, by whom and why. enqueue_due_syncs returns nothing while paused.';

-- Why an ad account's work waits, when that is known: the reason status, jobs and watch show.

create view meta_sync.ad_account_waiting
with (security_invoker = true)
as
select
  a.id::text as account_id,
  case
    when a.paused then 'account paused'
    when a.connection_id is null then 'no connection'
    when c.status <> 'active' then 'connection ' || c.status::text
    when greatest(a.rate_limit_backoff_until, s.blocked_until) > now() then 'account throttled by Meta'
    when app.blocked_until is not null then 'app throttled by Meta'
  end as waiting_reason,
  case
    when a.paused or a.connection_id is null or c.status <> 'active' then null
    when greatest(a.rate_limit_backoff_until, s.blocked_until) > now()
      then greatest(a.rate_limit_backoff_until, s.blocked_until)
    else app.blocked_until
  end as waiting_until,
  case
    when a.paused then pg_catalog.format('metasync accounts resume %s', a.id)
    when a.connection_id is null or c.status <> 'active'
      then pg_catalog.format('metasync connect --org %L --account %s', o.name, a.id)
  end as waiting_hint
from meta_sync.meta_ad_accounts a
join meta_sync.organizations o on o.id = a.organization_id
left join meta_sync.meta_connections c on c.id = a.connection_id
left join lateral (
  select max(r.blocked_until) as blocked_until from meta_sync.meta_rate_limit_state r
  where r.scope_type = 'ad_account' and r.scope_id = a.id::text and r.blocked_until > now()
) s on true
left join lateral (
  select max(r.blocked_until) as blocked_until from meta_sync.meta_rate_limit_state r
  where r.scope_type = 'app' and r.blocked_until > now()
) app on true;
comment on view meta_sync.ad_account_waiting is
  'Per ad account: why its chunks cannot be claimed now (waiting_reason: account paused, no connection, connection expired|revoked, account throttled by Meta, app throttled by Meta; NULL = nothing stops it), until when (waiting_until; NULL with a reason = until someone acts) and what to do (waiting_hint: the command that unblocks it).';

-- Turns the schedule into work: onboarding for new accounts, incremental jobs for due ones, the
-- daily settle; while the app is throttled only HIGH accounts get anything; while the schedule is
-- paused (meta_sync.schedule_state, pause_schedule) nothing.

create or replace function meta_sync.enqueue_due_syncs(
  p_limit integer default 1000,
  p_now timestamptz default now()
)
returns table (job_id bigint, account_id text, sync_phase meta_sync.sync_phase)
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_left      integer := p_limit;
  v_throttled boolean;
  v_account   text;
  v_job_id    bigint;
begin
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception 'p_limit must be between 1 and 10000, got %', coalesce(p_limit::text, 'null')
      using errcode = '22023';
  end if;
  -- The one pause: pg_cron's /tick and idle workers both call this function.
  if exists (select 1 from meta_sync.schedule_state s where s.paused) then
    return;
  end if;
  -- One enqueuer at a time; a concurrent caller returns at once (the other one does the work).
  -- The unique partial indexes on sync_jobs are the second line: no duplicate job either way.
  if not pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext('meta_sync.enqueue_due_syncs')) then
    return;
  end if;
  v_throttled := exists (
    select 1 from meta_sync.meta_rate_limit_state r
    where r.scope_type = 'app' and r.blocked_until > p_now);

  -- (a) Accounts never onboarded: phase 1.
  for v_account in
    select a.id::text
    from meta_sync.meta_ad_accounts a
    join meta_sync.meta_sync_config cfg on cfg.tier = a.meta_sync_priority
    where a.phase_1_completed_at is null
      and not a.paused
      -- After a failure, not before the error backoff (5, 10, 20 ... minutes, at most the tier
      -- interval: update_meta_sync_status's rule); meta_sync_status.onboarding_retry_at shows it.
      and (a.sync_error_count = 0 or a.last_sync_attempt_at is null
           or a.last_sync_attempt_at + pg_catalog.make_interval(mins => least(
                cfg.interval_minutes, (5 * power(2, least(a.sync_error_count, 20) - 1))::integer)) <= p_now)
      and (not v_throttled or a.meta_sync_priority = 'high')
      and (a.rate_limit_backoff_until is null or a.rate_limit_backoff_until <= p_now)
      and exists (select 1 from meta_sync.meta_connections c
                  where c.id = a.connection_id and c.status = 'active')
      and not exists (select 1 from meta_sync.sync_jobs j
                      where j.account_id = a.id and j.sync_phase = 'recent_window'
                        and j.status in ('pending', 'in_progress', 'completed', 'completed_with_errors'))
    order by a.meta_sync_priority, a.created_at, a.id
    limit v_left
  loop
    v_job_id := meta_sync.start_account_onboarding(v_account, p_now);
    job_id := v_job_id; account_id := v_account; sync_phase := 'recent_window';
    return next;
    v_left := v_left - 1;
  end loop;

  -- (b) Due accounts: the tier schedule (HIGH first, most overdue first).
  if v_left > 0 then
    for v_account in
      select d.account_id
      from meta_sync.get_meta_accounts_due_for_sync(v_left, p_now) d
      where not v_throttled or d.tier = 'high'
    loop
      v_job_id := meta_sync.enqueue_incremental_sync(v_account, p_now);
      if v_job_id is not null then
        job_id := v_job_id; account_id := v_account; sync_phase := 'incremental';
        return next;
        v_left := v_left - 1;
      end if;
    end loop;
  end if;

  -- (c) The daily settle of onboarded accounts.
  if v_left > 0 then
    for v_account in
      select a.id::text
      from meta_sync.meta_sync_config cfg
      join meta_sync.meta_ad_accounts a on a.meta_sync_priority = cfg.tier
      where a.phase_1_completed_at is not null
        and not a.paused
        and (not v_throttled or a.meta_sync_priority = 'high')
        and (a.last_settle_at is null
             or a.last_settle_at <= p_now - pg_catalog.make_interval(mins => cfg.settle_interval_minutes))
        and (a.rate_limit_backoff_until is null or a.rate_limit_backoff_until <= p_now)
        and exists (select 1 from meta_sync.meta_connections c
                    where c.id = a.connection_id and c.status = 'active')
        and not exists (select 1 from meta_sync.sync_jobs j
                        where j.account_id = a.id and j.sync_phase = 'settle'
                          and j.status in ('pending', 'in_progress'))
      order by a.meta_sync_priority, a.last_settle_at nulls first, a.id
      limit v_left
    loop
      v_job_id := meta_sync.enqueue_settle_sync(v_account, p_now);
      if v_job_id is not null then
        job_id := v_job_id; account_id := v_account; sync_phase := 'settle';
        return next;
        v_left := v_left - 1;
      end if;
    end loop;
  end if;
end;
$$;
comment on function meta_sync.enqueue_due_syncs(integer, timestamptz) is
  'Creates at most p_limit jobs and returns them: (a) phase 1 for accounts never onboarded (after a failed phase 1, not before last_sync_attempt_at + least(tier interval, 5 min * 2^(sync_error_count - 1))), (b) an incremental job for each account of get_meta_accounts_due_for_sync, (c) a settle job for onboarded accounts whose last_settle_at is older than their tier''s settle_interval_minutes. Returns nothing while the schedule is paused (schedule_state.paused: pause_schedule / resume_schedule). Paused, backed-off and inactive-connection accounts are skipped; while an app-scope meta_rate_limit_state row is blocked past p_now only HIGH accounts are enqueued. Safe concurrently (advisory lock, unique partial indexes): a concurrent call returns nothing. p_limit outside 1..10000 -> 22023.';

-- The admin's one view: where every account stands. No token column, ever.

create or replace view meta_sync.meta_sync_status
with (security_invoker = true)
as
select
  o.id                                   as organization_id,
  o.name                                 as organization_name,
  a.id::text                             as account_id,
  a.name                                 as account_name,
  a.meta_sync_priority                   as tier,
  a.paused,
  a.last_meta_sync_at,
  a.next_sync_at,
  round((extract(epoch from a.next_sync_at - now()) / 60)::numeric, 1) as minutes_until_next_sync,
  (not a.paused and a.next_sync_at is not null and a.next_sync_at <= now()) as is_due,
  a.sync_error_count,
  a.last_sync_error,
  a.rate_limit_backoff_until,
  c.status                               as connection_status,
  f.fresh_through                        as insights_fresh_through,
  a.phase_1_completed_at,
  a.phase_2_completed_at,
  j.id                                   as running_job_id,
  j.sync_phase                           as running_job_phase,
  j.status                               as running_job_status,
  j.progress_percentage                  as running_job_progress_percentage,
  j.estimated_completion_at              as running_job_eta,
  -- Same rule as enqueue_due_syncs (a): a failed phase 1 waits for the error backoff.
  case when a.phase_1_completed_at is null and a.sync_error_count > 0
            and a.last_sync_attempt_at is not null
            and not exists (select 1 from meta_sync.sync_jobs pj
                            where pj.account_id = a.id and pj.sync_phase = 'recent_window'
                              and pj.status in ('pending', 'in_progress', 'completed', 'completed_with_errors'))
       then a.last_sync_attempt_at + pg_catalog.make_interval(mins => least(
              cfg.interval_minutes, (5 * power(2, least(a.sync_error_count, 20) - 1))::integer))
  end                                    as onboarding_retry_at,
  (select s.paused from meta_sync.schedule_state s where s.singleton) as schedule_paused,
  w.waiting_reason,
  w.waiting_until,
  w.waiting_hint
from meta_sync.meta_ad_accounts a
left join meta_sync.ad_account_waiting w on w.account_id = a.id::text
join meta_sync.organizations o on o.id = a.organization_id
left join meta_sync.meta_sync_config cfg on cfg.tier = a.meta_sync_priority
left join meta_sync.meta_connections c on c.id = a.connection_id
left join meta_sync.data_freshness f on f.account_id = a.id and f.dataset = 'insights'
left join lateral (
  select jj.id, jj.sync_phase, jj.status, jj.progress_percentage, jj.estimated_completion_at
  from meta_sync.sync_jobs jj
  where jj.account_id = a.id and jj.status in ('pending', 'in_progress')
  order by (jj.status = 'in_progress') desc, meta_sync.chunk_priority(jj.sync_phase, a.meta_sync_priority), jj.id
  limit 1
) j on true;
comment on view meta_sync.meta_sync_status is
  'One row per ad account: organization, tier, paused, last/next sync, minutes until next sync, due flag, errors, backoff, connection status (never the token), insights fresh_through, onboarding phases, the running (else the next pending) job with its progress and ETA, and onboarding_retry_at: when a failed onboarding phase 1 is enqueued again (NULL unless it failed and is not open); schedule_paused (pause_schedule), and why the account''s work waits (waiting_reason, waiting_until, waiting_hint from ad_account_waiting).';

-- Job progress for admins and dashboards.

create or replace view meta_sync.sync_job_progress
with (security_invoker = true)
as
select
  j.id as job_id,
  j.account_id,
  a.name as account_name,
  j.organization_id,
  j.sync_phase,
  j.sync_type,
  j.status,
  j.date_since,
  j.date_until,
  j.progress_percentage,
  j.total_chunks,
  j.completed_chunks,
  j.failed_chunks,
  coalesce(c.running_chunks, 0) as running_chunks,
  coalesce(c.pending_chunks, 0) as pending_chunks,
  j.estimated_completion_at,
  case when j.estimated_completion_at is not null
       then greatest(extract(epoch from j.estimated_completion_at - now()), 0)::integer
  end as eta_seconds,
  case when j.started_at is not null
       then extract(epoch from coalesce(j.completed_at, now()) - j.started_at)::integer
  end as elapsed_seconds,
  j.insight_rows_written,
  j.api_calls,
  j.campaigns_synced,
  j.adsets_synced,
  j.ads_synced,
  j.creatives_synced,
  j.last_error,
  j.requested_by,
  j.created_at,
  j.started_at,
  j.completed_at,
  -- Why an open job makes no progress now: nothing of it runs, and its account cannot be
  -- claimed (ad_account_waiting) or its chunks wait for their retry time.
  case when j.status in ('pending', 'in_progress') and coalesce(c.running_chunks, 0) = 0
       then coalesce(w.waiting_reason,
                     case when c.next_run_after > now() then 'chunks wait to be retried' end)
  end as waiting_reason,
  case when j.status in ('pending', 'in_progress') and coalesce(c.running_chunks, 0) = 0
       then case when w.waiting_reason is not null then w.waiting_until
                 when c.next_run_after > now() then c.next_run_after end
  end as waiting_until,
  case when j.status in ('pending', 'in_progress') and coalesce(c.running_chunks, 0) = 0
       then w.waiting_hint
  end as waiting_hint
from meta_sync.sync_jobs as j
join meta_sync.meta_ad_accounts as a on a.id = j.account_id
left join meta_sync.ad_account_waiting as w on w.account_id = j.account_id::text
left join lateral (
  select count(*) filter (where ch.status = 'in_progress') as running_chunks,
         count(*) filter (where ch.status = 'pending') as pending_chunks,
         min(ch.run_after) filter (where ch.status = 'pending') as next_run_after
  from meta_sync.sync_job_chunks as ch
  where ch.job_id = j.id and j.status in ('pending', 'in_progress')
) as c on true;
comment on view meta_sync.sync_job_progress is
  'One row per job: account, organization, phase, status, percentage, chunks (total, completed, failed, running, pending), ETA, elapsed seconds, rows written, api calls, entity counts; for an open job with nothing running, waiting_reason (the account''s from ad_account_waiting, else "chunks wait to be retried"), waiting_until (NULL with a reason: until someone acts, waiting_hint says how).';

-- Existing duplicate organisation names (case or blanks apart): the oldest keeps its name,
-- the younger ones are renamed "<name> (<first 8 characters of the id>)". Nothing is merged:
-- their accounts and members stay where they are, and can be moved with move_ad_account.
do $$
declare
  v_org record;
begin
  for v_org in
    select d.id, d.name
    from (select o.id, o.name,
                 row_number() over (partition by pg_catalog.lower(pg_catalog.btrim(o.name))
                                    order by o.created_at, o.id) as rn
          from meta_sync.organizations o) d
    where d.rn > 1
  loop
    update meta_sync.organizations o
    set name = pg_catalog.btrim(v_org.name) || ' (' || left(v_org.id::text, 8) || ')'
    where o.id = v_org.id;
    raise notice 'organisation % renamed "%" -> "% (%)": its name duplicated an older one',
      v_org.id, v_org.name, pg_catalog.btrim(v_org.name), left(v_org.id::text, 8);
  end loop;
end
$$;

-- Organisation names are unique, compared without case and surrounding blanks: "Acme" and
-- " acme" are one organisation, so a typo in case never creates a second one.
-- (The migration that adds the index first renames the younger duplicates of an existing
-- database: "<name> (<first 8 characters of its id>)"; nothing is merged or dropped.)

create unique index organizations_name_key
  on meta_sync.organizations (pg_catalog.lower(pg_catalog.btrim(name)));
comment on index meta_sync.organizations_name_key is
  'Organisation names are unique case-insensitively (lower(btrim(name))); meta_sync.ensure_organization matches the same way.';

-- The organisation called p_name (case-insensitively), created when missing.

create function meta_sync.ensure_organization(
  p_name text,
  p_now  timestamptz default now()
)
returns uuid
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_name text := pg_catalog.btrim(p_name);
  v_id   uuid;
begin
  if v_name is null or v_name = '' then
    raise exception 'an organisation name must not be blank' using errcode = '22023';
  end if;
  -- An id is accepted too (an unknown one is refused, never created).
  if v_name ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then
    select o.id into v_id from meta_sync.organizations o where o.id = v_name::uuid;
    if not found then
      raise exception 'no organisation with id %', v_name using errcode = 'P0002';
    end if;
    return v_id;
  end if;
  insert into meta_sync.organizations (name, created_at) values (v_name, p_now)
  on conflict ((pg_catalog.lower(pg_catalog.btrim(name)))) do nothing
  returning id into v_id;
  if v_id is null then
    select o.id into v_id from meta_sync.organizations o
    where pg_catalog.lower(pg_catalog.btrim(o.name)) = pg_catalog.lower(v_name);
  end if;
  return v_id;
end;
$$;
comment on function meta_sync.ensure_organization(text, timestamptz) is
  'The id of the organisation named p_name, compared case-insensitively and without surrounding blanks, created when there is none (safe concurrently: the unique index organizations_name_key decides). An organisation id is accepted too (unknown id -> P0002, never created). Blank name -> 22023.';

-- Who moved or removed which ad account, and when: the tenancy trail.

create table meta_sync.ad_account_audit (
  id                    bigint generated always as identity primary key,
  account_id            text not null,
  action                text not null constraint ad_account_audit_action_known
                        check (action in ('move', 'remove')),
  from_organization_id  uuid,
  from_organization     text,
  to_organization_id    uuid,
  to_organization       text,
  jobs                  integer not null default 0,
  actor                 text not null constraint ad_account_audit_actor_not_blank check (btrim(actor) <> ''),
  reason                text,
  at                    timestamptz not null default now()
);
create index ad_account_audit_account_id_idx on meta_sync.ad_account_audit (account_id, at desc);
comment on table meta_sync.ad_account_audit is
  'One row per move of an ad account to another organisation (move_ad_account) or removal (remove_ad_account): the account, both organisations (id and name at the time, kept when they are deleted later), how many jobs went with it, who (actor) and when (at). Never updated.';
comment on column meta_sync.ad_account_audit.jobs is
  'move: the jobs moved with the account; remove: the jobs deleted with it.';

-- Pause the whole schedule: no new scheduled job until resume_schedule.

create function meta_sync.pause_schedule(
  p_by     text default null,
  p_reason text default null,
  p_now    timestamptz default now()
)
returns timestamptz
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_since timestamptz;
begin
  update meta_sync.schedule_state s
  set paused = true, paused_at = coalesce(s.paused_at, p_now),
      paused_by = coalesce(p_by, s.paused_by, pg_catalog.current_user()::text),
      reason = coalesce(p_reason, s.reason), updated_at = p_now
  where s.singleton
  returning s.paused_at into v_since;
  if v_since is null then
    raise exception 'meta_sync.schedule_state has no row: run the migrations' using errcode = '55000';
  end if;
  return v_since;
end;
$$;
comment on function meta_sync.pause_schedule(text, text, timestamptz) is
  'Pauses the schedule: enqueue_due_syncs creates no job (onboarding, incremental, settle) until resume_schedule. Manual syncs, webhook resyncs and jobs already queued still run. Idempotent: pausing a paused schedule keeps its first paused_at. Returns paused_at.';

-- Resume the schedule: due accounts are enqueued again at the next tick.

create function meta_sync.resume_schedule(
  p_now timestamptz default now()
)
returns boolean
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_was boolean;
begin
  select s.paused into v_was from meta_sync.schedule_state s where s.singleton for update;
  if not found then
    raise exception 'meta_sync.schedule_state has no row: run the migrations' using errcode = '55000';
  end if;
  update meta_sync.schedule_state s
  set paused = false, paused_at = null, paused_by = null, reason = null, updated_at = p_now
  where s.singleton;
  return v_was;
end;
$$;
comment on function meta_sync.resume_schedule(timestamptz) is
  'Resumes the schedule paused by pause_schedule; returns whether it was paused (false: nothing changed but updated_at). What fell due meanwhile is enqueued by the next enqueue_due_syncs.';

-- Every connect flow (CLI `connect`, `accounts add`, a future OAuth callback) registers an ad
-- account through this function: an account belongs to exactly one organisation, and an account
-- owned by another one is refused, never taken over (moving it is move_ad_account).

create function meta_sync.connect_ad_account(
  p_account_id      text,
  p_organization_id uuid,
  p_connection_id   uuid default null,
  p_name            text default null,
  p_currency        text default null,
  p_timezone_name   text default null,
  p_created_time    timestamptz default null,
  p_account_status  integer default null,
  p_tier            text default null,
  p_now             timestamptz default now()
)
returns table (account_id text, created boolean, onboarding_job_id bigint, onboarding text)
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_tier     text := pg_catalog.lower(pg_catalog.btrim(p_tier));
  v_valid    text[] := pg_catalog.enum_range(null::meta_sync.sync_tier)::text[];
  v_owner    uuid;
  v_owner_nm text;
  v_conn     uuid := p_connection_id;
  v_before   bigint;
  v_job      bigint;
begin
  if p_account_id is null or p_account_id !~ '^act_[0-9]{1,20}$' then
    raise exception 'malformed ad account id "%": expected act_<digits>', coalesce(p_account_id, 'null')
      using errcode = '22007', hint = 'Meta ad account ids look like act_1234567890.';
  end if;
  if p_tier is not null and not (v_tier = any (v_valid)) then
    raise exception 'unknown tier "%": valid tiers are %', p_tier, pg_catalog.array_to_string(v_valid, ', ')
      using errcode = '22023';
  end if;
  if p_organization_id is null
     or not exists (select 1 from meta_sync.organizations o where o.id = p_organization_id) then
    raise exception 'no organisation with id %', coalesce(p_organization_id::text, 'null')
      using errcode = 'P0002';
  end if;
  if v_conn is not null and not exists (
      select 1 from meta_sync.meta_connections c
      where c.id = v_conn and c.organization_id = p_organization_id) then
    raise exception 'connection % is not a connection of organisation %', v_conn, p_organization_id
      using errcode = '22023';
  end if;

  -- 1. Ownership, under the account's row lock (two connects of one account serialise here).
  select a.organization_id, o.name into v_owner, v_owner_nm
  from meta_sync.meta_ad_accounts a join meta_sync.organizations o on o.id = a.organization_id
  where a.id = p_account_id::meta_sync.ad_account_id
  for update of a;
  if found and v_owner <> p_organization_id then
    raise exception '% belongs to organisation %', p_account_id, v_owner_nm
      using errcode = '42501',
            hint = pg_catalog.format('To move it: metasync accounts move %s --to <organisation> --confirm (meta_sync.move_ad_account).', p_account_id);
  end if;
  created := not found;

  -- 2. The row: new, or the same organisation's account refreshed (nothing given is kept).
  if v_conn is null then
    select c.id into v_conn from meta_sync.meta_connections c
    where c.organization_id = p_organization_id and c.status = 'active'
    order by c.created_at, c.id limit 1;
  end if;
  if created then
    insert into meta_sync.meta_ad_accounts
      (id, organization_id, connection_id, name, currency, timezone_name, created_time,
       account_status, meta_sync_priority, created_at, updated_at)
    values (p_account_id, p_organization_id, v_conn, p_name, p_currency,
            coalesce(p_timezone_name, 'UTC'), p_created_time, p_account_status,
            coalesce(v_tier, 'medium')::meta_sync.sync_tier, p_now, p_now);
  else
    update meta_sync.meta_ad_accounts a
    set connection_id = coalesce(p_connection_id, a.connection_id, v_conn),
        name = coalesce(p_name, a.name), currency = coalesce(p_currency, a.currency),
        timezone_name = coalesce(p_timezone_name, a.timezone_name),
        created_time = coalesce(p_created_time, a.created_time),
        account_status = coalesce(p_account_status, a.account_status),
        meta_sync_priority = coalesce(v_tier::meta_sync.sync_tier, a.meta_sync_priority),
        updated_at = p_now
    where a.id = p_account_id::meta_sync.ad_account_id;
  end if;

  -- 3. Phase 1: said as it is (new job, one already open, or done before).
  select j.id into v_before from meta_sync.sync_jobs j
  where j.account_id = p_account_id::meta_sync.ad_account_id and j.sync_phase = 'recent_window'
    and j.status in ('pending', 'in_progress', 'completed', 'completed_with_errors')
  order by j.id desc limit 1;
  v_job := meta_sync.start_account_onboarding(p_account_id, p_now);
  account_id := p_account_id;
  onboarding_job_id := v_job;
  onboarding := case
    when v_before is null then 'enqueued'
    when (select j.status from meta_sync.sync_jobs j where j.id = v_job) in ('pending', 'in_progress') then 'open'
    else 'completed' end;
  return next;
end;
$$;
comment on function meta_sync.connect_ad_account(text, uuid, uuid, text, text, text, timestamptz, integer, text, timestamptz) is
  'Registers an ad account for an organisation (every connect flow calls it): creates it, or refreshes the same organisation''s row (arguments left null keep their value; the connection defaults to the organisation''s oldest active one), then starts onboarding phase 1 (start_account_onboarding). Returns created and onboarding = enqueued (a new phase-1 job), open (one was already pending or running) or completed (phase 1 ran before). An account of another organisation -> 42501 "act_... belongs to organisation <name>" (move it with move_ad_account); malformed id 22007; unknown organisation P0002; unknown tier, or a connection of another organisation 22023.';

-- Move an ad account, with its jobs and history, to another organisation; recorded in
-- ad_account_audit.

create function meta_sync.move_ad_account(
  p_account_id      text,
  p_organization_id uuid,
  p_actor           text,
  p_reason          text default null,
  p_now             timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account meta_sync.meta_ad_accounts;
  v_from    text;
  v_to      text;
  v_conn    uuid;
  v_jobs    integer;
  v_audit   bigint;
begin
  if p_actor is null or pg_catalog.btrim(p_actor) = '' then
    raise exception 'a move needs an actor (who moves the account)' using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  select o.name into v_to from meta_sync.organizations o where o.id = p_organization_id;
  if not found then
    raise exception 'no organisation with id %', coalesce(p_organization_id::text, 'null')
      using errcode = 'P0002';
  end if;
  select o.name into v_from from meta_sync.organizations o where o.id = v_account.organization_id;
  if v_account.organization_id = p_organization_id then
    raise exception '% already belongs to organisation %', p_account_id, v_to using errcode = '55000';
  end if;

  -- The old organisation's token stays with it: the account uses the new one's active
  -- connection, or none (its jobs then wait for `connect`).
  select c.id into v_conn from meta_sync.meta_connections c
  where c.organization_id = p_organization_id and c.status = 'active'
  order by c.created_at, c.id limit 1;
  update meta_sync.meta_ad_accounts a
  set organization_id = p_organization_id, connection_id = v_conn, updated_at = p_now
  where a.id = v_account.id;
  update meta_sync.sync_jobs j set organization_id = p_organization_id, updated_at = p_now
  where j.account_id = v_account.id;
  get diagnostics v_jobs = row_count;
  update meta_sync.webhook_events e set organization_id = p_organization_id
  where e.account_id = v_account.id::text;

  insert into meta_sync.ad_account_audit
    (account_id, action, from_organization_id, from_organization, to_organization_id,
     to_organization, jobs, actor, reason, at)
  values (v_account.id, 'move', v_account.organization_id, v_from, p_organization_id, v_to,
          v_jobs, pg_catalog.btrim(p_actor), p_reason, p_now)
  returning id into v_audit;
  return v_audit;
end;
$$;
comment on function meta_sync.move_ad_account(text, uuid, text, text, timestamptz) is
  'Moves an ad account to another organisation with all its jobs (sync_jobs.organization_id), webhook events and, through the account, its entities and insights; the account takes the new organisation''s oldest active connection (none: its jobs wait for one). Records the move in ad_account_audit (who = p_actor, when = p_now) and returns the audit id. Malformed id 22007; unknown account or organisation P0002; already there 55000; blank actor 22023.';

-- Stop syncing an ad account and delete it with its jobs, entities and insights; recorded in
-- ad_account_audit.

create function meta_sync.remove_ad_account(
  p_account_id text,
  p_actor      text,
  p_reason     text default null,
  p_now        timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account meta_sync.meta_ad_accounts;
  v_org     text;
  v_jobs    integer;
  v_audit   bigint;
begin
  if p_actor is null or pg_catalog.btrim(p_actor) = '' then
    raise exception 'a removal needs an actor (who removes the account)' using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  if exists (select 1 from meta_sync.sync_job_chunks c
             where c.account_id = v_account.id and c.status = 'in_progress'
               and c.locked_until > p_now) then
    raise exception 'a worker is syncing % right now', p_account_id using errcode = '55000',
      hint = 'Pause the account (metasync accounts pause), wait for its running chunks, then remove it.';
  end if;
  select o.name into v_org from meta_sync.organizations o where o.id = v_account.organization_id;
  select count(*)::integer into v_jobs from meta_sync.sync_jobs j where j.account_id = v_account.id;
  delete from meta_sync.meta_ad_accounts a where a.id = v_account.id;
  insert into meta_sync.ad_account_audit
    (account_id, action, from_organization_id, from_organization, jobs, actor, reason, at)
  values (v_account.id, 'remove', v_account.organization_id, v_org, v_jobs,
          pg_catalog.btrim(p_actor), p_reason, p_now)
  returning id into v_audit;
  return v_audit;
end;
$$;
comment on function meta_sync.remove_ad_account(text, text, text, timestamptz) is
  'Deletes an ad account and everything synced for it (jobs, chunks, entities, insights, freshness: the foreign keys cascade) and records the removal in ad_account_audit; returns the audit id. A chunk of the account held under a live lease -> 55000 (pause it and retry); malformed id 22007; unknown account P0002; blank actor 22023.';

-- Pause or resume one ad account: a paused account gets no scheduled job and none of its
-- chunks is claimed (its open jobs wait with the reason "account paused").

create function meta_sync.set_account_paused(
  p_account_id text,
  p_paused     boolean,
  p_now        timestamptz default now()
)
returns boolean
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account meta_sync.meta_ad_accounts;
begin
  if p_paused is null then
    raise exception 'p_paused must be true or false' using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  if v_account.paused is distinct from p_paused then
    update meta_sync.meta_ad_accounts a set paused = p_paused, updated_at = p_now
    where a.id = v_account.id;
  end if;
  return v_account.paused;
end;
$$;
comment on function meta_sync.set_account_paused(text, boolean, timestamptz) is
  'Pauses (true) or resumes (false) one ad account; returns whether it was paused before. Malformed id 22007, unknown account P0002, null 22023.';

-- Change a tier's schedule with clear refusals; the trigger reschedules its accounts.

create function meta_sync.set_sync_config(
  p_tier                    text,
  p_interval_minutes        integer default null,
  p_date_range_days         integer default null,
  p_settle_lookback_days    integer default null,
  p_settle_interval_minutes integer default null,
  p_now                     timestamptz default now()
)
returns meta_sync.meta_sync_config
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_tier  text := pg_catalog.lower(pg_catalog.btrim(p_tier));
  v_valid text[] := pg_catalog.enum_range(null::meta_sync.sync_tier)::text[];
  v_row   meta_sync.meta_sync_config;
begin
  if v_tier is null or not (v_tier = any (v_valid)) then
    raise exception 'unknown tier "%": valid tiers are %', coalesce(p_tier, 'null'),
      pg_catalog.array_to_string(v_valid, ', ') using errcode = '22023';
  end if;
  if p_interval_minutes is not null and p_interval_minutes not between 5 and 10080 then
    raise exception 'interval % minutes is out of range: 5 to 10080 (a week)', p_interval_minutes
      using errcode = '22023';
  end if;
  if p_date_range_days is not null and p_date_range_days not between 1 and 90 then
    raise exception 're-read range % days is out of range: 1 to 90', p_date_range_days
      using errcode = '22023';
  end if;
  if p_settle_lookback_days is not null and p_settle_lookback_days not between 1 and 90 then
    raise exception 'settle range % days is out of range: 1 to 90', p_settle_lookback_days
      using errcode = '22023';
  end if;
  if p_settle_interval_minutes is not null and p_settle_interval_minutes not between 60 and 43200 then
    raise exception 'settle interval % minutes is out of range: 60 to 43200 (30 days)',
      p_settle_interval_minutes using errcode = '22023';
  end if;
  update meta_sync.meta_sync_config c
  set interval_minutes = coalesce(p_interval_minutes, c.interval_minutes),
      date_range_days = coalesce(p_date_range_days, c.date_range_days),
      settle_lookback_days = coalesce(p_settle_lookback_days, c.settle_lookback_days),
      settle_interval_minutes = coalesce(p_settle_interval_minutes, c.settle_interval_minutes),
      updated_at = p_now
  where c.tier = v_tier::meta_sync.sync_tier
  returning c.* into v_row;
  if not found then
    raise exception 'tier % has no row in meta_sync_config', v_tier using errcode = 'P0002';
  end if;
  return v_row;
end;
$$;
comment on function meta_sync.set_sync_config(text, integer, integer, integer, integer, timestamptz) is
  'Changes a tier''s schedule: interval_minutes (5..10080), date_range_days (1..90), settle_lookback_days (1..90), settle_interval_minutes (60..43200); null keeps a value. Returns the new row; the accounts of the tier are rescheduled by the config trigger. Unknown tier or value out of range -> 22023 (nothing changed).';

-- The new objects secured first (as sql/ does), then what members may read of them.
select meta_sync.secure_schema();

-- What signed-in members may read of the operator state the views show them: whether the
-- schedule is paused, Meta's throttles of the app and of their own accounts (meta_sync_status
-- and sync_job_progress say why work waits), and the moves and removals of their accounts.

grant select on meta_sync.schedule_state to authenticated;
create policy members_read_schedule_state on meta_sync.schedule_state
  for select to authenticated
  using (true);

grant select on meta_sync.meta_rate_limit_state to authenticated;
create policy members_read_rate_limit_state on meta_sync.meta_rate_limit_state
  for select to authenticated
  using (scope_type = 'app'
         or (scope_type = 'ad_account'
             and scope_id in (select a.id::text from meta_sync.meta_ad_accounts a)));

grant select on meta_sync.ad_account_audit to authenticated;
create policy members_read_ad_account_audit on meta_sync.ad_account_audit
  for select to authenticated
  using (meta_sync.is_org_member(from_organization_id) or meta_sync.is_org_member(to_organization_id));

select meta_sync.secure_schema();
