begin;
select plan(3);

-- Fixture: organization, active connection, account act_920042, job 924200 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000042', 'queue test 42');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000042', '00000000-0000-0000-0002-000000000042', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920042', '00000000-0000-0000-0002-000000000042', '00000000-0000-0000-0002-000000000042', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (924200, 'act_920042', '00000000-0000-0000-0002-000000000042', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-21', 1, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (924201, 924200, 'act_920042', null, 'insights', '2030-01-21'::date - 6, '2030-01-21'::date - 0, 1, 0, '2030-02-01', 5);

update meta_sync.sync_job_chunks set date_since = '2030-01-21', date_until = '2030-01-21' where id = 924201;
select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
create temp table children as
  select unnest(meta_sync.split_sync_chunk(924201, (select lease_token from meta_sync.sync_job_chunks where id = 924201), array['11', '12', '13'], '2030-02-01 00:01Z')) as id;
select results_eq($$select campaign_ids from meta_sync.sync_job_chunks where id in (select id from children) order by id$$,
  $$values (array['11']), (array['12', '13'])$$, 'the worker''s campaign ids are halved');
select is((select count(*)::int from meta_sync.sync_job_chunks where id in (select id from children)
           and date_since = '2030-01-21' and date_until = '2030-01-21'), 2, 'same day');
select * from meta_sync.claim_sync_chunks('w1', 5, 600, '2030-02-01 00:01Z');
select is(meta_sync.split_sync_chunk((select max(id) from children), (select lease_token from meta_sync.sync_job_chunks where id = (select max(id) from children)), null, '2030-02-01 00:02Z')
          is not null, true, 'a child with two ids splits again, by its own ids');

select * from finish();
rollback;
