begin;
select plan(6);

-- Fixture: organization, active connection, account act_920041, job 924100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000041', 'queue test 41');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000041', '00000000-0000-0000-0002-000000000041', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920041', '00000000-0000-0000-0002-000000000041', '00000000-0000-0000-0002-000000000041', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (924100, 'act_920041', '00000000-0000-0000-0002-000000000041', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 1, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924101, 924100, 'act_920041', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
create temp table children as
  select unnest(meta_sync.split_sync_chunk(924101, (select lease_token from meta_sync.sync_job_chunks where id = 924101), p_now => '2030-02-01 00:01Z')) as id;
select is((select count(*)::int from children), 2, 'two children');
select results_eq($$select date_since, date_until from meta_sync.sync_job_chunks where id in (select id from children) order by id$$,
  $$values ('2030-01-19'::date, '2030-01-21'::date), ('2030-01-15'::date, '2030-01-18'::date)$$,
  'the newer half first; together exactly the parent, no gap, no overlap');
select is((select count(*)::int from meta_sync.sync_job_chunks
           where id in (select id from children) and parent_chunk_id = 924101 and status = 'pending'
             and job_id = 924100 and priority = 0 and chunk_type = 'insights'),
  2, 'pending children of the same job and priority, parent_chunk_id set');
select is((select status::text from meta_sync.sync_job_chunks where id = 924101), 'split', 'the parent is split');
select is((select total_chunks from meta_sync.sync_jobs where id = 924100), 2, 'one chunk became two');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 5, 600, '2030-02-01 00:01Z')),
  2, 'the children are claimable');

select * from finish();
rollback;
