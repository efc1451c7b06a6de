begin;
select plan(2);
insert into meta_sync.organizations (id, name) values ('5c000000-0000-0000-0000-000000000001', 'sched test org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c000000-0000-0000-0000-0000000000c1', '5c000000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, meta_sync_priority)
  values ('act_5100008', '5c000000-0000-0000-0000-000000000001', '5c000000-0000-0000-0000-0000000000c1', 'low');
select meta_sync.start_account_onboarding('act_5100008', '2026-02-01 10:00Z');
update meta_sync.sync_job_chunks set status = 'completed' where account_id = 'act_5100008' and chunk_order = 1;
update meta_sync.meta_ad_accounts set meta_sync_priority = 'high' where id = 'act_5100008';
select is((select count(*)::int from meta_sync.sync_job_chunks where account_id = 'act_5100008' and status = 'pending'
           and priority = meta_sync.chunk_priority('recent_window', 'high')),
          (select count(*)::int from meta_sync.sync_job_chunks where account_id = 'act_5100008' and status = 'pending'),
  'every pending chunk got the high priority');
select is((select priority from meta_sync.sync_job_chunks where account_id = 'act_5100008' and chunk_order = 1),
  meta_sync.chunk_priority('recent_window', 'low'), 'a finished chunk keeps its priority');
select * from finish();
rollback;
