-- Breakdown sets and attribution settings an organisation asks for: each is read beside the
-- default rows and stored in meta_insights_daily under its own breakdown_key /
-- attribution_setting, never touching the default rows.

create table meta_sync.insights_breakdown_sets (
  id                   bigint generated always as identity primary key,
  organization_id      uuid not null references meta_sync.organizations (id) on delete cascade,
  breakdowns           text[] not null default '{}',
  attribution_windows  text[] not null default '{}',
  use_unified_attribution_setting boolean not null default false,
  with_reach           boolean not null default true,
  history_months       integer not null default 13
                       constraint breakdown_set_history_in_range check (history_months between 1 and 37),
  breakdown_key        text not null,
  attribution_setting  text not null,
  enabled              boolean not null default true,
  created_at           timestamptz not null default now(),
  constraint breakdown_set_not_default check (breakdown_key <> '' or attribution_setting <> 'default'),
  unique (organization_id, breakdown_key, attribution_setting)
);
comment on table meta_sync.insights_breakdown_sets is
  'What an organisation reads beyond the default rows: a breakdown set (breakdowns, e.g. {age,gender}) and/or an attribution setting (action_attribution_windows such as {1d_click,7d_click}, or use_unified_attribution_setting). Created by meta_sync.add_breakdown_set (which refuses what Meta refuses); its rows go to meta_insights_daily with breakdown_key = <breakdowns joined by ,>:<their values joined by ,> and attribution_setting = <windows joined by ,> | unified | default, for the recent data (every job but phase 2, back history_months).';
comment on column meta_sync.insights_breakdown_sets.breakdown_key is
  'The breakdowns joined by "," ('''' = none); stored rows carry it followed by ":" and the row''s values.';
comment on column meta_sync.insights_breakdown_sets.attribution_setting is
  'The windows joined by "," (as asked), "unified" (use_unified_attribution_setting) or "default".';

create policy members_read_breakdown_sets on meta_sync.insights_breakdown_sets
  for select to authenticated
  using (meta_sync_private.is_org_member(organization_id));
grant select on meta_sync.insights_breakdown_sets to authenticated;

select meta_sync.secure_schema();
