-- Accounts due now: HIGH first, then medium, then low; within a tier the most overdue first.

create function meta_sync.get_meta_accounts_due_for_sync(
  p_limit integer default 100,
  p_now timestamptz default now()
)
returns table (
  account_id        text,
  organization_id   uuid,
  tier              meta_sync.sync_tier,
  next_sync_at      timestamptz,
  overdue_by        interval,
  last_meta_sync_at timestamptz,
  sync_error_count  integer,
  timezone_name     text,
  connection_id     uuid
)
language plpgsql
stable
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_tier  meta_sync.sync_tier;
  v_left  integer := p_limit;
  v_rows  integer;
begin
  if p_limit is null or p_limit not between 1 and 10000 then
    raise exception 'p_limit must be between 1 and 10000, got %', coalesce(p_limit::text, 'null')
      using errcode = '22023';
  end if;
  -- Tier by tier, high first: each an ordered range scan of meta_ad_accounts_due_by_tier_idx
  -- (tier, next_sync_at, id) that stops after the accounts still needed. The connection and
  -- open-job checks are scalar sub-selects by key, evaluated for the rows the scan reaches: as
  -- joins their estimates (a rarely analysed meta_connections, a sync_jobs just grown) could
  -- turn the plan into a sort of every due account of the tier, seconds at 1 000 000 accounts.
  foreach v_tier in array pg_catalog.enum_range(null::meta_sync.sync_tier) loop
    return query
    select acc.id::text, acc.organization_id, acc.meta_sync_priority, acc.next_sync_at,
           p_now - acc.next_sync_at, acc.last_meta_sync_at, acc.sync_error_count,
           acc.timezone_name, acc.connection_id
    from meta_sync.meta_ad_accounts acc
    where acc.meta_sync_priority = v_tier
      and not acc.paused
      and acc.next_sync_at is not null
      and acc.next_sync_at <= p_now
      and (acc.rate_limit_backoff_until is null or acc.rate_limit_backoff_until <= p_now)
      and coalesce((select c.status = 'active' from meta_sync.meta_connections c
                    where c.id = acc.connection_id), false)
      and not coalesce((select true from meta_sync.sync_jobs j
                        where j.account_id = acc.id
                          and j.sync_phase = 'incremental'
                          and j.status in ('pending', 'in_progress')), false)
    order by acc.next_sync_at, acc.id
    limit v_left;
    get diagnostics v_rows = row_count;
    v_left := v_left - v_rows;
    exit when v_left <= 0;
  end loop;
end;
$$;
comment on function meta_sync.get_meta_accounts_due_for_sync(integer, timestamptz) is
  'Accounts due at p_now (next_sync_at <= p_now), high tier first, then medium, then low, most overdue first within a tier. Skips paused, backed-off (rate_limit_backoff_until > p_now), connection missing or not active, and accounts with an open incremental job. p_limit outside 1..10000 -> 22023.';
