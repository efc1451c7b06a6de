-- Move an ad account, with its jobs and history, to another organisation; recorded in
-- ad_account_audit.

create function meta_sync.move_ad_account(
  p_account_id      text,
  p_organization_id uuid,
  p_actor           text,
  p_reason          text default null,
  p_now             timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account meta_sync.meta_ad_accounts;
  v_from    text;
  v_to      text;
  v_conn    uuid;
  v_jobs    integer;
  v_audit   bigint;
begin
  if p_actor is null or pg_catalog.btrim(p_actor) = '' then
    raise exception 'a move needs an actor (who moves the account)' using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  select o.name into v_to from meta_sync.organizations o where o.id = p_organization_id;
  if not found then
    raise exception 'no organisation with id %', coalesce(p_organization_id::text, 'null')
      using errcode = 'P0002';
  end if;
  select o.name into v_from from meta_sync.organizations o where o.id = v_account.organization_id;
  if v_account.organization_id = p_organization_id then
    raise exception '% already belongs to organisation %', p_account_id, v_to using errcode = '55000';
  end if;

  -- The old organisation's token stays with it: the account uses the new one's active
  -- connection, or none (its jobs then wait for `connect`).
  select c.id into v_conn from meta_sync.meta_connections c
  where c.organization_id = p_organization_id and c.status = 'active'
  order by c.created_at, c.id limit 1;
  update meta_sync.meta_ad_accounts a
  set organization_id = p_organization_id, connection_id = v_conn, updated_at = p_now
  where a.id = v_account.id;
  update meta_sync.sync_jobs j set organization_id = p_organization_id, updated_at = p_now
  where j.account_id = v_account.id;
  get diagnostics v_jobs = row_count;
  update meta_sync.webhook_events e set organization_id = p_organization_id
  where e.account_id = v_account.id::text;

  insert into meta_sync.ad_account_audit
    (account_id, action, from_organization_id, from_organization, to_organization_id,
     to_organization, jobs, actor, reason, at)
  values (v_account.id, 'move', v_account.organization_id, v_from, p_organization_id, v_to,
          v_jobs, pg_catalog.btrim(p_actor), p_reason, p_now)
  returning id into v_audit;
  return v_audit;
end;
$$;
comment on function meta_sync.move_ad_account(text, uuid, text, text, timestamptz) is
  'Moves an ad account to another organisation with all its jobs (sync_jobs.organization_id), webhook events and, through the account, its entities and insights; the account takes the new organisation''s oldest active connection (none: its jobs wait for one). Records the move in ad_account_audit (who = p_actor, when = p_now) and returns the audit id. Malformed id 22007; unknown account or organisation P0002; already there 55000; blank actor 22023.';

select meta_sync.secure_schema();
