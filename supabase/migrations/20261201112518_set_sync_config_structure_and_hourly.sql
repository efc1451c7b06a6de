-- set_sync_config also sets structure_refresh_minutes (5..10080) and hourly_enabled.
drop function meta_sync.set_sync_config(text, integer, integer, integer, integer, timestamptz);

-- Change a tier's schedule with clear refusals; the trigger reschedules its accounts.

create function meta_sync.set_sync_config(
  p_tier                    text,
  p_interval_minutes        integer default null,
  p_date_range_days         integer default null,
  p_settle_lookback_days    integer default null,
  p_settle_interval_minutes integer default null,
  p_structure_refresh_minutes integer default null,
  p_hourly_enabled          boolean default null,
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
  if p_structure_refresh_minutes is not null and p_structure_refresh_minutes not between 5 and 10080 then
    raise exception 'structure refresh % minutes is out of range: 5 to 10080 (a week)',
      p_structure_refresh_minutes using errcode = '22023';
  end if;
  update meta_sync.meta_sync_config c
  set interval_minutes = coalesce(p_interval_minutes, c.interval_minutes),
      date_range_days = coalesce(p_date_range_days, c.date_range_days),
      settle_lookback_days = coalesce(p_settle_lookback_days, c.settle_lookback_days),
      settle_interval_minutes = coalesce(p_settle_interval_minutes, c.settle_interval_minutes),
      structure_refresh_minutes = coalesce(p_structure_refresh_minutes, c.structure_refresh_minutes),
      hourly_enabled = coalesce(p_hourly_enabled, c.hourly_enabled),
      updated_at = p_now
  where c.tier = v_tier::meta_sync.sync_tier
  returning c.* into v_row;
  if not found then
    raise exception 'tier % has no row in meta_sync_config', v_tier using errcode = 'P0002';
  end if;
  return v_row;
end;
$$;
comment on function meta_sync.set_sync_config(text, integer, integer, integer, integer, integer, boolean, timestamptz) is
  'Changes a tier''s schedule: interval_minutes (5..10080), date_range_days (1..90), settle_lookback_days (1..90), settle_interval_minutes (60..43200), structure_refresh_minutes (5..10080), hourly_enabled; null keeps a value. Returns the new row; the accounts of the tier are rescheduled by the config trigger. Unknown tier or value out of range -> 22023 (nothing changed).';

select meta_sync.secure_schema();
