begin;
select plan(3);

-- Two organisations with an account and a fact each; user 1 is a member of A only.
insert into meta_sync.organizations (id, name) values
  ('00000000-0000-0000-0003-00000000000a', 'kpi A'), ('00000000-0000-0000-0003-00000000000b', 'kpi B');
insert into meta_sync.organization_members (organization_id, user_id)
  values ('00000000-0000-0000-0003-00000000000a', '11111111-0000-4000-8000-00000000000a');
insert into meta_sync.meta_ad_accounts (id, organization_id, currency) values
  ('act_930010', '00000000-0000-0000-0003-00000000000a', 'USD'),
  ('act_930011', '00000000-0000-0000-0003-00000000000b', 'USD');
insert into meta_sync.meta_insights_daily (ad_id, date, account_id, campaign_id, adset_id, currency, impressions, spend) values
  ('9361', '2030-01-01', 'act_930010', '9371', '9381', 'USD', 10, 1),
  ('9362', '2030-01-01', 'act_930011', '9372', '9382', 'USD', 20, 2);

set local role authenticated;
set local request.jwt.claims = '{"sub": "11111111-0000-4000-8000-00000000000a", "role": "authenticated"}';
select results_eq($$select entity_id, spend from meta_sync.kpi_summary('account', '2030-01-01', '2030-01-31')$$,
  $$values ('act_930010'::text, 1::numeric)$$, 'a member sees the KPIs of its own accounts only');
select is((select count(*)::int from meta_sync.kpi_daily), 5, 'and only their kpi_daily rows (ad, ad set, campaign, account, organisation)');
select throws_ok($$select * from meta_sync.kpi_summary('account', '2030-01-01', '2030-01-31', p_account_id => 'act_930011')$$,
  'P0002', null, 'another organisation''s account is not found');
reset role;

select * from finish();
rollback;
