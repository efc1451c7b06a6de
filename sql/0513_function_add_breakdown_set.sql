-- Configure a breakdown set / attribution setting for an organisation (checked first).

create function meta_sync.add_breakdown_set(
  p_organization_id     uuid,
  p_breakdowns          text[] default '{}',
  p_attribution_windows text[] default '{}',
  p_use_unified         boolean default false,
  p_with_reach          boolean default true,
  p_history_months      integer default 13,
  p_now                 timestamptz default now()
)
returns bigint
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_sorted  text[];
  v_setting text;
  v_id      bigint;
begin
  if not exists (select 1 from meta_sync.organizations o where o.id = p_organization_id) then
    raise exception 'no organization %', p_organization_id using errcode = 'P0002';
  end if;
  v_sorted := meta_sync.check_breakdown_set(p_breakdowns, p_attribution_windows, p_use_unified,
                                            p_with_reach, p_history_months);
  v_setting := case when coalesce(p_use_unified, false) then 'unified'
                    when cardinality(coalesce(p_attribution_windows, '{}')) > 0
                      then array_to_string(p_attribution_windows, ',')
                    else 'default' end;
  insert into meta_sync.insights_breakdown_sets
    (organization_id, breakdowns, attribution_windows, use_unified_attribution_setting, with_reach,
     history_months, breakdown_key, attribution_setting, created_at)
  values (p_organization_id, v_sorted, coalesce(p_attribution_windows, '{}'), coalesce(p_use_unified, false),
          coalesce(p_with_reach, true), coalesce(p_history_months, 13), array_to_string(v_sorted, ','),
          v_setting, p_now)
  on conflict (organization_id, breakdown_key, attribution_setting) do update
    set enabled = true, with_reach = excluded.with_reach, history_months = excluded.history_months
  returning id into v_id;
  return v_id;
end;
$$;
comment on function meta_sync.add_breakdown_set(uuid, text[], text[], boolean, boolean, integer, timestamptz) is
  'Adds (or re-enables) a breakdown set / attribution setting of an organisation after meta_sync.check_breakdown_set; returns its id. Its rows are read by the next jobs of the organisation''s accounts (every job but phase 2), one dataset breakdown:<id> chunk beside each daily one, back history_months. Unknown organisation -> P0002; what Meta refuses -> 22023.';

select meta_sync.secure_schema();
