-- The Graph calls that found "too much data" count on the split parent and its job: a split
-- chunk's attempt is not free.
begin;
select plan(3);

-- Fixture: organization, active connection, account act_920052, job 925200 (manual), one chunk.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000052', 'queue test 52');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000052', '00000000-0000-0000-0002-000000000052', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920052', '00000000-0000-0000-0002-000000000052', '00000000-0000-0000-0002-000000000052', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (925200, 'act_920052', '00000000-0000-0000-0002-000000000052', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-14', 1, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (925201, 925200, 'act_920052', null, 'insights', '2030-01-01', '2030-01-14', 1, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
select is(cardinality(meta_sync.split_sync_chunk(925201, (select lease_token from meta_sync.sync_job_chunks where id = 925201),
                                                 p_now => '2030-02-01 00:01Z', p_api_calls => 4)),
  2, 'split with the 4 calls that found too much data');
select is((select (api_calls, total_chunks)::text from meta_sync.sync_jobs where id = 925200), (4, 2)::text,
  'the job counts them (and one chunk more)');
select is((select api_calls from meta_sync.sync_job_chunks where id = 925201), 4, 'the split parent holds them');

select * from finish();
rollback;
