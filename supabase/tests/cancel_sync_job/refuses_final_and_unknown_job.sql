begin;
select plan(3);

-- Fixture: organization, active connection, account act_920049, job 924900 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000049', 'queue test 49');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000049', '00000000-0000-0000-0002-000000000049', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920049', '00000000-0000-0000-0002-000000000049', '00000000-0000-0000-0002-000000000049', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (924900, 'act_920049', '00000000-0000-0000-0002-000000000049', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924901, 924900, 'act_920049', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924902, 924900, 'act_920049', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924903, 924900, 'act_920049', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

update meta_sync.sync_jobs set status = 'completed' where id = 924900;
select throws_ok($$select meta_sync.cancel_sync_job(924900)$$, '55000', null, 'a final job cannot be cancelled');
select throws_ok($$select meta_sync.cancel_sync_job(-1)$$, 'P0002', null, 'unknown job');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = 924900 and status = 'pending'), 3, 'nothing changed');

select * from finish();
rollback;
