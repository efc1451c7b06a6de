-- The daily attribution settle: re-read the last settle_lookback_days (28) before today.

create function meta_sync.enqueue_settle_sync(
  p_account_id text,
  p_now timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account  meta_sync.meta_ad_accounts;
  v_settings meta_sync.sync_planner_settings;
  v_lookback integer;
  v_today    date;
  v_job_id   bigint;
begin
  v_account := meta_sync.lock_ad_account(p_account_id);
  select s.* into v_settings from meta_sync.sync_planner_settings s;
  select c.settle_lookback_days into v_lookback
  from meta_sync.meta_sync_config c where c.tier = v_account.meta_sync_priority;
  v_today := meta_sync.account_today(v_account.timezone_name, p_now);
  -- Today and the last days are re-read by the tier schedule anyway: settle the 28 days before.
  v_job_id := meta_sync.create_sync_job(
    v_account.id, 'settle', 'incremental', v_today - v_lookback, v_today - 1,
    meta_sync.plan_insights_chunk_days(v_account.id, v_lookback, v_settings.settle_chunk_days),
    false, null, 'settle', p_now);
  if v_job_id is not null then
    update meta_sync.meta_ad_accounts a
    set last_settle_at = p_now, updated_at = p_now
    where a.id = v_account.id;
  end if;
  return v_job_id;
end;
$$;
comment on function meta_sync.enqueue_settle_sync(text, timestamptz) is
  'Creates the daily settle job of one account: insights chunks (plan_insights_chunk_days: one chunk when live ads x days fits insights_rows_per_chunk; settle_chunk_days when the ads are unknown) over the meta_sync_config.settle_lookback_days (28) days before today in the account time zone; sets last_settle_at = p_now. NULL when an open settle job exists.';
