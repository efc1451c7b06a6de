-- What the governor must respect now.

create function meta_sync.get_rate_limit_state(p_now timestamptz default now())
returns setof meta_sync.meta_rate_limit_state
language sql
stable
security invoker
set search_path = ''
as $$
  select s.*
  from meta_sync.meta_rate_limit_state as s
  where s.blocked_until > p_now
     or s.observed_at > p_now - interval '1 hour'
  order by s.scope_type, s.scope_id, s.usage_type
$$;
comment on function meta_sync.get_rate_limit_state(timestamptz) is
  'Rate-limit rows still relevant at p_now: blocked beyond p_now, or observed within the last hour (Meta''s usage window).';
