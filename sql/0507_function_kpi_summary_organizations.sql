-- kpi_summary at level organization: per organisation over a range, every account's money
-- converted into the reporting currency at each day's rate.

create function meta_sync.kpi_summary_organizations(
  p_since           date,
  p_until           date,
  p_organization_id uuid default null,
  p_account_id      text default null
)
returns table (
  level               text,
  entity_id           text,
  entity_name         text,
  effective_status    text,
  organization_id     uuid,
  account_id          text,
  currency            text,
  spend               numeric,
  impressions         bigint,
  clicks              bigint,
  link_clicks         bigint,
  ctr                 numeric,
  cpc                 numeric,
  cpm                 numeric,
  conversions         numeric,
  cost_per_conversion numeric,
  revenue             numeric,
  roas                numeric,
  reach               bigint,
  days_with_data      integer,
  fx_missing_days     date[]
)
language sql
stable
security invoker
set search_path = ''
as $$
  with scope as (
    select a.id, a.organization_id, a.currency
    from meta_sync.meta_ad_accounts a
    where (p_organization_id is null or a.organization_id = p_organization_id)
      and (p_account_id is null or a.id = p_account_id)
  ),
  account_days as (
    select s.organization_id, r.date, coalesce(r.currency, s.currency) as source_currency,
           sum(r.spend) as spend, sum(r.impressions) as impressions, sum(r.clicks) as clicks,
           sum(r.link_clicks) as link_clicks, sum(r.conversions) as conversions,
           sum(r.revenue) as revenue
    from meta_sync.kpi_rollup_daily r
    join scope s on s.id = r.account_id
    where r.level = 'account' and r.date between p_since and p_until
    group by 1, 2, 3
  ),
  converted as (
    select d.*, meta_sync.fx_convert_rate(d.source_currency, o.reporting_currency, d.date) as rate
    from account_days d
    join meta_sync.organizations o on o.id = d.organization_id
  ),
  per_org as (
    select c.organization_id,
           bool_and(c.rate is not null) as complete,
           sum(c.spend * c.rate) as spend, sum(c.revenue * c.rate) as revenue,
           sum(c.impressions)::bigint as impressions, sum(c.clicks)::bigint as clicks,
           sum(c.link_clicks)::bigint as link_clicks, sum(c.conversions) as conversions,
           count(distinct c.date)::integer as days,
           array_agg(distinct c.date order by c.date) filter (where c.rate is null) as missing
    from converted c
    group by c.organization_id
  ),
  totals as (
    select o.id, o.name, o.reporting_currency,
           case when p.complete is false then null else coalesce(p.spend, 0) end as spend,
           case when p.complete is false then null else coalesce(p.revenue, 0) end as revenue,
           coalesce(p.impressions, 0) as impressions, coalesce(p.clicks, 0) as clicks,
           coalesce(p.link_clicks, 0) as link_clicks, coalesce(p.conversions, 0) as conversions,
           coalesce(p.days, 0) as days, coalesce(p.missing, '{}') as missing
    from meta_sync.organizations o
    left join per_org p on p.organization_id = o.id
    where o.id in (select s.organization_id from scope s)
       or (p_account_id is null and (p_organization_id is null or o.id = p_organization_id))
  )
  select 'organization'::text, t.id::text, t.name, null::text, t.id, null::text,
         t.reporting_currency, t.spend, t.impressions, t.clicks, t.link_clicks,
         t.clicks * 100.0 / nullif(t.impressions, 0),
         t.spend / nullif(t.clicks, 0),
         t.spend * 1000.0 / nullif(t.impressions, 0),
         t.conversions,
         t.spend / nullif(t.conversions, 0),
         t.revenue,
         t.revenue / nullif(t.spend, 0),
         null::bigint, t.days, t.missing
  from totals t
  order by t.id;
$$;
comment on function meta_sync.kpi_summary_organizations(date, date, uuid, text) is
  'Internal to meta_sync.kpi_summary (level organization, arguments checked there): per organisation in scope, every account-day (kpi_rollup_daily) converted into reporting_currency with fx_convert_rate; money NULL when any day lacks a rate (fx_missing_days lists those days, ascending), counts summed regardless.';

select meta_sync.secure_schema();
