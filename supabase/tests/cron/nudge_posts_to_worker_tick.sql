-- nudge_workers() POSTs <meta_sync_worker_url>/tick with the bearer token from Vault when pg_net
-- and Vault are present (stand-ins recording their calls), and only notifies otherwise.
begin;
select plan(5);

select is(meta_sync.nudge_workers(), false, 'without pg_net and Vault: only NOTIFY, no error');

create schema net;
create temp table posts (url text, body jsonb, headers jsonb, timeout_milliseconds integer);
create function net.http_post(url text, body jsonb default '{}', params jsonb default '{}',
                              headers jsonb default '{}', timeout_milliseconds integer default 1000)
returns bigint language sql
as $$ insert into pg_temp.posts values (url, body, headers, timeout_milliseconds); select 1::bigint $$;
create schema vault;
create table vault.decrypted_secrets (name text primary key, decrypted_secret text);

select is(meta_sync.nudge_workers(), false, 'without the secrets: no HTTP nudge');
insert into vault.decrypted_secrets values
  ('meta_sync_worker_url', 'https://worker.example.com/'), ('meta_sync_worker_token', 's3cret-token');

select is(meta_sync.nudge_workers(), true, 'with pg_net and the secrets: an HTTP nudge');
select is((select url from posts), 'https://worker.example.com/tick', 'to the worker''s /tick');
select is((select headers ->> 'Authorization' from posts), 'Bearer s3cret-token', 'with the bearer token');

select * from finish();
rollback;
