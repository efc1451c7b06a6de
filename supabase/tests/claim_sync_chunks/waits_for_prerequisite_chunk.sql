begin;
select plan(4);

-- Fixture: organization, active connection, account act_920007, job 920700 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000007', 'queue test 7');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000007', '00000000-0000-0000-0002-000000000007', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920007', '00000000-0000-0000-0002-000000000007', '00000000-0000-0000-0002-000000000007', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (920700, 'act_920007', '00000000-0000-0000-0002-000000000007', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 4, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, chunk_type, chunk_order, priority, run_after, max_retries)
  overriding system value values (920701, 920700, 'act_920007', 'structure', 0, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920702, 920700, 'act_920007', 920701, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920703, 920700, 'act_920007', 920701, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920704, 920700, 'act_920007', 920701, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select is((select array_agg(chunk_id) from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z')),
  array[920701]::bigint[], 'only the structure chunk while it is pending');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z')),
  0, 'insights wait while their structure chunk runs');
select is(meta_sync.complete_sync_chunk(920701, (select lease_token from meta_sync.sync_job_chunks where id = 920701), p_now => '2030-02-01 00:01Z'),
  'in_progress'::meta_sync.job_status, 'structure completed');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:01Z')),
  3, 'then the insights chunks are claimable');

select * from finish();
rollback;
