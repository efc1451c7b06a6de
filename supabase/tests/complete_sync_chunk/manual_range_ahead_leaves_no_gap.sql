-- A manual job whose range starts after the insights fresh-through date + 1 stores its rows but
-- does not move fresh_through (that would hide the days in between from the incremental
-- schedule) nor the schedule; a manual job touching fresh_through advances it.
begin;
select plan(4);

select meta_sync_tests.create_account('act_920091', p_phase_1_completed_at => '2030-01-10 12:00Z',
  p_last_meta_sync_at => '2030-01-10 12:00Z');
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at)
  values ('act_920091', 'insights', '2030-01-10', '2030-01-10 12:00Z');
select meta_sync_tests.create_job('act_920091', p_id => 929100, p_date_since => '2030-01-20',
  p_date_until => '2030-01-25', p_total_chunks => 1);
select meta_sync_tests.create_job('act_920091', p_id => 929200, p_date_since => '2030-01-11',
  p_date_until => '2030-01-15', p_total_chunks => 1);
select meta_sync_tests.create_chunk(929100, p_id => 929101, p_date_since => '2030-01-20',
  p_date_until => '2030-01-25', p_priority => 1, p_run_after => '2030-01-26');
select meta_sync_tests.create_chunk(929200, p_id => 929201, p_date_since => '2030-01-11',
  p_date_until => '2030-01-15', p_priority => 2, p_run_after => '2030-01-26');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-01-26 00:00Z');
select is(meta_sync.complete_sync_chunk(929101, (select lease_token from meta_sync.sync_job_chunks where id = 929101),
                                        p_now => '2030-01-26 00:01Z'),
          'completed'::meta_sync.job_status, 'the manual job ahead of fresh_through completes');
select is((select fresh_through from meta_sync.data_freshness where account_id = 'act_920091' and dataset = 'insights'),
          '2030-01-10'::date, 'fresh_through does not jump over the days in between');
select is((select last_meta_sync_at from meta_sync.meta_ad_accounts where id = 'act_920091'),
          '2030-01-10 12:00Z'::timestamptz, 'the schedule is untouched');

select meta_sync.complete_sync_chunk(929201, (select lease_token from meta_sync.sync_job_chunks where id = 929201),
                                     p_now => '2030-01-26 00:02Z');
select is((select fresh_through from meta_sync.data_freshness where account_id = 'act_920091' and dataset = 'insights'),
          '2030-01-15'::date, 'a manual job touching fresh_through advances it');

select * from finish();
rollback;
