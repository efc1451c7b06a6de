-- Claim order of a chunk, lower first: the phase decides, the tier breaks ties within a phase.

create function meta_sync.chunk_priority(p_phase meta_sync.sync_phase, p_tier meta_sync.sync_tier)
returns smallint
language sql
immutable
parallel safe
set search_path = ''
as $$
  select (
    case p_phase
      when 'recent_window'       then 10  -- onboarding: users see their data fast
      when 'manual'              then 20  -- an admin is waiting
      when 'webhook'             then 20
      when 'incremental'         then 30  -- the tier schedule
      when 'settle'              then 40  -- attribution re-read, once a day
      when 'historical_backfill' then 50  -- history: whenever there is room
    end
    + case p_tier when 'high' then 0 when 'medium' then 1 when 'low' then 2 end
  )::smallint
$$;
comment on function meta_sync.chunk_priority(meta_sync.sync_phase, meta_sync.sync_tier) is
  'Claim order of a chunk, lower first: recent_window 10-12, manual/webhook 20-22, incremental 30-32, settle 40-42, historical_backfill 50-52 (high, medium, low). Stored in sync_job_chunks.priority when a chunk is created and when the account''s tier changes.';
