begin;
select plan(3);

-- Fixture: organization, active connection, account act_920023, job 922300 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000023', 'queue test 23');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000023', '00000000-0000-0000-0002-000000000023', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920023', '00000000-0000-0000-0002-000000000023', '00000000-0000-0000-0002-000000000023', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (922300, 'act_920023', '00000000-0000-0000-0002-000000000023', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922301, 922300, 'act_920023', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922302, 922300, 'act_920023', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922303, 922300, 'act_920023', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.complete_sync_chunk(922301, (select lease_token from meta_sync.sync_job_chunks where id = 922301), 120, 4,
  '{"campaigns": 2, "adsets": 3, "ads": 5, "creatives": 7}', p_now => '2030-02-01 00:02Z'),
  'in_progress'::meta_sync.job_status, 'the job goes on');
select row_eq($$select status::text, rows_written, api_calls, actual_duration_seconds from meta_sync.sync_job_chunks where id = 922301$$,
  row('completed'::text, 120::bigint, 4, 120.000::numeric(12,3)), 'chunk completed with counts and duration');
select row_eq($$select completed_chunks, progress_percentage, insight_rows_written, api_calls, campaigns_synced, adsets_synced, ads_synced, creatives_synced from meta_sync.sync_jobs where id = 922300$$,
  row(1, 33.33::numeric(5,2), 120::bigint, 4, 2, 3, 5, 7), 'the job adds them up');

select * from finish();
rollback;
