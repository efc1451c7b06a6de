-- The worker governor reports Meta's usage headers here; every worker reads them back.

create function meta_sync.record_rate_limit_state(
  p_scope_type               text,
  p_scope_id                 text,
  p_usage_type               text,
  p_call_count_pct           numeric,
  p_total_cputime_pct        numeric,
  p_total_time_pct           numeric,
  p_estimated_regain_minutes integer,
  p_blocked_until            timestamptz,
  p_throttle_code            integer,
  p_now                      timestamptz default now()
)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
begin
  if p_scope_type is null or p_scope_type not in ('app', 'ad_account', 'business_use_case') then
    raise exception 'unknown rate-limit scope "%": expected app, ad_account or business_use_case',
      p_scope_type using errcode = '22023';
  end if;
  if p_scope_id is null or btrim(p_scope_id) = '' then
    raise exception 'rate-limit scope id must not be blank' using errcode = '22023';
  end if;

  insert into meta_sync.meta_rate_limit_state as s
    (scope_type, scope_id, usage_type, call_count_pct, total_cputime_pct, total_time_pct,
     estimated_regain_minutes, blocked_until, last_throttle_code, observed_at)
  values
    (p_scope_type, p_scope_id, coalesce(p_usage_type, ''), p_call_count_pct, p_total_cputime_pct,
     p_total_time_pct, p_estimated_regain_minutes, p_blocked_until, p_throttle_code, p_now)
  on conflict (scope_type, scope_id, usage_type) do update set
    call_count_pct           = excluded.call_count_pct,
    total_cputime_pct        = excluded.total_cputime_pct,
    total_time_pct           = excluded.total_time_pct,
    estimated_regain_minutes = excluded.estimated_regain_minutes,
    -- A block still running is never shortened by a later report; a passed one is replaced.
    blocked_until            = case
      when s.blocked_until > p_now
        then greatest(s.blocked_until, coalesce(excluded.blocked_until, s.blocked_until))
      else excluded.blocked_until end,
    last_throttle_code       = coalesce(excluded.last_throttle_code, s.last_throttle_code),
    observed_at              = greatest(s.observed_at, excluded.observed_at);
end;
$$;
comment on function meta_sync.record_rate_limit_state(text, text, text, numeric, numeric, numeric, integer, timestamptz, integer, timestamptz) is
  'Upserts Meta usage for a scope (app, ad_account, business_use_case + usage type) as observed at p_now. blocked_until is never shortened while it is still in the future; a report after it passed replaces it. Bad scope: 22023.';
