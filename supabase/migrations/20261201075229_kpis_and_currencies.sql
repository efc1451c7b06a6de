-- KPIs and currencies: organisation reporting currency, money columns that name their currency,
-- Meta's currency offsets, fx_rates, kpi_daily, kpi_summary, budgets in major units.

alter table meta_sync.organizations
  add column reporting_currency text not null default 'USD'
    constraint organization_reporting_currency_iso check (reporting_currency ~ '^[A-Z]{3}$');
comment on column meta_sync.organizations.reporting_currency is
  'ISO 4217 code the organisation''s rollups (kpi_daily / kpi_summary level organization) are converted into, day by day, with meta_sync.fx_rates.';
comment on column meta_sync.meta_ad_accounts.currency is
  'ISO 4217 currency of every amount of the account (insights in major units, budgets in minor units: meta_sync.currency_offset).';
comment on column meta_sync.meta_campaigns.daily_budget is
  'Minor units of the account currency (meta_ad_accounts.currency) as Meta sends them: major amount x meta_sync.currency_offset(currency). meta_sync.budgets shows major units.';
comment on column meta_sync.meta_campaigns.lifetime_budget is
  'Minor units of the account currency, like daily_budget.';
comment on column meta_sync.meta_adsets.daily_budget is
  'Minor units of the account currency (meta_ad_accounts.currency) as Meta sends them: major amount x meta_sync.currency_offset(currency). meta_sync.budgets shows major units.';
comment on column meta_sync.meta_adsets.lifetime_budget is
  'Minor units of the account currency, like daily_budget.';
comment on column meta_sync.meta_insights_daily.currency is
  'The account currency (ISO 4217) of spend and revenue, as Meta reports it (account_currency).';
comment on column meta_sync.meta_insights_daily.spend is 'Amount spent, major units of currency (JPY: whole yen).';
comment on column meta_sync.meta_insights_daily.revenue is 'Value of the counted conversions, major units of currency.';

-- 0400_function_currency_offset.sql
-- Meta's currency offset: budgets, bids and other minor-unit amounts are the major amount times
-- the offset (100 for most currencies, 1 for the zero-decimal ones).

create function meta_sync.currency_offset(p_currency text)
returns integer
language sql
immutable
parallel safe
security invoker
set search_path = ''
as $$
  select case
    when p_currency is null then null
    when p_currency in ('CLP', 'COP', 'CRC', 'HUF', 'ISK', 'IDR', 'JPY', 'KRW', 'PYG', 'TWD', 'VND')
      then 1
    else 100
  end;
$$;
comment on function meta_sync.currency_offset(text) is
  'Meta''s offset of a currency (its Marketing API currency table): 1 for CLP, COP, CRC, HUF, ISK, IDR, JPY, KRW, PYG, TWD, VND, 100 for every other; NULL for NULL. Budgets and bids Meta sends are major amount x offset; insights money (spend, action values) is already in major units.';


-- 0401_table_fx_rates.sql
-- Reference exchange rates, EUR-based as the ECB publishes them: rate = units of `currency`
-- for 1 EUR on `date`. Loaded by `metasync fx import FILE`; shared by every organisation.

create table meta_sync.fx_rates (
  currency     text not null constraint fx_rates_currency_iso check (currency ~ '^[A-Z]{3}$'),
  date         date not null,
  rate         numeric(24, 10) not null constraint fx_rates_rate_positive check (rate > 0),
  source       text not null default 'import',
  imported_at  timestamptz not null default now(),
  constraint fx_rates_eur_is_one check (currency <> 'EUR' or rate = 1),
  primary key (currency, date)
);
comment on table meta_sync.fx_rates is
  'Exchange rates per day: rate = units of currency for 1 EUR (the ECB reference-rate convention; EUR itself is always 1 and need not be stored). Days without a rate (weekends, holidays) use the latest earlier rate within 7 days (meta_sync.fx_convert_rate).';
comment on column meta_sync.fx_rates.rate is 'Units of currency for 1 EUR on date.';
comment on column meta_sync.fx_rates.source is 'Where the rate came from: ecb (ECB CSV) or csv (date,currency,rate file), or any label.';

-- Reference data, not tenant data: every signed-in user may read it; only the service role
-- and the worker (metasync fx import) write it.
create policy members_read_fx_rates on meta_sync.fx_rates
  for select to authenticated
  using (true);
grant select on meta_sync.fx_rates to authenticated;
grant select, insert, update, delete on meta_sync.fx_rates to meta_sync_worker;


-- 0402_function_fx_convert_rate.sql
-- The factor that converts an amount of one currency into another on one day.

create function meta_sync.fx_convert_rate(
  p_from text,
  p_to   text,
  p_date date
)
returns numeric
language sql
stable
parallel safe
security invoker
set search_path = ''
as $$
  select case
    when p_from is null or p_to is null or p_date is null then null
    when p_from = p_to then 1::numeric
    else
      (case when p_to = 'EUR' then 1::numeric else
        (select r.rate from meta_sync.fx_rates r
         where r.currency = p_to and r.date <= p_date and r.date >= p_date - 7
         order by r.date desc limit 1) end)
      /
      (case when p_from = 'EUR' then 1::numeric else
        (select r.rate from meta_sync.fx_rates r
         where r.currency = p_from and r.date <= p_date and r.date >= p_date - 7
         order by r.date desc limit 1) end)
  end;
$$;
comment on function meta_sync.fx_convert_rate(text, text, date) is
  'Factor converting an amount in p_from into p_to on p_date (amount * factor): 1 for the same currency; else rate(p_to) / rate(p_from) from meta_sync.fx_rates (EUR = 1), each the rate of p_date or the latest earlier one within 7 days. NULL when either rate is missing: callers show the day as lacking a rate, never add unconverted amounts.';


-- 0403_view_kpi_daily.sql
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


-- 0404_function_kpi_summary.sql
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
    select case p_level when 'ad' then i.ad_id::text when 'adset' then i.adset_id::text
                        when 'campaign' then i.campaign_id::text else i.account_id::text end as entity_id,
           i.account_id::text as account_id,
           max(i.currency) as currency,
           sum(i.spend) as spend, sum(i.impressions)::bigint as impressions,
           sum(i.clicks)::bigint as clicks, sum(i.link_clicks)::bigint as link_clicks,
           sum(i.conversions) as conversions, sum(i.revenue) as revenue,
           -- reach is read per ad and day: only that is a true reach, nothing is summed.
           max(i.reach) filter (where p_level = 'ad' and p_since = p_until) as reach,
           count(distinct i.date)::integer as days
    from meta_sync.meta_insights_daily i
    where i.account_id in (select s.id from scope s)
      and i.date between p_since and p_until
      and i.attribution_setting = 'default' and i.breakdown_key = ''
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
  'KPIs per entity of p_level (ad, adset, campaign, account, organization) over p_since..p_until (account days), from the default rows of meta_insights_daily; scope = p_account_id, else p_organization_id, else every account the caller can see. Every entity of the scope appears (stored campaigns, ad sets, ads, archived and deleted included; accounts; organisations), with zeros and NULL ratios when it had no data; entity_name and effective_status from the entity tables. Money in currency: the account currency, or for organization the reporting_currency converted day by day (fx_convert_rate); organisation money is NULL when a day lacks a rate, and fx_missing_days lists those days. ctr in percent, cpm per 1000 impressions, roas = revenue / spend, ratios of the range totals, NULL when the denominator is 0. reach only for level ad over a single day (reach is not additive). days_with_data = days with a fact row. Bad level or range -> 22023, malformed account id -> 22007, unknown account or organization (or the account not in it) -> P0002.';


-- 0405_function_kpi_summary_organizations.sql
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
    select s.organization_id, i.date, coalesce(i.currency, s.currency) as source_currency,
           sum(i.spend) as spend, sum(i.impressions) as impressions, sum(i.clicks) as clicks,
           sum(i.link_clicks) as link_clicks, sum(i.conversions) as conversions,
           sum(i.revenue) as revenue
    from meta_sync.meta_insights_daily i
    join scope s on s.id = i.account_id
    where i.date between p_since and p_until
      and i.attribution_setting = 'default' and i.breakdown_key = ''
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
  'Internal to meta_sync.kpi_summary (level organization, arguments checked there): per organisation in scope, every account-day converted into reporting_currency with fx_convert_rate; money NULL when any day lacks a rate (fx_missing_days lists those days, ascending), counts summed regardless.';


-- 0406_view_budgets.sql
-- Campaign and ad set budgets in major units of the account currency.

create view meta_sync.budgets as
select 'campaign'::text as level, c.id::text as entity_id, c.account_id::text as account_id,
       a.currency,
       c.daily_budget / meta_sync.currency_offset(a.currency)::numeric as daily_budget,
       c.lifetime_budget / meta_sync.currency_offset(a.currency)::numeric as lifetime_budget,
       c.daily_budget as daily_budget_minor,
       c.lifetime_budget as lifetime_budget_minor,
       c.effective_status
from meta_sync.meta_campaigns c
join meta_sync.meta_ad_accounts a on a.id = c.account_id
union all
select 'adset', s.id::text, s.account_id::text, a.currency,
       s.daily_budget / meta_sync.currency_offset(a.currency)::numeric,
       s.lifetime_budget / meta_sync.currency_offset(a.currency)::numeric,
       s.daily_budget, s.lifetime_budget, s.effective_status
from meta_sync.meta_adsets s
join meta_sync.meta_ad_accounts a on a.id = s.account_id;
comment on view meta_sync.budgets is
  'Campaign and ad set budgets: daily_budget / lifetime_budget in major units of currency (the account currency): Meta''s minor-unit amount divided by meta_sync.currency_offset (1 for JPY, KRW, CLP and the other zero-decimal currencies, else 100); the *_minor columns as Meta sent them. NULL where the object has no budget of that kind.';


select meta_sync.secure_schema();
