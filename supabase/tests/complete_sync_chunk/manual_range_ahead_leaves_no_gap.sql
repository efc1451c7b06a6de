-- A manual job whose range starts after the insights fresh-through date + 1 stores its rows but
-- does not move fresh_through (that would hide the days in between from the incremental
-- schedule) nor the schedule; a manual job touching fresh_through advances it.
begin;
select plan(4);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0002-000000000091', 'gap test');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0002-000000000091', '00000000-0000-0000-0002-000000000091', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name, phase_1_completed_at,
                                        last_meta_sync_at)
  values ('act_920091', '00000000-0000-0000-0002-000000000091', '00000000-0000-0000-0002-000000000091', 'UTC',
          '2030-01-10 12:00Z', '2030-01-10 12:00Z');
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at)
  values ('act_920091', 'insights', '2030-01-10', '2030-01-10 12:00Z');
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks)
  overriding system value values
  (929100, 'act_920091', '00000000-0000-0000-0002-000000000091', 'manual', 'manual', 'pending', '2030-01-20', '2030-01-25', 1),
  (929200, 'act_920091', '00000000-0000-0000-0002-000000000091', 'manual', 'manual', 'pending', '2030-01-11', '2030-01-15', 1);
insert into meta_sync.sync_job_chunks (id, job_id, account_id, chunk_type, date_since, date_until, priority, run_after)
  overriding system value values
  (929101, 929100, 'act_920091', 'insights', '2030-01-20', '2030-01-25', 1, '2030-01-26'),
  (929201, 929200, 'act_920091', 'insights', '2030-01-11', '2030-01-15', 2, '2030-01-26');

select * from meta_sync.claim_sync_chunks('w1', 2, 600, '2030-01-26 00:00Z');
select is(meta_sync.complete_sync_chunk(929101, (select lease_token from meta_sync.sync_job_chunks where id = 929101),
                                        p_now => '2030-01-26 00:01Z'),
          'completed'::meta_sync.job_status, 'the manual job ahead of fresh_through completes');
select is((select fresh_through from meta_sync.data_freshness where account_id = 'act_920091' and dataset = 'insights'),
          '2030-01-10'::date, 'fresh_through does not jump over the days in between');
select is((select last_meta_sync_at from meta_sync.meta_ad_accounts where id = 'act_920091'),
          '2030-01-10 12:00Z'::timestamptz, 'the schedule is untouched');

select meta_sync.complete_sync_chunk(929201, (select lease_token from meta_sync.sync_job_chunks where id = 929201),
                                     p_now => '2030-01-26 00:02Z');
select is((select fresh_through from meta_sync.data_freshness where account_id = 'act_920091' and dataset = 'insights'),
          '2030-01-15'::date, 'a manual job touching fresh_through advances it');

select * from finish();
rollback;
