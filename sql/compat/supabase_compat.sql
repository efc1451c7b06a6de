-- Plain-Postgres compatibility: create what a Supabase database already has, only if missing.
-- Applied by `metasync db migrate` before the migrations; never part of supabase/migrations.
-- Idempotent: every statement checks first.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'anon') then
    create role anon nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin noinherit;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'service_role') then
    create role service_role nologin noinherit bypassrls;
  end if;
end
$$;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;

do $$
begin
  if not exists (
    select 1 from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'auth' and p.proname = 'uid'
  ) then
    -- The same definition as Supabase's: the JWT "sub" claim of the current request.
    execute $f$
      create function auth.uid() returns uuid
      language sql stable
      as $body$
        select nullif(
          coalesce(
            current_setting('request.jwt.claim.sub', true),
            (current_setting('request.jwt.claims', true)::jsonb ->> 'sub')
          ), '')::uuid
      $body$
    $f$;
    execute 'comment on function auth.uid() is ''Compatibility stand-in for Supabase auth.uid(): the JWT sub claim.''';
    execute 'grant execute on function auth.uid() to anon, authenticated, service_role';
  end if;
end
$$;
