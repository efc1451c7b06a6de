begin;
select plan(6);

-- Fixture: organization, active connection, account act_920041, job 924100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920041', p_job_id => 924100, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 1, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(924100, p_id => 924101, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');

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
