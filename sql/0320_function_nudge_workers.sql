-- Waking the workers is only a nudge (they also poll): NOTIFY meta_sync_wake for workers that
-- LISTEN, and, on Supabase with pg_net and Vault, a POST to the worker's /tick with a bearer
-- token. Both secrets live in Vault:
--   select vault.create_secret('https://worker.example.com', 'meta_sync_worker_url');
--   select vault.create_secret('<token>', 'meta_sync_worker_token');

create function meta_sync.nudge_workers()
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  v_url   text;
  v_token text;
begin
  perform pg_catalog.pg_notify('meta_sync_wake', '');
  -- Checked at run time: pg_net and Vault are optional, and may come after this migration.
  if pg_catalog.to_regclass('vault.decrypted_secrets') is null or not exists (
    select 1 from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'net' and p.proname = 'http_post'
  ) then
    return false;
  end if;
  execute $q$
    select (select s.decrypted_secret from vault.decrypted_secrets s where s.name = 'meta_sync_worker_url'),
           (select s.decrypted_secret from vault.decrypted_secrets s where s.name = 'meta_sync_worker_token')
  $q$ into v_url, v_token;
  if v_url is null or v_token is null then
    return false;
  end if;
  -- The secret holds the base URL of `metasync serve`; /tick is appended unless already there.
  if v_url !~ '/tick/?$' then
    v_url := pg_catalog.rtrim(v_url, '/') || '/tick';
  end if;
  -- Asynchronous: pg_net sends after commit and never blocks the caller.
  execute 'select net.http_post(url := $1, body := $2, headers := $3, timeout_milliseconds := 5000)'
    using v_url,
          pg_catalog.jsonb_build_object('source', 'pg_cron'),
          pg_catalog.jsonb_build_object('Content-Type', 'application/json',
                                        'Authorization', 'Bearer ' || v_token);
  return true;
end;
$$;
comment on function meta_sync.nudge_workers() is
  'NOTIFY meta_sync_wake, and when pg_net and the Vault secrets meta_sync_worker_url / meta_sync_worker_token exist, POST <url>/tick with the bearer token. Returns whether the HTTP nudge was sent. Security definer (reads Vault); not executable by PUBLIC, anon, authenticated or the worker.';
