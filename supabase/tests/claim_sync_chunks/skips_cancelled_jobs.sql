begin;
select plan(2);

-- Fixture: organization, active connection, account act_920006, job 920600 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000006', 'queue test 6');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000006', '00000000-0000-0000-0002-000000000006', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920006', '00000000-0000-0000-0002-000000000006', '00000000-0000-0000-0002-000000000006', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (920600, 'act_920006', '00000000-0000-0000-0002-000000000006', 'manual', 'manual', 'cancelled', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920601, 920600, 'act_920006', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920602, 920600, 'act_920006', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920603, 920600, 'act_920006', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z')),
  0, 'pending chunks of a cancelled job are not claimed');
update meta_sync.sync_jobs set status = 'pending' where id = 920600;
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z')),
  3, 'claimable when the job is open');

select * from finish();
rollback;
