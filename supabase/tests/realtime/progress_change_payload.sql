-- A progress change of a job sends one message with the whole payload (job id, account, phase,
-- status, percentage, ETA, counts); a change no progress bar shows sends nothing.
begin;
select plan(4);

create schema realtime;
create temp table sent (payload jsonb, event text, topic text, private boolean);
create function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void language sql as $$ insert into pg_temp.sent values (payload, event, topic, private) $$;

select meta_sync_tests.create_organization('aaaaaaaa-0000-4000-8000-000000000001');
select meta_sync_tests.create_account_with_job('act_1001',
  p_organization_id => 'aaaaaaaa-0000-4000-8000-000000000001', p_with_connection => false,
  p_sync_phase => 'recent_window', p_total_chunks => 4);
delete from sent;

update meta_sync.sync_jobs set requested_by = 'someone' where account_id = 'act_1001';
select is((select count(*) from sent), 0::bigint, 'a change that is not progress sends nothing');

update meta_sync.sync_jobs
set status = 'in_progress', progress_percentage = 50, completed_chunks = 1, failed_chunks = 1,
    campaigns_synced = 3, adsets_synced = 4, ads_synced = 5, creatives_synced = 6,
    insight_rows_written = 700, estimated_completion_at = '2026-01-01 12:00:00+00'
where account_id = 'act_1001';
select is((select count(*) from sent), 1::bigint, 'a progress change sends one message');
select is((select (topic, event, private)::text from sent),
          '(org:aaaaaaaa-0000-4000-8000-000000000001:sync,progress,t)', 'private, progress, org topic');
select is(
  (select payload - 'updated_at' - 'date_since' - 'date_until' from sent),
  jsonb_build_object(
    'job_id', (select id from meta_sync.sync_jobs where account_id = 'act_1001'),
    'organization_id', 'aaaaaaaa-0000-4000-8000-000000000001', 'account_id', 'act_1001',
    'sync_phase', 'recent_window', 'sync_type', 'initial', 'status', 'in_progress',
    'progress_percentage', 50.00, 'estimated_completion_at', '2026-01-01T12:00:00+00:00',
    'total_chunks', 4, 'completed_chunks', 1, 'failed_chunks', 1, 'campaigns_synced', 3,
    'adsets_synced', 4, 'ads_synced', 5, 'creatives_synced', 6, 'insight_rows_written', 700),
  'the payload carries id, account, phase, status, percentage, ETA and counts');

select * from finish();
rollback;
