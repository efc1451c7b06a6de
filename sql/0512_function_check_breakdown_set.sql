-- What Meta refuses, refused when a breakdown set is configured instead of by a failing job.

create function meta_sync.check_breakdown_set(
  p_breakdowns          text[],
  p_attribution_windows text[] default '{}',
  p_use_unified         boolean default false,
  p_with_reach          boolean default true,
  p_history_months      integer default 13
)
returns text[]
language plpgsql
immutable
security invoker
set search_path = ''
as $$
declare
  c_known constant text[] := array['age', 'gender', 'country', 'region', 'dma',
    'publisher_platform', 'platform_position', 'impression_device', 'device_platform'];
  -- The combinations Meta serves (sorted); any other is refused by the Insights API (#100).
  c_allowed constant text[] := array[
    'age', 'gender', 'age,gender', 'country', 'region', 'dma', 'impression_device',
    'device_platform', 'publisher_platform', 'platform_position,publisher_platform',
    'impression_device,publisher_platform', 'impression_device,platform_position,publisher_platform',
    'device_platform,publisher_platform', 'device_platform,platform_position,publisher_platform'];
  c_windows constant text[] := array['1d_click', '7d_click', '28d_click', '1d_view', '1d_ev'];
  c_gone constant text[] := array['7d_view', '28d_view'];
  v_sorted text[];
  v_bad    text[];
begin
  select coalesce(array_agg(distinct b order by b), '{}') into v_sorted
  from unnest(coalesce(p_breakdowns, '{}')) b;
  if cardinality(v_sorted) <> cardinality(coalesce(p_breakdowns, '{}')) then
    raise exception 'breakdowns must not repeat a dimension: %', p_breakdowns using errcode = '22023';
  end if;
  if 'hourly_stats_aggregated_by_advertiser_time_zone' = any (v_sorted) then
    raise exception 'hourly data is not a breakdown set: switch it on per tier (meta_sync_config.hourly_enabled)'
      using errcode = '22023';
  end if;
  select array_agg(b) into v_bad from unnest(v_sorted) b where b <> all (c_known);
  if v_bad is not null then
    raise exception 'unknown breakdown(s) %', v_bad
      using errcode = '22023', hint = 'Known: ' || array_to_string(c_known, ', ') || '.';
  end if;
  if cardinality(v_sorted) > 0 and array_to_string(v_sorted, ',') <> all (c_allowed) then
    raise exception 'Meta does not serve the breakdown combination %', array_to_string(v_sorted, ' + ')
      using errcode = '22023',
            hint = 'Allowed: ' || array_to_string(c_allowed, '; ') || ' (platform_position needs publisher_platform).';
  end if;
  select array_agg(w) into v_bad from unnest(coalesce(p_attribution_windows, '{}')) w where w = any (c_gone);
  if v_bad is not null then
    raise exception 'Meta no longer returns the attribution window(s) %', v_bad
      using errcode = '22023', hint = 'Use ' || array_to_string(c_windows, ', ') || '.';
  end if;
  select array_agg(w) into v_bad from unnest(coalesce(p_attribution_windows, '{}')) w where w <> all (c_windows);
  if v_bad is not null then
    raise exception 'unknown attribution window(s) %', v_bad
      using errcode = '22023', hint = 'Use ' || array_to_string(c_windows, ', ') || '.';
  end if;
  if coalesce(p_use_unified, false) and cardinality(coalesce(p_attribution_windows, '{}')) > 0 then
    raise exception 'use_unified_attribution_setting and action_attribution_windows exclude each other'
      using errcode = '22023';
  end if;
  if cardinality(v_sorted) = 0 and cardinality(coalesce(p_attribution_windows, '{}')) = 0
     and not coalesce(p_use_unified, false) then
    raise exception 'an empty set: give breakdowns, attribution windows or use_unified_attribution_setting'
      using errcode = '22023';
  end if;
  if coalesce(p_with_reach, true) and cardinality(v_sorted) > 0 and coalesce(p_history_months, 13) > 13 then
    raise exception 'Meta omits reach for breakdowns older than 13 months: history_months % with reach', p_history_months
      using errcode = '22023', hint = 'Use history_months <= 13, or with_reach => false.';
  end if;
  return v_sorted;
end;
$$;
comment on function meta_sync.check_breakdown_set(text[], text[], boolean, boolean, integer) is
  'Refuses (22023, with a hint) what Meta refuses for a breakdown set: unknown breakdowns, combinations the Insights API does not serve (allowed: age; gender; age+gender; country; region; dma; impression_device; device_platform; publisher_platform alone or with platform_position, impression_device or device_platform, and the three-way ones), the hourly breakdown (a tier switch instead), windows Meta no longer returns (7d_view, 28d_view) or does not know, unified attribution together with windows, an empty set, and reach asked for breakdowns older than 13 months. Returns the breakdowns sorted.';

select meta_sync.secure_schema();
