begin;
select plan(4);

-- Fixture: organization, active connection, account act_920010, job 921000 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000010', 'queue test 10');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000010', '00000000-0000-0000-0002-000000000010', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920010', '00000000-0000-0000-0002-000000000010', '00000000-0000-0000-0002-000000000010', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (921000, 'act_920010', '00000000-0000-0000-0002-000000000010', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (921001, 921000, 'act_920010', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (921002, 921000, 'act_920010', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (921003, 921000, 'act_920010', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 60, '2030-02-01 00:00Z');
select is((select array_agg(x order by x) from meta_sync.heartbeat_sync_chunks('w1', array[921001, 921002], 60, '2030-02-01 00:00:30Z') as x),
  array[921001, 921002]::bigint[], 'live leases are extended');
select is((select locked_until from meta_sync.sync_job_chunks where id = 921001), '2030-02-01 00:01:30Z'::timestamptz,
  'to p_now + lease');
select is((select count(*)::int from meta_sync.heartbeat_sync_chunks('w2', array[921001], 60, '2030-02-01 00:00:40Z')),
  0, 'another worker cannot extend them');
select is((select count(*)::int from meta_sync.heartbeat_sync_chunks('w1', array[921001], 60, '2030-02-01 00:01:30Z')),
  0, 'an expired lease is lost, not extended');

select * from finish();
rollback;
