-- When an account is next due, from its tier, last sync, onboarding state and backoff.

create function meta_sync.compute_next_sync_at(
  p_tier meta_sync.sync_tier,
  p_last_sync_at timestamptz,
  p_phase_1_completed_at timestamptz,
  p_backoff_until timestamptz
)
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select case
    when p_phase_1_completed_at is null then null  -- onboarding first: no schedule yet
    else greatest(
      coalesce(p_last_sync_at, p_phase_1_completed_at) + pg_catalog.make_interval(mins => c.interval_minutes),
      p_backoff_until)                             -- greatest() ignores a null backoff
  end
  from meta_sync.meta_sync_config c
  where c.tier = p_tier
$$;
comment on function meta_sync.compute_next_sync_at(meta_sync.sync_tier, timestamptz, timestamptz, timestamptz) is
  'Next due time: (last sync, else phase 1 completion) + the tier''s interval_minutes, not before the backoff; NULL while onboarding phase 1 has not completed.';
