-- KPIs per entity over a date range: every entity of the scope appears, with zeros when it had
-- no data (campaigns that have not spent yet).

create function meta_sync.kpi_summary(
  p_level           text,
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
language plpgsql
stable
security invoker
set search_path = ''
as $$
#variable_conflict use_column
begin
  if p_level is null or p_level not in ('ad', 'adset', 'campaign', 'account', 'organization') then
    raise exception 'unknown KPI level "%"', p_level
      using errcode = '22023', hint = 'Use ad, adset, campaign, account or organization.';
  end if;
  if p_since is null or p_until is null or p_since > p_until then
    raise exception 'bad date range % .. %: both dates are required and since <= until', p_since, p_until
      using errcode = '22023';
  end if;
  if p_account_id is not null then
    if p_account_id !~ '^act_[0-9]{1,20}$' then
      raise exception 'malformed ad account id "%": expected act_<digits>', p_account_id
        using errcode = '22007';
    end if;
    if not exists (select 1 from meta_sync.meta_ad_accounts a
                   where a.id = p_account_id
                     and (p_organization_id is null or a.organization_id = p_organization_id)) then
      raise exception 'no ad account % (in organization %)', p_account_id, coalesce(p_organization_id::text, 'any')
        using errcode = 'P0002';
    end if;
  elsif p_organization_id is not null
        and not exists (select 1 from meta_sync.organizations o where o.id = p_organization_id) then
    raise exception 'no organization %', p_organization_id using errcode = 'P0002';
  end if;

  if p_level = 'organization' then
    return query select * from meta_sync.kpi_summary_organizations(p_since, p_until, p_organization_id, p_account_id);
    return;
  end if;

  return query
  with scope as (
    select a.id, a.organization_id, a.currency, a.name
    from meta_sync.meta_ad_accounts a
    where (p_organization_id is null or a.organization_id = p_organization_id)
      and (p_account_id is null or a.id = p_account_id)
  ),
  facts as (
    select i.ad_id::text as entity_id, i.account_id::text as account_id,
           max(i.currency) as currency,
           sum(i.spend) as spend, sum(i.impressions)::bigint as impressions,
           sum(i.clicks)::bigint as clicks, sum(i.link_clicks)::bigint as link_clicks,
           sum(i.conversions) as conversions, sum(i.revenue) as revenue,
           -- reach is read per ad and day: only that is a true reach, nothing is summed.
           max(i.reach) filter (where p_since = p_until) as reach,
           count(*)::integer as days
    from meta_sync.meta_insights_daily i
    where p_level = 'ad'
      and i.account_id in (select s.id from scope s)
      and i.date between p_since and p_until
      and i.attribution_setting = 'default' and i.breakdown_key = ''
    group by 1, 2
    union all
    select r.entity_id, r.account_id::text, max(r.currency), sum(r.spend),
           sum(r.impressions)::bigint, sum(r.clicks)::bigint, sum(r.link_clicks)::bigint,
           sum(r.conversions), sum(r.revenue), null::bigint, count(*)::integer
    from meta_sync.kpi_rollup_daily r
    where p_level <> 'ad' and r.level = p_level
      and r.account_id in (select s.id from scope s)
      and r.date between p_since and p_until
    group by 1, 2
  ),
  entities as (
    select c.id::text as entity_id, c.account_id::text as account_id, c.name, c.effective_status
    from meta_sync.meta_campaigns c
    where p_level = 'campaign' and c.account_id in (select s.id from scope s)
    union all
    select s2.id::text, s2.account_id::text, s2.name, s2.effective_status
    from meta_sync.meta_adsets s2
    where p_level = 'adset' and s2.account_id in (select s.id from scope s)
    union all
    select ad.id::text, ad.account_id::text, ad.name, ad.effective_status
    from meta_sync.meta_ads ad
    where p_level = 'ad' and ad.account_id in (select s.id from scope s)
    union all
    select s.id::text, s.id::text, s.name, null::text
    from scope s
    where p_level = 'account'
  ),
  totals as (
    select coalesce(e.entity_id, f.entity_id) as entity_id,
           coalesce(e.account_id, f.account_id) as account_id,
           e.name, e.effective_status, f.currency,
           coalesce(f.spend, 0) as spend, coalesce(f.impressions, 0) as impressions,
           coalesce(f.clicks, 0) as clicks, coalesce(f.link_clicks, 0) as link_clicks,
           coalesce(f.conversions, 0) as conversions, coalesce(f.revenue, 0) as revenue,
           f.reach, coalesce(f.days, 0) as days
    from entities e
    full join facts f on f.entity_id = e.entity_id and f.account_id = e.account_id
  )
  select p_level, t.entity_id, t.name, t.effective_status, s.organization_id, s.id::text,
         coalesce(s.currency, t.currency),
         t.spend, t.impressions, t.clicks, t.link_clicks,
         t.clicks * 100.0 / nullif(t.impressions, 0),
         t.spend / nullif(t.clicks, 0),
         t.spend * 1000.0 / nullif(t.impressions, 0),
         t.conversions,
         t.spend / nullif(t.conversions, 0),
         t.revenue,
         t.revenue / nullif(t.spend, 0),
         t.reach, t.days, null::date[]
  from totals t
  join scope s on s.id = t.account_id
  where t.entity_id is not null
  order by s.id, t.entity_id;
end;
$$;
comment on function meta_sync.kpi_summary(text, date, date, uuid, text) is
  'KPIs per entity of p_level (ad, adset, campaign, account, organization) over p_since..p_until (account days), from the default rows of meta_insights_daily (level ad from the facts, the others from kpi_rollup_daily); scope = p_account_id, else p_organization_id, else every account the caller can see. Every entity of the scope appears (stored campaigns, ad sets, ads, archived and deleted included; accounts; organisations), with zeros and NULL ratios when it had no data; entity_name and effective_status from the entity tables. Money in currency: the account currency, or for organization the reporting_currency converted day by day (fx_convert_rate); organisation money is NULL when a day lacks a rate, and fx_missing_days lists those days. ctr in percent, cpm per 1000 impressions, roas = revenue / spend, ratios of the range totals, NULL when the denominator is 0. reach only for level ad over a single day (reach is not additive). days_with_data = days with a fact row. Bad level or range -> 22023, malformed account id -> 22007, unknown account or organization (or the account not in it) -> P0002.';

select meta_sync.secure_schema();
