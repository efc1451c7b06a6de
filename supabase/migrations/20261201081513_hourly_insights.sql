-- Hourly insights: a per-tier switch (on for high), a dataset per insights chunk (daily or
-- hourly, inherited by split children), meta_insights_hourly, and the planner creating the
-- hourly chunks.

alter table meta_sync.meta_sync_config add column hourly_enabled boolean not null default false;
update meta_sync.meta_sync_config set hourly_enabled = true where tier = 'high';
comment on column meta_sync.meta_sync_config.hourly_enabled is
  'Also read hourly insights (meta_insights_hourly, hours of the account time zone) for the accounts of this tier: every job but phase 2 gets an hourly chunk beside each daily one. On for high by default.';

alter table meta_sync.sync_job_chunks
  add column dataset text not null default 'daily'
    constraint chunk_dataset_known check (dataset in ('daily', 'hourly'));
comment on column meta_sync.sync_job_chunks.dataset is
  'Insights chunks: daily (meta_insights_daily) or hourly (meta_insights_hourly, breakdowns=hourly_stats_aggregated_by_advertiser_time_zone). Split children inherit it (trigger).';

-- 0409_table_meta_insights_hourly.sql
-- Ad-level hourly performance: hours of the account's time zone, as Meta's
-- hourly_stats_aggregated_by_advertiser_time_zone breakdown reports them.

create table meta_sync.meta_insights_hourly (
  ad_id          meta_sync.meta_object_id not null,
  date           date not null,
  hour           smallint not null constraint hourly_hour_in_day check (hour between 0 and 23),
  account_id     meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  campaign_id    meta_sync.meta_object_id,
  adset_id       meta_sync.meta_object_id,
  currency       text,
  impressions    bigint not null default 0,
  clicks         bigint not null default 0,
  spend          numeric(20, 4) not null default 0,
  link_clicks    bigint not null default 0,
  conversions    numeric(20, 4) not null default 0,
  revenue        numeric(20, 4) not null default 0,
  actions        jsonb not null default '[]',
  action_values  jsonb not null default '[]',
  synced_at      timestamptz not null default now(),
  primary key (ad_id, date, hour)
);
create index meta_insights_hourly_account_date_idx on meta_sync.meta_insights_hourly (account_id, date);
comment on table meta_sync.meta_insights_hourly is
  'One row per ad, day and hour of the account time zone (hour 0-23 = the label "HH:00:00 - HH:59:59"; on the day the clocks go back the repeated hour is one row, on the day they go forward the skipped hour has none, so the hours of a day add up to its meta_insights_daily row). Same units and conversion rule as meta_insights_daily; no reach (Meta gives none by hour). Read for the tiers with meta_sync_config.hourly_enabled; rewritten while attribution settles.';
comment on column meta_sync.meta_insights_hourly.spend is 'Amount spent, major units of currency (the account currency).';

create policy members_read_insights_hourly on meta_sync.meta_insights_hourly
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));
grant select on meta_sync.meta_insights_hourly to authenticated;
grant select, insert, update, delete on meta_sync.meta_insights_hourly to meta_sync_worker;


-- 0410_trigger_chunk_dataset_inherit.sql
-- A split chunk's children read the same dataset as their parent.

create function meta_sync.inherit_chunk_dataset()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  select c.dataset into new.dataset
  from meta_sync.sync_job_chunks c where c.id = new.parent_chunk_id;
  return new;
end;
$$;
comment on function meta_sync.inherit_chunk_dataset() is
  'Trigger: a chunk inserted with a parent_chunk_id (split_sync_chunk''s children) takes the parent''s dataset (daily or hourly).';

create trigger sync_job_chunks_inherit_dataset
  before insert on meta_sync.sync_job_chunks
  for each row when (new.parent_chunk_id is not null)
  execute function meta_sync.inherit_chunk_dataset();


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
  -- Tiers with hourly_enabled get the same slices again as hourly chunks (not in phase 2),
  -- after the daily ones.
  select c.hourly_enabled into v_hourly
  from meta_sync.meta_sync_config c where c.tier = v_account.meta_sync_priority;
  foreach v_dataset in array case when coalesce(v_hourly, false) and p_phase <> 'historical_backfill'
                                  then array['daily', 'hourly'] else array['daily'] end loop
    v_until := p_until;
    while v_until >= p_since loop
      v_order := v_order + 1;
      v_since := greatest(p_since, v_until - (p_chunk_days - 1));
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
  'Internal planner: inserts a job for [p_since, p_until] with an optional structure chunk (order 0) and insights chunks of p_chunk_days, newest first (order 1..n), each depending on the structure chunk; when the tier has meta_sync_config.hourly_enabled (and the phase is not historical_backfill) the same slices again as dataset hourly chunks, after the daily ones; priority = chunk_priority(phase, tier), total_chunks filled, every timestamp p_now. Returns NULL (and creates nothing) when an open job of the same kind exists (unique partial indexes).';

select meta_sync.secure_schema();
