begin;
select plan(2);

-- Fixture: organization, active connection, account act_920034, job 923400 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000034', 'queue test 34');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000034', '00000000-0000-0000-0002-000000000034', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920034', '00000000-0000-0000-0002-000000000034', '00000000-0000-0000-0002-000000000034', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (923400, 'act_920034', '00000000-0000-0000-0002-000000000034', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 4, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, chunk_type, chunk_order, priority, run_after, max_retries)
  overriding system value values (923401, 923400, 'act_920034', 'structure', 0, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (923402, 923400, 'act_920034', 923401, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (923403, 923400, 'act_920034', 923401, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (923404, 923400, 'act_920034', 923401, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select meta_sync.fail_sync_chunk(923401, (select lease_token from meta_sync.sync_job_chunks where id = 923401), 'structure read failed', false, p_now => '2030-02-01 00:01Z');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 600, '2030-02-01 00:01Z')),
  3, 'insights of a job whose structure chunk failed still run');
select is((select status::text from meta_sync.sync_jobs where id = 923400), 'in_progress', 'the job goes on');

select * from finish();
rollback;
