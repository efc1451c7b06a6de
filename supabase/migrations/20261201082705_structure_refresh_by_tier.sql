-- A scheduled run lists the structure only when the last listing is older than the tier's
-- structure_refresh_minutes (high 6 h, medium and low 24 h); the listing is recorded by
-- record_structure_listing, which the worker also calls when an insights chunk lists first.

alter table meta_sync.meta_sync_config
  add column structure_refresh_minutes integer not null default 1440
    constraint structure_refresh_minutes_positive check (structure_refresh_minutes > 0);
update meta_sync.meta_sync_config set structure_refresh_minutes = 360 where tier = 'high';
comment on column meta_sync.meta_sync_config.structure_refresh_minutes is
  'A scheduled run lists campaigns, ad sets, ads and creatives again when the last listing is at least this old (high 360, medium and low 1440); in between a run reads insights only, and an insights chunk that meets an object it does not know lists the structure first. Webhooks and manual syncs always list.';

-- The account's campaigns, ad sets, ads and creatives were listed: the structure is fresh as of
-- when the listing started (the next incremental listing reads updated_since from it, and the
-- schedule decides from it when to list again).

create function meta_sync.record_structure_listing(
  p_account_id text,
  p_listed_at  timestamptz
)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_tz text;
begin
  if p_listed_at is null then
    raise exception 'the listing''s start is required' using errcode = '22023';
  end if;
  select a.timezone_name into v_tz from meta_sync.meta_ad_accounts as a where a.id = p_account_id;
  if not found then
    raise exception 'ad account % not found', p_account_id using errcode = 'P0002';
  end if;
  insert into meta_sync.data_freshness as f (account_id, dataset, fresh_through, synced_at)
  values (p_account_id, 'structure', meta_sync.account_today(v_tz, p_listed_at), p_listed_at)
  on conflict (account_id, dataset) do update
    set fresh_through = greatest(f.fresh_through, excluded.fresh_through),
        synced_at = greatest(f.synced_at, excluded.synced_at);
end;
$$;
comment on function meta_sync.record_structure_listing(text, timestamptz) is
  'Records that the account''s structure was listed, as of p_listed_at (when the listing started): data_freshness structure synced_at and fresh_through, never moved backwards. Called by complete_sync_chunk for structure chunks and by the worker when an insights chunk lists the structure first. Unknown account P0002, NULL p_listed_at 22023.';


-- A chunk's work is done. Called in the same transaction that wrote the chunk's rows, so the
-- rows and the completion commit together (or neither does).

create or replace function meta_sync.complete_sync_chunk(
  p_chunk_id      bigint,
  p_lease_token   uuid,
  p_rows_written  bigint default 0,
  p_api_calls     integer default 0,
  p_entity_counts jsonb default '{}',
  p_fresh_through date default null,
  p_now           timestamptz default now()
)
returns meta_sync.job_status
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_chunk meta_sync.sync_job_chunks;
begin
  if coalesce(p_rows_written, 0) < 0 or coalesce(p_api_calls, 0) < 0 then
    raise exception 'rows written and api calls must not be negative' using errcode = '22023';
  end if;

  -- 1. The caller must still hold the lease (locks the chunk row).
  v_chunk := meta_sync.lock_leased_chunk(p_chunk_id, p_lease_token, p_now);

  -- 2. The chunk is done; its lease ends. Its calls add to those of earlier failed attempts.
  update meta_sync.sync_job_chunks as c
  set status = 'completed',
      locked_by = null, locked_until = null, lease_token = null,
      rows_written = coalesce(p_rows_written, 0),
      api_calls = c.api_calls + coalesce(p_api_calls, 0),
      completed_at = p_now,
      actual_duration_seconds = greatest(extract(epoch from p_now - c.started_at), 0),
      last_error = null
  where c.id = p_chunk_id;

  -- 3. Structure read: the structure is fresh as of when the read started (the next incremental
  --    structure chunk reads updated_since from it).
  if v_chunk.chunk_type = 'structure' then
    perform meta_sync.record_structure_listing(v_chunk.account_id, v_chunk.started_at);
  end if;

  -- 4. The job: counts, progress, ETA, and its end when this was the last chunk.
  return meta_sync.apply_chunk_outcome(
    v_chunk.job_id,
    p_completed     => 1,
    p_rows_written  => case when v_chunk.chunk_type = 'insights' then coalesce(p_rows_written, 0) else 0 end,
    p_api_calls     => coalesce(p_api_calls, 0),
    p_entity_counts => coalesce(p_entity_counts, '{}'),
    p_fresh_through => p_fresh_through,
    p_now           => p_now);
end;
$$;
comment on function meta_sync.complete_sync_chunk(bigint, uuid, bigint, integer, jsonb, date, timestamptz) is
  'Marks a leased chunk completed (rows, api calls added to those of earlier attempts, duration) and adds it to its job (counts, progress, ETA); the last chunk ends the job and informs the scheduler. Requires the current, unexpired lease token, else 55000 "lease ..." and nothing changes. Call it in the transaction that wrote the chunk''s rows. Returns the job status.';

-- The tier schedule's job: insights from the day after fresh_through (or the tier's re-read
-- window, whichever is earlier) to today, and the structure since the last structure sync when
-- that listing is older than the tier's structure_refresh_minutes.

create or replace function meta_sync.enqueue_incremental_sync(
  p_account_id text,
  p_now timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account   meta_sync.meta_ad_accounts;
  v_settings  meta_sync.sync_planner_settings;
  v_days      integer;
  v_refresh   integer;
  v_today     date;
  v_fresh     date;
  v_structure timestamptz;
  v_since     date;
begin
  v_account := meta_sync.lock_ad_account(p_account_id);
  select s.* into v_settings from meta_sync.sync_planner_settings s;
  select c.date_range_days, c.structure_refresh_minutes into v_days, v_refresh
  from meta_sync.meta_sync_config c where c.tier = v_account.meta_sync_priority;
  select f.fresh_through into v_fresh
  from meta_sync.data_freshness f where f.account_id = v_account.id and f.dataset = 'insights';
  select f.synced_at into v_structure
  from meta_sync.data_freshness f where f.account_id = v_account.id and f.dataset = 'structure';

  v_today := meta_sync.account_today(v_account.timezone_name, p_now);
  -- least() ignores a NULL fresh_through; after a long pause the range reaches back to it: no gap.
  v_since := least(v_today - (v_days - 1), v_fresh + 1);
  -- Never earlier than Meta serves.
  v_since := greatest(v_since, (v_today - pg_catalog.make_interval(
    months => v_settings.history_limit_months))::date + v_settings.history_margin_days);
  return meta_sync.create_sync_job(
    v_account.id, 'incremental', 'incremental', v_since, v_today,
    meta_sync.plan_insights_chunk_days(v_account.id, v_today - v_since + 1,
                                       v_settings.incremental_chunk_days),
    v_structure is null or v_structure <= p_now - pg_catalog.make_interval(mins => v_refresh),
    v_structure - pg_catalog.make_interval(mins => v_settings.structure_overlap_minutes),
    'schedule', p_now);
end;
$$;
comment on function meta_sync.enqueue_incremental_sync(text, timestamptz) is
  'Creates the scheduled incremental job of one account: a structure chunk when the last listing (data_freshness structure synced_at) is NULL or at least the tier''s structure_refresh_minutes old (updated_since = synced_at - structure_overlap_minutes), and insights chunks over [least(today - date_range_days + 1, insights fresh_through + 1), today] in the account time zone, cut by plan_insights_chunk_days (estimated rows; incremental_chunk_days when the ads are unknown). NULL when an open incremental job exists.';

select meta_sync.secure_schema();
