-- How many days one insights chunk may hold: estimated rows (live ads x days) against
-- sync_planner_settings.insights_rows_per_chunk, so a small account's 28-day settle is one
-- chunk (one insights page, one call) and a large account's days are cut to fit a page.

create function meta_sync.plan_insights_chunk_days(
  p_account_id         text,
  p_days               integer,
  p_default_chunk_days integer
)
returns integer
language plpgsql
stable
security invoker
set search_path = ''
as $$
declare
  v_rows integer;
  v_ads  bigint;
begin
  if p_days is null or p_days < 1 or p_default_chunk_days is null or p_default_chunk_days < 1 then
    raise exception 'days and default chunk days must be at least 1, got % and %', p_days, p_default_chunk_days
      using errcode = '22023';
  end if;
  select s.insights_rows_per_chunk into v_rows from meta_sync.sync_planner_settings s;
  -- Counting past v_rows changes nothing (one day per chunk either way): big accounts stop there.
  select count(*) into v_ads
  from (select 1 from meta_sync.meta_ads ad
        where ad.account_id = p_account_id and not ad.is_deleted
        limit v_rows + 1) live;
  -- Ads unknown: the structure was never read and no ad is stored.
  if v_ads = 0 and not exists (select 1 from meta_sync.data_freshness f
                               where f.account_id = p_account_id and f.dataset = 'structure') then
    return p_default_chunk_days;
  end if;
  if v_ads * p_days <= v_rows then
    return p_days;
  end if;
  return greatest(1, (v_rows / v_ads)::integer);
end;
$$;
comment on function meta_sync.plan_insights_chunk_days(text, integer, integer) is
  'Internal planner helper: days per insights chunk for p_days days of an account. Estimated rows = live ads (meta_ads not deleted) x days; p_days (one chunk) when that is at most sync_planner_settings.insights_rows_per_chunk, else the most days that fit, at least 1; p_default_chunk_days when the ads are unknown (no structure read, no ad stored). Days < 1 -> 22023.';
