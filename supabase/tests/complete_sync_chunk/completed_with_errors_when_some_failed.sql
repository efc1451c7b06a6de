begin;
select plan(2);

-- Fixture: organization, active connection, account act_920026, job 922600 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000026', 'queue test 26');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000026', '00000000-0000-0000-0002-000000000026', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920026', '00000000-0000-0000-0002-000000000026', '00000000-0000-0000-0002-000000000026', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (922600, 'act_920026', '00000000-0000-0000-0002-000000000026', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 2, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922601, 922600, 'act_920026', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922602, 922600, 'act_920026', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select meta_sync.fail_sync_chunk(922601, (select lease_token from meta_sync.sync_job_chunks where id = 922601), 'bad request', false, p_now => '2030-02-01 00:01Z');
select is(meta_sync.complete_sync_chunk(922602, (select lease_token from meta_sync.sync_job_chunks where id = 922602), p_now => '2030-02-01 00:02Z'),
  'completed_with_errors'::meta_sync.job_status, 'one failed, one completed');
select row_eq($$select completed_chunks, failed_chunks, last_error from meta_sync.sync_jobs where id = 922600$$,
  row(1, 1, 'bad request'::text), 'counts and the error are on the job');

select * from finish();
rollback;
