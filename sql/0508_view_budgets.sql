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
