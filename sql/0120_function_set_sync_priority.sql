-- Change an account's tier, with clear refusals; the triggers reschedule it.
-- meta_sync.set_sync_priority (security invoker, the API) calls the security-definer
-- meta_sync_private.set_sync_priority, which checks the caller and writes.

create function meta_sync_private.set_sync_priority(
  p_account_id text,
  p_tier text,
  p_now timestamptz default now()
)
returns timestamptz
language plpgsql
security definer
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
  if p_account_id is null or p_account_id !~ '^act_[0-9]{1,20}$' then
    raise exception 'malformed ad account id "%": expected act_<digits>', coalesce(p_account_id, 'null')
      using errcode = '22007', hint = 'Meta ad account ids look like act_1234567890.';
  end if;
  -- A Supabase user (role authenticated, or any request carrying a JWT subject) must be an
  -- owner or admin of the account's organization; an authenticated request without a subject
  -- is nobody's admin. An unknown account has no admin: the same refusal, so the answer does
  -- not say whether the id exists.
  -- (current_setting('role') is the caller's role even inside a security definer function.)
  if ((select auth.uid()) is not null
      or pg_catalog.current_setting('role', true) in ('authenticated', 'anon'))
    and not exists (
    select 1
    from meta_sync.meta_ad_accounts a
    join meta_sync.organization_members m on m.organization_id = a.organization_id
    where a.id = p_account_id::meta_sync.ad_account_id
      and m.user_id = (select auth.uid())
      and m.role in ('owner', 'admin')
  ) then
    raise exception 'only owners and admins of the organization may change the tier of %', p_account_id
      using errcode = '42501';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  update meta_sync.meta_ad_accounts a
  set meta_sync_priority = v_tier::meta_sync.sync_tier,
      updated_at = p_now
  where a.id = v_account.id
  returning a.next_sync_at into v_next;
  return v_next;
end;
$$;
comment on function meta_sync_private.set_sync_priority(text, text, timestamptz) is
  'Behind meta_sync.set_sync_priority (security definer: signed-in users have no write privilege). Sets an account''s tier (high | medium | low) and returns its new next_sync_at. Unknown tier -> 22023, malformed id -> 22007. A signed-in user who is not owner/admin of the account''s organization -> 42501, for an unknown account too (existence is not revealed); service role / superuser: unknown account -> P0002.';

create function meta_sync.set_sync_priority(
  p_account_id text,
  p_tier text,
  p_now timestamptz default now()
)
returns timestamptz
language sql
security invoker
set search_path = ''
as $$
  select meta_sync_private.set_sync_priority(p_account_id, p_tier, p_now)
$$;
comment on function meta_sync.set_sync_priority(text, text, timestamptz) is
  'Sets an account''s tier (high | medium | low) and returns its new next_sync_at. Unknown tier -> 22023, malformed id -> 22007. A signed-in user who is not owner/admin of the account''s organization -> 42501, for an unknown account too (existence is not revealed); service role / superuser: unknown account -> P0002. Security invoker; the check and the write are meta_sync_private.set_sync_priority''s.';
