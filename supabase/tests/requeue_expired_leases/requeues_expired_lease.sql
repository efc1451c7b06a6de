begin;
select plan(4);

-- Fixture: organization, active connection, account act_920046, job 924600 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000046', 'queue test 46');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000046', '00000000-0000-0000-0002-000000000046', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920046', '00000000-0000-0000-0002-000000000046', '00000000-0000-0000-0002-000000000046', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (924600, 'act_920046', '00000000-0000-0000-0002-000000000046', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924601, 924600, 'act_920046', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924602, 924600, 'act_920046', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924603, 924600, 'act_920046', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 60, '2030-02-01 00:00Z');
select meta_sync.heartbeat_sync_chunks('w1', array[924602], 120, '2030-02-01 00:00:30Z');
select is(meta_sync.requeue_expired_leases('2030-02-01 00:00:59Z'), 0, 'nothing before expiry');
select is(meta_sync.requeue_expired_leases('2030-02-01 00:01Z'), 1, 'the expired lease is reaped, the extended one kept');
select row_eq($$select status::text, retry_count, locked_by, lease_token, run_after from meta_sync.sync_job_chunks where id = 924601$$,
  row('pending'::text, 1, null::text, null::uuid, '2030-02-01 00:01Z'::timestamptz), 'pending again with a retry counted');
select is((select status::text from meta_sync.sync_job_chunks where id = 924602), 'in_progress', 'the heartbeated chunk keeps running');

select * from finish();
rollback;
