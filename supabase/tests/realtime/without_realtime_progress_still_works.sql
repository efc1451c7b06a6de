-- On plain Postgres (no realtime.send) a progress change goes through without error.
begin;
select plan(2);

select is(to_regprocedure('realtime.send(jsonb,text,text,boolean)'), null, 'Realtime is not installed');
select meta_sync_tests.create_account_with_job('act_1001', p_with_connection => false, p_total_chunks => 2);
select lives_ok($$update meta_sync.sync_jobs set progress_percentage = 50, completed_chunks = 1
                  where account_id = 'act_1001'$$, 'a progress change needs no Realtime');

select * from finish();
rollback;
