begin;
select plan(4);
select ok(meta_sync.chunk_priority('recent_window', 'low') < meta_sync.chunk_priority('manual', 'high'),
  'phase 1 of a low account comes before any manual chunk');
select ok(meta_sync.chunk_priority('manual', 'low') < meta_sync.chunk_priority('incremental', 'high')
      and meta_sync.chunk_priority('incremental', 'low') < meta_sync.chunk_priority('settle', 'high')
      and meta_sync.chunk_priority('settle', 'low') < meta_sync.chunk_priority('historical_backfill', 'high'),
  'manual < incremental < settle < historical_backfill');
select ok(meta_sync.chunk_priority('incremental', 'high') < meta_sync.chunk_priority('incremental', 'medium')
      and meta_sync.chunk_priority('incremental', 'medium') < meta_sync.chunk_priority('incremental', 'low'),
  'within a phase high < medium < low');
select is(meta_sync.chunk_priority('webhook', 'medium'), meta_sync.chunk_priority('manual', 'medium'),
  'webhook ranks with manual');
select * from finish();
rollback;
