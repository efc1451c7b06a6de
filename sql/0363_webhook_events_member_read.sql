-- Members read the webhook events of their organisation's accounts: sql/0350 created the RLS
-- policy (members_read_webhook_events, keyed on organization_id) but no select grant, so a
-- signed-in member got "permission denied". No column holds a secret (dedupe_key is a hash).
-- Members never write events; anon and PUBLIC get nothing (secure_schema).

grant select on meta_sync.webhook_events to authenticated;

select meta_sync.secure_schema();
