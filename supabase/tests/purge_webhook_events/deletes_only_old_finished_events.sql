-- purge_webhook_events deletes events whose processing finished (processed, ignored) and that
-- were received more than p_older_than (30 days) before p_now; pending, processing and failed
-- events stay whatever their age. Returns how many it deleted.
begin;
select plan(6);

insert into meta_sync.webhook_events (dedupe_key, object_type, entry_id, field, value, status, received_at, processed_at)
select encode(sha256(convert_to(s || d::text, 'UTF8')), 'hex'), 'ad_account', '1001', 'in_process_ad_objects', '{}', s,
       '2026-03-01 12:00Z'::timestamptz - make_interval(days => d),
       case when s in ('processed', 'ignored', 'failed') then '2026-03-01 12:00Z'::timestamptz - make_interval(days => d) end
from unnest(array['pending', 'processing', 'processed', 'failed', 'ignored']) s,
     unnest(array[1, 29, 31, 90]) d;

select is(meta_sync.purge_webhook_events(p_now => '2026-03-01 12:00Z'), 4,
  'processed and ignored events older than 30 days are deleted');
select is((select array_agg(status || ' ' || (date '2026-03-01' - received_at::date) order by status, received_at desc)
           from meta_sync.webhook_events where received_at < '2026-01-30 12:00Z'),
  array['failed 31', 'failed 90', 'pending 31', 'pending 90', 'processing 31', 'processing 90'],
  'unprocessed and failed events are kept');
select is((select count(*)::int from meta_sync.webhook_events where received_at >= '2026-01-30 12:00Z'), 10,
  'recent events are kept');
select is(meta_sync.purge_webhook_events('2 days', '2026-03-01 12:00Z'), 2, 'a shorter window');
select is(meta_sync.purge_webhook_events('2 days', '2026-03-01 12:00Z'), 0, 'nothing left: 0');
select throws_ok($$select meta_sync.purge_webhook_events('1 hour')$$, '22023', null,
  'a window shorter than Meta''s 36-hour redelivery is refused (dedupe)');
select * from finish();
rollback;
