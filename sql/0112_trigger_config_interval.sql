-- Changing a tier's interval in meta_sync_config reschedules every account of that tier.

create function meta_sync.reschedule_tier_accounts()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update meta_sync.meta_ad_accounts a
  set next_sync_at = meta_sync.compute_next_sync_at(
        a.meta_sync_priority, a.last_meta_sync_at, a.phase_1_completed_at, a.rate_limit_backoff_until)
  where a.meta_sync_priority = new.tier
    and a.phase_1_completed_at is not null;
  return null;
end;
$$;
comment on function meta_sync.reschedule_tier_accounts() is
  'Trigger: after meta_sync_config.interval_minutes of a tier changes, next_sync_at of every onboarded account of that tier is recomputed from its last sync.';

create trigger meta_sync_config_reschedule
  after update of interval_minutes on meta_sync.meta_sync_config
  for each row
  when (old.interval_minutes is distinct from new.interval_minutes)
  execute function meta_sync.reschedule_tier_accounts();
