begin;
select plan(2);
select meta_sync_tests.create_account('act_5100008', p_meta_sync_priority => 'low');
select meta_sync.start_account_onboarding('act_5100008', '2026-02-01 10:00Z');
update meta_sync.sync_job_chunks set status = 'completed' where account_id = 'act_5100008' and chunk_order = 1;
update meta_sync.meta_ad_accounts set meta_sync_priority = 'high' where id = 'act_5100008';
select is((select count(*)::int from meta_sync.sync_job_chunks where account_id = 'act_5100008' and status = 'pending'
           and priority = meta_sync.chunk_priority('recent_window', 'high')),
          (select count(*)::int from meta_sync.sync_job_chunks where account_id = 'act_5100008' and status = 'pending'),
  'every pending chunk got the high priority');
select is((select priority from meta_sync.sync_job_chunks where account_id = 'act_5100008' and chunk_order = 1),
  meta_sync.chunk_priority('recent_window', 'low'), 'a finished chunk keeps its priority');
select * from finish();
rollback;
