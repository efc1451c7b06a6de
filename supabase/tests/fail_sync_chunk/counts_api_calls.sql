-- Graph calls spent on a failed attempt count on the chunk and its job (sync_job_progress,
-- sync_analytics): a retried attempt, a final failure, and the completion after a retry add up.
begin;
select plan(6);

-- Fixture: organization, active connection, account act_920051, job 925100 (manual), two chunks.
insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000051', 'queue test 51');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000051', '00000000-0000-0000-0002-000000000051', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, paused, rate_limit_backoff_until)
  values ('act_920051', '00000000-0000-0000-0002-000000000051', '00000000-0000-0000-0002-000000000051', 'UTC', false, null);
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (925100, 'act_920051', '00000000-0000-0000-0002-000000000051', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-14', 2, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (925101, 925100, 'act_920051', null, 'insights', '2030-01-08', '2030-01-14', 1, 0, '2030-02-01', 5);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, depends_on_chunk_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, max_retries)
  overriding system value values (925102, 925100, 'act_920051', null, 'insights', '2030-01-01', '2030-01-07', 2, 0, '2030-02-01', 5);

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-02-01 00:00Z');
select is(meta_sync.fail_sync_chunk(925101, (select lease_token from meta_sync.sync_job_chunks where id = 925101), 'timeout',
                                    p_now => '2030-02-01 00:01Z', p_api_calls => 3),
  'pending'::meta_sync.chunk_status, 'a retryable failure with 3 calls');
select is((select api_calls from meta_sync.sync_jobs where id = 925100), 3, 'the job counts the calls of the retried attempt');
select meta_sync.fail_sync_chunk(925102, (select lease_token from meta_sync.sync_job_chunks where id = 925102), 'bad request',
                                 false, p_now => '2030-02-01 00:01Z', p_api_calls => 2);
select is((select api_calls from meta_sync.sync_jobs where id = 925100), 5, 'and those of a final failure');
select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:02Z');
select meta_sync.complete_sync_chunk(925101, (select lease_token from meta_sync.sync_job_chunks where id = 925101), 10, 4,
                                     p_now => '2030-02-01 00:03Z');
select is((select (status, api_calls)::text from meta_sync.sync_jobs where id = 925100),
  ('completed_with_errors', 9)::text, 'every attempt of the job counted once');
select is(array(select api_calls from meta_sync.sync_job_chunks where job_id = 925100 order by id), array[7, 2],
  'each chunk holds the calls of all its attempts');
select throws_ok($$select meta_sync.fail_sync_chunk(925101, null, 'x', p_api_calls => -1)$$, '22023', null,
  'negative calls are refused');

select * from finish();
rollback;
