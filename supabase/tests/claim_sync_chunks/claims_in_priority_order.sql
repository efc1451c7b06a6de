begin;
select plan(3);

-- Fixture: organization, active connection, account act_920001, job 920100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000001', 'queue test 1');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000001', '00000000-0000-0000-0002-000000000001', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920001', '00000000-0000-0000-0002-000000000001', '00000000-0000-0000-0002-000000000001', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (920100, 'act_920001', '00000000-0000-0000-0002-000000000001', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920101, 920100, 'act_920001', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920102, 920100, 'act_920001', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920103, 920100, 'act_920001', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

update meta_sync.sync_job_chunks set priority = 5 where id = 920101;
select is(
  (select array_agg(chunk_id) from meta_sync.claim_sync_chunks('w1', 2, 120, '2030-02-01 00:00Z')),
  array[920102, 920103]::bigint[], 'lower priority value first, then run_after, then id');
select is(
  (select array_agg(chunk_id) from meta_sync.claim_sync_chunks('w2', 5, 120, '2030-02-01 00:00Z')),
  array[920101]::bigint[], 'the rest goes to the next claimer');
select is(
  (select count(*)::int from meta_sync.claim_sync_chunks('w3', 5, 120, '2030-02-01 00:00Z')),
  0, 'nothing is claimed twice');

select * from finish();
rollback;
