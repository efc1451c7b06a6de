-- Pause or resume one ad account: a paused account gets no scheduled job and none of its
-- chunks is claimed (its open jobs wait with the reason "account paused").

create function meta_sync.set_account_paused(
  p_account_id text,
  p_paused     boolean,
  p_now        timestamptz default now()
)
returns boolean
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_account meta_sync.meta_ad_accounts;
begin
  if p_paused is null then
    raise exception 'p_paused must be true or false' using errcode = '22023';
  end if;
  v_account := meta_sync.lock_ad_account(p_account_id);
  if v_account.paused is distinct from p_paused then
    update meta_sync.meta_ad_accounts a set paused = p_paused, updated_at = p_now
    where a.id = v_account.id;
  end if;
  return v_account.paused;
end;
$$;
comment on function meta_sync.set_account_paused(text, boolean, timestamptz) is
  'Pauses (true) or resumes (false) one ad account; returns whether it was paused before. Malformed id 22007, unknown account P0002, null 22023.';

select meta_sync.secure_schema();
