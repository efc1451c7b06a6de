-- With p_per_account a claim never leaves a worker more chunks of one account in progress than
-- the limit (held before + taken now); the rest stay pending for other workers.
begin;
select plan(5);

-- Fixture: organization, active connection, accounts act_920071 (five chunks) and act_920072
-- (one chunk), manual jobs due at 2030-02-01 00:00 UTC; act_920071's chunks come first.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000071', 'queue test 71');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000071', '00000000-0000-0000-0002-000000000071', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name)
  select 'act_92007' || n, '00000000-0000-0000-0002-000000000071', '00000000-0000-0000-0002-000000000071', 'UTC'
  from generate_series(1, 2) n;
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (927101, 'act_920071', '00000000-0000-0000-0002-000000000071', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-05', 5, '2030-02-01'),
         (927102, 'act_920072', '00000000-0000-0000-0002-000000000071', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-01', 1, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value
  select 927110 + d, 927101, 'act_920071', 'insights', '2030-01-01'::date + d, '2030-01-01'::date + d, d + 1, 0, '2030-02-01', 5
  from generate_series(0, 4) d;
insert into meta_sync.sync_job_chunks (id, job_id, account_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (927120, 927102, 'act_920072', 'insights', '2030-01-01', '2030-01-01', 1, 1, '2030-02-01', 5);

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
