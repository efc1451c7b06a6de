-- finish and fail end a claimed event; anything but a processing event is refused.
begin;
select plan(8);

select meta_sync.record_webhook_events(
  (select jsonb_agg(jsonb_build_object('dedupe_key', encode(sha256(('finish ' || i)::bytea), 'hex'),
            'object_type', 'ad_account', 'entry_id', '935501', 'field', 'in_process_ad_objects',
            'value', jsonb_build_object('id', i::text), 'account_id', 'act_935501') order by i)
   from generate_series(1, 3) i), '2030-03-01 10:00Z');
create temp table claimed as select * from meta_sync.claim_webhook_events(3, 60, '2030-03-01 10:01Z');
create temp table ids as select array_agg(event_id order by event_id) as a from claimed;

select lives_ok($$select meta_sync.finish_webhook_event((select a[1] from ids), 'processed', null, null, '2030-03-01 10:01:10Z')$$,
  'processed');
select lives_ok($$select meta_sync.finish_webhook_event((select a[2] from ids), 'ignored', null, 'account act_935501 is not synced here', '2030-03-01 10:01:10Z')$$,
  'ignored with a note');
select lives_ok($$select meta_sync.fail_webhook_event((select a[3] from ids), 'InvalidChange: no id', '2030-03-01 10:01:10Z')$$,
  'failed with the reason');
select results_eq(
  $$select status, error, processed_at, locked_until from meta_sync.webhook_events order by id$$,
  $$values ('processed'::text, null::text, '2030-03-01 10:01:10Z'::timestamptz, null::timestamptz),
           ('ignored', 'account act_935501 is not synced here', '2030-03-01 10:01:10Z', null),
           ('failed', 'InvalidChange: no id', '2030-03-01 10:01:10Z', null)$$,
  'each ends with its status, note, time, and no lease');

select throws_ok($$select meta_sync.finish_webhook_event((select a[1] from ids), 'processed')$$, '55000', null,
  'finishing a finished event -> 55000');
select throws_ok($$select meta_sync.fail_webhook_event((select a[2] from ids), 'x')$$, '55000', null,
  'failing a finished event -> 55000');
select throws_ok($$select meta_sync.finish_webhook_event(-1, 'processed')$$, 'P0002', null, 'unknown event -> P0002');
select throws_ok($$select meta_sync.finish_webhook_event((select a[1] from ids), 'done')$$, '22023', null,
  'unknown outcome -> 22023');

select * from finish();
rollback;
