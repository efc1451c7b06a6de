-- "Too much data": replace a leased insights chunk by two children that together cover exactly
-- the parent: halves of the date range, or for a one-day chunk halves of its campaign ids.

create function meta_sync.split_sync_chunk(
  p_chunk_id     bigint,
  p_lease_token  uuid,
  p_campaign_ids text[] default null,
  p_now          timestamptz default now(),
  p_api_calls    integer default 0
)
returns bigint[]
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_chunk  meta_sync.sync_job_chunks;
  v_ids    text[];
  v_half   integer;
  v_mid    date;
  v_newer  bigint;
  v_older  bigint;
  v_calls  integer := coalesce(p_api_calls, 0);
begin
  if v_calls < 0 then
    raise exception 'p_api_calls must not be negative, got %', v_calls using errcode = '22023';
  end if;
  v_chunk := meta_sync.lock_leased_chunk(p_chunk_id, p_lease_token, p_now);

  if v_chunk.chunk_type <> 'insights' then
    raise exception 'chunk % is a % chunk: only insights chunks can be split', p_chunk_id, v_chunk.chunk_type
      using errcode = '55000';
  end if;

  if v_chunk.date_since < v_chunk.date_until then
    -- 1a. Two date halves [since, mid] and [mid + 1, until]; the newer half first (lower id).
    v_mid := v_chunk.date_since + (v_chunk.date_until - v_chunk.date_since) / 2;
    insert into meta_sync.sync_job_chunks
      (job_id, account_id, parent_chunk_id, depends_on_chunk_id, chunk_type, date_since, date_until,
       campaign_ids, updated_since, chunk_order, priority, max_retries, run_after, created_at)
    values
      (v_chunk.job_id, v_chunk.account_id, v_chunk.id, v_chunk.depends_on_chunk_id, v_chunk.chunk_type,
       v_mid + 1, v_chunk.date_until, v_chunk.campaign_ids, v_chunk.updated_since,
       v_chunk.chunk_order, v_chunk.priority, v_chunk.max_retries, p_now, p_now)
    returning id into v_newer;
    insert into meta_sync.sync_job_chunks
      (job_id, account_id, parent_chunk_id, depends_on_chunk_id, chunk_type, date_since, date_until,
       campaign_ids, updated_since, chunk_order, priority, max_retries, run_after, created_at)
    values
      (v_chunk.job_id, v_chunk.account_id, v_chunk.id, v_chunk.depends_on_chunk_id, v_chunk.chunk_type,
       v_chunk.date_since, v_mid, v_chunk.campaign_ids, v_chunk.updated_since,
       v_chunk.chunk_order, v_chunk.priority, v_chunk.max_retries, p_now, p_now)
    returning id into v_older;
  else
    -- 1b. One day: halve the campaign ids (the chunk's own, else those the worker read).
    v_ids := coalesce(v_chunk.campaign_ids, p_campaign_ids);
    if coalesce(cardinality(v_ids), 0) < 2 then
      raise exception 'chunk % covers one day and % campaign id(s): it cannot be split further',
        p_chunk_id, coalesce(cardinality(v_ids), 0)
        using errcode = '55000',
              hint = 'Pass the account''s campaign ids in p_campaign_ids, or fail the chunk.';
    end if;
    v_half := cardinality(v_ids) / 2;
    insert into meta_sync.sync_job_chunks
      (job_id, account_id, parent_chunk_id, depends_on_chunk_id, chunk_type, date_since, date_until,
       campaign_ids, updated_since, chunk_order, priority, max_retries, run_after, created_at)
    values
      (v_chunk.job_id, v_chunk.account_id, v_chunk.id, v_chunk.depends_on_chunk_id, v_chunk.chunk_type,
       v_chunk.date_since, v_chunk.date_until, v_ids[1:v_half], v_chunk.updated_since,
       v_chunk.chunk_order, v_chunk.priority, v_chunk.max_retries, p_now, p_now)
    returning id into v_newer;
    insert into meta_sync.sync_job_chunks
      (job_id, account_id, parent_chunk_id, depends_on_chunk_id, chunk_type, date_since, date_until,
       campaign_ids, updated_since, chunk_order, priority, max_retries, run_after, created_at)
    values
      (v_chunk.job_id, v_chunk.account_id, v_chunk.id, v_chunk.depends_on_chunk_id, v_chunk.chunk_type,
       v_chunk.date_since, v_chunk.date_until, v_ids[v_half + 1:], v_chunk.updated_since,
       v_chunk.chunk_order, v_chunk.priority, v_chunk.max_retries, p_now, p_now)
    returning id into v_older;
  end if;

  -- 2. The parent is replaced (final, not counted); its lease ends.
  update meta_sync.sync_job_chunks as c
  set status = 'split',
      locked_by = null, locked_until = null, lease_token = null,
      completed_at = p_now,
      actual_duration_seconds = greatest(extract(epoch from p_now - c.started_at), 0),
      api_calls = c.api_calls + v_calls,
      last_error = 'split: too much data'
  where c.id = p_chunk_id;

  -- 3. One chunk became two; the calls that found out count on the job.
  perform meta_sync.apply_chunk_outcome(v_chunk.job_id, p_total_delta => 1, p_api_calls => v_calls,
                                        p_now => p_now);
  return array[v_newer, v_older];
end;
$$;
comment on function meta_sync.split_sync_chunk(bigint, uuid, text[], timestamptz, integer) is
  'Replaces a leased insights chunk ("too much data") by two pending children (same job, priority, prerequisite; parent_chunk_id set) covering exactly the parent: date halves, or for a one-day chunk halves of its campaign ids (p_campaign_ids when it has none). Parent becomes split; job total_chunks + 1. Structure chunks and one-day chunks with fewer than 2 campaign ids: 55000. p_api_calls (the Graph calls the attempt cost) is added to the parent and its job; negative -> 22023. Returns the children ids, newer/first half first.';
