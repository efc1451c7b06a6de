-- A delivery of 20 000 changes (far above what one page of a handler used to accept) is one call.
begin;
select plan(2);

select is(meta_sync.record_webhook_events(
  (select jsonb_agg(jsonb_build_object(
            'dedupe_key', encode(sha256(('big ' || i)::bytea), 'hex'), 'object_type', 'ad_account',
            'entry_id', '935302', 'entry_time', null, 'field', 'in_process_ad_objects',
            'value', jsonb_build_object('id', i::text), 'account_id', 'act_935302'))
   from generate_series(1, 20000) i), '2030-03-01 10:00Z'), 20000, 'all 20 000 stored');
select is((select count(*)::int from meta_sync.webhook_events where status = 'pending'), 20000,
  'all pending');

select * from finish();
rollback;
