begin;
select plan(1);

-- Fixture: organization, active connection, account act_920030, job 923000 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000030', 'queue test 30');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000030', '00000000-0000-0000-0002-000000000030', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920030', '00000000-0000-0000-0002-000000000030', '00000000-0000-0000-0002-000000000030', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (923000, 'act_920030', '00000000-0000-0000-0002-000000000030', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 1, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (923001, 923000, 'act_920030', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select meta_sync.fail_sync_chunk(923001, (select lease_token from meta_sync.sync_job_chunks where id = 923001), 'throttled', true, '2030-02-01 00:20Z', '2030-02-01 00:00Z');
select is((select run_after from meta_sync.sync_job_chunks where id = 923001), '2030-02-01 00:20Z'::timestamptz,
  'Meta''s retry time wins over a shorter backoff');

select * from finish();
rollback;
