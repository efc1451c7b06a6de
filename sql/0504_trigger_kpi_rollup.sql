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

select meta_sync.secure_schema();
