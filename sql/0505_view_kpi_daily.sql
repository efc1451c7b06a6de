-- KPIs per entity and day at every level, from the default rows of meta_insights_daily (no
-- breakdown, default attribution). Ratios are computed from the summed facts, never averaged.

create view meta_sync.kpi_daily as
select
  k.level,
  k.entity_id,
  k.organization_id,
  k.account_id,
  k.date,
  k.currency,
  k.spend,
  k.impressions,
  k.clicks,
  k.link_clicks,
  k.clicks * 100.0 / nullif(k.impressions, 0) as ctr,
  k.spend / nullif(k.clicks, 0) as cpc,
  k.spend * 1000.0 / nullif(k.impressions, 0) as cpm,
  k.conversions,
  k.spend / nullif(k.conversions, 0) as cost_per_conversion,
  k.revenue,
  k.revenue / nullif(k.spend, 0) as roas,
  k.reach,
  k.fx_missing_currencies
from (
  select 'ad'::text as level, i.ad_id::text as entity_id, a.organization_id,
         i.account_id::text as account_id, i.date, coalesce(i.currency, a.currency) as currency,
         i.spend::numeric as spend, i.impressions, i.clicks, i.link_clicks,
         i.conversions::numeric as conversions, i.revenue::numeric as revenue, i.reach,
         null::text[] as fx_missing_currencies
  from meta_sync.meta_insights_daily i
  join meta_sync.meta_ad_accounts a on a.id = i.account_id
  where i.attribution_setting = 'default' and i.breakdown_key = ''

  union all
  -- Ad sets, campaigns, accounts: the sums kept by the triggers of meta_insights_daily.
  select r.level, r.entity_id, a.organization_id, r.account_id::text, r.date,
         coalesce(r.currency, a.currency), r.spend, r.impressions, r.clicks, r.link_clicks,
         r.conversions, r.revenue, null::bigint, null::text[]
  from meta_sync.kpi_rollup_daily r
  join meta_sync.meta_ad_accounts a on a.id = r.account_id

  union all
  -- Organisation: each account currency converted at that day's rate; a day where one of
  -- them lacks a rate has NULL money and names the currency, nothing is added unconverted.
  select 'organization', d.organization_id::text, d.organization_id, null::text, d.date,
         d.reporting_currency,
         case when bool_and(d.rate is not null) then sum(d.spend * d.rate) end,
         sum(d.impressions)::bigint, sum(d.clicks)::bigint, sum(d.link_clicks)::bigint,
         sum(d.conversions),
         case when bool_and(d.rate is not null) then sum(d.revenue * d.rate) end,
         null::bigint,
         coalesce(array_agg(d.source_currency order by d.source_currency)
                    filter (where d.rate is null), '{}')
  from (
    select a.organization_id, o.reporting_currency, r.date,
           coalesce(r.currency, a.currency) as source_currency,
           sum(r.spend) as spend, sum(r.impressions) as impressions, sum(r.clicks) as clicks,
           sum(r.link_clicks) as link_clicks, sum(r.conversions) as conversions,
           sum(r.revenue) as revenue,
           meta_sync.fx_convert_rate(coalesce(r.currency, a.currency), o.reporting_currency,
                                     r.date) as rate
    from meta_sync.kpi_rollup_daily r
    join meta_sync.meta_ad_accounts a on a.id = r.account_id
    join meta_sync.organizations o on o.id = a.organization_id
    where r.level = 'account'
    group by a.organization_id, o.reporting_currency, r.date, coalesce(r.currency, a.currency)
  ) d
  group by d.organization_id, d.reporting_currency, d.date
) k;
comment on view meta_sync.kpi_daily is
  'KPIs per entity and day (account time zone) at level ad, adset, campaign, account and organization, from the default rows of meta_insights_daily (breakdown_key '''', attribution_setting ''default''): level ad from the facts, the others from kpi_rollup_daily (their sums, kept by triggers). Money (spend, cpc, cpm, cost_per_conversion, revenue) is in currency: the account currency, or for organization rows the organisation''s reporting_currency converted per day (meta_sync.fx_convert_rate); money is NULL on an organisation day where a currency lacks a rate, listed in fx_missing_currencies. ctr is a percent (clicks x 100 / impressions, all clicks, as Meta reports it), cpm per 1000 impressions, roas = revenue / spend; every ratio is NULL when its denominator is 0. reach only at level ad (as Meta read it): reach is not additive. Filter on level and account_id or organization_id and date: the filters reach the fact table''s indexes.';

select meta_sync.secure_schema();
