begin;
select plan(3);

-- Fixture: organization, active connection, account act_920031, job 923100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000031', 'queue test 31');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000031', '00000000-0000-0000-0002-000000000031', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920031', '00000000-0000-0000-0002-000000000031', '00000000-0000-0000-0002-000000000031', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (923100, 'act_920031', '00000000-0000-0000-0002-000000000031', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (923101, 923100, 'act_920031', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 0);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (923102, 923100, 'act_920031', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 0);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (923103, 923100, 'act_920031', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 0);

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.fail_sync_chunk(923101, (select lease_token from meta_sync.sync_job_chunks where id = 923101), 'still broken', p_now => '2030-02-01 00:01Z'),
  'failed'::meta_sync.chunk_status, 'no retries left: failed');
select row_eq($$select status::text, retry_count, completed_at from meta_sync.sync_job_chunks where id = 923101$$,
  row('failed'::text, 0, '2030-02-01 00:01Z'::timestamptz), 'final');
select is((select failed_chunks from meta_sync.sync_jobs where id = 923100), 1, 'counted on the job');

select * from finish();
rollback;
