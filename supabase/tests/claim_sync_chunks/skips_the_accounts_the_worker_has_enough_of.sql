-- A worker already running its per-account limit of an account (p_per_account) gets nothing of
-- it: the scan skips that account and takes other accounts' chunks instead.
begin;
select plan(3);

-- Fixture: organization, active connection, accounts act_920061 and act_920062, one manual job
-- each with two insights chunks, due at 2030-02-01 00:00 UTC; w1 already runs two more chunks
-- of act_920061.
select meta_sync_tests.create_organization('00000000-0000-0000-0002-000000000061');
select meta_sync_tests.create_job(
  meta_sync_tests.create_account('act_92006' || n, p_organization_id => '00000000-0000-0000-0002-000000000061'),
  p_id => 926100 + n, p_date_since => '2030-01-01', p_date_until => '2030-01-14', p_total_chunks => 2,
  p_created_at => '2030-02-01')
from generate_series(1, 2) n;
select meta_sync_tests.create_chunk(926100 + n, p_id => 926110 + 2 * n + k, p_date_since => '2030-01-01'::date + 7 * k,
  p_date_until => '2030-01-07'::date + 7 * k, p_chunk_order => k + 1, p_priority => 0, p_run_after => '2030-02-01')
from generate_series(1, 2) n, generate_series(0, 1) k;

select meta_sync_tests.create_chunk(926101, p_id => 926118 + k, p_date_since => '2030-01-15'::date + k,
  p_date_until => '2030-01-15'::date + k, p_chunk_order => 3 + k, p_priority => 0, p_run_after => '2030-02-01',
  p_status => 'in_progress', p_locked_by => 'w1', p_locked_until => '2030-02-01 00:02Z', p_lease_token => gen_random_uuid())
from generate_series(0, 1) k;

select is((select array_agg(distinct account_id) from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z',
                                                                                 p_per_account => 2)),
  array['act_920062'], 'a skipped account gives nothing');
select is((select count(*)::int from meta_sync.sync_job_chunks where account_id = 'act_920061' and status = 'pending'), 2,
  'its chunks stay pending for other workers');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w2', 10, 120, '2030-02-01 00:00Z', p_per_account => null)), 2,
  'NULL skips nothing');

select * from finish();
rollback;
