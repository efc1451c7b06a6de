-- Meta tokens (ciphertext only) and the ad accounts with their scheduling state.

create table meta_sync.meta_connections (
  id                     uuid primary key default gen_random_uuid(),
  organization_id        uuid not null references meta_sync.organizations (id) on delete cascade,
  label                  text not null default 'default',
  token_ciphertext       bytea not null,
  token_key_id           text not null constraint token_key_id_not_blank check (btrim(token_key_id) <> ''),
  token_type             text not null default 'user'
                         constraint token_type_known check (token_type in ('user', 'system_user', 'page')),
  meta_user_id           text,
  scopes                 text[] not null default '{}',
  expires_at             timestamptz,
  data_access_expires_at timestamptz,
  status                 meta_sync.connection_status not null default 'active',
  last_validated_at      timestamptz,
  last_error             text,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now(),
  declined_scopes        text[] not null default '{}',
  missing_scopes         text[] not null default '{}',
  unique (organization_id, label)
);
create index meta_connections_status_idx on meta_sync.meta_connections (status) where status <> 'active';
comment on table meta_sync.meta_connections is
  'A Meta access token of an organization (user or system user), AES-GCM encrypted by the worker before it reaches the database; token_key_id names the key for rotation. Never plaintext.';
comment on column meta_sync.meta_connections.expires_at is 'NULL = never expires (system-user tokens).';
comment on column meta_sync.meta_connections.declined_scopes is 'Permissions the person declined in the login dialog (/me/permissions).';
comment on column meta_sync.meta_connections.missing_scopes is 'Required permissions (METASYNC_OAUTH_SCOPES) the token does not have: the person must grant them again.';

create table meta_sync.meta_ad_accounts (
  id                        meta_sync.ad_account_id primary key,
  organization_id           uuid not null references meta_sync.organizations (id) on delete cascade,
  connection_id             uuid references meta_sync.meta_connections (id) on delete set null,
  name                      text,
  currency                  text constraint currency_iso check (currency ~ '^[A-Z]{3}$'),
  timezone_name             text not null default 'UTC',
  created_time              timestamptz,
  account_status            integer,
  meta_sync_priority        meta_sync.sync_tier not null default 'medium',
  paused                    boolean not null default false,
  last_meta_sync_at         timestamptz,
  last_sync_attempt_at      timestamptz,
  next_sync_at              timestamptz,
  latest_meta_data_date     date,
  sync_error_count          integer not null default 0 constraint sync_error_count_non_negative check (sync_error_count >= 0),
  last_sync_error           text,
  rate_limit_backoff_until  timestamptz,
  phase_1_completed_at      timestamptz,
  phase_2_completed_at      timestamptz,
  last_settle_at            timestamptz,
  created_at                timestamptz not null default now(),
  updated_at                timestamptz not null default now(),
  rate_limit_count          integer not null default 0
                            constraint rate_limit_count_non_negative check (rate_limit_count >= 0)
);
create index meta_ad_accounts_organization_id_idx on meta_sync.meta_ad_accounts (organization_id);
create index meta_ad_accounts_connection_id_idx on meta_sync.meta_ad_accounts (connection_id);
-- The due-accounts scan: unpaused accounts by due time.
create index meta_ad_accounts_due_idx on meta_sync.meta_ad_accounts (next_sync_at)
  where not paused;
comment on table meta_sync.meta_ad_accounts is
  'A Meta ad account under sync, with its tier and scheduling state. next_sync_at is derived from the tier (trigger) and from each sync outcome (update_meta_sync_status).';
comment on column meta_sync.meta_ad_accounts.currency is
  'ISO 4217 currency of every amount of the account (insights in major units, budgets in minor units: meta_sync.currency_offset).';
comment on column meta_sync.meta_ad_accounts.meta_sync_priority is
  'Tier: high | medium | low. A plain UPDATE recomputes next_sync_at.';
comment on column meta_sync.meta_ad_accounts.timezone_name is
  'IANA time zone of the account: days, date ranges and "today" are computed in it.';
comment on column meta_sync.meta_ad_accounts.rate_limit_backoff_until is
  'No call for this account before this time (Meta throttled it).';
comment on column meta_sync.meta_ad_accounts.rate_limit_count is
  'Throttles in a row without a regain time from Meta: the backoff doubles with each (30 s, 1, 2 ... at most 15 min); a success resets it.';

-- A time zone name is only accepted when Postgres knows it.
create function meta_sync.check_ad_account_time_zone()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  -- Converting a time is the cheap check (Postgres caches the zone); pg_timezone_names would
  -- read every zone file on every row.
  perform pg_catalog.timezone(new.timezone_name, pg_catalog.now());
  return new;
exception when invalid_parameter_value then
  raise exception 'unknown time zone "%" for ad account %', new.timezone_name, new.id
    using errcode = '22023', hint = 'Use an IANA name such as Europe/Berlin or America/Los_Angeles.';
end;
$$;
comment on function meta_sync.check_ad_account_time_zone() is
  'Trigger: refuses an ad account whose timezone_name Postgres does not know (SQLSTATE 22023).';

create trigger meta_ad_accounts_time_zone_check
  before insert or update of timezone_name on meta_sync.meta_ad_accounts
  for each row execute function meta_sync.check_ad_account_time_zone();
