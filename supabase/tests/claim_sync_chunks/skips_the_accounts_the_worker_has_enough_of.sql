-- A worker already running its per-account limit of an account (p_per_account) gets nothing of
-- it: the scan skips that account and takes other accounts' chunks instead.
begin;
select plan(3);

-- Fixture: organization, active connection, accounts act_920061 and act_920062, one manual job
-- each with two insights chunks, due at 2030-02-01 00:00 UTC; w1 already runs two more chunks
-- of act_920061.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000061', 'queue test 61');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000061', '00000000-0000-0000-0002-000000000061', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name)
  select 'act_92006' || n, '00000000-0000-0000-0002-000000000061', '00000000-0000-0000-0002-000000000061', 'UTC'
  from generate_series(1, 2) n;
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  select 926100 + n, 'act_92006' || n, '00000000-0000-0000-0002-000000000061', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-14', 2, '2030-02-01'
  from generate_series(1, 2) n;
insert into meta_sync.sync_job_chunks (id, job_id, account_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value
  select 926110 + 2 * n + k, 926100 + n, 'act_92006' || n, 'insights', '2030-01-01'::date + 7 * k, '2030-01-07'::date + 7 * k,
         k + 1, 0, '2030-02-01', 5
  from generate_series(1, 2) n, generate_series(0, 1) k;

insert into meta_sync.sync_job_chunks (id, job_id, account_id, chunk_type, date_since, date_until, chunk_order, priority,
                                       run_after, max_retries, status, locked_by, locked_until, lease_token)
  overriding system value
  select 926118 + k, 926101, 'act_920061', 'insights', '2030-01-15'::date + k, '2030-01-15'::date + k, 3 + k, 0,
         '2030-02-01', 5, 'in_progress', 'w1', '2030-02-01 00:02Z', gen_random_uuid()
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
