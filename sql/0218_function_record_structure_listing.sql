-- The account's campaigns, ad sets, ads and creatives were listed: the structure is fresh as of
-- when the listing started (the next incremental listing reads updated_since from it, and the
-- schedule decides from it when to list again).

create function meta_sync.record_structure_listing(
  p_account_id text,
  p_listed_at  timestamptz
)
returns void
language plpgsql
security invoker
set search_path = ''
as $$
declare
  v_tz text;
begin
  if p_listed_at is null then
    raise exception 'the listing''s start is required' using errcode = '22023';
  end if;
  select a.timezone_name into v_tz from meta_sync.meta_ad_accounts as a where a.id = p_account_id;
  if not found then
    raise exception 'ad account % not found', p_account_id using errcode = 'P0002';
  end if;
  insert into meta_sync.data_freshness as f (account_id, dataset, fresh_through, synced_at)
  values (p_account_id, 'structure', meta_sync.account_today(v_tz, p_listed_at), p_listed_at)
  on conflict (account_id, dataset) do update
    set fresh_through = greatest(f.fresh_through, excluded.fresh_through),
        synced_at = greatest(f.synced_at, excluded.synced_at);
end;
$$;
comment on function meta_sync.record_structure_listing(text, timestamptz) is
  'Records that the account''s structure was listed, as of p_listed_at (when the listing started): data_freshness structure synced_at and fresh_through, never moved backwards. Called by complete_sync_chunk for structure chunks and by the worker when an insights chunk lists the structure first. Unknown account P0002, NULL p_listed_at 22023.';
