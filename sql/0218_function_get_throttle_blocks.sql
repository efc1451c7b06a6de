-- What is throttled now, for `metasync status` and /metrics: the scopes Meta stopped (app,
-- business use case, ad account usage) and the accounts backing off after a throttle.

create function meta_sync.get_throttle_blocks(p_now timestamptz default now())
returns table (scope_type text, scope_id text, usage_type text, blocked_until timestamptz,
               reason text)
language sql
stable
security invoker
set search_path = ''
as $$
  select s.scope_type, s.scope_id, s.usage_type, s.blocked_until,
         case when s.last_throttle_code is not null
              then 'Meta throttle code ' || s.last_throttle_code
              else 'usage reported by Meta' end
  from meta_sync.meta_rate_limit_state s
  where s.blocked_until > p_now
  union all
  select 'account_backoff', a.id, '', a.rate_limit_backoff_until,
         coalesce(a.last_sync_error, 'rate limited by Meta')
  from meta_sync.meta_ad_accounts a
  where a.rate_limit_backoff_until > p_now
  order by 4 desc, 1, 2, 3
$$;
comment on function meta_sync.get_throttle_blocks(timestamptz) is
  'Throttles in force at p_now, latest end first: meta_rate_limit_state scopes blocked beyond p_now (app, ad_account, business_use_case) and accounts whose rate_limit_backoff_until is later than p_now (scope_type account_backoff, scope_id the account, reason its last error).';
