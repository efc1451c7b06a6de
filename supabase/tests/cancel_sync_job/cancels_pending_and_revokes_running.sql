begin;
select plan(5);

-- Fixture: organization, active connection, account act_920048, job 924800 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000048', 'queue test 48');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000048', '00000000-0000-0000-0002-000000000048', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920048', '00000000-0000-0000-0002-000000000048', '00000000-0000-0000-0002-000000000048', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (924800, 'act_920048', '00000000-0000-0000-0002-000000000048', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924801, 924800, 'act_920048', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924802, 924800, 'act_920048', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924803, 924800, 'act_920048', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

create temp table claimed as select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(meta_sync.cancel_sync_job(924800, 'admin said stop', '2030-02-01 00:01Z'), 3, 'three chunks cancelled');
select row_eq($$select status::text, last_error, completed_at from meta_sync.sync_jobs where id = 924800$$,
  row('cancelled'::text, 'admin said stop'::text, '2030-02-01 00:01Z'::timestamptz), 'the job is cancelled');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = 924800 and status = 'cancelled'), 3, 'all chunks cancelled');
select throws_like($$select meta_sync.complete_sync_chunk(924801, (select lease_token from claimed), p_now => '2030-02-01 00:02Z')$$,
  '%lease%', 'the running chunk can no longer complete');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 5, 600, '2030-02-01 00:02Z')), 0, 'nothing left to claim');

select * from finish();
rollback;
