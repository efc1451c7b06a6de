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
  select 'adset', i.adset_id::text, a.organization_id, i.account_id::text, i.date,
         coalesce(i.currency, a.currency), sum(i.spend), sum(i.impressions)::bigint,
         sum(i.clicks)::bigint, sum(i.link_clicks)::bigint, sum(i.conversions), sum(i.revenue),
         null::bigint, null::text[]
  from meta_sync.meta_insights_daily i
  join meta_sync.meta_ad_accounts a on a.id = i.account_id
  where i.attribution_setting = 'default' and i.breakdown_key = ''
  group by i.adset_id, a.organization_id, i.account_id, i.date, coalesce(i.currency, a.currency)

  union all
  select 'campaign', i.campaign_id::text, a.organization_id, i.account_id::text, i.date,
         coalesce(i.currency, a.currency), sum(i.spend), sum(i.impressions)::bigint,
         sum(i.clicks)::bigint, sum(i.link_clicks)::bigint, sum(i.conversions), sum(i.revenue),
         null::bigint, null::text[]
  from meta_sync.meta_insights_daily i
  join meta_sync.meta_ad_accounts a on a.id = i.account_id
  where i.attribution_setting = 'default' and i.breakdown_key = ''
  group by i.campaign_id, a.organization_id, i.account_id, i.date, coalesce(i.currency, a.currency)

  union all
  select 'account', i.account_id::text, a.organization_id, i.account_id::text, i.date,
         coalesce(i.currency, a.currency), sum(i.spend), sum(i.impressions)::bigint,
         sum(i.clicks)::bigint, sum(i.link_clicks)::bigint, sum(i.conversions), sum(i.revenue),
         null::bigint, null::text[]
  from meta_sync.meta_insights_daily i
  join meta_sync.meta_ad_accounts a on a.id = i.account_id
  where i.attribution_setting = 'default' and i.breakdown_key = ''
  group by a.organization_id, i.account_id, i.date, coalesce(i.currency, a.currency)

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
    select a.organization_id, o.reporting_currency, i.date,
           coalesce(i.currency, a.currency) as source_currency,
           sum(i.spend) as spend, sum(i.impressions) as impressions, sum(i.clicks) as clicks,
           sum(i.link_clicks) as link_clicks, sum(i.conversions) as conversions,
           sum(i.revenue) as revenue,
           meta_sync.fx_convert_rate(coalesce(i.currency, a.currency), o.reporting_currency,
                                     i.date) as rate
    from meta_sync.meta_insights_daily i
    join meta_sync.meta_ad_accounts a on a.id = i.account_id
    join meta_sync.organizations o on o.id = a.organization_id
    where i.attribution_setting = 'default' and i.breakdown_key = ''
    group by a.organization_id, o.reporting_currency, i.date, coalesce(i.currency, a.currency)
  ) d
  group by d.organization_id, d.reporting_currency, d.date
) k;
comment on view meta_sync.kpi_daily is
  'KPIs per entity and day (account time zone) at level ad, adset, campaign, account and organization, from the default rows of meta_insights_daily (breakdown_key '''', attribution_setting ''default''). Money (spend, cpc, cpm, cost_per_conversion, revenue) is in currency: the account currency, or for organization rows the organisation''s reporting_currency converted per day (meta_sync.fx_convert_rate); money is NULL on an organisation day where a currency lacks a rate, listed in fx_missing_currencies. ctr is a percent (clicks x 100 / impressions, all clicks, as Meta reports it), cpm per 1000 impressions, roas = revenue / spend; every ratio is NULL when its denominator is 0. reach only at level ad (as Meta read it): reach is not additive. Filter on level and account_id or organization_id and date: the filters reach the fact table''s indexes.';

select meta_sync.secure_schema();
