begin;
select plan(2);

-- Fixture: organization, active connection, account act_920005, job 920500 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_organization('00000000-0000-0000-0002-000000000005');
select meta_sync_tests.create_connection('00000000-0000-0000-0002-000000000005',
  p_id => '00000000-0000-0000-0002-000000000005', p_status => 'expired');
select meta_sync_tests.create_account_with_job('act_920005',
  p_organization_id => '00000000-0000-0000-0002-000000000005',
  p_connection_id => '00000000-0000-0000-0002-000000000005', p_job_id => 920500, p_date_since => '2030-01-01',
  p_date_until => '2030-01-21', p_total_chunks => 3, p_job_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(920500, p_id => 920501, p_date_since => '2030-01-21'::date - 6,
  p_date_until => '2030-01-21'::date - 0, p_chunk_order => 1, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920500, p_id => 920502, p_date_since => '2030-01-21'::date - 13,
  p_date_until => '2030-01-21'::date - 7, p_chunk_order => 2, p_priority => 0, p_run_after => '2030-02-01');
select meta_sync_tests.create_chunk(920500, p_id => 920503, p_date_since => '2030-01-21'::date - 20,
  p_date_until => '2030-01-21'::date - 14, p_chunk_order => 3, p_priority => 0, p_run_after => '2030-02-01');

select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z')),
  0, 'an account whose token expired is skipped');
update meta_sync.meta_connections set status = 'active' where id = '00000000-0000-0000-0002-000000000005';
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z')),
  3, 'claimable once the connection is active');

select * from finish();
rollback;
