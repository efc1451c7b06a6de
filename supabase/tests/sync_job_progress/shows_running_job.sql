begin;
select plan(2);

-- Fixture: organization, active connection, account act_920061, job 926100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000061', 'queue test 61');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000061', '00000000-0000-0000-0002-000000000061', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920061', '00000000-0000-0000-0002-000000000061', '00000000-0000-0000-0002-000000000061', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (926100, 'act_920061', '00000000-0000-0000-0002-000000000061', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (926101, 926100, 'act_920061', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (926102, 926100, 'act_920061', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (926103, 926100, 'act_920061', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.complete_sync_chunk(926101, (select lease_token from meta_sync.sync_job_chunks where id = 926101), 50, 2, p_now => '2030-02-01 00:01Z');
select row_eq($$select status::text, total_chunks, completed_chunks, running_chunks, pending_chunks, insight_rows_written, api_calls, organization_id
                from meta_sync.sync_job_progress where job_id = 926100$$,
  row('in_progress'::text, 3, 1, 1::bigint, 1::bigint, 50::bigint, 2, '00000000-0000-0000-0002-000000000061'::uuid), 'chunks by state, rows, calls');
select is((select progress_percentage from meta_sync.sync_job_progress where job_id = 926100), 33.33::numeric(5,2), 'percentage');

select * from finish();
rollback;
