-- finish_webhook_events ends many claimed events in one statement; a list with an event that is
-- not processing changes nothing.
begin;
select plan(5);

select meta_sync.record_webhook_events(
  (select jsonb_agg(jsonb_build_object('dedupe_key', encode(sha256(('many ' || i)::bytea), 'hex'),
            'object_type', 'ad_account', 'entry_id', '936401', 'field', 'in_process_ad_objects',
            'value', jsonb_build_object('id', i::text), 'account_id', 'act_936401') order by i)
   from generate_series(1, 4) i), '2030-03-01 10:00Z');
create temp table claimed as select * from meta_sync.claim_webhook_events(3, 60, '2030-03-01 10:01Z');
create temp table ids as select array_agg(event_id order by event_id) as a from claimed;

select is(meta_sync.finish_webhook_events((select a[1:2] from ids), 'ignored', null,
            array['account act_936401 is not synced here', 'field x is not handled'], '2030-03-01 10:01:10Z'),
  2, 'two ignored at once');
select results_eq(
  $$select status, error from meta_sync.webhook_events where id in (select unnest(a[1:2]) from ids) order by id$$,
  $$values ('ignored'::text, 'account act_936401 is not synced here'::text), ('ignored', 'field x is not handled')$$,
  'each with its note');
select throws_ok($$select meta_sync.finish_webhook_events((select a from ids), 'processed')$$, '55000', null,
  'a list holding finished events -> 55000');
select is((select status from meta_sync.webhook_events where id = (select a[3] from ids)), 'processing',
  'and nothing of it changed');
select throws_ok($$select meta_sync.finish_webhook_events((select a[3:3] from ids), 'processed', array[1, 2]::bigint[])$$,
  '22023', null, 'arrays of other lengths -> 22023');

select * from finish();
rollback;
