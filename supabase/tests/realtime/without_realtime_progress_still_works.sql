-- Without Realtime (plain Postgres) a progress change goes through without error; with it, too.
begin;
select plan(1);

insert into meta_sync.organizations (id, name) values ('aaaaaaaa-0000-4000-8000-000000000001', 'Org A');
insert into meta_sync.meta_ad_accounts (id, organization_id) values ('act_1001', 'aaaaaaaa-0000-4000-8000-000000000001');
insert into meta_sync.sync_jobs (account_id, organization_id, sync_phase, sync_type, total_chunks)
values ('act_1001', 'aaaaaaaa-0000-4000-8000-000000000001', 'manual', 'manual', 2);
select lives_ok($$update meta_sync.sync_jobs set progress_percentage = 50, completed_chunks = 1
                  where account_id = 'act_1001';
                  set constraints all immediate$$,
  case when to_regprocedure('realtime.send(jsonb,text,text,boolean)') is null
       then 'a progress change needs no Realtime' else 'a progress change goes out through Realtime' end);

select * from finish();
rollback;
