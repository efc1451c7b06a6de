-- Graph calls spent on a chunk that is handed back (throttle, dead token) count on its job.
begin;
select plan(5);

-- Fixture: organization, active connection, account act_920052, job 925200 (manual), two chunks.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000052', 'queue test 52');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000052', '00000000-0000-0000-0002-000000000052', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920052', '00000000-0000-0000-0002-000000000052', '00000000-0000-0000-0002-000000000052', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (925200, 'act_920052', '00000000-0000-0000-0002-000000000052', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-14', 2, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (925201, 925200, 'act_920052', null, 'insights', '2030-01-08', '2030-01-14', 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (925202, 925200, 'act_920052', null, 'insights', '2030-01-01', '2030-01-07', 2, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select is(meta_sync.release_sync_chunks('w1', array[925201], '2030-02-01 00:00:20Z', p_api_calls => 4), 1,
  'released with the 4 calls it cost');
select is((select (api_calls, status)::text from meta_sync.sync_jobs where id = 925200), (4, 'in_progress')::text,
  'the job counts them, nothing else changes');
select is(meta_sync.release_sync_chunks('w2', array[925202], '2030-02-01 00:00:20Z', p_api_calls => 5), 0,
  'a chunk the worker does not hold is not released');
select is((select api_calls from meta_sync.sync_jobs where id = 925200), 4, 'and its calls are not counted');

select throws_ok($$select meta_sync.release_sync_chunks('w1', array[925201, 925202], p_api_calls => 1)$$, '22023', null,
  'calls need exactly one chunk: they cannot be shared out');

select * from finish();
rollback;
