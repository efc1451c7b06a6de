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

select meta_sync.secure_schema();
