-- How syncs perform, per tier and phase, over the last 7 days.

create view meta_sync.sync_analytics
with (security_invoker = true)
as
select
  a.meta_sync_priority as tier,
  j.sync_phase,
  count(*) as jobs,
  count(*) filter (where j.status = 'completed') as completed,
  count(*) filter (where j.status = 'completed_with_errors') as completed_with_errors,
  count(*) filter (where j.status = 'failed') as failed,
  count(*) filter (where j.status = 'cancelled') as cancelled,
  count(*) filter (where j.status in ('pending', 'in_progress')) as open,
  round(100.0 * count(*) filter (where j.status = 'completed')
        / nullif(count(*) filter (where j.status in ('completed', 'completed_with_errors', 'failed')), 0), 2)
    as success_rate_pct,
  percentile_cont(0.5) within group (order by extract(epoch from j.completed_at - j.started_at))
    filter (where j.completed_at is not null and j.started_at is not null
            and j.status in ('completed', 'completed_with_errors')) as median_duration_seconds,
  percentile_cont(0.95) within group (order by extract(epoch from j.completed_at - j.started_at))
    filter (where j.completed_at is not null and j.started_at is not null
            and j.status in ('completed', 'completed_with_errors')) as p95_duration_seconds,
  round(1000.0 * sum(j.api_calls) / nullif(sum(j.insight_rows_written), 0), 2)
    as api_calls_per_1000_rows,
  sum(j.insight_rows_written) as rows_written,
  sum(j.api_calls) as api_calls
from meta_sync.sync_jobs as j
join meta_sync.meta_ad_accounts as a on a.id = j.account_id
where j.created_at >= now() - interval '7 days'
group by a.meta_sync_priority, j.sync_phase;
comment on view meta_sync.sync_analytics is
  'Per current tier and phase, jobs created in the last 7 days: counts by outcome, success rate (completed / finished, %), median and p95 duration of finished jobs (seconds), api calls per 1 000 insight rows, rows written, api calls.';
