-- KPI rollups: kpi_rollup_daily (ad set, campaign and account sums per day) kept by statement
-- triggers of meta_insights_daily, filled from the facts already stored; kpi_daily and
-- kpi_summary read it above the ad level.

-- 0403_table_kpi_rollup_daily.sql
-- The default insights rows summed per ad set, campaign and account and day, kept in step with
-- meta_insights_daily by its statement triggers (sql/0408): what kpi_daily and kpi_summary read
-- above the ad level, so a 90-day campaign query reads one row per campaign and day.

create table meta_sync.kpi_rollup_daily (
  account_id   meta_sync.ad_account_id not null references meta_sync.meta_ad_accounts (id) on delete cascade,
  level        text not null constraint kpi_rollup_level_known check (level in ('adset', 'campaign', 'account')),
  date         date not null,
  entity_id    text not null,
  currency     text,
  spend        numeric not null,
  impressions  bigint not null,
  clicks       bigint not null,
  link_clicks  bigint not null,
  conversions  numeric not null,
  revenue      numeric not null,
  ad_rows      integer not null,
  primary key (account_id, level, date, entity_id)
);
comment on table meta_sync.kpi_rollup_daily is
  'Sums of the default rows (breakdown_key '''', attribution_setting ''default'') of meta_insights_daily per level (adset, campaign, account), entity and day; money in currency (the account currency, major units). Maintained by the statement triggers of meta_insights_daily (refresh_kpi_rollup): never write it directly. Read kpi_daily instead.';
comment on column meta_sync.kpi_rollup_daily.ad_rows is 'Ad-day rows summed into this row.';

create policy members_read_kpi_rollup on meta_sync.kpi_rollup_daily
  for select to authenticated
  using (account_id in (select a.id from meta_sync.meta_ad_accounts a));
grant select on meta_sync.kpi_rollup_daily to authenticated;
-- The worker writes it through the triggers of the facts it writes (security invoker).
grant select, insert, update, delete on meta_sync.kpi_rollup_daily to meta_sync_worker;


-- 0404_trigger_kpi_rollup.sql
-- Keeps kpi_rollup_daily equal to the sums of meta_insights_daily: after every statement that
-- writes default rows, the account-days it touched are summed again from the facts.

create function meta_sync.refresh_kpi_rollup()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  v_accounts text[];
  v_dates    date[];
  v_i        integer;
begin
  if tg_op = 'TRUNCATE' then
    truncate meta_sync.kpi_rollup_daily;
    return null;
  end if;
  if tg_op = 'INSERT' then
    select array_agg(t.account_id order by t.account_id, t.date), array_agg(t.date order by t.account_id, t.date)
      into v_accounts, v_dates
    from (select distinct n.account_id::text as account_id, n.date from new_rows n
          where n.attribution_setting = 'default' and n.breakdown_key = '') t;
  elsif tg_op = 'UPDATE' then
    select array_agg(t.account_id order by t.account_id, t.date), array_agg(t.date order by t.account_id, t.date)
      into v_accounts, v_dates
    from (select n.account_id::text as account_id, n.date from new_rows n
          where n.attribution_setting = 'default' and n.breakdown_key = ''
          union
          select o.account_id::text, o.date from old_rows o
          where o.attribution_setting = 'default' and o.breakdown_key = '') t;
  else
    select array_agg(t.account_id order by t.account_id, t.date), array_agg(t.date order by t.account_id, t.date)
      into v_accounts, v_dates
    from (select distinct o.account_id::text as account_id, o.date from old_rows o
          where o.attribution_setting = 'default' and o.breakdown_key = '') t;
  end if;
  if v_accounts is null then
    return null;
  end if;
  -- Writers of the same account-day (split chunks of one day) take turns, always in the same
  -- order, so each sums the facts the other committed.
  for v_i in 1 .. pg_catalog.cardinality(v_accounts) loop
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext(v_accounts[v_i]),
                                             v_dates[v_i] - date '2000-01-01');
  end loop;
  delete from meta_sync.kpi_rollup_daily r
  using unnest(v_accounts, v_dates) t(account_id, date)
  where r.account_id = t.account_id and r.date = t.date;
  insert into meta_sync.kpi_rollup_daily
    (account_id, level, date, entity_id, currency, spend, impressions, clicks, link_clicks,
     conversions, revenue, ad_rows)
  select i.account_id, g.level, i.date, g.entity_id, max(i.currency), sum(i.spend),
         sum(i.impressions), sum(i.clicks), sum(i.link_clicks), sum(i.conversions),
         sum(i.revenue), count(*)
  from unnest(v_accounts, v_dates) t(account_id, date)
  join meta_sync.meta_insights_daily i on i.account_id = t.account_id and i.date = t.date
  cross join lateral (values ('adset', i.adset_id::text), ('campaign', i.campaign_id::text),
                             ('account', i.account_id::text)) g(level, entity_id)
  where i.attribution_setting = 'default' and i.breakdown_key = '' and g.entity_id is not null
  group by i.account_id, g.level, i.date, g.entity_id;
  return null;
end;
$$;
comment on function meta_sync.refresh_kpi_rollup() is
  'Statement trigger of meta_insights_daily: the account-days whose default rows the statement inserted, changed or deleted are summed again into kpi_rollup_daily (per ad set, campaign, account), under a transaction advisory lock per account-day taken in order; TRUNCATE empties the rollup.';

create trigger meta_insights_daily_rollup_insert
  after insert on meta_sync.meta_insights_daily
  referencing new table as new_rows
  for each statement execute function meta_sync.refresh_kpi_rollup();
create trigger meta_insights_daily_rollup_update
  after update on meta_sync.meta_insights_daily
  referencing old table as old_rows new table as new_rows
  for each statement execute function meta_sync.refresh_kpi_rollup();
create trigger meta_insights_daily_rollup_delete
  after delete on meta_sync.meta_insights_daily
  referencing old table as old_rows
  for each statement execute function meta_sync.refresh_kpi_rollup();
create trigger meta_insights_daily_rollup_truncate
  after truncate on meta_sync.meta_insights_daily
  for each statement execute function meta_sync.refresh_kpi_rollup();


-- The facts already stored.
insert into meta_sync.kpi_rollup_daily
  (account_id, level, date, entity_id, currency, spend, impressions, clicks, link_clicks,
   conversions, revenue, ad_rows)
select i.account_id, g.level, i.date, g.entity_id, max(i.currency), sum(i.spend),
       sum(i.impressions), sum(i.clicks), sum(i.link_clicks), sum(i.conversions),
       sum(i.revenue), count(*)
from meta_sync.meta_insights_daily i
cross join lateral (values ('adset', i.adset_id::text), ('campaign', i.campaign_id::text),
                           ('account', i.account_id::text)) g(level, entity_id)
where i.attribution_setting = 'default' and i.breakdown_key = '' and g.entity_id is not null
group by i.account_id, g.level, i.date, g.entity_id;

-- 0405_view_kpi_daily.sql
-- KPIs per entity and day at every level, from the default rows of meta_insights_daily (no
-- breakdown, default attribution). Ratios are computed from the summed facts, never averaged.

create or replace view meta_sync.kpi_daily as
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


-- 0406_function_kpi_summary.sql
-- KPIs per entity over a date range: every entity of the scope appears, with zeros when it had
-- no data (campaigns that have not spent yet).

create or replace function meta_sync.kpi_summary(
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


-- 0407_function_kpi_summary_organizations.sql
-- kpi_summary at level organization: per organisation over a range, every account's money
-- converted into the reporting currency at each day's rate.

create or replace function meta_sync.kpi_summary_organizations(
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
