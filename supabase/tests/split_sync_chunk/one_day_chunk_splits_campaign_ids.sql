begin;
select plan(3);

-- Fixture: organization, active connection, account act_920042, job 924200 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920042', p_job_id => 924200, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 1, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(924200, p_id => 924201, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');

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
