-- A tier's schedule changes through set_sync_config; out-of-range values are refused and
-- nothing changes.
begin;
select plan(8);
create temp table before as select string_agg(c::text, ',' order by c.tier) as f from meta_sync.meta_sync_config c;
select throws_ok($$select meta_sync.set_sync_config('urgent', 30)$$, '22023', null, 'an unknown tier is refused');
select throws_ok($$select meta_sync.set_sync_config('high', 0)$$, '22023', 'interval 0 minutes is out of range: 5 to 10080 (a week)', 'an interval out of range is refused');
select throws_ok($$select meta_sync.set_sync_config('high', p_date_range_days => 91)$$, '22023', null, 'a re-read range over 90 days is refused');
select throws_ok($$select meta_sync.set_sync_config('high', p_settle_interval_minutes => 10)$$, '22023', null, 'a settle interval under an hour is refused');
select throws_ok($$select meta_sync.set_sync_config('low', p_structure_refresh_minutes => 4)$$, '22023',
  'structure refresh 4 minutes is out of range: 5 to 10080 (a week)', 'a structure refresh under 5 minutes is refused');
select is((select string_agg(c::text, ',' order by c.tier) from meta_sync.meta_sync_config c), (select f from before), 'the refusals changed nothing');
select results_eq($$select structure_refresh_minutes, hourly_enabled, interval_minutes
                    from meta_sync.set_sync_config('low', p_structure_refresh_minutes => 720, p_hourly_enabled => true)$$,
  $$values (720, true, 240)$$, 'the structure refresh and hourly data of a tier are set the same way');
select results_eq($$select interval_minutes, date_range_days from meta_sync.set_sync_config('HIGH', 45, p_date_range_days => 4)$$,
  $$values (45, 4)$$, 'a valid change is applied (tier case-insensitive); null keeps a value');
select * from finish();
rollback;
