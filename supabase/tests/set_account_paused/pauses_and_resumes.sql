-- Pausing an account stops its schedule and its claims; its open jobs say why they wait.
begin;
select plan(6);
insert into meta_sync.organizations (id, name) values ('6d000000-0000-0000-0000-000000000001', 'AgencyOne');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id) values
  ('6d000000-0000-0000-0000-0000000000c1', '6d000000-0000-0000-0000-000000000001', '\x00', 'k1');
select * from meta_sync.connect_ad_account('act_6400001', '6d000000-0000-0000-0000-000000000001', p_now => '2026-03-01 10:00Z');
select is(meta_sync.set_account_paused('act_6400001', true), false, 'returns the previous state');
select is((select count(*)::integer from meta_sync.claim_sync_chunks('w1', 10, 600, now())), 0, 'a paused account''s chunks are not claimed');
select results_eq($$select waiting_reason, waiting_until, waiting_hint from meta_sync.sync_job_progress where account_id = 'act_6400001'$$,
  $$values ('account paused', null::timestamptz, 'metasync accounts resume act_6400001')$$, 'its job says why it waits and how to unblock it');
select is((select waiting_reason from meta_sync.meta_sync_status where account_id = 'act_6400001'), 'account paused', 'so does the status view');
select is(meta_sync.set_account_paused('act_6400001', false), true, 'resume');
select is((select waiting_reason from meta_sync.sync_job_progress where account_id = 'act_6400001'), null, 'nothing waits any more');
select * from finish();
rollback;
