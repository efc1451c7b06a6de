-- Claims take a batch of pending events oldest first, lease them, skip what another pass holds,
-- and take back events whose lease expired; finished events are never claimed.
begin;
select plan(8);

select meta_sync.record_webhook_events(
  (select jsonb_agg(jsonb_build_object('dedupe_key', encode(sha256(('claim ' || i)::bytea), 'hex'),
            'object_type', 'ad_account', 'entry_id', '935401', 'field', 'in_process_ad_objects',
            'value', jsonb_build_object('id', i::text), 'account_id', 'act_935401') order by i)
   from generate_series(1, 5) i), '2030-03-01 10:00Z');

create temp table first_batch as
select * from meta_sync.claim_webhook_events(2, 60, '2030-03-01 10:01Z');
select results_eq($$select value ->> 'id', attempts from first_batch order by event_id$$,
  $$values ('1', 1), ('2', 1)$$, 'the two oldest, first attempt');
select results_eq(
  $$select status, locked_until from meta_sync.webhook_events where id in (select event_id from first_batch)$$,
  $$values ('processing'::text, '2030-03-01 10:02Z'::timestamptz), ('processing', '2030-03-01 10:02Z')$$,
  'leased for 60 s');
select results_eq(
  $$select value ->> 'id' from meta_sync.claim_webhook_events(10, 60, '2030-03-01 10:01:30Z') order by event_id$$,
  $$values ('3'), ('4'), ('5')$$, 'the next pass takes the others, not the leased ones');
select is((select count(*)::int from meta_sync.claim_webhook_events(10, 60, '2030-03-01 10:01:40Z')), 0,
  'nothing left while the leases run');

select meta_sync.finish_webhook_event(event_id, 'processed', null, null, '2030-03-01 10:01:50Z')
from first_batch where value ->> 'id' = '1';
select results_eq(
  $$select value ->> 'id', attempts from meta_sync.claim_webhook_events(10, 60, '2030-03-01 10:02Z') order by event_id$$,
  $$values ('2', 2)$$, 'an expired lease is claimed again (second attempt); a finished event is not');

-- Later, every lease has expired.
select is((select count(*)::int from meta_sync.claim_webhook_events(10, 60, '2030-03-01 10:10Z')), 4,
  'after every lease expired, the four unfinished events come back');

select throws_ok($$select * from meta_sync.claim_webhook_events(0)$$, '22023', null, 'p_limit 0 -> 22023');
select throws_ok($$select * from meta_sync.claim_webhook_events(1, 0)$$, '22023', null, 'lease 0 -> 22023');

select * from finish();
rollback;
