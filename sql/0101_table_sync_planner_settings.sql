-- How jobs are cut into chunks and how far back history goes: one row, changed with plain SQL.

create table meta_sync.sync_planner_settings (
  id                        boolean primary key default true constraint one_row check (id),
  phase_1_days              integer not null default 90
                            constraint phase_1_days_in_range check (phase_1_days between 1 and 365),
  phase_1_chunk_days        integer not null default 7
                            constraint phase_1_chunk_days_in_range check (phase_1_chunk_days between 1 and 90),
  phase_2_period_days       integer not null default 90
                            constraint phase_2_period_days_in_range check (phase_2_period_days between 1 and 366),
  history_limit_months      integer not null default 37
                            constraint history_limit_months_in_range check (history_limit_months between 1 and 37),
  history_margin_days       integer not null default 3
                            constraint history_margin_days_in_range check (history_margin_days between 0 and 60),
  incremental_chunk_days    integer not null default 14
                            constraint incremental_chunk_days_in_range check (incremental_chunk_days between 1 and 90),
  settle_chunk_days         integer not null default 7
                            constraint settle_chunk_days_in_range check (settle_chunk_days between 1 and 90),
  insights_rows_per_chunk   integer not null default 500
                            constraint insights_rows_per_chunk_in_range check (insights_rows_per_chunk between 1 and 1000000),
  structure_overlap_minutes integer not null default 30
                            constraint structure_overlap_minutes_in_range check (structure_overlap_minutes between 0 and 1440),
  updated_at                timestamptz not null default now(),
  phase_1_first_chunk_days  integer not null default 1
                            constraint phase_1_first_chunk_days_in_range check (phase_1_first_chunk_days between 1 and 90)
);
insert into meta_sync.sync_planner_settings default values;

comment on table meta_sync.sync_planner_settings is
  'One row: how onboarding, incremental and settle jobs are cut into chunks and how far back history goes. The per-tier schedule (interval, date_range_days, settle_lookback_days = 28) lives in meta_sync_config.';
comment on column meta_sync.sync_planner_settings.phase_1_days is
  'Onboarding phase 1 (recent_window) reads the last N days ending today in the account time zone (90).';
comment on column meta_sync.sync_planner_settings.phase_1_chunk_days is
  'Days per insights chunk of phase 1 while the account''s ads are unknown (a first onboarding), newest chunk first (7: the first week shows up fast). With ads known: insights_rows_per_chunk.';
comment on column meta_sync.sync_planner_settings.phase_1_first_chunk_days is
  'Days of the first (newest) insights chunk of phase 1 (1: today alone, about one page for most accounts), so the first rows a user sees come after one page, not after a week of them; the rest of phase 1 is cut as phase_1_chunk_days says.';
comment on column meta_sync.sync_planner_settings.phase_2_period_days is
  'Days per insights chunk of phase 2 (historical_backfill), newest period first (90).';
comment on column meta_sync.sync_planner_settings.history_limit_months is
  'Meta serves insights at most this many months back (37); phase 2 never starts earlier.';
comment on column meta_sync.sync_planner_settings.history_margin_days is
  'Safety margin inside the history limit: phase 2 starts this many days after today - history_limit_months (Meta refuses the edge).';
comment on column meta_sync.sync_planner_settings.incremental_chunk_days is
  'Days per insights chunk of an incremental job while the account''s ads are unknown; with ads known: insights_rows_per_chunk.';
comment on column meta_sync.sync_planner_settings.settle_chunk_days is
  'Days per insights chunk of the daily settle job (settle_lookback_days = 28) while the account''s ads are unknown; with ads known: insights_rows_per_chunk.';
comment on column meta_sync.sync_planner_settings.insights_rows_per_chunk is
  'Estimated insights rows (live ads x days) one chunk of a settle, incremental or phase-1 job may hold (500 = the worker''s insights page size, METASYNC_INSIGHTS_PAGE_SIZE): one chunk when the whole range fits, else chunks of the most days that fit, at least 1.';
comment on column meta_sync.sync_planner_settings.structure_overlap_minutes is
  'Incremental structure chunks read objects updated since the last structure sync minus this overlap (clock skew, in-flight edits).';
