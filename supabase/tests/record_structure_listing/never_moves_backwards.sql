-- A listing is recorded as of when it started, never moving the structure's freshness back;
-- an unknown account and a missing start are refused.
begin;
select plan(4);
insert into meta_sync.organizations (id, name) values ('5c200000-0000-0000-0000-000000000001', 'listing org');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id)
  values ('5c200000-0000-0000-0000-0000000000c1', '5c200000-0000-0000-0000-000000000001', '\x00', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name)
  values ('act_5931', '5c200000-0000-0000-0000-000000000001', '5c200000-0000-0000-0000-0000000000c1', 'Pacific/Auckland');

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
