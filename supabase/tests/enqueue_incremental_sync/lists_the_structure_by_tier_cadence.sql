-- A scheduled run lists the structure only when the last listing is at least the tier's
-- structure_refresh_minutes old (high 360, medium 1440) or never happened; otherwise the job is
-- insights only, and its insights chunks depend on nothing.
begin;
select plan(5);
select meta_sync_tests.create_organization('5c100000-0000-0000-0000-000000000001');
select meta_sync_tests.create_account('act_5921', p_organization_id => '5c100000-0000-0000-0000-000000000001',
  p_phase_1_completed_at => '2026-01-01');
select meta_sync_tests.create_account('act_5922', p_organization_id => '5c100000-0000-0000-0000-000000000001',
  p_phase_1_completed_at => '2026-01-01');
select meta_sync_tests.create_account('act_5923', p_organization_id => '5c100000-0000-0000-0000-000000000001',
  p_meta_sync_priority => 'high', p_phase_1_completed_at => '2026-01-01');
select meta_sync_tests.create_account('act_5924', p_organization_id => '5c100000-0000-0000-0000-000000000001',
  p_phase_1_completed_at => '2026-01-01');
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at) values
  ('act_5921', 'structure', '2026-02-01', '2026-02-01 02:00Z'),  -- medium, listed 10 h ago
  ('act_5922', 'structure', '2026-01-31', '2026-01-31 11:00Z'),  -- medium, listed 25 h ago
  ('act_5923', 'structure', '2026-02-01', '2026-02-01 05:00Z');  -- high, listed 7 h ago
                                                                 -- act_5924: never listed

create function pg_temp.structure_chunks(p_account text) returns bigint language sql as $$
  select count(*) from meta_sync.sync_job_chunks c join meta_sync.sync_jobs j on j.id = c.job_id
  where j.account_id = p_account and j.sync_phase = 'incremental' and c.chunk_type = 'structure'
$$;
select meta_sync.enqueue_incremental_sync(a, '2026-02-01 12:00Z')
from unnest(array['act_5921', 'act_5922', 'act_5923', 'act_5924']) a;

select is(pg_temp.structure_chunks('act_5921'), 0::bigint, 'medium listed 10 h ago: insights only');
select is(pg_temp.structure_chunks('act_5922'), 1::bigint, 'medium listed 25 h ago: lists again');
select is(pg_temp.structure_chunks('act_5923'), 1::bigint, 'high listed 7 h ago (refresh every 6 h): lists again');
select is(pg_temp.structure_chunks('act_5924'), 1::bigint, 'never listed: lists');
select is((select count(*) from meta_sync.sync_job_chunks c join meta_sync.sync_jobs j on j.id = c.job_id
           where j.account_id = 'act_5921' and c.depends_on_chunk_id is not null), 0::bigint,
          'insights of an insights-only run wait for nothing');

select * from finish();
rollback;
