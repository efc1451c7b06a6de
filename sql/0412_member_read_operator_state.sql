-- What signed-in members may read of the operator state the views show them: whether the
-- schedule is paused, Meta's throttles of the app and of their own accounts (meta_sync_status
-- and sync_job_progress say why work waits), and the moves and removals of their accounts.
-- The throttles' account check is an EXISTS (hashed subplan or index probe, as the plan needs:
-- see the chunks' policy in sql/0301).

grant select on meta_sync.schedule_state to authenticated;
create policy members_read_schedule_state on meta_sync.schedule_state
  for select to authenticated
  using (true);

grant select on meta_sync.meta_rate_limit_state to authenticated;
create policy members_read_rate_limit_state on meta_sync.meta_rate_limit_state
  for select to authenticated
  using (scope_type = 'app'
         or (scope_type = 'ad_account'
             and exists (select 1 from meta_sync.meta_ad_accounts a where a.id::text = scope_id)));

grant select on meta_sync.ad_account_audit to authenticated;
create policy members_read_ad_account_audit on meta_sync.ad_account_audit
  for select to authenticated
  using (meta_sync_private.is_org_member(from_organization_id) or meta_sync_private.is_org_member(to_organization_id));

select meta_sync.secure_schema();
