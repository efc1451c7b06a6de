-- Tenant security, part 3: the worker's least grants on the tables of the foundation.
-- Function execute grants, read access to every table and the worker's RLS policy on every
-- table are catalog-driven, in meta_sync.secure_schema() (sql/0349).

grant usage on schema meta_sync to meta_sync_worker;

-- Tenants and configuration: read only.
grant select on meta_sync.organizations, meta_sync.organization_members, meta_sync.meta_sync_config
  to meta_sync_worker;

-- Tokens: read the ciphertext, mark a token expired or revoked, store a new token and
-- re-encrypt under a new key (`metasync keys rotate`). Never delete.
grant select, insert, update on meta_sync.meta_connections to meta_sync_worker;

-- Accounts: discovered and described by the worker, scheduling state written after each sync.
grant select, insert, update on meta_sync.meta_ad_accounts to meta_sync_worker;

-- The queue: jobs and chunks are created, claimed, completed, failed and split by the worker.
grant select, insert, update on meta_sync.sync_jobs, meta_sync.sync_job_chunks to meta_sync_worker;

-- What the worker writes: entities, insights, freshness and the shared rate-limit state.
grant select, insert, update, delete on
  meta_sync.meta_campaigns, meta_sync.meta_adsets, meta_sync.meta_ads, meta_sync.meta_ad_creatives,
  meta_sync.meta_insights_daily, meta_sync.data_freshness, meta_sync.meta_rate_limit_state
  to meta_sync_worker;
