begin;
select plan(4);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0003-000000000004', 'kpi test');
insert into meta_sync.meta_ad_accounts (id, organization_id, currency, timezone_name)
  values ('act_930005', '00000000-0000-0000-0003-000000000004', 'JPY', 'Asia/Tokyo');
insert into meta_sync.meta_campaigns (id, account_id, name, effective_status, raw) values
  ('9301', 'act_930005', 'spent', 'ACTIVE', '{}'), ('9302', 'act_930005', 'idle', 'ACTIVE', '{}');
insert into meta_sync.meta_insights_daily (ad_id, date, account_id, campaign_id, adset_id, currency, impressions, clicks, spend, link_clicks)
  values ('9311', '2030-01-01', 'act_930005', '9301', '9321', 'JPY', 2000, 50, 1234, 40);

select results_eq(
  $$select entity_id, spend, impressions, clicks, ctr, cpc from meta_sync.kpi_summary('campaign', '2030-01-01', '2030-01-31', p_account_id => 'act_930005')$$,
  $$values ('9301'::text, 1234::numeric, 2000::bigint, 50::bigint, 2.5::numeric, 24.68::numeric),
           ('9302', 0, 0, 0, null, null)$$,
  'the idle campaign appears with zeros and NULL ratios; ctr in percent; yen whole');
select throws_ok($$select * from meta_sync.kpi_summary('week', '2030-01-01', '2030-01-31')$$, '22023', null, 'unknown level');
select throws_ok($$select * from meta_sync.kpi_summary('ad', '2030-01-31', '2030-01-01')$$, '22023', null, 'reversed range');
select throws_ok($$select * from meta_sync.kpi_summary('ad', '2030-01-01', '2030-01-31', p_account_id => 'act_1')$$, 'P0002', null, 'unknown account');

select * from finish();
rollback;
