-- A worker registers, beats (with its chunks and counters), signs off; bad input is refused;
-- workers silent for 7 days are removed at the next registration. Run as the worker role.
begin;
select plan(10);

set local role meta_sync_worker;
select lives_ok($$select meta_sync.register_sync_worker('host-a:41:ab12cd', 'host-a', 41, 8, '0.2.0', '2030-04-01 10:00Z')$$,
  'the worker role registers');
select is(meta_sync.beat_sync_worker('host-a:41:ab12cd', 3, '{"rows_written": 10}', '2030-04-01 10:00:40Z'), true,
  'and beats');
select is(meta_sync.beat_sync_worker('host-a:41:ab12cd', 2, null, '2030-04-01 10:00:30Z'), true,
  'a late beat is accepted');
select results_eq(
  $$select host, pid, concurrency, started_at, last_heartbeat_at, chunks_running, counters, stopped_at
    from meta_sync.sync_workers$$,
  $$values ('host-a'::text, 41, 8, '2030-04-01 10:00Z'::timestamptz, '2030-04-01 10:00:40Z'::timestamptz, 2,
            '{"rows_written": 10}'::jsonb, null::timestamptz)$$,
  'the heartbeat never moves back; counters kept when none are sent');
select is(meta_sync.beat_sync_worker('nobody', 0, null, '2030-04-01 10:01Z'), false,
  'an unknown worker is told to register');
select is(meta_sync.stop_sync_worker('host-a:41:ab12cd', '2030-04-01 10:02Z'), true, 'it signs off');
select is((select (stopped_at, chunks_running) from meta_sync.sync_workers),
  ('2030-04-01 10:02Z'::timestamptz, 0), 'stopped, running nothing');

select throws_ok($$select meta_sync.register_sync_worker(' ', 'h', 1, 1)$$, '22023', null, 'blank id -> 22023');
select throws_ok($$select meta_sync.beat_sync_worker('host-a:41:ab12cd', -1)$$, '22023', null, 'negative count -> 22023');

select meta_sync.register_sync_worker('host-b:7:ffffff', 'host-b', 7, 4, null, '2030-04-09 10:00Z');
select is((select array_agg(worker_id) from meta_sync.sync_workers), array['host-b:7:ffffff'],
  'a worker silent for 7 days is gone after the next registration');
reset role;

select * from finish();
rollback;
