begin;
select plan(4);

-- Fixture: organization, active connection, account act_920025, job 922500 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000025', 'queue test 25');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000025', '00000000-0000-0000-0002-000000000025', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920025', '00000000-0000-0000-0002-000000000025', '00000000-0000-0000-0002-000000000025', 'UTC', false, null);
-- Insights already fresh through the day before the job's range: the job extends it.
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at)
  values ('act_920025', 'insights', '2029-12-31', '2030-01-01 00:00Z');
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (922500, 'act_920025', '00000000-0000-0000-0002-000000000025', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 2, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922501, 922500, 'act_920025', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922502, 922500, 'act_920025', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.complete_sync_chunk(922501, (select lease_token from meta_sync.sync_job_chunks where id = 922501), p_now => '2030-02-01 00:01Z');
select is(meta_sync.complete_sync_chunk(922502, (select lease_token from meta_sync.sync_job_chunks where id = 922502), p_now => '2030-02-01 00:02Z'),
  'completed'::meta_sync.job_status, 'the last chunk completes the job');
select row_eq($$select status::text, progress_percentage, completed_at from meta_sync.sync_jobs where id = 922500$$,
  row('completed'::text, 100.00::numeric(5,2), '2030-02-01 00:02Z'::timestamptz), 'job completed at 100 %');
select is((select last_meta_sync_at from meta_sync.meta_ad_accounts where id = 'act_920025'),
  '2030-02-01 00:02Z'::timestamptz, 'the scheduler recorded the success');
select is((select fresh_through from meta_sync.data_freshness where account_id = 'act_920025' and dataset = 'insights'),
  '2030-01-21'::date, 'insights fresh through the job''s last day');

select * from finish();
rollback;
