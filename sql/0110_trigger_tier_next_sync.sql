-- A tier change (or a new last sync, or phase 1 completing) recomputes next_sync_at, so a plain
-- UPDATE meta_sync.meta_ad_accounts SET meta_sync_priority = 'high' in psql just works.

create function meta_sync.recompute_account_next_sync()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    if new.phase_1_completed_at is null then
      new.next_sync_at := null;  -- onboarding comes first
    elsif new.next_sync_at is null then
      new.next_sync_at := meta_sync.compute_next_sync_at(
        new.meta_sync_priority, new.last_meta_sync_at, new.phase_1_completed_at, new.rate_limit_backoff_until);
    end if;
  elsif new.meta_sync_priority is distinct from old.meta_sync_priority
     or new.last_meta_sync_at is distinct from old.last_meta_sync_at
     or new.phase_1_completed_at is distinct from old.phase_1_completed_at then
    new.next_sync_at := meta_sync.compute_next_sync_at(
      new.meta_sync_priority, new.last_meta_sync_at, new.phase_1_completed_at, new.rate_limit_backoff_until);
  end if;
  return new;
end;
$$;
comment on function meta_sync.recompute_account_next_sync() is
  'Trigger: on insert, and when meta_sync_priority, last_meta_sync_at or phase_1_completed_at change, next_sync_at = compute_next_sync_at(...) (NULL until phase 1 completes; an insert may give its own next_sync_at once phase 1 is done).';

create trigger meta_ad_accounts_next_sync
  before insert or update of meta_sync_priority, last_meta_sync_at, phase_1_completed_at
  on meta_sync.meta_ad_accounts
  for each row execute function meta_sync.recompute_account_next_sync();
