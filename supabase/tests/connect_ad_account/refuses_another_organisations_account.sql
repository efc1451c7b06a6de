-- An ad account belongs to one organisation: connecting it for another one is refused with the
-- owner's name, and nothing changes (checksums of the tables before and after).
begin;
select plan(9);
insert into meta_sync.organizations (id, name) values
  ('6a000000-0000-0000-0000-000000000001', 'AgencyOne'),
  ('6a000000-0000-0000-0000-000000000002', 'AgencyTwo');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id) values
  ('6a000000-0000-0000-0000-0000000000c1', '6a000000-0000-0000-0000-000000000001', '\x00', 'k1'),
  ('6a000000-0000-0000-0000-0000000000c2', '6a000000-0000-0000-0000-000000000002', '\x00', 'k1');

create function pg_temp.fingerprint() returns text language sql as $$
  select md5(concat_ws('|',
    (select string_agg(t::text, ',' order by t.id) from meta_sync.meta_ad_accounts t),
    (select string_agg(t::text, ',' order by t.id) from meta_sync.sync_jobs t),
    (select string_agg(t::text, ',' order by t.id) from meta_sync.sync_job_chunks t),
    (select string_agg(t::text, ',' order by t.id) from meta_sync.organizations t)))
$$;

select results_eq(
  $$select created, onboarding from meta_sync.connect_ad_account('act_6100001', '6a000000-0000-0000-0000-000000000001', p_name => 'Shoes', p_now => '2026-03-01 10:00Z')$$,
  $$values (true, 'enqueued')$$, 'a new account: created, phase 1 enqueued');
select is((select connection_id from meta_sync.meta_ad_accounts where id = 'act_6100001'),
  '6a000000-0000-0000-0000-0000000000c1'::uuid, 'it takes its organisation''s active connection');
select results_eq(
  $$select created, onboarding from meta_sync.connect_ad_account('act_6100001', '6a000000-0000-0000-0000-000000000001', p_now => '2026-03-01 10:05Z')$$,
  $$values (false, 'open')$$, 'connecting it again: phase 1 already open, not enqueued twice');
select is((select name from meta_sync.meta_ad_accounts where id = 'act_6100001'), 'Shoes',
  'arguments left null keep the stored value');

create temp table before as select pg_temp.fingerprint() as f;
select throws_ok(
  $$select * from meta_sync.connect_ad_account('act_6100001', '6a000000-0000-0000-0000-000000000002', '6a000000-0000-0000-0000-0000000000c2', p_name => 'Stolen')$$,
  '42501', 'act_6100001 belongs to organisation AgencyOne', 'another organisation''s account is refused');
select is(pg_temp.fingerprint(), (select f from before), 'the refusal changed nothing');
select throws_ok(
  $$select * from meta_sync.connect_ad_account('act_6100002', '6a000000-0000-0000-0000-000000000001', '6a000000-0000-0000-0000-0000000000c2')$$,
  '22023', null, 'a connection of another organisation is refused');
select throws_ok(
  $$select * from meta_sync.connect_ad_account('act_6100002', '6a000000-0000-0000-0000-000000000001', p_tier => 'urgent')$$,
  '22023', 'unknown tier "urgent": valid tiers are high, medium, low', 'an unknown tier is refused');
select is(pg_temp.fingerprint(), (select f from before), 'no refusal changed anything');
select * from finish();
rollback;
