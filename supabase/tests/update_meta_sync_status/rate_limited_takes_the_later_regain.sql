begin;
select plan(3);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority, phase_1_completed_at, next_sync_at) values ('act_5300003', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'high', '2026-01-01', '2026-02-01 08:00Z');
select is(meta_sync.update_meta_sync_status('act_5300003', 'rate_limited', p_regain_at => '2026-02-01 12:05Z', p_now => '2026-02-01 12:00Z'),
  '2026-02-01 12:05Z'::timestamptz, 'Meta''s regain time, however soon (no 15-minute floor)');
select is(meta_sync.update_meta_sync_status('act_5300003', 'rate_limited', p_regain_at => '2026-02-01 13:00Z', p_now => '2026-02-01 12:00Z'),
  '2026-02-01 13:00Z'::timestamptz, 'regain later: Meta''s regain time');
select is(meta_sync.update_meta_sync_status('act_5300003', 'rate_limited', p_regain_at => '2026-02-01 12:10Z', p_now => '2026-02-01 12:01Z'),
  '2026-02-01 13:00Z'::timestamptz, 'a sooner regain never shortens the backoff in force');
select * from finish();
rollback;
