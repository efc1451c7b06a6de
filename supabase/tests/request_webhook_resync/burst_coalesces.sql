-- A burst of changes for one account, with a worker claiming the structure chunk in between,
-- never leaves more than one pending structure chunk for the account.
begin;
select plan(3);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0351-000000000009', 'burst');
insert into meta_sync.meta_ad_accounts (id, organization_id) values ('act_935109', '00000000-0000-0000-0351-000000000009');

select meta_sync.request_webhook_resync('act_935109', '2030-02-01 12:00Z'::timestamptz + i * interval '1 second')
from generate_series(1, 40) i;
select is((select count(*)::int from meta_sync.sync_job_chunks
           where account_id = 'act_935109' and chunk_type = 'structure' and status = 'pending'), 1,
  '40 changes: one pending structure chunk');

update meta_sync.sync_job_chunks set status = 'in_progress', locked_by = 'w1',
  locked_until = '2030-02-01 12:10Z', lease_token = gen_random_uuid()
  where account_id = 'act_935109';
select meta_sync.request_webhook_resync('act_935109', '2030-02-01 12:05Z'::timestamptz + i * interval '1 second')
from generate_series(1, 40) i;
select is((select count(*)::int from meta_sync.sync_job_chunks
           where account_id = 'act_935109' and chunk_type = 'structure' and status = 'pending'), 1,
  '40 more while it runs: still one pending (plus the running one)');
select is((select count(*)::int from meta_sync.sync_jobs where account_id = 'act_935109'), 1, 'in one job');

select * from finish();
rollback;
