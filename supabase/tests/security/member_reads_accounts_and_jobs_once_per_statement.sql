-- Members read the ad accounts and jobs of their organisations, all of them and nothing else,
-- and the policy asks for the user's organisations once per statement (a hashed subplan), not
-- is_org_member() once per row.
begin;
select plan(8);

insert into meta_sync.organizations (id, name) values
  ('aaaaaaaa-0000-4000-8000-000000000001', 'Org A'), ('bbbbbbbb-0000-4000-8000-000000000002', 'Org B');
insert into meta_sync.organization_members (organization_id, user_id, role) values
  ('aaaaaaaa-0000-4000-8000-000000000001', '11111111-0000-4000-8000-000000000001', 'member'),
  ('aaaaaaaa-0000-4000-8000-000000000001', '22222222-0000-4000-8000-000000000002', 'member'),
  ('bbbbbbbb-0000-4000-8000-000000000002', '22222222-0000-4000-8000-000000000002', 'admin');
insert into meta_sync.meta_ad_accounts (id, organization_id)
select 'act_1' || i, 'aaaaaaaa-0000-4000-8000-000000000001'::uuid from generate_series(1, 3) i
union all
select 'act_2' || i, 'bbbbbbbb-0000-4000-8000-000000000002'::uuid from generate_series(1, 2) i;
insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type)
select a.id, a.organization_id, 'manual', 'manual' from meta_sync.meta_ad_accounts a;

set local role authenticated;
set local request.jwt.claims = '{"sub": "11111111-0000-4000-8000-000000000001", "role": "authenticated"}';
select is((select count(*)::int from meta_sync.meta_ad_accounts), 3, 'a member of A reads the 3 accounts of A');
select is((select count(*)::int from meta_sync.sync_jobs), 3, 'and the 3 jobs of A');
select is((select count(*)::int from meta_sync.meta_ad_accounts where organization_id <> 'aaaaaaaa-0000-4000-8000-000000000001'),
          0, 'and no account of B');

set local request.jwt.claims = '{"sub": "22222222-0000-4000-8000-000000000002", "role": "authenticated"}';
select is((select count(*)::int from meta_sync.meta_ad_accounts), 5, 'a member of A and B reads both');
select is((select count(*)::int from meta_sync.sync_jobs), 5, 'and both organisations'' jobs');

set local request.jwt.claims = '{"sub": "33333333-0000-4000-8000-000000000003", "role": "authenticated"}';
select is((select count(*)::int from meta_sync.meta_ad_accounts), 0, 'a user of no organisation reads nothing');

-- The plan: the membership subquery is a hashed subplan; is_org_member is not called per row.
create function pg_temp.plan_of(p_sql text) returns text language plpgsql as $$
declare v_line text; v_plan text := '';
begin
  for v_line in execute 'explain (costs off) ' || p_sql loop v_plan := v_plan || v_line || E'\n'; end loop;
  return v_plan;
end $$;
-- (is_org_member still filters the user's own membership rows inside the subplan: a few rows.)
select ok(pg_temp.plan_of('select * from meta_sync.meta_ad_accounts') ~ 'Filter: \(hashed SubPlan',
          'accounts: the organisations are asked once per statement');
select ok(pg_temp.plan_of('select * from meta_sync.sync_jobs') ~ 'Filter: \(hashed SubPlan',
          'jobs: the organisations are asked once per statement');

select * from finish();
rollback;
