begin;
select plan(5);

-- Fixture: organization, active connection, account act_920021, job 922100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000021', 'queue test 21');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000021', '00000000-0000-0000-0002-000000000021', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920021', '00000000-0000-0000-0002-000000000021', '00000000-0000-0000-0002-000000000021', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (922100, 'act_920021', '00000000-0000-0000-0002-000000000021', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 1, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (922101, 922100, 'act_920021', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);

create temp table first_claim as select * from meta_sync.claim_sync_chunks('w1', 1, 60, '2030-02-01 00:00Z');
select throws_ok($$select meta_sync.complete_sync_chunk(922101, (select lease_token from first_claim), 10, p_now => '2030-02-01 00:01Z')$$,
  '55000', null, 'refused once the lease has expired');
select meta_sync.requeue_expired_leases('2030-02-01 00:01Z');
select is((select array_agg(chunk_id) from meta_sync.claim_sync_chunks('w2', 1, 60, '2030-02-01 00:01Z')),
  array[922101]::bigint[], 'another worker gets the chunk');
select throws_like($$select meta_sync.complete_sync_chunk(922101, (select lease_token from first_claim), 10, p_now => '2030-02-01 00:01:10Z')$$,
  '%lease%', 'the first worker is refused with a lease error');
select row_eq($$select status::text, locked_by, rows_written from meta_sync.sync_job_chunks where id = 922101$$,
  row('in_progress'::text, 'w2'::text, 0::bigint), 'nothing changed: w2 still owns it');
select is((select completed_chunks from meta_sync.sync_jobs where id = 922100), 0, 'the job counted nothing');

select * from finish();
rollback;
