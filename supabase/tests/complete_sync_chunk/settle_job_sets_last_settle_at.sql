begin;
select plan(2);

-- Fixture: organization, active connection, account act_920028, job 922800 (settle) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000028', 'queue test 28');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000028', '00000000-0000-0000-0002-000000000028', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920028', '00000000-0000-0000-0002-000000000028', '00000000-0000-0000-0002-000000000028', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (922800, 'act_920028', '00000000-0000-0000-0002-000000000028', 'settle', 'incremental', 'pending', '2030-01-01', '2030-01-21', 1, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922801, 922800, 'act_920028', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.complete_sync_chunk(922801, (select lease_token from meta_sync.sync_job_chunks where id = 922801), p_now => '2030-02-01 00:03Z'),
  'completed'::meta_sync.job_status, 'the settle job completes');
select is((select last_settle_at from meta_sync.meta_ad_accounts where id = 'act_920028'),
  '2030-02-01 00:03Z'::timestamptz, 'last_settle_at is set');

select * from finish();
rollback;
