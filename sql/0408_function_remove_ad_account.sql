-- Stop syncing an ad account and delete it with its jobs, entities and insights; recorded in
-- ad_account_audit.

create function meta_sync.remove_ad_account(
  p_account_id text,
  p_actor      text,
  p_reason     text default null,
  p_now        timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account meta_sync.meta_ad_accounts;
  v_org     text;
  v_jobs    integer;
  v_audit   bigint;
begin
  if p_actor is null or pg_catalog.btrim(p_actor) = '' then
    raise exception 'a removal needs an actor (who removes the account)' using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  if exists (select 1 from meta_sync.sync_job_chunks c
             where c.account_id = v_account.id and c.status = 'in_progress'
               and c.locked_until > p_now) then
    raise exception 'a worker is syncing % right now', p_account_id using errcode = '55000',
      hint = 'Pause the account (metasync accounts pause), wait for its running chunks, then remove it.';
  end if;
  select o.name into v_org from meta_sync.organizations o where o.id = v_account.organization_id;
  select count(*)::integer into v_jobs from meta_sync.sync_jobs j where j.account_id = v_account.id;
  delete from meta_sync.meta_ad_accounts a where a.id = v_account.id;
  insert into meta_sync.ad_account_audit
    (account_id, action, from_organization_id, from_organization, jobs, actor, reason, at)
  values (v_account.id, 'remove', v_account.organization_id, v_org, v_jobs,
          pg_catalog.btrim(p_actor), p_reason, p_now)
  returning id into v_audit;
  return v_audit;
end;
$$;
comment on function meta_sync.remove_ad_account(text, text, text, timestamptz) is
  'Deletes an ad account and everything synced for it (jobs, chunks, entities, insights, freshness: the foreign keys cascade) and records the removal in ad_account_audit; returns the audit id. A chunk of the account held under a live lease -> 55000 (pause it and retry); malformed id 22007; unknown account P0002; blank actor 22023.';

select meta_sync.secure_schema();
