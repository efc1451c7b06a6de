-- Removing an account deletes what was synced for it and records who did it; an account being
-- synced right now is refused with nothing changed.
begin;
select plan(5);
insert into meta_sync.organizations (id, name) values ('6c000000-0000-0000-0000-000000000001', 'AgencyOne');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id) values
  ('6c000000-0000-0000-0000-0000000000c1', '6c000000-0000-0000-0000-000000000001', '\x00', 'k1');
select * from meta_sync.connect_ad_account('act_6300001', '6c000000-0000-0000-0000-000000000001', p_now => '2026-03-01 10:00Z');
select count(*) from meta_sync.claim_sync_chunks('w1', 1, 600, '2026-03-01 10:00Z');
create temp table before as select (select count(*) from meta_sync.sync_job_chunks) as chunks;
select throws_ok($$select meta_sync.remove_ad_account('act_6300001', 'ops', p_now => '2026-03-01 10:01Z')$$,
  '55000', 'a worker is syncing act_6300001 right now', 'a running chunk stops the removal');
select is((select count(*) from meta_sync.sync_job_chunks), (select chunks from before), 'nothing was deleted');
select isnt(meta_sync.remove_ad_account('act_6300001', 'ops', 'client left', '2026-03-01 10:30Z'), null,
  'once the lease has expired the account is removed');
select is((select count(*)::integer from meta_sync.sync_jobs where account_id = 'act_6300001'), 0, 'its jobs are gone');
select results_eq($$select account_id, action, from_organization, jobs, actor from meta_sync.ad_account_audit$$,
  $$values ('act_6300001', 'remove', 'AgencyOne', 1, 'ops')$$, 'the removal is recorded');
select * from finish();
rollback;
