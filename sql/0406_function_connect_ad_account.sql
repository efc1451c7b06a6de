-- Every connect flow (CLI `connect`, `accounts add`, a future OAuth callback) registers an ad
-- account through this function: an account belongs to exactly one organisation, and an account
-- owned by another one is refused, never taken over (moving it is move_ad_account).

create function meta_sync.connect_ad_account(
  p_account_id      text,
  p_organization_id uuid,
  p_connection_id   uuid default null,
  p_name            text default null,
  p_currency        text default null,
  p_timezone_name   text default null,
  p_created_time    timestamptz default null,
  p_account_status  integer default null,
  p_tier            text default null,
  p_now             timestamptz default now()
)
returns table (account_id text, created boolean, onboarding_job_id bigint, onboarding text)
language plpgsql
security invoker
set search_path = ''
as $$
#variable_conflict use_column
declare
  v_tier     text := pg_catalog.lower(pg_catalog.btrim(p_tier));
  v_valid    text[] := pg_catalog.enum_range(null::meta_sync.sync_tier)::text[];
  v_owner    uuid;
  v_owner_nm text;
  v_conn     uuid := p_connection_id;
  v_before   bigint;
  v_job      bigint;
begin
  if p_account_id is null or p_account_id !~ '^act_[0-9]{1,20}$' then
    raise exception 'malformed ad account id "%": expected act_<digits>', coalesce(p_account_id, 'null')
      using errcode = '22007', hint = 'Meta ad account ids look like act_1234567890.';
  end if;
  if p_tier is not null and not (v_tier = any (v_valid)) then
    raise exception 'unknown tier "%": valid tiers are %', p_tier, pg_catalog.array_to_string(v_valid, ', ')
      using errcode = '22023';
  end if;
  if p_organization_id is null
     or not exists (select 1 from meta_sync.organizations o where o.id = p_organization_id) then
    raise exception 'no organisation with id %', coalesce(p_organization_id::text, 'null')
      using errcode = 'P0002';
  end if;
  if v_conn is not null and not exists (
      select 1 from meta_sync.meta_connections c
      where c.id = v_conn and c.organization_id = p_organization_id) then
    raise exception 'connection % is not a connection of organisation %', v_conn, p_organization_id
      using errcode = '22023';
  end if;

  -- 1. Ownership, under the account's row lock (two connects of one account serialise here).
  select a.organization_id, o.name into v_owner, v_owner_nm
  from meta_sync.meta_ad_accounts a join meta_sync.organizations o on o.id = a.organization_id
  where a.id = p_account_id::meta_sync.ad_account_id
  for update of a;
  if found and v_owner <> p_organization_id then
    raise exception '% belongs to organisation %', p_account_id, v_owner_nm
      using errcode = '42501',
            hint = pg_catalog.format('To move it: metasync accounts move %s --to <organisation> --confirm (meta_sync.move_ad_account).', p_account_id);
  end if;
  created := not found;

  -- 2. The row: new, or the same organisation's account refreshed (nothing given is kept).
  if v_conn is null then
    select c.id into v_conn from meta_sync.meta_connections c
    where c.organization_id = p_organization_id and c.status = 'active'
    order by c.created_at, c.id limit 1;
  end if;
  if created then
    insert into meta_sync.meta_ad_accounts
      (id, organization_id, connection_id, name, currency, timezone_name, created_time,
       account_status, meta_sync_priority, created_at, updated_at)
    values (p_account_id, p_organization_id, v_conn, p_name, p_currency,
            coalesce(p_timezone_name, 'UTC'), p_created_time, p_account_status,
            coalesce(v_tier, 'medium')::meta_sync.sync_tier, p_now, p_now);
  else
    update meta_sync.meta_ad_accounts a
    set connection_id = coalesce(p_connection_id, a.connection_id, v_conn),
        name = coalesce(p_name, a.name), currency = coalesce(p_currency, a.currency),
        timezone_name = coalesce(p_timezone_name, a.timezone_name),
        created_time = coalesce(p_created_time, a.created_time),
        account_status = coalesce(p_account_status, a.account_status),
        meta_sync_priority = coalesce(v_tier::meta_sync.sync_tier, a.meta_sync_priority),
        updated_at = p_now
    where a.id = p_account_id::meta_sync.ad_account_id;
  end if;

  -- 3. Phase 1: said as it is (new job, one already open, or done before).
  select j.id into v_before from meta_sync.sync_jobs j
  where j.account_id = p_account_id::meta_sync.ad_account_id and j.sync_phase = 'recent_window'
    and j.status in ('pending', 'in_progress', 'completed', 'completed_with_errors')
  order by j.id desc limit 1;
  v_job := meta_sync.start_account_onboarding(p_account_id, p_now);
  account_id := p_account_id;
  onboarding_job_id := v_job;
  onboarding := case
    when v_before is null then 'enqueued'
    when (select j.status from meta_sync.sync_jobs j where j.id = v_job) in ('pending', 'in_progress') then 'open'
    else 'completed' end;
  return next;
end;
$$;
comment on function meta_sync.connect_ad_account(text, uuid, uuid, text, text, text, timestamptz, integer, text, timestamptz) is
  'Registers an ad account for an organisation (every connect flow calls it): creates it, or refreshes the same organisation''s row (arguments left null keep their value; the connection defaults to the organisation''s oldest active one), then starts onboarding phase 1 (start_account_onboarding). Returns created and onboarding = enqueued (a new phase-1 job), open (one was already pending or running) or completed (phase 1 ran before). An account of another organisation -> 42501 "act_... belongs to organisation <name>" (move it with move_ad_account); malformed id 22007; unknown organisation P0002; unknown tier, or a connection of another organisation 22023.';

select meta_sync.secure_schema();
