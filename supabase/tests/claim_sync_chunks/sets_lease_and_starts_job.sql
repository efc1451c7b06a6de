begin;
select plan(6);

-- Fixture: organization, active connection, account act_920008, job 920800 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000008', 'queue test 8');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000008', '00000000-0000-0000-0002-000000000008', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920008', '00000000-0000-0000-0002-000000000008', '00000000-0000-0000-0002-000000000008', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (920800, 'act_920008', '00000000-0000-0000-0002-000000000008', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920801, 920800, 'act_920008', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920802, 920800, 'act_920008', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920803, 920800, 'act_920008', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

create temp table claimed as select * from meta_sync.claim_sync_chunks('w1', 1, 90, '2030-02-01 00:00Z');
select is((select chunk_id from claimed), 920801::bigint, 'the first chunk is returned');
select is((select locked_until from claimed), '2030-02-01 00:01:30Z'::timestamptz, 'lease = p_now + 90 s');
select isnt((select lease_token from claimed), null, 'a lease token is returned');
select row_eq($$select status::text, locked_by, claimed_count, started_at from meta_sync.sync_job_chunks where id = 920801$$,
  row('in_progress'::text, 'w1'::text, 1, '2030-02-01 00:00Z'::timestamptz), 'the chunk is leased to w1');
select row_eq($$select status::text, started_at from meta_sync.sync_jobs where id = 920800$$,
  row('in_progress'::text, '2030-02-01 00:00Z'::timestamptz), 'the job started');
select row_eq($$select account_id, organization_id, timezone_name, sync_phase::text, chunk_type::text from claimed$$,
  row('act_920008'::text, '00000000-0000-0000-0002-000000000008'::uuid, 'UTC'::text, 'manual'::text, 'insights'::text), 'what the worker needs comes along');

select * from finish();
rollback;
