begin;
select plan(3);

-- Fixture: organization, active connection, account act_920022, job 922200 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000022', 'queue test 22');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000022', '00000000-0000-0000-0002-000000000022', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920022', '00000000-0000-0000-0002-000000000022', '00000000-0000-0000-0002-000000000022', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (922200, 'act_920022', '00000000-0000-0000-0002-000000000022', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922201, 922200, 'act_920022', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922202, 922200, 'act_920022', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922203, 922200, 'act_920022', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 1, 60, '2030-02-01 00:00Z');
select throws_ok($$select meta_sync.complete_sync_chunk(922201, gen_random_uuid(), p_now => '2030-02-01 00:00:10Z')$$,
  '55000', null, 'a token that is not the current lease is refused');
select throws_ok($$select meta_sync.complete_sync_chunk(-1, gen_random_uuid(), p_now => '2030-02-01 00:00:10Z')$$,
  'P0002', null, 'an unknown chunk is P0002');
select is((select status::text from meta_sync.sync_job_chunks where id = 922201), 'in_progress', 'the chunk is untouched');

select * from finish();
rollback;
