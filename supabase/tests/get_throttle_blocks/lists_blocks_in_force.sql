-- Blocks in force: stopped scopes and backed-off accounts; ended ones are not listed.
begin;
select plan(2);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0218-000000000001', 'blocks');
insert into meta_sync.meta_ad_accounts (id, organization_id, rate_limit_backoff_until, last_sync_error) values
  ('act_921801', '00000000-0000-0000-0218-000000000001', '2030-01-10 10:02Z', 'HTTP 429 without an error body'),
  ('act_921802', '00000000-0000-0000-0218-000000000001', '2030-01-10 09:59Z', 'ended');
select meta_sync.record_rate_limit_state('app', 'app', '', 100, null, null, null, '2030-01-10 10:30Z', 4, '2030-01-10 10:00Z');
select meta_sync.record_rate_limit_state('business_use_case', '921803', 'ads_insights', 80, null, null, null, null, null, '2030-01-10 10:00Z');

select results_eq(
  $$select scope_type, scope_id, blocked_until, reason from meta_sync.get_throttle_blocks('2030-01-10 10:00Z')$$,
  $$values ('app'::text, 'app'::text, '2030-01-10 10:30Z'::timestamptz, 'Meta throttle code 4'::text),
           ('account_backoff', 'act_921801', '2030-01-10 10:02Z', 'HTTP 429 without an error body')$$,
  'the app stop and the backed-off account, latest end first; usage without a stop is no block');
select is((select count(*)::int from meta_sync.get_throttle_blocks('2030-01-10 11:00Z')), 0,
  'nothing once they ended');

select * from finish();
rollback;
