-- With p_per_account_history an account's phase-2 chunks (history: async report runs that mostly
-- wait on Meta) count apart from its other chunks, each against its own limit; without it they
-- all share p_per_account.
begin;
select plan(6);

-- Fixture: organization, active connection, account act_920081 with a manual job of three
-- chunks (priority 21) and a historical_backfill job of five (priority 51, as chunk_priority
-- gives phase 2 of a medium account), all due at 2030-02-01 00:00 UTC.
select meta_sync_tests.create_organization('00000000-0000-0000-0002-000000000081');
select meta_sync_tests.create_account('act_920081', p_organization_id => '00000000-0000-0000-0002-000000000081');
select meta_sync_tests.create_job('act_920081', p_id => 928101, p_date_since => '2030-01-01', p_date_until => '2030-01-03',
  p_total_chunks => 3, p_created_at => '2030-02-01');
select meta_sync_tests.create_job('act_920081', p_id => 928102, p_sync_phase => 'historical_backfill',
  p_date_since => '2029-01-01', p_date_until => '2029-12-31', p_total_chunks => 5, p_created_at => '2030-02-01');
select meta_sync_tests.create_chunk(928101, p_id => 928110 + d, p_date_since => '2030-01-01'::date + d,
  p_date_until => '2030-01-01'::date + d, p_chunk_order => d + 1,
  p_priority => meta_sync.chunk_priority('manual', 'medium'), p_run_after => '2030-02-01')
from generate_series(0, 2) d;
select meta_sync_tests.create_chunk(928102, p_id => 928120 + k, p_date_since => '2029-01-01'::date + 73 * k,
  p_date_until => '2029-01-01'::date + 73 * k + 72, p_chunk_order => k + 1,
  p_priority => meta_sync.chunk_priority('historical_backfill', 'medium'), p_run_after => '2030-02-01')
from generate_series(0, 4) k;

select is((select array_agg(chunk_id order by chunk_id)
           from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z', p_per_account => 2,
                                            p_per_account_history => 3)),
  array[928110, 928111, 928120, 928121, 928122]::bigint[],
  'two of the other chunks and three of the history, in one claim');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z', p_per_account => 2,
                                                                 p_per_account_history => 3)), 0,
  'w1 holds both limits: nothing more');
select is((select array_agg(chunk_id order by chunk_id)
           from meta_sync.claim_sync_chunks('w1', 10, 120, '2030-02-01 00:00Z', p_per_account => 2,
                                            p_per_account_history => 4)),
  array[928123]::bigint[], 'a higher history limit takes one more of the history only');
select is((select count(*)::int from meta_sync.claim_sync_chunks('w2', 10, 120, '2030-02-01 00:00Z', p_per_account => 1)), 1,
  'without a history limit every chunk of the account shares p_per_account');
select is((select count(*)::int from meta_sync.sync_job_chunks where account_id = 'act_920081' and status = 'pending'), 1,
  'the rest stays pending');
select throws_ok($$select * from meta_sync.claim_sync_chunks('w1', 1, 120, '2030-02-01 00:00Z', p_per_account_history => 0)$$,
  '22023', null, 'a history limit below 1 is refused');

select * from finish();
rollback;
