-- Meta webhook deliveries, one row per change, deduplicated: Meta retries failed deliveries for
-- 36 hours, so the same change arrives more than once; the dedupe key makes it one row.
-- Written by `metasync serve` (POST /webhooks/meta), processed in the background and by
-- process_pending_webhook_events (Python, metasync.server.processing).

create table meta_sync.webhook_events (
  id               bigint generated always as identity primary key,
  dedupe_key       text not null
                   constraint webhook_event_dedupe_key_sha256 check (dedupe_key ~ '^[0-9a-f]{64}$'),
  object_type      text not null,
  entry_id         text not null,
  entry_time       timestamptz,
  field            text not null,
  value            jsonb not null,
  account_id       text,
  organization_id  uuid references meta_sync.organizations (id) on delete cascade,
  status           text not null default 'pending'
                   constraint webhook_event_status_known
                   check (status in ('pending', 'processing', 'processed', 'failed', 'ignored')),
  attempts         integer not null default 0
                   constraint webhook_event_attempts_non_negative check (attempts >= 0),
  locked_until     timestamptz,
  sync_job_id      bigint references meta_sync.sync_jobs (id) on delete set null,
  error            text,
  received_at      timestamptz not null default now(),
  processed_at     timestamptz,
  constraint webhook_event_dedupe_key_unique unique (dedupe_key)
);
-- The processing scan: unfinished events in arrival order.
create index webhook_events_unfinished_idx on meta_sync.webhook_events (id)
  where status in ('pending', 'processing');
create index webhook_events_account_id_idx on meta_sync.webhook_events (account_id, received_at desc);
create index webhook_events_organization_id_idx on meta_sync.webhook_events (organization_id);
create index webhook_events_sync_job_id_idx on meta_sync.webhook_events (sync_job_id);

comment on table meta_sync.webhook_events is
  'One change of a signed Meta webhook delivery (object ad_account), stored once per dedupe key and processed asynchronously: issues/status of the object updated, a targeted structure re-sync requested.';
comment on column meta_sync.webhook_events.dedupe_key is
  'hex sha256 of entry id, entry time, field and the canonical JSON of the value: a redelivered change has the same key.';
comment on column meta_sync.webhook_events.account_id is
  'act_<entry id> for object ad_account; not a foreign key: events for accounts not (yet) synced are kept and ignored.';
comment on column meta_sync.webhook_events.organization_id is
  'Owner of the account when it was known at receipt: the RLS key.';
comment on column meta_sync.webhook_events.status is
  'pending -> processing (leased until locked_until) -> processed | failed (error says why) | ignored (unknown account or field).';
comment on column meta_sync.webhook_events.locked_until is
  'Lease of the processing pass; an expired lease makes the event claimable again.';

alter table meta_sync.webhook_events enable row level security;

-- Members read the events of their organisation's accounts; nobody else but the worker.
create policy members_read_webhook_events on meta_sync.webhook_events
  for select to authenticated
  using (meta_sync_private.is_org_member(organization_id));

-- The endpoint and the worker store and process events; they never delete them.
grant select, insert, update on meta_sync.webhook_events to meta_sync_worker;
-- Members read their organisation's events (policy members_read_webhook_events); no column
-- holds a secret (dedupe_key is a hash). Members never write events.
grant select on meta_sync.webhook_events to authenticated;

select meta_sync.secure_schema();
