begin;
select plan(4);

-- Fixture: organization, active connection, account act_920009, job 920900 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920009', p_job_id => 920900, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(920900, p_id => 920901, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920900, p_id => 920902, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920900, p_id => 920903, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select throws_ok($$select * from meta_sync.claim_sync_chunks('', 1)$$, '22023', null, 'blank worker');
select throws_ok($$select * from meta_sync.claim_sync_chunks('w1', 0)$$, '22023', null, 'limit 0');
select throws_ok($$select * from meta_sync.claim_sync_chunks('w1', 1, 0)$$, '22023', null, 'lease 0 s');
select is((select count(*)::int from meta_sync.sync_job_chunks where job_id = 920900 and status = 'pending'),
  3, 'nothing was claimed');

select * from finish();
rollback;
