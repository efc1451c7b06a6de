begin;
select plan(2);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0003-000000000002', 'hourly test 2');
insert into meta_sync.meta_ad_accounts (id, organization_id, timezone_name, meta_sync_priority) values
  ('act_930003', '00000000-0000-0000-0003-000000000002', 'UTC', 'high');

select ok(meta_sync.create_sync_job('act_930003', 'historical_backfill', 'initial', '2029-01-01', '2029-06-30', 90, false,
  p_now => '2030-02-01') is not null, 'a phase-2 job of a high-tier account');
select is((select count(*)::int from meta_sync.sync_job_chunks where account_id = 'act_930003' and dataset = 'hourly'),
  0, 'history is read daily only');

select * from finish();
rollback;
