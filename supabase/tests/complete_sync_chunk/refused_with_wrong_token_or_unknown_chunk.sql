begin;
select plan(3);

-- Fixture: organization, active connection, account act_920022, job 922200 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920022', p_job_id => 922200, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(922200, p_id => 922201, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922200, p_id => 922202, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(922200, p_id => 922203, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select * from meta_sync.claim_sync_chunks('w1', 1, 60, '2030-02-01 00:00Z');
select throws_ok($$select meta_sync.complete_sync_chunk(922201, gen_random_uuid(), p_now => '2030-02-01 00:00:10Z')$$,
  '55000', null, 'a token that is not the current lease is refused');
select throws_ok($$select meta_sync.complete_sync_chunk(-1, gen_random_uuid(), p_now => '2030-02-01 00:00:10Z')$$,
  'P0002', null, 'an unknown chunk is P0002');
select is((select status::text from meta_sync.sync_job_chunks where id = 922201), 'in_progress', 'the chunk is untouched');

select * from finish();
rollback;
