begin;
select plan(2);
select meta_sync_tests.create_account('act_5100005', p_with_connection => false,
  p_next_sync_at => '2026-02-01 10:00Z');
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100005'), null::timestamptz,
  'no next_sync_at while phase 1 has not completed');
update meta_sync.meta_ad_accounts set meta_sync_priority = 'high' where id = 'act_5100005';
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5100005'), null::timestamptz,
  'a tier change does not schedule an account still onboarding');
select * from finish();
rollback;
