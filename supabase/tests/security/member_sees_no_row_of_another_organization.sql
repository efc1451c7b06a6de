-- A member of organization A sees no row of organization B in any table or view of meta_sync,
-- and can read every relation granted to signed-in users. Catalog-driven: what A sees of every
-- relation is fingerprinted with B's data present, B is deleted, and the fingerprints must not
-- change.
begin;
select plan((
  select (count(*) + count(*) filter (where has_any_column_privilege('authenticated', c.oid, 'SELECT')))::int + 2
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'meta_sync' and c.relkind in ('r', 'p', 'v', 'm')));

-- Two organizations with a row in every tenant table; user 1 is a member of A only.
select meta_sync_tests.create_organization('aaaaaaaa-0000-4000-8000-000000000001');
select meta_sync_tests.create_organization('bbbbbbbb-0000-4000-8000-000000000002');
select meta_sync_tests.add_member('aaaaaaaa-0000-4000-8000-000000000001',
  '11111111-0000-4000-8000-000000000001');
select meta_sync_tests.add_member('bbbbbbbb-0000-4000-8000-000000000002',
  '22222222-0000-4000-8000-000000000002', p_role => 'owner');
select meta_sync_tests.create_connection('aaaaaaaa-0000-4000-8000-000000000001',
  p_id => 'aaaaaaaa-0000-4000-8000-0000000000c1', p_token_ciphertext => '\x01');
select meta_sync_tests.create_connection('bbbbbbbb-0000-4000-8000-000000000002',
  p_id => 'bbbbbbbb-0000-4000-8000-0000000000c2', p_token_ciphertext => '\x02');
select meta_sync_tests.create_account('act_1001', p_organization_id => 'aaaaaaaa-0000-4000-8000-000000000001',
  p_connection_id => 'aaaaaaaa-0000-4000-8000-0000000000c1', p_name => 'A account');
select meta_sync_tests.create_account('act_2002', p_organization_id => 'bbbbbbbb-0000-4000-8000-000000000002',
  p_connection_id => 'bbbbbbbb-0000-4000-8000-0000000000c2', p_name => 'B account');
select meta_sync_tests.create_chunk(
  meta_sync_tests.create_job(a, p_status => 'in_progress', p_total_chunks => 1), p_chunk_type => 'structure')
from unnest(array['act_1001', 'act_2002']) a;
insert into meta_sync.data_freshness (account_id, dataset, fresh_through, synced_at) values
  ('act_1001', 'insights', '2026-01-01', now()), ('act_2002', 'insights', '2026-01-01', now());
insert into meta_sync.meta_campaigns (id, account_id, raw) values ('1001001', 'act_1001', '{}'), ('2002001', 'act_2002', '{}');
insert into meta_sync.meta_adsets (id, account_id, raw) values ('1001002', 'act_1001', '{}'), ('2002002', 'act_2002', '{}');
insert into meta_sync.meta_ads (id, account_id, raw) values ('1001003', 'act_1001', '{}'), ('2002003', 'act_2002', '{}');
insert into meta_sync.meta_ad_creatives (id, account_id, raw) values ('1001004', 'act_1001', '{}'), ('2002004', 'act_2002', '{}');
insert into meta_sync.meta_insights_daily (ad_id, date, account_id, campaign_id, impressions, spend) values
  ('1001003', '2026-01-01', 'act_1001', '1001001', 10, 1.5), ('2002003', '2026-01-01', 'act_2002', '2002001', 20, 2.5);
insert into meta_sync.meta_rate_limit_state (scope_type, scope_id, observed_at) values ('ad_account', 'act_2002', now());
insert into meta_sync.webhook_events (dedupe_key, object_type, entry_id, field, value, account_id, organization_id)
values (encode(sha256('b'), 'hex'), 'ad_account', '2002', 'in_process_ad_objects', '{}', 'act_2002',
        'bbbbbbbb-0000-4000-8000-000000000002'),
       (encode(sha256('a'), 'hex'), 'ad_account', '1001', 'in_process_ad_objects', '{}', 'act_1001',
        'aaaaaaaa-0000-4000-8000-000000000001');

-- What the current user sees of a relation (only the columns it may read), or 'denied'.
create function pg_temp.fingerprint(p_rel regclass) returns text language plpgsql as $$
declare
  v_columns text;
  v_result  text;
begin
  select string_agg(format('%I', a.attname), ', ' order by a.attnum) into v_columns
  from pg_attribute a
  where a.attrelid = p_rel and a.attnum > 0 and not a.attisdropped
    and has_column_privilege(p_rel, a.attnum, 'SELECT');
  if v_columns is null then
    return 'denied';
  end if;
  execute format('select count(*) || '':'' || coalesce(md5(string_agg(t::text, '','' order by t::text)), '''')'
                 ' from (select %s from %s) t', v_columns, p_rel) into v_result;
  return v_result;
exception when insufficient_privilege then
  return 'denied';
end;
$$;
create temp table seen_with_b (rel regclass, fingerprint text);
grant select, insert on seen_with_b to authenticated;

set local role authenticated;
set local request.jwt.claims = '{"sub": "11111111-0000-4000-8000-000000000001", "role": "authenticated"}';
insert into seen_with_b
select c.oid::regclass, pg_temp.fingerprint(c.oid::regclass)
from pg_class c join pg_namespace n on n.oid = c.relnamespace
where n.nspname = 'meta_sync' and c.relkind in ('r', 'p', 'v', 'm');
select is((select count(*) from meta_sync.meta_sync_status where account_id = 'act_1001'), 1::bigint,
          'the member sees its own account in the status view');
reset role;

select is((select count(*) from meta_sync.sync_job_chunks where account_id = 'act_2002'), 1::bigint,
          'organization B has data (the check below is not vacuous)');
delete from meta_sync.meta_rate_limit_state where scope_id = 'act_2002';
delete from meta_sync.webhook_events where account_id = 'act_2002';
delete from meta_sync.organizations where id = 'bbbbbbbb-0000-4000-8000-000000000002';

set local role authenticated;
select is(pg_temp.fingerprint(s.rel), s.fingerprint, format('a member of A sees no row of B in %s', s.rel))
from seen_with_b s order by s.rel::text;
reset role;
select isnt(s.fingerprint, 'denied', format('a member may read %s', s.rel))
from seen_with_b s
where has_any_column_privilege('authenticated', s.rel, 'SELECT')
order by s.rel::text;

select * from finish();
rollback;
