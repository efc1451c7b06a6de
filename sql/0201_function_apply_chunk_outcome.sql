-- One place where a chunk outcome reaches its job: counters, progress, ETA, the final status and
-- the scheduling hooks run when the job ends.

create function meta_sync.apply_chunk_outcome(
  p_job_id        bigint,
  p_completed     integer default 0,
  p_failed        integer default 0,
  p_total_delta   integer default 0,
  p_rows_written  bigint default 0,
  p_api_calls     integer default 0,
  p_entity_counts jsonb default '{}',
  p_error         text default null,
  p_fresh_through date default null,
  p_now           timestamptz default now()
)
returns meta_sync.job_status
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_job       meta_sync.sync_jobs;
  v_total     integer;
  v_completed integer;
  v_failed    integer;
  v_finished  integer;
  v_avg       numeric;
  v_busy      numeric;
  v_elapsed   numeric;
  v_parallel  numeric;
  v_eta       timestamptz;
  v_status    meta_sync.job_status;
  v_final     boolean;
begin
  if jsonb_typeof(coalesce(p_entity_counts, '{}')) <> 'object' then
    raise exception 'entity counts must be a JSON object, got %', p_entity_counts
      using errcode = '22023';
  end if;

  -- The job row lock serialises the outcomes of one job (callers hold their chunk's lock).
  select j.* into v_job from meta_sync.sync_jobs as j where j.id = p_job_id for update;
  if not found then
    raise exception 'no such job: %', p_job_id using errcode = 'P0002';
  end if;

  v_total     := v_job.total_chunks + p_total_delta;
  v_completed := v_job.completed_chunks + p_completed;
  v_failed    := v_job.failed_chunks + p_failed;
  v_finished  := v_completed + v_failed;
  v_final     := v_total > 0 and v_finished >= v_total
                 and v_job.status in ('pending', 'in_progress');

  -- ETA = remaining chunks x average chunk duration / observed parallelism, where parallelism =
  -- busy chunk-seconds / elapsed seconds since the job started (so it reflects how many workers
  -- really served this job). Without elapsed time yet, parallelism 1.
  select avg(c.actual_duration_seconds), sum(c.actual_duration_seconds)
  into v_avg, v_busy
  from meta_sync.sync_job_chunks as c
  where c.job_id = p_job_id and c.status in ('completed', 'failed')
    and c.actual_duration_seconds is not null;
  v_elapsed  := extract(epoch from p_now - coalesce(v_job.started_at, p_now));
  v_parallel := case when v_elapsed > 0 and v_busy > 0 then v_busy / v_elapsed else 1 end;
  -- A throttled account waits out its backoff first: the ETA includes what is left of it.
  v_eta := case
    when v_final or v_avg is null then null
    else p_now + make_interval(secs => (v_total - v_finished) * v_avg / v_parallel)
         + coalesce((select greatest(a.rate_limit_backoff_until - p_now, interval '0')
                     from meta_sync.meta_ad_accounts a where a.id = v_job.account_id), interval '0')
  end;

  -- A job still pending has a chunk running (its claim found the job row held by another
  -- transaction and left the start to later, claim_sync_chunks): it starts now.
  v_status := case
    when not v_final and v_job.status = 'pending' then 'in_progress'
    when not v_final then v_job.status
    when v_failed = 0 then 'completed'
    when v_completed = 0 then 'failed'
    else 'completed_with_errors'
  end::meta_sync.job_status;

  update meta_sync.sync_jobs as j set
    total_chunks            = v_total,
    completed_chunks        = v_completed,
    failed_chunks           = v_failed,
    campaigns_synced        = j.campaigns_synced + coalesce((p_entity_counts ->> 'campaigns')::integer, 0),
    adsets_synced           = j.adsets_synced + coalesce((p_entity_counts ->> 'adsets')::integer, 0),
    ads_synced              = j.ads_synced + coalesce((p_entity_counts ->> 'ads')::integer, 0),
    creatives_synced        = j.creatives_synced + coalesce((p_entity_counts ->> 'creatives')::integer, 0),
    insight_rows_written    = j.insight_rows_written + coalesce(p_rows_written, 0),
    api_calls               = j.api_calls + coalesce(p_api_calls, 0),
    last_error              = coalesce(p_error, j.last_error),
    progress_percentage     = case when v_total > 0
                                   then round(100.0 * least(v_finished, v_total) / v_total, 2)
                                   else 0 end,
    estimated_completion_at = v_eta,
    status                  = v_status,
    completed_at            = case when v_final then p_now else j.completed_at end,
    started_at              = case when v_job.status = 'pending' then coalesce(j.started_at, p_now)
                                   else j.started_at end,
    updated_at              = p_now
  where j.id = p_job_id;

  if v_final then
    perform meta_sync.finish_sync_job(p_job_id, v_status, p_fresh_through, p_now);
  end if;
  return v_status;
end;
$$;
comment on function meta_sync.apply_chunk_outcome(bigint, integer, integer, integer, bigint, integer, jsonb, text, date, timestamptz) is
  'Internal: adds a chunk outcome to its job (counts, rows, calls, entity counts), starts it when it is still pending (in_progress, started_at = p_now), recomputes progress and the ETA (remaining x average chunk duration / observed parallelism, parallelism = busy chunk-seconds / elapsed job seconds, plus what is left of the account''s rate-limit backoff) and, when every chunk is final, ends the job (completed, completed_with_errors or failed) and runs finish_sync_job.';
