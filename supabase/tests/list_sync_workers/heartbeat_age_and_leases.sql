-- list_sync_workers: latest heartbeat first, the seconds since it, and the live leases each holds.
begin;
select plan(2);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0361-000000000001', 'workers');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id) values
  ('00000000-0000-0000-0361-0000000000c1', '00000000-0000-0000-0361-000000000001', '\x01', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id) values
  ('act_936101', '00000000-0000-0000-0361-000000000001', '00000000-0000-0000-0361-0000000000c1');
select meta_sync.create_sync_job('act_936101', 'manual', 'manual', '2030-01-01', '2030-01-02', 2, false);
select meta_sync.register_sync_worker('w-old', 'h', 1, 2, null, '2030-04-01 09:00Z');
select meta_sync.register_sync_worker('w-new', 'h', 2, 2, null, '2030-04-01 10:00Z');
select count(*) from meta_sync.claim_sync_chunks('w-new', 1, 120, '2030-04-01 10:00Z');

select results_eq(
  $$select worker_id, seconds_since_heartbeat, chunks_leased from meta_sync.list_sync_workers('2030-04-01 10:01Z')$$,
  $$values ('w-new'::text, 60.000::numeric, 1::bigint), ('w-old', 3660.000, 0)$$,
  'newest first, heartbeat age in seconds, live leases counted');
select results_eq(
  $$select chunks_leased from meta_sync.list_sync_workers('2030-04-01 10:05Z') where worker_id = 'w-new'$$,
  $$values (0::bigint)$$, 'an expired lease is not counted');

select * from finish();
rollback;
