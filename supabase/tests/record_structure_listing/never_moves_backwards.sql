-- A listing is recorded as of when it started, never moving the structure's freshness back;
-- an unknown account and a missing start are refused.
begin;
select plan(4);
select meta_sync_tests.create_account('act_5931', p_timezone_name => 'Pacific/Auckland');

select meta_sync.record_structure_listing('act_5931', '2026-02-01 12:00Z');
select is((select synced_at from meta_sync.data_freshness where account_id = 'act_5931' and dataset = 'structure'),
          '2026-02-01 12:00Z'::timestamptz, 'recorded as of its start');
select meta_sync.record_structure_listing('act_5931', '2026-02-01 08:00Z');
select is((select fresh_through from meta_sync.data_freshness where account_id = 'act_5931' and dataset = 'structure'),
          '2026-02-02'::date, 'an older listing moves nothing back (fresh through the account''s day, UTC+13)');
select throws_ok($$ select meta_sync.record_structure_listing('act_9999', now()) $$, 'P0002');
select throws_ok($$ select meta_sync.record_structure_listing('act_5931', null) $$, '22023');

select * from finish();
rollback;
