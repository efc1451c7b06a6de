-- Breakdown sets and attribution settings per organisation: insights_breakdown_sets, the
-- checks of what Meta refuses, add_breakdown_set, a breakdown:<id> chunk dataset, and the
-- planner creating those chunks.

alter table meta_sync.sync_job_chunks drop constraint chunk_dataset_known;
alter table meta_sync.sync_job_chunks add constraint chunk_dataset_known
  check (dataset in ('daily', 'hourly') or dataset ~ '^breakdown:[0-9]+$');
comment on column meta_sync.sync_job_chunks.dataset is
  'Insights chunks: daily (meta_insights_daily), hourly (meta_insights_hourly, breakdowns=hourly_stats_aggregated_by_advertiser_time_zone) or breakdown:<insights_breakdown_sets.id> (meta_insights_daily rows under the set''s breakdown_key / attribution_setting). Split children inherit it (trigger).';

-- 0411_table_insights_breakdown_sets.sql
-- Breakdown sets and attribution settings an organisation asks for: each is read beside the
-- default rows and stored in meta_insights_daily under its own breakdown_key /
-- attribution_setting, never touching the default rows.

create table meta_sync.insights_breakdown_sets (
  id                   bigint generated always as identity primary key,
  organization_id      uuid not null references meta_sync.organizations (id) on delete cascade,
  breakdowns           text[] not null default '{}',
  attribution_windows  text[] not null default '{}',
  use_unified_attribution_setting boolean not null default false,
  with_reach           boolean not null default true,
  history_months       integer not null default 13
                       constraint breakdown_set_history_in_range check (history_months between 1 and 37),
  breakdown_key        text not null,
  attribution_setting  text not null,
  enabled              boolean not null default true,
  created_at           timestamptz not null default now(),
  constraint breakdown_set_not_default check (breakdown_key <> '' or attribution_setting <> 'default'),
  unique (organization_id, breakdown_key, attribution_setting)
);
comment on table meta_sync.insights_breakdown_sets is
  'What an organisation reads beyond the default rows: a breakdown set (breakdowns, e.g. {age,gender}) and/or an attribution setting (action_attribution_windows such as {1d_click,7d_click}, or use_unified_attribution_setting). Created by meta_sync.add_breakdown_set (which refuses what Meta refuses); its rows go to meta_insights_daily with breakdown_key = <breakdowns joined by ,>:<their values joined by ,> and attribution_setting = <windows joined by ,> | unified | default, for the recent data (every job but phase 2, back history_months).';
comment on column meta_sync.insights_breakdown_sets.breakdown_key is
  'The breakdowns joined by "," ('''' = none); stored rows carry it followed by ":" and the row''s values.';
comment on column meta_sync.insights_breakdown_sets.attribution_setting is
  'The windows joined by "," (as asked), "unified" (use_unified_attribution_setting) or "default".';

create policy members_read_breakdown_sets on meta_sync.insights_breakdown_sets
  for select to authenticated
  using (meta_sync.is_org_member(organization_id));
grant select on meta_sync.insights_breakdown_sets to authenticated;


-- 0412_function_check_breakdown_set.sql
-- What Meta refuses, refused when a breakdown set is configured instead of by a failing job.

create function meta_sync.check_breakdown_set(
  p_breakdowns          text[],
  p_attribution_windows text[] default '{}',
  p_use_unified         boolean default false,
  p_with_reach          boolean default true,
  p_history_months      integer default 13
)
returns text[]
language plpgsql
immutable
security invoker
set search_path = ''
as $$
declare
  c_known constant text[] := array['age', 'gender', 'country', 'region', 'dma',
    'publisher_platform', 'platform_position', 'impression_device', 'device_platform'];
  -- The combinations Meta serves (sorted); any other is refused by the Insights API (#100).
  c_allowed constant text[] := array[
    'age', 'gender', 'age,gender', 'country', 'region', 'dma', 'impression_device',
    'device_platform', 'publisher_platform', 'platform_position,publisher_platform',
    'impression_device,publisher_platform', 'impression_device,platform_position,publisher_platform',
    'device_platform,publisher_platform', 'device_platform,platform_position,publisher_platform'];
  c_windows constant text[] := array['1d_click', '7d_click', '28d_click', '1d_view', '1d_ev'];
  c_gone constant text[] := array['7d_view', '28d_view'];
  v_sorted text[];
  v_bad    text[];
begin
  select coalesce(array_agg(distinct b order by b), '{}') into v_sorted
  from unnest(coalesce(p_breakdowns, '{}')) b;
  if cardinality(v_sorted) <> cardinality(coalesce(p_breakdowns, '{}')) then
    raise exception 'breakdowns must not repeat a dimension: %', p_breakdowns using errcode = '22023';
  end if;
  if 'hourly_stats_aggregated_by_advertiser_time_zone' = any (v_sorted) then
    raise exception 'hourly data is not a breakdown set: switch it on per tier (meta_sync_config.hourly_enabled)'
      using errcode = '22023';
  end if;
  select array_agg(b) into v_bad from unnest(v_sorted) b where b <> all (c_known);
  if v_bad is not null then
    raise exception 'unknown breakdown(s) %', v_bad
      using errcode = '22023', hint = 'Known: ' || array_to_string(c_known, ', ') || '.';
  end if;
  if cardinality(v_sorted) > 0 and array_to_string(v_sorted, ',') <> all (c_allowed) then
    raise exception 'Meta does not serve the breakdown combination %', array_to_string(v_sorted, ' + ')
      using errcode = '22023',
            hint = 'Allowed: ' || array_to_string(c_allowed, '; ') || ' (platform_position needs publisher_platform).';
  end if;
  select array_agg(w) into v_bad from unnest(coalesce(p_attribution_windows, '{}')) w where w = any (c_gone);
  if v_bad is not null then
    raise exception 'Meta no longer returns the attribution window(s) %', v_bad
      using errcode = '22023', hint = 'Use ' || array_to_string(c_windows, ', ') || '.';
  end if;
  select array_agg(w) into v_bad from unnest(coalesce(p_attribution_windows, '{}')) w where w <> all (c_windows);
  if v_bad is not null then
    raise exception 'unknown attribution window(s) %', v_bad
      using errcode = '22023', hint = 'Use ' || array_to_string(c_windows, ', ') || '.';
  end if;
  if coalesce(p_use_unified, false) and cardinality(coalesce(p_attribution_windows, '{}')) > 0 then
    raise exception 'use_unified_attribution_setting and action_attribution_windows exclude each other'
      using errcode = '22023';
  end if;
  if cardinality(v_sorted) = 0 and cardinality(coalesce(p_attribution_windows, '{}')) = 0
     and not coalesce(p_use_unified, false) then
    raise exception 'an empty set: give breakdowns, attribution windows or use_unified_attribution_setting'
      using errcode = '22023';
  end if;
  if coalesce(p_with_reach, true) and cardinality(v_sorted) > 0 and coalesce(p_history_months, 13) > 13 then
    raise exception 'Meta omits reach for breakdowns older than 13 months: history_months % with reach', p_history_months
      using errcode = '22023', hint = 'Use history_months <= 13, or with_reach => false.';
  end if;
  return v_sorted;
end;
$$;
comment on function meta_sync.check_breakdown_set(text[], text[], boolean, boolean, integer) is
  'Refuses (22023, with a hint) what Meta refuses for a breakdown set: unknown breakdowns, combinations the Insights API does not serve (allowed: age; gender; age+gender; country; region; dma; impression_device; device_platform; publisher_platform alone or with platform_position, impression_device or device_platform, and the three-way ones), the hourly breakdown (a tier switch instead), windows Meta no longer returns (7d_view, 28d_view) or does not know, unified attribution together with windows, an empty set, and reach asked for breakdowns older than 13 months. Returns the breakdowns sorted.';


-- 0413_function_add_breakdown_set.sql
-- Configure a breakdown set / attribution setting for an organisation (checked first).

create function meta_sync.add_breakdown_set(
  p_organization_id     uuid,
  p_breakdowns          text[] default '{}',
  p_attribution_windows text[] default '{}',
  p_use_unified         boolean default false,
  p_with_reach          boolean default true,
  p_history_months      integer default 13,
  p_now                 timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_sorted  text[];
  v_setting text;
  v_id      bigint;
begin
  if not exists (select 1 from meta_sync.organizations o where o.id = p_organization_id) then
    raise exception 'no organization %', p_organization_id using errcode = 'P0002';
  end if;
  v_sorted := meta_sync.check_breakdown_set(p_breakdowns, p_attribution_windows, p_use_unified,
                                            p_with_reach, p_history_months);
  v_setting := case when coalesce(p_use_unified, false) then 'unified'
                    when cardinality(coalesce(p_attribution_windows, '{}')) > 0
                      then array_to_string(p_attribution_windows, ',')
                    else 'default' end;
  insert into meta_sync.insights_breakdown_sets
    (organization_id, breakdowns, attribution_windows, use_unified_attribution_setting, with_reach,
     history_months, breakdown_key, attribution_setting, created_at)
  values (p_organization_id, v_sorted, coalesce(p_attribution_windows, '{}'), coalesce(p_use_unified, false),
          coalesce(p_with_reach, true), coalesce(p_history_months, 13), array_to_string(v_sorted, ','),
          v_setting, p_now)
  on conflict (organization_id, breakdown_key, attribution_setting) do update
    set enabled = true, with_reach = excluded.with_reach, history_months = excluded.history_months
  returning id into v_id;
  return v_id;
end;
$$;
comment on function meta_sync.add_breakdown_set(uuid, text[], text[], boolean, boolean, integer, timestamptz) is
  'Adds (or re-enables) a breakdown set / attribution setting of an organisation after meta_sync.check_breakdown_set; returns its id. Its rows are read by the next jobs of the organisation''s accounts (every job but phase 2), one dataset breakdown:<id> chunk beside each daily one, back history_months. Unknown organisation -> P0002; what Meta refuses -> 22023.';


-- 0150_function_create_sync_job.sql
create or replace function meta_sync.create_sync_job(
  p_account_id     text,
  p_phase          meta_sync.sync_phase,
  p_type           meta_sync.sync_type,
  p_since          date,
  p_until          date,
  p_chunk_days     integer,
  p_with_structure boolean,
  p_updated_since  timestamptz default null,
  p_requested_by   text default null,
  p_now            timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account   meta_sync.meta_ad_accounts;
  v_priority  smallint;
  v_job_id    bigint;
  v_structure bigint;
  v_order     integer := 0;
  v_until     date := p_until;
  v_since     date;
  v_hourly    boolean;
  v_dataset   text;
  v_first     date;
begin
  if p_since is null or p_until is null or p_since > p_until then
    raise exception 'invalid date range % .. %', p_since, p_until using errcode = '22023';
  end if;
  if p_chunk_days is null or p_chunk_days < 1 then
    raise exception 'chunk size must be at least 1 day, got %', p_chunk_days using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  v_priority := meta_sync.chunk_priority(p_phase, v_account.meta_sync_priority);

  -- The unique partial indexes on sync_jobs refuse a second open job of the same kind.
  insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type, date_since,
                                   date_until, requested_by, created_at, updated_at)
  values (v_account.id, v_account.organization_id, p_phase, p_type, p_since, p_until,
          p_requested_by, p_now, p_now)
  on conflict do nothing
  returning id into v_job_id;
  if v_job_id is null then
    return null;
  end if;

  if p_with_structure then
    insert into meta_sync.sync_job_chunks (job_id, account_id, chunk_type, updated_since,
                                           chunk_order, priority, run_after, created_at)
    values (v_job_id, v_account.id, 'structure', p_updated_since, 0, v_priority, p_now, p_now)
    returning id into v_structure;
  end if;

  -- Newest slice first: chunk_order and id (the claim's tie-breaker) both run backwards in time.
  -- Tiers with hourly_enabled get the same slices again as hourly chunks, and each enabled
  -- breakdown set of the organisation its own (back history_months), after the daily ones;
  -- phase 2 reads the daily data only.
  select c.hourly_enabled into v_hourly
  from meta_sync.meta_sync_config c where c.tier = v_account.meta_sync_priority;
  for v_dataset, v_first in
    select 'daily', p_since
    union all
    select 'hourly', p_since where coalesce(v_hourly, false) and p_phase <> 'historical_backfill'
    union all
    select * from (
      select 'breakdown:' || b.id, greatest(p_since,
               (meta_sync.account_today(v_account.timezone_name, p_now)
                - pg_catalog.make_interval(months => b.history_months))::date + 1)
      from meta_sync.insights_breakdown_sets b
      where b.organization_id = v_account.organization_id and b.enabled
        and p_phase <> 'historical_backfill'
      order by b.id) sets
  loop
    v_until := p_until;
    while v_until >= v_first loop
      v_order := v_order + 1;
      v_since := greatest(v_first, v_until - (p_chunk_days - 1));
      insert into meta_sync.sync_job_chunks (job_id, account_id, depends_on_chunk_id, chunk_type,
                                             date_since, date_until, chunk_order, priority,
                                             run_after, created_at, dataset)
      values (v_job_id, v_account.id, v_structure, 'insights', v_since, v_until, v_order, v_priority,
              p_now, p_now, v_dataset);
      v_until := v_since - 1;
    end loop;
  end loop;

  update meta_sync.sync_jobs j
  set total_chunks = v_order + (case when p_with_structure then 1 else 0 end)
  where j.id = v_job_id;
  return v_job_id;
end;
$$;
comment on function meta_sync.create_sync_job(text, meta_sync.sync_phase, meta_sync.sync_type, date, date, integer, boolean, timestamptz, text, timestamptz) is
  'Internal planner: inserts a job for [p_since, p_until] with an optional structure chunk (order 0) and insights chunks of p_chunk_days, newest first (order 1..n), each depending on the structure chunk; when the tier has meta_sync_config.hourly_enabled the same slices again as dataset hourly chunks, and for each enabled insights_breakdown_sets row of the organisation as dataset breakdown:<id> chunks (not before today - history_months), after the daily ones (not for historical_backfill); priority = chunk_priority(phase, tier), total_chunks filled, every timestamp p_now. Returns NULL (and creates nothing) when an open job of the same kind exists (unique partial indexes).';

select meta_sync.secure_schema();
