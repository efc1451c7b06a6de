-- get_queue_depth: unfinished chunks by job phase and state (ready, waiting, in_progress).
begin;
select plan(1);

insert into meta_sync.organizations (id, name) values ('00000000-0000-0000-0362-000000000001', 'depth');
insert into meta_sync.meta_connections (id, organization_id, token_ciphertext, token_key_id) values
  ('00000000-0000-0000-0362-0000000000c1', '00000000-0000-0000-0362-000000000001', '\x01', 'k1');
insert into meta_sync.meta_ad_accounts (id, organization_id, connection_id) values
  ('act_936201', '00000000-0000-0000-0362-000000000001', '00000000-0000-0000-0362-0000000000c1');
-- a manual job: one structure chunk and one insights chunk (2 days, chunks of 2 days)
select meta_sync.create_sync_job('act_936201', 'manual', 'manual', '2030-01-01', '2030-01-02', 2, true, p_now => '2030-04-01 10:00Z');
select count(*) from meta_sync.claim_sync_chunks('w', 1, 120, '2030-04-01 10:00Z');
update meta_sync.sync_job_chunks set run_after = '2030-04-01 11:00Z' where status = 'pending';

select results_eq(
  $$select sync_phase::text, state, chunks from meta_sync.get_queue_depth('2030-04-01 10:00Z')$$,
  $$values ('manual'::text, 'in_progress'::text, 1::bigint), ('manual', 'waiting', 1)$$,
  'one chunk running, one waiting for its run_after');

select * from finish();
rollback;
