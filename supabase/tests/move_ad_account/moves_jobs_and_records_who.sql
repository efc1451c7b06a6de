-- Moving an account takes its jobs along, leaves the old organisation's token behind and is
-- recorded (who, from, to, when); refusals change nothing.
begin;
select plan(10);
insert into meta_sync.organizations (id, name) values
  ('6b000000-0000-0000-0000-000000000001', 'AgencyOne'),
  ('6b000000-0000-0000-0000-000000000002', 'AgencyTwo');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id) values
  ('6b000000-0000-0000-0000-0000000000c1', '6b000000-0000-0000-0000-000000000001', '\x00', 'k1');
select * from meta_sync.connect_ad_account('act_6200001', '6b000000-0000-0000-0000-000000000001', p_now => '2026-03-01 10:00Z');
select meta_sync.request_manual_sync('act_6200001', '2026-02-01', '2026-02-07', 'test', '2026-03-01 10:00Z');

create function pg_temp.fingerprint() returns text language sql as $$
  select md5(concat_ws('|',
    (select string_agg(t::text, ',' order by t.id) from meta_sync.meta_ad_accounts t),
    (select string_agg(t::text, ',' order by t.id) from meta_sync.sync_jobs t),
    (select string_agg(t::text, ',' order by t.id) from meta_sync.ad_account_audit t)))
$$;
create temp table before as select pg_temp.fingerprint() as f;
select throws_ok($$select meta_sync.move_ad_account('act_6200001', '6b000000-0000-0000-0000-000000000001', 'ops')$$,
  '55000', 'act_6200001 already belongs to organisation AgencyOne', 'moving to its own organisation is refused');
select throws_ok($$select meta_sync.move_ad_account('act_6200001', '6b000000-0000-0000-0000-00000000dead', 'ops')$$,
  'P0002', null, 'an unknown organisation is refused');
select throws_ok($$select meta_sync.move_ad_account('act_6200001', '6b000000-0000-0000-0000-000000000002', ' ')$$,
  '22023', null, 'a move without an actor is refused');
select throws_ok($$select meta_sync.move_ad_account('act_6209999', '6b000000-0000-0000-0000-000000000002', 'ops')$$,
  'P0002', null, 'an unknown account is refused');
select is(pg_temp.fingerprint(), (select f from before), 'the refusals changed nothing');

select isnt(meta_sync.move_ad_account('act_6200001', '6b000000-0000-0000-0000-000000000002', 'ops@example.com', 'sold', '2026-03-02 09:00Z'),
  null, 'the move returns its audit id');
select results_eq($$select organization_id, connection_id from meta_sync.meta_ad_accounts where id = 'act_6200001'$$,
  $$values ('6b000000-0000-0000-0000-000000000002'::uuid, null::uuid)$$,
  'the account is the new organisation''s, without the old organisation''s token');
select is((select array_agg(distinct organization_id) from meta_sync.sync_jobs where account_id = 'act_6200001'),
  array['6b000000-0000-0000-0000-000000000002'::uuid], 'its jobs moved with it');
select results_eq($$select action, from_organization, to_organization, jobs, actor, reason, at from meta_sync.ad_account_audit$$,
  $$values ('move', 'AgencyOne', 'AgencyTwo', 2, 'ops@example.com', 'sold', '2026-03-02 09:00Z'::timestamptz)$$,
  'the audit row says who moved what, from where to where, and when');
select is((select waiting_reason from meta_sync.sync_job_progress where account_id = 'act_6200001' and sync_phase = 'manual'),
  'no connection', 'its open jobs now wait for a connection of the new organisation');
select * from finish();
rollback;
