-- Tenants. Row-level security everywhere keys on organization membership.

create table meta_sync.organizations (
  id          uuid primary key default gen_random_uuid(),
  name        text not null constraint organization_name_not_blank check (btrim(name) <> ''),
  created_at  timestamptz not null default now(),
  reporting_currency text not null default 'USD'
              constraint organization_reporting_currency_iso check (reporting_currency ~ '^[A-Z]{3}$'),
  meta_data_deletion text not null default 'tokens'
              constraint meta_data_deletion_known check (meta_data_deletion in ('tokens', 'tokens_and_data'))
);
comment on table meta_sync.organizations is 'A tenant: an agency, a brand or a SaaS customer owning ad accounts.';
comment on column meta_sync.organizations.reporting_currency is
  'ISO 4217 code the organisation''s rollups (kpi_daily / kpi_summary level organization) are converted into, day by day, with meta_sync.fx_rates.';
comment on column meta_sync.organizations.meta_data_deletion is
  'What a Meta Data Deletion Request of a person deletes here: tokens (their connections; the accounts stay, without a token) or tokens_and_data (also the ad accounts synced through those connections, with everything synced for them).';

create table meta_sync.organization_members (
  organization_id uuid not null references meta_sync.organizations (id) on delete cascade,
  user_id         uuid not null,
  role            text not null default 'member'
                  constraint member_role_known check (role in ('owner', 'admin', 'member')),
  created_at      timestamptz not null default now(),
  primary key (organization_id, user_id)
);
create index organization_members_user_id_idx on meta_sync.organization_members (user_id);
comment on table meta_sync.organization_members is
  'Who belongs to an organization (user_id = auth.uid() on Supabase); owners and admins may change tiers.';
