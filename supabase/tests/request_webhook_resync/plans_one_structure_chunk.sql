begin;
select plan(4);

-- Fixture: organization, account act_935001 (high tier) whose structure was last synced 2030-02-01 06:00 UTC.
select meta_sync_tests.create_organization('00000000-0000-0000-0035-000000000001');
select meta_sync_tests.create_account('act_935001',
  p_organization_id => '00000000-0000-0000-0035-000000000001', p_with_connection => false,
  p_meta_sync_priority => 'high');
insert into meta_sync.data_freshness (account_id, dataset, synced_at)
  values ('act_935001', 'structure', '2030-02-01 06:00Z');

create temp table job as select meta_sync.request_webhook_resync('act_935001', '2030-02-01 12:00Z') as id;
select row_eq($$select sync_phase::text, sync_type::text, status::text, date_since, date_until, total_chunks, created_at
                from meta_sync.sync_jobs where id = (select id from job)$$,
  row('webhook'::text, 'manual'::text, 'pending'::text, null::date, null::date, 1, '2030-02-01 12:00Z'::timestamptz),
  'a pending webhook job without a date range, created at p_now');
select results_eq($$select chunk_type::text, status::text, updated_since, run_after from meta_sync.sync_job_chunks
                    where job_id = (select id from job)$$,
  $$values ('structure'::text, 'pending'::text, '2030-02-01 06:00Z'::timestamptz, '2030-02-01 12:00Z'::timestamptz)$$,
  'one structure chunk reading what changed since the last structure sync, runnable now');
select is((select priority from meta_sync.sync_job_chunks where job_id = (select id from job)),
  meta_sync.chunk_priority('webhook', 'high'), 'priority of a webhook chunk of a high account');
select is((select organization_id from meta_sync.sync_jobs where id = (select id from job)),
  '00000000-0000-0000-0035-000000000001'::uuid, 'the job belongs to the account''s organization');

select * from finish();
rollback;
