-- "Today" of an ad account: days are counted in the account's time zone.

create function meta_sync.account_today(p_timezone_name text, p_now timestamptz default now())
returns date
language sql
stable
parallel safe
set search_path = ''
as $$
  select (p_now at time zone p_timezone_name)::date
$$;
comment on function meta_sync.account_today(text, timestamptz) is
  'The calendar date of p_now in the account time zone: the last day any insights range may end on.';
