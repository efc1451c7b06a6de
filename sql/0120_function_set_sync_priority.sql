-- Change an account's tier, with clear refusals; the triggers reschedule it.

create function meta_sync.set_sync_priority(
  p_account_id text,
  p_tier text,
  p_now timestamptz default now()
)
returns timestamptz
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_tier    text := pg_catalog.lower(pg_catalog.btrim(p_tier));
  v_valid   text[] := pg_catalog.enum_range(null::meta_sync.sync_tier)::text[];
  v_account meta_sync.meta_ad_accounts;
  v_next    timestamptz;
begin
  if v_tier is null or not (v_tier = any (v_valid)) then
    raise exception 'unknown tier "%": valid tiers are %', coalesce(p_tier, 'null'),
      pg_catalog.array_to_string(v_valid, ', ')
      using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  -- A Supabase user (role authenticated, or any request carrying a JWT subject) must be an
  -- owner or admin of the account's organization; an authenticated request without a subject
  -- is nobody's admin.
  -- (current_setting('role') is the caller's role even inside a security definer function.)
  if ((select auth.uid()) is not null
      or pg_catalog.current_setting('role', true) in ('authenticated', 'anon'))
    and not exists (
    select 1 from meta_sync.organization_members m
    where m.organization_id = v_account.organization_id
      and m.user_id = (select auth.uid())
      and m.role in ('owner', 'admin')
  ) then
    raise exception 'only owners and admins of the organization may change the tier of %', v_account.id
      using errcode = '42501';
  end if;
  update meta_sync.meta_ad_accounts a
  set meta_sync_priority = v_tier::meta_sync.sync_tier,
      updated_at = p_now
  where a.id = v_account.id
  returning a.next_sync_at into v_next;
  return v_next;
end;
$$;
comment on function meta_sync.set_sync_priority(text, text, timestamptz) is
  'Sets an account''s tier (high | medium | low) and returns its new next_sync_at. Unknown tier -> 22023, malformed id -> 22007, unknown account -> P0002, a logged-in user who is not owner/admin of the organization -> 42501.';
