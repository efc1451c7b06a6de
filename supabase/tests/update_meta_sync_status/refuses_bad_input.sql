begin;
select plan(4);
select meta_sync_tests.create_account('act_5300004', p_meta_sync_priority => 'high',
  p_phase_1_completed_at => '2026-01-01', p_next_sync_at => '2026-02-01 08:00Z');
select throws_ok($$select meta_sync.update_meta_sync_status('act_5300004', 'maybe')$$, '22023', null, 'unknown outcome -> 22023');
select throws_ok($$select meta_sync.update_meta_sync_status('act_x', 'success')$$, '22007', 'malformed ad account id "act_x": expected act_<digits>', 'malformed id -> 22007 naming it');
select throws_ok($$select meta_sync.update_meta_sync_status('act_5399999', 'success')$$, 'P0002', null, 'unknown account -> P0002');
select is((select next_sync_at from meta_sync.meta_ad_accounts where id = 'act_5300004'), '2026-02-01 08:00Z'::timestamptz, 'nothing changed');
select * from finish();
rollback;
