-- With p_per_account a claim never leaves a worker more chunks of one account in progress than
-- the limit (held before + taken now); the rest stay pending for other workers.
begin;
select plan(5);

-- Fixture: organization, active connection, accounts act_920071 (five chunks) and act_920072
-- (one chunk), manual jobs due at 2030-02-01 00:00 UTC; act_920071's chunks come first.
select meta_sync_tests.create_organization('00000000-0000-0000-0002-000000000071');
select meta_sync_tests.create_account('act_92007' || n, p_organization_id => '00000000-0000-0000-0002-000000000071')
from generate_series(1, 2) n;
select meta_sync_tests.create_job('act_920071', p_id => 927101, p_date_since => '2030-01-01', p_date_until => '2030-01-05',
  p_total_chunks => 5, p_created_at => '2030-02-01');
select meta_sync_tests.create_job('act_920072', p_id => 927102, p_date_since => '2030-01-01', p_date_until => '2030-01-01',
  p_total_chunks => 1, p_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(927101, p_id => 927110 + d, p_date_since => '2030-01-01'::date + d,
  p_date_until => '2030-01-01'::date + d, p_chunk_order => d + 1, p_priority => 0, p_run_after => '2030-02-01')
from generate_series(0, 4) d;
select meta_sync_tests.create_chunk(927102, p_id => 927120, p_date_since => '2030-01-01',
  p_date_until => '2030-01-01', p_chunk_order => 1, p_priority => 1, p_run_after => '2030-02-01');

select is((select array_agg(chunk_id order by chunk_id) from meta_sync.claim_sync_chunks('w1', 8, 120, '2030-02-01 00:00Z', p_per_account => 2)),
  array[927110, 927111, 927120]::bigint[], 'two of the first account, and the other account''s chunk');
select is((select count(*)::int from meta_sync.sync_job_chunks where account_id = 'act_920071' and status = 'pending'), 3,
  'the rest of the first account stays pending');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 8, 120, '2030-02-01 00:00Z', p_per_account => 2)), 0,
  'w1 already holds two of it: nothing more');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w2', 8, 120, '2030-02-01 00:00Z', p_per_account => 2)), 2,
  'another worker counts only its own');
select throws_ok($$select * from meta_sync.claim_sync_chunks('w1', 1, 120, '2030-02-01 00:00Z', p_per_account => 0)$$,
  '22023', null, 'a limit below 1 is refused');

select * from finish();
rollback;
