-- How many ad-day insights rows one day of an account holds: what the account really has.
-- Once rows are stored, their count over the latest 28 stored days (default attribution, no
-- breakdown); before that, the live ads (every ad may deliver every day); NULL when neither is
-- known (no structure read yet).

create function meta_sync.estimate_insights_rows_per_day(p_account_id text)
returns numeric
language plpgsql
stable
security invoker
set search_path = ''
-- Generic plans: lookups by key whatever the arguments; re-planning them cost more than running
-- them (one call per job, 100 jobs per enqueue_due_syncs call).
set plan_cache_mode = force_generic_plan
as $$
declare
  v_page   integer;
  v_cap    integer;
  v_latest date;
  v_first  date;
  v_rows   bigint;
  v_ads    bigint;
begin
  select s.insights_rows_per_chunk into v_page from meta_sync.sync_planner_settings s;
  select max(i.date) into v_latest
  from meta_sync.meta_insights_daily i
  where i.account_id = p_account_id;
  if v_latest is not null then
    -- Counting past 28 pages changes nothing (a day fills a page either way): big accounts stop.
    v_cap := 28 * v_page;
    select count(*), min(w.date) into v_rows, v_first
    from (select i.date from meta_sync.meta_insights_daily i
          where i.account_id = p_account_id and i.date > v_latest - 28
            and i.attribution_setting = 'default' and i.breakdown_key = ''
          limit v_cap + 1) w;
    if v_rows > 0 then
      -- Days of the window without a row delivered nothing: they count, as zero-row days.
      return v_rows::numeric / (v_latest - v_first + 1);
    end if;
  end if;
  -- More ads than one page holds already means one day per chunk: counting stops there.
  select count(*) into v_ads
  from (select 1 from meta_sync.meta_ads ad
        where ad.account_id = p_account_id and not ad.is_deleted
        limit v_page + 1) live;
  if v_ads = 0 and not exists (select 1 from meta_sync.data_freshness f
                               where f.account_id = p_account_id and f.dataset = 'structure') then
    return null;
  end if;
  return v_ads;
end;
$$;
comment on function meta_sync.estimate_insights_rows_per_day(text) is
  'Internal planner helper: estimated ad-day insights rows per day of an account. With rows stored: the default rows of the latest 28 days up to the newest stored day, divided by the days from the first of them (days without rows count as zero; counting stops at 28 pages of insights_rows_per_chunk). Before any row: live ads (meta_ads not deleted; every ad may deliver every day; counting stops at insights_rows_per_chunk + 1, which already means one day per chunk). NULL when the ads are unknown too (no structure read, no ad stored).';
