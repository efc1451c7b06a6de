begin;
select plan(3);

-- Fixture: organization, active connection, account act_920033, job 923300 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000033', 'queue test 33');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000033', '00000000-0000-0000-0002-000000000033', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920033', '00000000-0000-0000-0002-000000000033', '00000000-0000-0000-0002-000000000033', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (923300, 'act_920033', '00000000-0000-0000-0002-000000000033', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 2, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (923301, 923300, 'act_920033', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (923302, 923300, 'act_920033', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.fail_sync_chunk(923301, (select lease_token from meta_sync.sync_job_chunks where id = 923301), 'boom', false, p_now => '2030-02-01 00:01Z');
select meta_sync.fail_sync_chunk(923302, (select lease_token from meta_sync.sync_job_chunks where id = 923302), 'boom 2', false, p_now => '2030-02-01 00:02Z');
select is((select status::text from meta_sync.sync_jobs where id = 923300), 'failed', 'every chunk failed: job failed');
select is((select sync_error_count from meta_sync.meta_ad_accounts where id = 'act_920033'), 1, 'the scheduler recorded an error');
select is((select last_sync_error from meta_sync.meta_ad_accounts where id = 'act_920033'), 'boom 2', 'with the last message');

select * from finish();
rollback;
