-- Tenant security, part 2: what a signed-in member (role authenticated) may read.
-- Members read their organisations, fellow members, connections (never the token ciphertext),
-- ad accounts, jobs, chunks, freshness, entities and insights; nothing else, and nothing is
-- written directly (tiers change through meta_sync.set_sync_priority). RLS itself is enabled on
-- every table of the schema by meta_sync.secure_schema() (sql/0349).

grant usage on schema meta_sync to authenticated;

-- Organisation-keyed tables: one membership check per row (security definer helper).
create policy members_read_own_organizations on meta_sync.organizations
  for select to authenticated
  using (meta_sync_private.is_org_member(id));

create policy members_read_fellow_members on meta_sync.organization_members
  for select to authenticated
  using (meta_sync_private.is_org_member(organization_id));

-- Joined to every account by the status views: the user's organisations once per statement.
create policy members_read_connections on meta_sync.meta_connections
  for select to authenticated
  using (organization_id in (
    select m.organization_id from meta_sync.organization_members m
    where m.user_id = (select auth.uid())));

-- The two large organisation-keyed tables ask for the user's organisations once per statement
-- (a hashed subplan over the user's membership rows) instead of calling is_org_member per row:
-- the same rule, and a member's console lists 10 000 accounts as fast as the operator's.
create policy members_read_ad_accounts on meta_sync.meta_ad_accounts
  for select to authenticated
  using (organization_id in (
    select m.organization_id from meta_sync.organization_members m
    where m.user_id = (select auth.uid())));

create policy members_read_sync_jobs on meta_sync.sync_jobs
  for select to authenticated
  using (organization_id in (
    select m.organization_id from meta_sync.organization_members m
    where m.user_id = (select auth.uid())));

-- Account-keyed tables: the account must be visible to the member. The subquery goes through
-- the ad accounts' own policy and runs once per statement (hashed subplan), not once per row,
-- which matters for meta_insights_daily.
-- Chunks and freshness are read row by row inside the status and progress views (a job's
-- chunks, an account's freshness): their policy is an EXISTS, so the planner picks per plan
-- between the same hashed subplan (a scan of many rows) and one index probe of the account (a
-- few rows per job or account) instead of costing a scan of every visible account each time.
create policy members_read_sync_job_chunks on meta_sync.sync_job_chunks
  for select to authenticated
  using (exists (select 1 from meta_sync.meta_ad_accounts a where a.id = account_id));

create policy members_read_data_freshness on meta_sync.data_freshness
  for select to authenticated
  using (exists (select 1 from meta_sync.meta_ad_accounts a where a.id = account_id));

create policy members_read_campaigns on meta_sync.meta_campaigns
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

create policy members_read_adsets on meta_sync.meta_adsets
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

create policy members_read_ads on meta_sync.meta_ads
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

create policy members_read_ad_creatives on meta_sync.meta_ad_creatives
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

create policy members_read_insights on meta_sync.meta_insights_daily
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));

-- The tier table is product configuration shared by every tenant (intervals and look-backs);
-- the status view reads it, so members may read it too.
create policy members_read_sync_config on meta_sync.meta_sync_config
  for select to authenticated
  using (true);

-- Table privileges. Secret-bearing columns (ciphertext, key ids, nonces, secrets, bytea) are
-- left out column by column, so `select token_ciphertext` is denied even on a member's own row.
do $$
declare
  v_table text;
  v_columns text;
begin
  foreach v_table in array array[
    'organizations', 'organization_members', 'meta_connections', 'meta_ad_accounts',
    'sync_jobs', 'sync_job_chunks', 'data_freshness', 'meta_sync_config',
    'meta_campaigns', 'meta_adsets', 'meta_ads', 'meta_ad_creatives', 'meta_insights_daily']
  loop
    execute format('revoke all on meta_sync.%I from authenticated', v_table);
    select string_agg(quote_ident(a.attname), ', ' order by a.attnum)
      into v_columns
    from pg_catalog.pg_attribute a
    where a.attrelid = format('meta_sync.%I', v_table)::regclass
      and a.attnum > 0 and not a.attisdropped
      and a.atttypid <> 'bytea'::regtype
      and a.attname !~ '(ciphertext|secret|nonce|token_key|_iv$)';
    if exists (
      select 1 from pg_catalog.pg_attribute a
      where a.attrelid = format('meta_sync.%I', v_table)::regclass
        and a.attnum > 0 and not a.attisdropped
        and (a.atttypid = 'bytea'::regtype or a.attname ~ '(ciphertext|secret|nonce|token_key|_iv$)')
    ) then
      execute format('grant select (%s) on meta_sync.%I to authenticated', v_columns, v_table);
    else
      execute format('grant select on meta_sync.%I to authenticated', v_table);
    end if;
  end loop;
end
$$;
