-- fail_webhook_event refuses an unknown event and a pending (unclaimed) one.
begin;
select plan(2);

select meta_sync.record_webhook_events(jsonb_build_array(jsonb_build_object(
  'dedupe_key', repeat('b', 64), 'object_type', 'ad_account', 'entry_id', '935601',
  'field', 'in_process_ad_objects', 'value', '{}'::jsonb)), '2030-03-01 10:00Z');
select throws_ok($$select meta_sync.fail_webhook_event(-1, 'x')$$, 'P0002', null, 'unknown event -> P0002');
select throws_ok($$select meta_sync.fail_webhook_event((select id from meta_sync.webhook_events), 'x')$$,
  '55000', null, 'a pending event that was never claimed -> 55000');

select * from finish();
rollback;
