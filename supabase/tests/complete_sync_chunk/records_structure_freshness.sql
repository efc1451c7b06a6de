begin;
select plan(1);

-- Fixture: organization, active connection, account act_920027, job 922700 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000027', 'queue test 27');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000027', '00000000-0000-0000-0002-000000000027', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920027', '00000000-0000-0000-0002-000000000027', '00000000-0000-0000-0002-000000000027', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (922700, 'act_920027', '00000000-0000-0000-0002-000000000027', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 4, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, chunk_type, chunk_order, priority, run_after, max_retries)
  overriding system value values (922701, 922700, 'act_920027', 'structure', 0, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922702, 922700, 'act_920027', 922701, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922703, 922700, 'act_920027', 922701, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922704, 922700, 'act_920027', 922701, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select meta_sync.complete_sync_chunk(922701, (select lease_token from meta_sync.sync_job_chunks where id = 922701), p_entity_counts => '{"campaigns": 1}', p_now => '2030-02-01 00:05Z');
select is((select synced_at from meta_sync.data_freshness where account_id = 'act_920027' and dataset = 'structure'),
  '2030-02-01 00:00Z'::timestamptz, 'structure synced as of when its read started');

select * from finish();
rollback;
