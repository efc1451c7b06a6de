begin;
select plan(4);

-- Fixture: organization, active connection, account act_920043, job 924300 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920043', p_job_id => 924300, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(924300, p_id => 924301, p_chunk_type => 'structure', p_chunk_order => 0,
  p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(924300, p_id => 924302, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(924300, p_id => 924303, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');

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
