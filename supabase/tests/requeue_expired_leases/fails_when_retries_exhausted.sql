begin;
select plan(3);

-- Fixture: organization, active connection, account act_920047, job 924700 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000047', 'queue test 47');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000047', '00000000-0000-0000-0002-000000000047', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920047', '00000000-0000-0000-0002-000000000047', '00000000-0000-0000-0002-000000000047', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (924700, 'act_920047', '00000000-0000-0000-0002-000000000047', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 1, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924701, 924700, 'act_920047', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 0);

select * from meta_sync.claim_sync_chunks('w1', 1, 60, '2030-02-01 00:00Z');
select is(meta_sync.requeue_expired_leases('2030-02-01 00:05Z'), 1, 'reaped');
select is((select status::text from meta_sync.sync_job_chunks where id = 924701), 'failed', 'no retries left: failed');
select row_eq($$select status::text, failed_chunks from meta_sync.sync_jobs where id = 924700$$,
  row('failed'::text, 1), 'the job counts it and, all chunks failed, fails');

select * from finish();
rollback;
