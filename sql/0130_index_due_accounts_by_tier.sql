-- The due scan walks one tier at a time in due order: (tier, next_sync_at, id) over schedulable rows.

create index meta_ad_accounts_due_by_tier_idx
  on meta_sync.meta_ad_accounts (meta_sync_priority, next_sync_at, id)
  where not paused and next_sync_at is not null;
comment on index meta_sync.meta_ad_accounts_due_by_tier_idx is
  'get_meta_accounts_due_for_sync: per tier, unpaused scheduled accounts by due time (an index range scan per tier).';
