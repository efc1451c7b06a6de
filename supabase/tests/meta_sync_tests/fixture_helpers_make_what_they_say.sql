-- The fixture helpers (supabase/tests/000_setup): one call makes an organisation, its active
-- default connection, an account and a pending manual job; arguments left out keep the table
-- defaults; a second account of the organisation shares its default connection.
begin;
select plan(9);

select meta_sync_tests.create_account_with_job('act_990001', p_job_id => 990100, p_total_chunks => 2) as job \gset
select is(:job::bigint, 990100::bigint, 'the job id is returned');
select row_eq($$select a.meta_sync_priority::text, a.timezone_name, a.paused, c.status::text, c.label, j.organization_id = a.organization_id
                from meta_sync.meta_ad_accounts a join meta_sync.meta_connections c on c.id = a.connection_id
                join meta_sync.sync_jobs j on j.account_id = a.id where a.id = 'act_990001'$$,
  row('medium'::text, 'UTC'::text, false, 'active'::text, 'default'::text, true),
  'the account has the table defaults and an active default connection; the job the account''s organisation');
select row_eq($$select sync_phase::text, sync_type::text, status::text, total_chunks from meta_sync.sync_jobs where id = 990100$$,
  row('manual'::text, 'manual'::text, 'pending'::text, 2), 'a pending manual job by default');

select meta_sync_tests.create_account('act_990002',
  p_organization_id => (select organization_id from meta_sync.meta_ad_accounts where id = 'act_990001'));
select is((select count(distinct connection_id)::int from meta_sync.meta_ad_accounts where id in ('act_990001', 'act_990002')), 1,
  'a second account of the organisation shares its default connection');

select meta_sync_tests.create_account('act_990003', p_with_connection => false, p_meta_sync_priority => 'high');
select row_eq($$select connection_id is null, meta_sync_priority::text from meta_sync.meta_ad_accounts where id = 'act_990003'$$,
  row(true, 'high'::text), 'p_with_connection => false: no connection; named arguments set their column');

select meta_sync_tests.create_account(p_connection_status => 'expired') as generated \gset
select is((select c.status::text from meta_sync.meta_ad_accounts a join meta_sync.meta_connections c on c.id = a.connection_id
           where a.id = :'generated'), 'expired', 'an account without an id gets one, and its connection the given status');

select meta_sync_tests.create_job('act_990002', p_sync_phase => 'settle') as settle \gset
select is((select sync_type::text from meta_sync.sync_jobs where id = :settle), 'incremental', 'the sync type follows the phase');
select meta_sync_tests.create_chunk(990100, p_date_since => '2030-01-01', p_date_until => '2030-01-07') as chunk \gset
select is((select (chunk_type, account_id, status, max_retries)::text from meta_sync.sync_job_chunks where id = :chunk),
  ('insights', 'act_990001', 'pending', 5)::text, 'a chunk: insights of the job''s account, table defaults');
select throws_ok($$select meta_sync_tests.create_account('act_990004', p_timezone_name => 'Mars/Olympus')$$, '22023', null,
  'the table''s own checks still apply');

select * from finish();
rollback;
