-- Members' policy on meta_connections asks for the user's organisations once per statement
-- (a hashed subplan) instead of calling is_org_member per row: the status views join a
-- connection to every account, so a member's console page paid one call per account.

drop policy members_read_connections on meta_sync.meta_connections;
-- Joined to every account by the status views: the user's organisations once per statement.
create policy members_read_connections on meta_sync.meta_connections
  for select to authenticated
  using (organization_id in (
    select m.organization_id from meta_sync.organization_members m
    where m.user_id = (select auth.uid())));
