-- On plain Postgres (no realtime.send) a progress change goes through without error.
begin;
select plan(2);

select is(to_regprocedure('realtime.send(jsonb,text,text,boolean)'), null, 'Realtime is not installed');
insert into meta_sync.organizations (id, name) values ('aaaaaaaa-0000-4000-8000-000000000001', 'Org A');
insert into meta_sync.meta_ad_accounts (id, organization_id) values ('act_1001', 'aaaaaaaa-0000-4000-8000-000000000001');
insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type, total_chunks)
values ('act_1001', 'aaaaaaaa-0000-4000-8000-000000000001', 'manual', 'manual', 2);
select lives_ok($$update meta_sync.sync_jobs set progress_percentage = 50, completed_chunks = 1
                  where account_id = 'act_1001'$$, 'a progress change needs no Realtime');

select * from finish();
rollback;
