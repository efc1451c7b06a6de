-- Meta usage as reported by its headers, shared by every worker.

create table meta_sync.meta_rate_limit_state (
  scope_type               text not null
                           constraint scope_type_known check (scope_type in ('app', 'ad_account', 'business_use_case')),
  scope_id                 text not null,
  usage_type               text not null default '',
  call_count_pct           numeric(6, 2),
  total_cputime_pct        numeric(6, 2),
  total_time_pct           numeric(6, 2),
  estimated_regain_minutes integer,
  blocked_until            timestamptz,
  last_throttle_code       integer,
  observed_at              timestamptz not null,
  primary key (scope_type, scope_id, usage_type)
);
create index meta_rate_limit_state_blocked_idx on meta_sync.meta_rate_limit_state (blocked_until)
  where blocked_until is not null;
comment on table meta_sync.meta_rate_limit_state is
  'Latest Meta usage per scope (app, ad account, business use case + type) from X-App-Usage, X-Ad-Account-Usage, X-Business-Use-Case-Usage; blocked_until = no call in this scope before then. Shared by every worker.';
