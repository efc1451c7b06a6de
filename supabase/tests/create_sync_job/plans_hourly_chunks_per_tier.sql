begin;
select plan(5);

-- Fixture: account act_930001 (tier high: hourly on by default) and act_930002 (medium: off).
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0003-000000000001', 'hourly test');
insert into meta_sync.meta_ad_accounts (id, organization_id, timezone_name, meta_sync_priority) values
  ('act_930001', '00000000-0000-0000-0003-000000000001', 'UTC', 'high'),
  ('act_930002', '00000000-0000-0000-0003-000000000001', 'UTC', 'medium');

select ok(meta_sync.create_sync_job('act_930001', 'manual', 'manual', '2030-01-01', '2030-01-14', 7, true,
  p_now => '2030-02-01') is not null, 'a high-tier job');
select results_eq(
  $$select c.dataset, c.date_since, c.date_until from meta_sync.sync_job_chunks c
    join meta_sync.sync_jobs j on j.id = c.job_id
    where j.account_id = 'act_930001' and c.chunk_type = 'insights' order by c.chunk_order$$,
  $$values ('daily', '2030-01-08'::date, '2030-01-14'::date), ('daily', '2030-01-01', '2030-01-07'),
           ('hourly', '2030-01-08', '2030-01-14'), ('hourly', '2030-01-01', '2030-01-07')$$,
  'the daily slices, then the same slices hourly');
select is((select total_chunks from meta_sync.sync_jobs where account_id = 'act_930001'), 5,
  'structure + 2 daily + 2 hourly counted');
select ok(meta_sync.create_sync_job('act_930002', 'manual', 'manual', '2030-01-01', '2030-01-14', 7, false,
  p_now => '2030-02-01') is not null, 'a medium-tier job');
select is((select count(*)::int from meta_sync.sync_job_chunks where account_id = 'act_930002' and dataset = 'hourly'),
  0, 'medium: no hourly chunks unless meta_sync_config.hourly_enabled');

select * from finish();
rollback;
