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

select meta_sync.secure_schema();
