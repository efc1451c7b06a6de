-- Meta's Data Deletion Request callback: one row per request, read by its status page.

create table meta_sync.data_deletion_requests (
  confirmation_code    text primary key constraint confirmation_code_format check (confirmation_code ~ '^[A-Za-z0-9_-]{16,64}$'),
  meta_user_id         text not null,
  status               text not null default 'received'
                       constraint deletion_status_known check (status in ('received', 'completed')),
  connections_deleted  integer not null default 0,
  accounts_deleted     integer not null default 0,
  requested_at         timestamptz not null,
  completed_at         timestamptz
);
create index data_deletion_requests_meta_user_id_idx on meta_sync.data_deletion_requests (meta_user_id);
comment on table meta_sync.data_deletion_requests is
  'A Data Deletion Request from Meta for one app-scoped user id: the confirmation code Meta shows the person, status (received, completed), how many connections (tokens) and ad accounts (with their synced data) were deleted.';

select meta_sync.secure_schema();
