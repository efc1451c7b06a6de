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

select meta_sync.secure_schema();
