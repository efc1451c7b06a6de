begin;
select plan(5);

-- Fixture: organization, active connection, account act_920051, job 925100 (manual) and its chunks,
-- due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_account_with_job('act_920051', p_job_id => 925100, p_job_status => 'completed',
  p_date_since => '2030-01-01', p_date_until => '2030-01-21', p_total_chunks => 0,
  p_job_created_at => '2030-02-01');

create temp table job as select meta_sync.request_manual_sync('act_920051', '2030-01-01', '2030-01-20', 'alice', '2030-02-01 00:00Z') as id;
select row_eq($$select sync_phase::text, sync_type::text, status::text, date_since, date_until, requested_by, total_chunks from meta_sync.sync_jobs where id = (select id from job)$$,
  row('manual'::text, 'manual'::text, 'pending'::text, '2030-01-01'::date, '2030-01-20'::date, 'alice'::text, 4),
  'a pending manual job');
select results_eq($$select chunk_type::text, date_since, date_until from meta_sync.sync_job_chunks where job_id = (select id from job) order by chunk_order$$,
  $$values ('structure', null::date, null::date), ('insights', '2030-01-14'::date, '2030-01-20'::date),
           ('insights', '2030-01-07'::date, '2030-01-13'::date), ('insights', '2030-01-01'::date, '2030-01-06'::date)$$,
  'structure, then 7-day insights chunks newest first covering exactly the range');
select is((select count(*)::int from meta_sync.sync_job_chunks c where c.job_id = (select id from job) and c.chunk_type = 'insights'
           and c.depends_on_chunk_id = (select s.id from meta_sync.sync_job_chunks s where s.job_id = c.job_id and s.chunk_type = 'structure')),
  3, 'insights wait for the structure chunk');
select is((select distinct priority from meta_sync.sync_job_chunks where job_id = (select id from job)),
  meta_sync.chunk_priority('manual', 'medium'), 'priority of a manual job of a medium account');
select is(meta_sync.request_manual_sync('act_920051', '2030-01-31', '2030-01-31', null, '2030-02-01 00:00Z') is not null, true,
  'a one-day range up to yesterday is fine');

select * from finish();
rollback;
