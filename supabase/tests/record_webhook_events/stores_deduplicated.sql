-- A delivery's changes are stored once per dedupe key, in order, with the account's owner;
-- a redelivery stores nothing; a change without its keys stores nothing at all (22023).
begin;
select plan(7);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0353-000000000001', 'webhook record');
insert into meta_sync.meta_ad_accounts (id, organization_id) values ('act_935301', '00000000-0000-0000-0353-000000000001');

create temp table delivery as
select jsonb_agg(jsonb_build_object(
         'dedupe_key', encode(sha256(('change ' || i)::bytea), 'hex'),
         'object_type', 'ad_account', 'entry_id', case when i % 2 = 0 then '935301' else '935399' end,
         'entry_time', '2030-03-01T10:00:00Z', 'field', 'with_issues_ad_objects',
         'value', jsonb_build_object('id', (400 + i)::text),
         'account_id', case when i % 2 = 0 then 'act_935301' else 'act_935399' end) order by i) as v
from generate_series(1, 6) i;

select is(meta_sync.record_webhook_events((select v from delivery), '2030-03-01 10:00:05Z'), 6,
  'six new changes stored');
select is(meta_sync.record_webhook_events((select v from delivery), '2030-03-01 11:00Z'), 0,
  'the redelivery stores nothing');
select is(meta_sync.record_webhook_events((select v || v from delivery), '2030-03-01 11:00Z'), 0,
  'nor does the same change twice in one delivery');
select results_eq(
  $$select value ->> 'id', status, received_at, organization_id from meta_sync.webhook_events order by id$$,
  $$select (400 + i)::text, 'pending'::text, '2030-03-01 10:00:05Z'::timestamptz,
           case when i % 2 = 0 then '00000000-0000-0000-0353-000000000001'::uuid end
    from generate_series(1, 6) i order by i$$,
  'in order, pending, received at p_now, owned by the account''s organisation when it is synced here');

select throws_ok($$select meta_sync.record_webhook_events('{"a": 1}'::jsonb)$$, '22023', null,
  'not an array -> 22023');
select throws_ok(
  $$select meta_sync.record_webhook_events(jsonb_build_array(
      jsonb_build_object('dedupe_key', repeat('a', 64), 'object_type', 'ad_account', 'entry_id', '1',
                         'field', 'f', 'value', 1),
      jsonb_build_object('dedupe_key', 'not-a-hash', 'object_type', 'ad_account', 'entry_id', '1',
                         'field', 'f', 'value', 1)))$$,
  '22023', null, 'a change without a valid dedupe key -> 22023');
select is((select count(*)::int from meta_sync.webhook_events), 6, 'and nothing of that call was stored');

select * from finish();
rollback;
