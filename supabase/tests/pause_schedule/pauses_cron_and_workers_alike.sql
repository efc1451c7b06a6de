-- One pause: while the schedule is paused enqueue_due_syncs (called by pg_cron's /tick and by
-- idle workers alike) creates nothing; manual syncs still do; resume brings the schedule back.
begin;
select plan(7);
insert into meta_sync.organizations (id, name) values ('6e000000-0000-0000-0000-000000000001', 'AgencyOne');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id) values
  ('6e000000-0000-0000-0000-0000000000c1', '6e000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name)
  values ('act_6500001', '6e000000-0000-0000-0000-000000000001', '6e000000-0000-0000-0000-0000000000c1', 'UTC');
select is(meta_sync.pause_schedule('ops', 'Meta incident', '2026-03-01 10:00Z'), '2026-03-01 10:00Z'::timestamptz, 'paused; returns since when');
select is(meta_sync.pause_schedule('ops', null, '2026-03-01 11:00Z'), '2026-03-01 10:00Z'::timestamptz, 'pausing again keeps the first time');
select is((select count(*)::integer from meta_sync.enqueue_due_syncs(1000, '2026-03-01 12:00Z')), 0, 'nothing is enqueued while paused');
select is((select schedule_paused from meta_sync.meta_sync_status where account_id = 'act_6500001'), true, 'the status view shows the pause');
select isnt(meta_sync.request_manual_sync('act_6500001', '2026-02-01', '2026-02-03', 'ops', '2026-03-01 12:00Z'), null, 'a manual sync is still accepted');
select is(meta_sync.resume_schedule('2026-03-01 13:00Z'), true, 'resumed; it was paused');
select is((select array_agg(sync_phase::text) from meta_sync.enqueue_due_syncs(1000, '2026-03-01 13:00Z')), array['recent_window'], 'the schedule runs again');
select * from finish();
rollback;
