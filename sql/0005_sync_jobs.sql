-- The job model: a job is one sync of one account over one date range; chunks are its units of
-- work, claimed by workers with leases.

create table meta_sync.sync_jobs (
  id                     bigint generated always as identity primary key,
  account_id             meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  organization_id        uuid not null references meta_sync.organizations (id) on delete cascade,
  sync_phase             meta_sync.sync_phase not null,
  sync_type              meta_sync.sync_type not null,
  status                 meta_sync.job_status not null default 'pending',
  date_since             date,
  date_until             date,
  requested_by           text,
  progress_percentage    numeric(5, 2) not null default 0
                         constraint progress_percentage_in_range check (progress_percentage between 0 and 100),
  total_chunks           integer not null default 0,
  completed_chunks       integer not null default 0,
  failed_chunks          integer not null default 0,
  campaigns_synced       integer not null default 0,
  adsets_synced          integer not null default 0,
  ads_synced             integer not null default 0,
  creatives_synced       integer not null default 0,
  insight_rows_written   bigint not null default 0,
  api_calls              integer not null default 0,
  estimated_completion_at timestamptz,
  last_error             text,
  created_at             timestamptz not null default now(),
  started_at             timestamptz,
  completed_at           timestamptz,
  updated_at             timestamptz not null default now(),
  constraint job_date_range_ordered check (date_since <= date_until),
  constraint job_chunk_counts_consistent check (
    completed_chunks >= 0 and failed_chunks >= 0 and completed_chunks + failed_chunks <= total_chunks)
);
create index sync_jobs_account_id_idx on meta_sync.sync_jobs (account_id, created_at desc);
create index sync_jobs_organization_id_idx on meta_sync.sync_jobs (organization_id);
create index sync_jobs_open_idx on meta_sync.sync_jobs (status) where status in ('pending', 'in_progress');
-- At most one open scheduled (incremental) job per account: enqueueing twice cannot duplicate it.
create unique index sync_jobs_one_open_incremental_idx on meta_sync.sync_jobs (account_id)
  where sync_phase = 'incremental' and status in ('pending', 'in_progress');
-- Likewise one open job per onboarding phase and settle.
create unique index sync_jobs_one_open_phase_idx on meta_sync.sync_jobs (account_id, sync_phase)
  where sync_phase in ('recent_window', 'historical_backfill', 'settle')
    and status in ('pending', 'in_progress');
comment on table meta_sync.sync_jobs is
  'One sync of one ad account over one date range (phase, type, status, progress, ETA, counts). Progress changes are published (pg_notify meta_sync_progress, Realtime on Supabase).';
comment on column meta_sync.sync_jobs.organization_id is 'Copied from the account: the RLS key and the Realtime topic org:<id>:sync.';
comment on column meta_sync.sync_jobs.estimated_completion_at is 'ETA from the observed durations of the finished chunks.';

create table meta_sync.sync_job_chunks (
  id                      bigint generated always as identity primary key,
  job_id                  bigint not null references meta_sync.sync_jobs (id) on delete cascade,
  account_id              meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  parent_chunk_id         bigint references meta_sync.sync_job_chunks (id) on delete cascade,
  depends_on_chunk_id     bigint references meta_sync.sync_job_chunks (id) on delete set null,
  chunk_type              meta_sync.chunk_type not null,
  date_since              date,
  date_until              date,
  campaign_ids            text[],
  updated_since           timestamptz,
  chunk_order             integer not null default 0,
  priority                smallint not null default 100,
  status                  meta_sync.chunk_status not null default 'pending',
  retry_count             integer not null default 0 constraint retry_count_non_negative check (retry_count >= 0),
  max_retries             integer not null default 5 constraint max_retries_non_negative check (max_retries >= 0),
  run_after               timestamptz not null default now(),
  locked_by               text,
  locked_until            timestamptz,
  lease_token             uuid,
  claimed_count           integer not null default 0,
  last_error              text,
  rows_written            bigint not null default 0,
  api_calls               integer not null default 0,
  started_at              timestamptz,
  completed_at            timestamptz,
  actual_duration_seconds numeric(12, 3),
  created_at              timestamptz not null default now(),
  constraint chunk_date_range_ordered check (date_since <= date_until),
  constraint insights_chunk_has_dates check (
    chunk_type <> 'insights' or (date_since is not null and date_until is not null)),
  constraint chunk_lease_consistent check (
    (status = 'in_progress') = (locked_by is not null and locked_until is not null and lease_token is not null))
);
create index sync_job_chunks_job_id_idx on meta_sync.sync_job_chunks (job_id, chunk_order);
create index sync_job_chunks_account_id_idx on meta_sync.sync_job_chunks (account_id);
create index sync_job_chunks_parent_chunk_id_idx on meta_sync.sync_job_chunks (parent_chunk_id);
create index sync_job_chunks_depends_on_chunk_id_idx on meta_sync.sync_job_chunks (depends_on_chunk_id);
-- The claim scan: pending chunks by priority, then due time.
create index sync_job_chunks_claimable_idx on meta_sync.sync_job_chunks (priority, run_after, id)
  where status = 'pending';
-- The lease reaper: running chunks by lease expiry.
create index sync_job_chunks_lease_idx on meta_sync.sync_job_chunks (locked_until)
  where status = 'in_progress';
comment on table meta_sync.sync_job_chunks is
  'A unit of work of a job: structure, or insights for a date range (optionally a campaign id list when split). Claimed with FOR UPDATE SKIP LOCKED under a lease; retried with backoff up to max_retries.';
comment on column meta_sync.sync_job_chunks.priority is
  'Claim order, lower first: derived from phase and tier when the chunk is created (and when the tier changes).';
comment on column meta_sync.sync_job_chunks.depends_on_chunk_id is
  'Not claimable while this chunk is pending or running (insights wait for the structure of their job).';
comment on column meta_sync.sync_job_chunks.lease_token is
  'New on every claim; completing or failing requires it, so a worker that lost its lease cannot finish the chunk.';
comment on column meta_sync.sync_job_chunks.updated_since is
  'Structure chunks: read only objects updated after this time (incremental); NULL = everything.';
