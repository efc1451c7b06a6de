begin;
select plan(2);

-- Fixture: organization, active connection, account act_920024, job 922400 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000024', 'queue test 24');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000024', '00000000-0000-0000-0002-000000000024', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920024', '00000000-0000-0000-0002-000000000024', '00000000-0000-0000-0002-000000000024', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (922400, 'act_920024', '00000000-0000-0000-0002-000000000024', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922401, 922400, 'act_920024', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922402, 922400, 'act_920024', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922403, 922400, 'act_920024', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.complete_sync_chunk(922401, (select lease_token from meta_sync.sync_job_chunks where id = 922401), p_now => '2030-02-01 00:01Z');
select is((select estimated_completion_at from meta_sync.sync_jobs where id = 922400),
  '2030-02-01 00:03Z'::timestamptz, 'one worker, 60 s per chunk, 2 left: 2 minutes');
select meta_sync.complete_sync_chunk(922402, (select lease_token from meta_sync.sync_job_chunks where id = 922402), p_now => '2030-02-01 00:01Z');
-- 2 chunks x 60 s busy in 60 s elapsed: parallelism 2, 1 chunk left: 30 s.
select is((select estimated_completion_at from meta_sync.sync_jobs where id = 922400),
  '2030-02-01 00:01:30Z'::timestamptz, 'observed parallelism shortens the estimate');

select * from finish();
rollback;
