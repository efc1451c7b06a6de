-- A failed onboarding phase 1 is retried with a growing delay (5, 10, 20 ... minutes, at most the
-- tier interval, from the account's consecutive errors and its last failed attempt), not at
-- every call; meta_sync_status shows when.
begin;
select plan(9);
select meta_sync_tests.create_account('act_5700031');

-- Every chunk of the open phase-1 job fails for good at p_now: the job fails (the real path).
create function pg_temp.fail_phase_1(p_now timestamptz) returns text language plpgsql as $$
declare
  v_chunk record;
begin
  loop
    perform meta_sync.claim_sync_chunks('w1', 100, 600, p_now);
    exit when not exists (select 1 from meta_sync.sync_job_chunks c
                          where c.account_id = 'act_5700031' and c.status = 'in_progress');
    for v_chunk in select c.id, c.lease_token from meta_sync.sync_job_chunks c
                   where c.account_id = 'act_5700031' and c.status = 'in_progress' order by c.id loop
      perform meta_sync.fail_sync_chunk(v_chunk.id, v_chunk.lease_token, 'permission denied', false, p_now => p_now);
    end loop;
  end loop;
  return (select string_agg(j.status::text, ',' order by j.id) from meta_sync.sync_jobs j
          where j.account_id = 'act_5700031');
end;
$$;
create function pg_temp.phases(p_now timestamptz) returns text[] language sql as $$
  select array(select sync_phase::text from meta_sync.enqueue_due_syncs(1000, p_now) where account_id = 'act_5700031')
$$;

select is(pg_temp.phases('2026-02-01 12:00Z'), array['recent_window'], 'a new account: phase 1');
select is(pg_temp.fail_phase_1('2026-02-01 12:10Z'), 'failed', 'phase 1 failed');
select is(pg_temp.phases('2026-02-01 12:14:59Z'), array[]::text[], 'first failure: nothing before 5 minutes');
select is((select onboarding_retry_at from meta_sync.meta_sync_status where account_id = 'act_5700031'),
  '2026-02-01 12:15Z'::timestamptz, 'meta_sync_status shows when phase 1 is retried');
select is(pg_temp.phases('2026-02-01 12:15Z'), array['recent_window'], 'after 5 minutes: phase 1 again');
select is((select onboarding_retry_at from meta_sync.meta_sync_status where account_id = 'act_5700031'),
  null, 'no retry time while the new phase 1 runs');
select is(pg_temp.fail_phase_1('2026-02-01 12:20Z'), 'failed,failed', 'failed again');
select is(pg_temp.phases('2026-02-01 12:29:59Z') || pg_temp.phases('2026-02-01 12:30Z'), array['recent_window'],
  'second failure: 10 minutes');
select pg_temp.fail_phase_1('2026-02-01 12:40Z');
update meta_sync.meta_ad_accounts set sync_error_count = 30 where id = 'act_5700031';
select is(pg_temp.phases('2026-02-01 14:39:59Z') || pg_temp.phases('2026-02-01 14:40Z'), array['recent_window'],
  'many failures: at most the tier interval (120 minutes)');
select * from finish();
rollback;
