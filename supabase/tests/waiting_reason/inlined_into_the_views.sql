-- The waiting rule (waiting_reason, waiting_until, waiting_hint) gives each case its answer, and
-- the views that apply it get it inlined: a CASE over their own row, no function call per row
-- and no second scan of the accounts (which took meta_sync_status past join_collapse_limit, so a
-- keyset page joined to it computed the view for every account).
begin;
select plan(13);

select is(meta_sync_private.waiting_reason(true, null, null, null, null), 'account paused', 'paused first');
select is(meta_sync_private.waiting_reason(false, null, null, null, null), 'no connection', 'then no connection');
select is(meta_sync_private.waiting_reason(false, gen_random_uuid(), 'revoked', null, null), 'connection revoked',
          'then a connection not active');
select is(meta_sync_private.waiting_reason(false, gen_random_uuid(), 'active', '2030-01-01Z', null,
                                           p_now => '2029-12-31Z'),
          'account throttled by Meta', 'then the account''s throttle, while it lasts');
select is(meta_sync_private.waiting_reason(false, gen_random_uuid(), 'active', '2030-01-01Z', '2030-02-01Z',
                                           p_now => '2030-01-02Z'),
          'app throttled by Meta', 'then the app''s');
select is(meta_sync_private.waiting_until(false, gen_random_uuid(), 'active', '2030-01-01Z', '2030-02-01Z',
                                          p_now => '2029-12-31Z'),
          '2030-01-01Z'::timestamptz, 'until the account''s throttle ends');
select is(meta_sync_private.waiting_until(true, gen_random_uuid(), 'active', '2030-01-01Z', null), null,
          'a pause lasts until someone acts');
select is(meta_sync_private.waiting_hint('act_1', 'O''Brien', false, null, null),
          'metasync connect --org ''O''''Brien'' --account act_1', 'the hint quotes the organisation');

create function pg_temp.plan_of(p_sql text) returns text language plpgsql as $$
declare v_line text; v_plan text := '';
begin
  for v_line in execute 'explain (verbose, costs off) ' || p_sql loop v_plan := v_plan || v_line || E'\n'; end loop;
  return v_plan;
end $$;

set local role authenticated;
set local request.jwt.claims = '{"sub": "11111111-0000-4000-8000-000000000001", "role": "authenticated"}';
select ok(pg_temp.plan_of('select * from meta_sync.meta_sync_status') !~ 'waiting_(reason|until|hint)\(',
          'meta_sync_status: the rule is inlined');
select ok(pg_temp.plan_of('select * from meta_sync.sync_job_progress') !~ 'waiting_(reason|until|hint)\(',
          'sync_job_progress: the rule is inlined');
select ok(pg_temp.plan_of('select * from meta_sync.ad_account_waiting') !~ 'waiting_(reason|until|hint)\(',
          'ad_account_waiting: the rule is inlined');
reset role;

-- As the table owner (no policies): the accounts are read once.
select is((select count(*)::int from regexp_matches(pg_temp.plan_of('select * from meta_sync.meta_sync_status'),
                                                    'on meta_sync\.meta_ad_accounts', 'g')),
          1, 'meta_sync_status reads the accounts once');
select is((select count(*)::int from regexp_matches(pg_temp.plan_of('select * from meta_sync.sync_job_progress'),
                                                    'on meta_sync\.meta_ad_accounts', 'g')),
          1, 'sync_job_progress reads the accounts once');

select * from finish();
rollback;
