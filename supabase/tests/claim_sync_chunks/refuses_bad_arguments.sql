begin;
select plan(4);

-- Fixture: organization, active connection, account act_920009, job 920900 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000009', 'queue test 9');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000009', '00000000-0000-0000-0002-000000000009', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920009', '00000000-0000-0000-0002-000000000009', '00000000-0000-0000-0002-000000000009', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (920900, 'act_920009', '00000000-0000-0000-0002-000000000009', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920901, 920900, 'act_920009', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920902, 920900, 'act_920009', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (920903, 920900, 'act_920009', null, 'insights', '2030-01-21'::date - 20, '2030-01-21'::date - 14, 3, 0, '2030-02-01', 5);

select throws_ok($$select * from meta_sync.claim_sync_chunks('', 1)$$, '22023', null, 'blank worker');
select throws_ok($$select * from meta_sync.claim_sync_chunks('w1', 0)$$, '22023', null, 'limit 0');
select throws_ok($$select * from meta_sync.claim_sync_chunks('w1', 1, 0)$$, '22023', null, 'lease 0 s');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = 920900 and status = 'pending'),
  3, 'nothing was claimed');

select * from finish();
rollback;
