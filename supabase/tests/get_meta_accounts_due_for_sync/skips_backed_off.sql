begin;
select plan(2);
select meta_sync_tests.create_account('act_5200011', p_meta_sync_priority => 'high',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 08:00Z');
update meta_sync.meta_ad_accounts set rate_limit_backoff_until = '2026-02-01 12:30Z' where id = 'act_5200011';
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:00Z') where account_id = 'act_5200011'),
  0, 'backed off at p_now: skipped');
select is((select count(*)::int from meta_sync.get_meta_accounts_due_for_sync(100, '2026-02-01 12:31Z') where account_id = 'act_5200011'),
  1, 'after the backoff: due');
select * from finish();
rollback;
