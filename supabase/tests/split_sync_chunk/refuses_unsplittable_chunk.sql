begin;
select plan(4);

-- Fixture: organization, active connection, account act_920043, job 924300 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000043', 'queue test 43');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000043', '00000000-0000-0000-0002-000000000043', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920043', '00000000-0000-0000-0002-000000000043', '00000000-0000-0000-0002-000000000043', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (924300, 'act_920043', '00000000-0000-0000-0002-000000000043', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 3, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, chunk_type, chunk_order, priority, run_after, max_retries)
  overriding system value values (924301, 924300, 'act_920043', 'structure', 0, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924302, 924300, 'act_920043', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924303, 924300, 'act_920043', null, 'insights', '2030-01-21'::date - 13, '2030-01-21'::date - 7, 2, 0, '2030-02-01', 5);

update meta_sync.sync_job_chunks set date_since = '2030-01-21', date_until = '2030-01-21', campaign_ids = array['11'] where id = 924302;
select * from meta_sync.claim_sync_chunks('w1', 5, 600, '2030-02-01 00:00Z');
select throws_ok($$select meta_sync.split_sync_chunk(924302, (select lease_token from meta_sync.sync_job_chunks where id = 924302), null, '2030-02-01 00:01Z')$$,
  '55000', null, 'one day and one campaign cannot be split');
select throws_ok($$select meta_sync.split_sync_chunk(924301, (select lease_token from meta_sync.sync_job_chunks where id = 924301), null, '2030-02-01 00:01Z')$$,
  '55000', null, 'a structure chunk cannot be split');
select throws_like($$select meta_sync.split_sync_chunk(924303, gen_random_uuid(), null, '2030-02-01 00:01Z')$$,
  '%lease%', 'without the lease: refused');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = 924300), 3, 'no child was created');

select * from finish();
rollback;
