begin;
select plan(3);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0003-000000000005', 'rollup test');
insert into meta_sync.meta_ad_accounts (id, organization_id, currency) values ('act_930006', '00000000-0000-0000-0003-000000000005', 'USD');
insert into meta_sync.meta_insights_daily (ad_id, date, account_id, campaign_id, adset_id, currency, impressions, spend) values
  ('9331', '2030-01-01', 'act_930006', '9341', '9351', 'USD', 100, 1.50),
  ('9332', '2030-01-01', 'act_930006', '9341', '9352', 'USD', 50, 0.25);

select results_eq($$select level, entity_id, impressions, spend from meta_sync.kpi_rollup_daily where account_id = 'act_930006' order by 1, 2$$,
  $$values ('account'::text, 'act_930006'::text, 150::bigint, 1.75::numeric), ('adset', '9351', 100, 1.50),
           ('adset', '9352', 50, 0.25), ('campaign', '9341', 150, 1.75)$$, 'inserted rows summed per level');
update meta_sync.meta_insights_daily set spend = 2.00 where ad_id = '9332';
select is((select spend from meta_sync.kpi_rollup_daily where level = 'campaign' and entity_id = '9341'), 3.50::numeric, 'an update follows');
delete from meta_sync.meta_insights_daily where ad_id = '9331';
select is((select count(*)::int from meta_sync.kpi_rollup_daily where level = 'adset' and entity_id = '9351'), 0, 'a deleted ad set day is gone');

select * from finish();
rollback;
