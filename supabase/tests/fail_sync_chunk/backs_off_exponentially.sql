begin;
select plan(4);

-- Fixture: organization, active connection, account act_920029, job 922900 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000029', 'queue test 29');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000029', '00000000-0000-0000-0002-000000000029', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920029', '00000000-0000-0000-0002-000000000029', '00000000-0000-0000-0002-000000000029', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (922900, 'act_920029', '00000000-0000-0000-0002-000000000029', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 1, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922901, 922900, 'act_920029', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.fail_sync_chunk(922901, (select lease_token from meta_sync.sync_job_chunks where id = 922901), 'timeout', p_now => '2030-02-01 00:00Z'),
  'pending'::meta_sync.chunk_status, 'retryable: pending again');
select row_eq($$select retry_count, run_after, last_error, locked_by from meta_sync.sync_job_chunks where id = 922901$$,
  row(1, '2030-02-01 00:00:30Z'::timestamptz, 'timeout'::text, null::text), 'first retry after 30 s');
select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00:30Z');
select meta_sync.fail_sync_chunk(922901, (select lease_token from meta_sync.sync_job_chunks where id = 922901), 'timeout', p_now => '2030-02-01 00:01Z');
select is((select run_after from meta_sync.sync_job_chunks where id = 922901), '2030-02-01 00:02Z'::timestamptz,
  'second retry after 60 s');
update meta_sync.sync_job_chunks set retry_count = 9, max_retries = 20 where id = 922901;
select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:02Z');
select meta_sync.fail_sync_chunk(922901, (select lease_token from meta_sync.sync_job_chunks where id = 922901), 'timeout', p_now => '2030-02-01 00:03Z');
select is((select run_after from meta_sync.sync_job_chunks where id = 922901), '2030-02-01 01:03Z'::timestamptz,
  'capped at one hour');

select * from finish();
rollback;
