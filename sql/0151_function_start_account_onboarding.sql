-- Onboarding phase 1 (recent_window): structure, then the last phase_1_days (90 by default; account time zone), newest first.

create function meta_sync.start_account_onboarding(
  p_account_id text,
  p_now timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account  meta_sync.meta_ad_accounts;
  v_settings meta_sync.sync_planner_settings;
  v_job_id   bigint;
  v_today    date;
  v_since    date;
begin
  v_account := meta_sync.lock_ad_account(p_account_id);
  -- Idempotent: an open or completed phase 1 is the answer.
  select j.id into v_job_id
  from meta_sync.sync_jobs j
  where j.account_id = v_account.id
    and j.sync_phase = 'recent_window'
    and j.status in ('pending', 'in_progress', 'completed', 'completed_with_errors')
  order by j.id desc
  limit 1;
  if v_job_id is not null then
    return v_job_id;
  end if;

  select s.* into v_settings from meta_sync.sync_planner_settings s;
  v_today := meta_sync.account_today(v_account.timezone_name, p_now);
  v_since := v_today - (v_settings.phase_1_days - 1);
  -- An account younger than phase 1 is read from the day it was created.
  if v_account.created_time is not null then
    v_since := greatest(v_since, least(v_today,
      meta_sync.account_today(v_account.timezone_name, v_account.created_time)));
  end if;
  return meta_sync.create_sync_job(
    v_account.id, 'recent_window', 'initial', v_since, v_today,
    -- A first onboarding knows no ads yet: phase_1_chunk_days. A retry after a failed phase 1
    -- may know them from its structure chunk.
    meta_sync.plan_insights_chunk_days(v_account.id, v_today - v_since + 1,
                                       v_settings.phase_1_chunk_days),
    true, null, 'onboarding', p_now,
    -- The newest day(s) alone first: the first rows a user sees cost one page.
    v_settings.phase_1_first_chunk_days);
end;
$$;
comment on function meta_sync.start_account_onboarding(text, timestamptz) is
  'Phase 1 of onboarding: a recent_window/initial job with a structure chunk and insights chunks over the last sync_planner_settings.phase_1_days (90) ending today in the account time zone (not before its creation day), newest first, the newest chunk phase_1_first_chunk_days long (1) and read while the structure is listed, the others cut by plan_insights_chunk_days (phase_1_chunk_days while the ads are unknown, as on a first onboarding), each depending on the structure chunk. Idempotent: returns the existing open or completed phase-1 job. Malformed id -> 22007, unknown account -> P0002.';
