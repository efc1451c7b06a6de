begin;
select plan(3);

select is(meta_sync.request_webhook_resync('act_935999', '2030-02-01 12:00Z'), null,
  'an account not synced here: NULL, nothing enqueued');
select is((select count(*)::int from meta_sync.sync_jobs where account_id = 'act_935999'), 0, 'no job');
select throws_ok($$select meta_sync.request_webhook_resync('935999')$$, '22007', null,
  'a malformed id is refused with 22007');

select * from finish();
rollback;
