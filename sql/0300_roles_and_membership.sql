-- Tenant security, part 1: the worker's role and the membership checks every policy uses.
--
-- Roles (Supabase has the first three; sql/compat creates them on plain Postgres):
--   anon            nothing in meta_sync (no schema usage).
--   authenticated   members read their organisations' rows (RLS); admins change tiers
--                   through meta_sync.set_sync_priority.
--   service_role    everything (bypasses RLS), as on Supabase.
--   meta_sync_worker (nologin) the worker's least grants; give it to a login role:
--                   create role metasync_worker login password '...' in role meta_sync_worker;

do $$
begin
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'meta_sync_worker') then
    create role meta_sync_worker nologin;
  end if;
end
$$;
comment on role meta_sync_worker is
  'meta-sync worker: runs the queue and scheduling functions, writes entities, insights and status, reads token ciphertext. No login: grant it to the login role the worker uses.';

-- The private schema (sql/0001): signed-in users call its helpers (policies run as them), no
-- one else; it is never exposed by the API.
revoke all on schema meta_sync_private from public, anon;
grant usage on schema meta_sync_private to authenticated, service_role;

-- Membership checks. Security definer so that a policy on organization_members can ask about
-- organization_members without recursing into its own policy; in meta_sync_private so that no
-- API exposes them as RPCs.
create function meta_sync_private.is_org_member(p_organization_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from meta_sync.organization_members m
    where m.organization_id = p_organization_id
      and m.user_id = (select auth.uid())
  );
$$;
comment on function meta_sync_private.is_org_member(uuid) is
  'True when the signed-in user (auth.uid()) belongs to the organization. Used by the RLS policies.';

create function meta_sync_private.is_org_admin(p_organization_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from meta_sync.organization_members m
    where m.organization_id = p_organization_id
      and m.user_id = (select auth.uid())
      and m.role in ('owner', 'admin')
  );
$$;
comment on function meta_sync_private.is_org_admin(uuid) is
  'True when the signed-in user (auth.uid()) is an owner or admin of the organization: only they change tiers.';

revoke execute on function meta_sync_private.is_org_member(uuid),
  meta_sync_private.is_org_admin(uuid) from public, anon;
-- Policies run with the querying user's rights, so signed-in users must be able to call them.
grant execute on function meta_sync_private.is_org_member(uuid),
  meta_sync_private.is_org_admin(uuid) to authenticated, service_role;
