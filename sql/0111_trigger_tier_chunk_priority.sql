-- A tier change re-prioritises the account's pending chunks.

create function meta_sync.reprioritise_account_chunks()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  update meta_sync.sync_job_chunks c
  set priority = meta_sync.chunk_priority(j.sync_phase, new.meta_sync_priority)
  from meta_sync.sync_jobs j
  where c.account_id = new.id
    and c.status = 'pending'
    and j.id = c.job_id
    and c.priority is distinct from meta_sync.chunk_priority(j.sync_phase, new.meta_sync_priority);
  return null;
end;
$$;
comment on function meta_sync.reprioritise_account_chunks() is
  'Trigger: after an account''s tier changes, its pending chunks get chunk_priority(job phase, new tier).';

create trigger meta_ad_accounts_chunk_priority
  after update of meta_sync_priority on meta_sync.meta_ad_accounts
  for each row
  when (old.meta_sync_priority is distinct from new.meta_sync_priority)
  execute function meta_sync.reprioritise_account_chunks();
