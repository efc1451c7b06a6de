-- The one place an ad account id argument is validated: format, then existence; the row is locked.

create function meta_sync.lock_ad_account(p_account_id text)
returns meta_sync.meta_ad_accounts
language plpgsql
volatile
set search_path = ''
as $$
declare
  v_account meta_sync.meta_ad_accounts;
begin
  if p_account_id is null or p_account_id !~ '^act_[0-9]{1,20}$' then
    raise exception 'malformed ad account id "%": expected act_<digits>', coalesce(p_account_id, 'null')
      using errcode = '22007', hint = 'Meta ad account ids look like act_1234567890.';
  end if;
  select a.* into v_account
  from meta_sync.meta_ad_accounts a
  where a.id = p_account_id::meta_sync.ad_account_id
  for update;
  if not found then
    raise exception 'no ad account "%"', p_account_id using errcode = 'P0002';
  end if;
  return v_account;
end;
$$;
comment on function meta_sync.lock_ad_account(text) is
  'Validates an ad account id (22007 when not act_<digits>, P0002 when unknown), locks the row FOR UPDATE and returns it. Used by every scheduling function that changes an account.';
