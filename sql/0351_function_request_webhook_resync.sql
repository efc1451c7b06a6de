-- A webhook said something changed in an account: re-read its structure soon, in one open job.

-- At most one open webhook job per account: a burst of webhook events shares it.
create unique index sync_jobs_one_open_webhook_idx on meta_sync.sync_jobs (account_id)
  where sync_phase = 'webhook' and status in ('pending', 'in_progress');

create function meta_sync.request_webhook_resync(
  p_account_id text,
  p_now        timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account       meta_sync.meta_ad_accounts;
  v_job_id        bigint;
  v_updated_since timestamptz;
begin
  -- 1. Malformed ids are an error (22007); an account we do not sync is not: NULL = ignored.
  if p_account_id is null or p_account_id !~ '^act_[0-9]{1,20}$' then
    raise exception 'malformed ad account id "%": expected act_<digits>', coalesce(p_account_id, 'null')
      using errcode = '22007';
  end if;
  if not exists (select 1 from meta_sync.meta_ad_accounts a where a.id = p_account_id) then
    return null;
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);

  -- 2. Reuse the open webhook job while a structure chunk of it is still waiting to be claimed:
  --    that chunk will read the change. (The account row lock serialises concurrent callers.)
  select j.id into v_job_id
  from meta_sync.sync_jobs j
  where j.account_id = v_account.id and j.sync_phase = 'webhook'
    and j.status in ('pending', 'in_progress')
  for update;
  if v_job_id is not null then
    if exists (select 1 from meta_sync.sync_job_chunks c
               where c.job_id = v_job_id and c.chunk_type = 'structure' and c.status = 'pending') then
      return v_job_id;
    end if;
  end if;

  -- 3. Incremental read: everything updated since the last structure sync (NULL = everything).
  select f.synced_at into v_updated_since
  from meta_sync.data_freshness f
  where f.account_id = v_account.id and f.dataset = 'structure';

  -- 4. A new job, or (the open job's structure chunk already runs) one more chunk in it.
  if v_job_id is null then
    insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type,
                                     requested_by, created_at, updated_at)
    values (v_account.id, v_account.organization_id, 'webhook', 'manual', 'webhook', p_now, p_now)
    returning id into v_job_id;
  end if;
  insert into meta_sync.sync_job_chunks (job_id, account_id, chunk_type, updated_since,
                                         chunk_order, priority, run_after, created_at)
  values (v_job_id, v_account.id, 'structure', v_updated_since,
          (select count(*) from meta_sync.sync_job_chunks c where c.job_id = v_job_id),
          meta_sync.chunk_priority('webhook', v_account.meta_sync_priority), p_now, p_now);
  update meta_sync.sync_jobs j
  set total_chunks = j.total_chunks + 1, updated_at = p_now
  where j.id = v_job_id;
  return v_job_id;
end;
$$;
comment on function meta_sync.request_webhook_resync(text, timestamptz) is
  'Enqueues a targeted structure re-sync of an account after a webhook: a job (sync_phase webhook, sync_type manual) with one structure chunk reading objects updated since the last structure sync (data_freshness). At most one open webhook job per account: reused while its structure chunk is pending, else given one more chunk. Returns the job id, or NULL when the account is not synced here (the event is ignored). 22007 for a malformed id.';

select meta_sync.secure_schema();
