begin;
select plan(3);

-- Fixture: organization, active connection, account act_920044, job 924400 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000044', 'queue test 44');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000044', '00000000-0000-0000-0002-000000000044', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920044', '00000000-0000-0000-0002-000000000044', '00000000-0000-0000-0002-000000000044', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (924400, 'act_920044', '00000000-0000-0000-0002-000000000044', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924401, 924400, 'act_920044', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924402, 924400, 'act_920044', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924403, 924400, 'act_920044', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select is(meta_sync.release_sync_chunks('w1', array[924401, 924402, 924403], '2030-02-01 00:00:20Z'), 2, 'the two leased chunks are released');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = 924400 and status = 'pending' and retry_count = 0 and locked_by is null),
  3, 'pending again, no retry counted');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w2', 5, 600, '2030-02-01 00:00:20Z')), 3, 'claimable at once');

select * from finish();
rollback;
