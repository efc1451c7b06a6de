-- Without Realtime (plain Postgres) a progress change goes through without error; with it, too.
begin;
select plan(1);

select meta_sync_tests.create_account_with_job('act_1001', p_with_connection => false, p_total_chunks => 2);
select lives_ok($$update meta_sync.sync_jobs set progress_percentage = 50, completed_chunks = 1
                  where account_id = 'act_1001';
                  set constraints all immediate$$,
  case when to_regprocedure('realtime.send(jsonb,text,text,boolean)') is null
       then 'a progress change needs no Realtime' else 'a progress change goes out through Realtime' end);

select * from finish();
rollback;
