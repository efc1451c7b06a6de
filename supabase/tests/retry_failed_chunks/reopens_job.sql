begin;
select plan(5);

-- Fixture: organization, active connection, account act_920050, job 925000 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000050', 'queue test 50');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000050', '00000000-0000-0000-0002-000000000050', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920050', '00000000-0000-0000-0002-000000000050', '00000000-0000-0000-0002-000000000050', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (925000, 'act_920050', '00000000-0000-0000-0002-000000000050', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 2, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (925001, 925000, 'act_920050', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (925002, 925000, 'act_920050', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.fail_sync_chunk(925001, (select lease_token from meta_sync.sync_job_chunks where id = 925001), 'boom', false, p_now => '2030-02-01 00:01Z');
select meta_sync.complete_sync_chunk(925002, (select lease_token from meta_sync.sync_job_chunks where id = 925002), p_now => '2030-02-01 00:02Z');
select is((select status::text from meta_sync.sync_jobs where id = 925000), 'completed_with_errors', 'precondition');
select is(meta_sync.retry_failed_chunks(925000, '2030-02-01 01:00Z'), 1, 'one failed chunk retried');
select row_eq($$select status::text, retry_count, run_after from meta_sync.sync_job_chunks where id = 925001$$,
  row('pending'::text, 0, '2030-02-01 01:00Z'::timestamptz), 'pending, retries reset');
select row_eq($$select status::text, failed_chunks, completed_at from meta_sync.sync_jobs where id = 925000$$,
  row('in_progress'::text, 0, null::timestamptz), 'the job is open again');
select throws_ok($$select meta_sync.retry_failed_chunks(-1)$$, 'P0002', null, 'unknown job');

select * from finish();
rollback;
