begin;
select plan(2);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0003-000000000003', 'hourly split');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id, status)
  values ('00000000-0000-0000-0003-000000000003', '00000000-0000-0000-0003-000000000003', '\x00', 'k1', 'active');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id, timezone_name)
  values ('act_930004', '00000000-0000-0000-0003-000000000003', '00000000-0000-0000-0003-000000000003', 'UTC');
insert into meta_sync.sync_jobs (id, account_id, organization_id, sync_phase, sync_type, status, date_since, date_until, total_chunks, created_at)
  overriding system value
  values (930400, 'act_930004', '00000000-0000-0000-0003-000000000003', 'manual', 'manual', 'pending', '2030-01-01', '2030-01-10', 1, '2030-02-01');
insert into meta_sync.sync_job_chunks (id, job_id, account_id, chunk_type, date_since, date_until, chunk_order, priority, run_after, dataset)
  overriding system value values (930401, 930400, 'act_930004', 'insights', '2030-01-01', '2030-01-10', 1, 0, '2030-02-01', 'hourly');

select * from meta_sync.claim_sync_chunks('w1', 1, 600, '2030-02-01 00:00Z');
create temp table children as
  select unnest(meta_sync.split_sync_chunk(930401, (select lease_token from meta_sync.sync_job_chunks where id = 930401),
                                           p_now => '2030-02-01 00:01Z')) as id;
select is((select count(*)::int from children), 2, 'two children');
select is((select array_agg(distinct dataset) from meta_sync.sync_job_chunks where id in (select id from children)),
  array['hourly'], 'both read hourly, like their parent');

select * from finish();
rollback;
