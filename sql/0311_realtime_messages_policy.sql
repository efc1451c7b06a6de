-- Realtime authorization: a private channel org:<organization_id>:sync may be joined (and its
-- broadcasts received) only by signed-in members of that organization. Realtime checks this
-- with RLS on realtime.messages, using realtime.topic() (the channel being joined).

create function meta_sync_private.is_sync_topic_member(p_topic text)
returns boolean
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  v_match text[] := pg_catalog.regexp_match(
    p_topic, '^org:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):sync$');
begin
  if v_match is null then
    return false;
  end if;
  return meta_sync_private.is_org_member(v_match[1]::uuid);
end;
$$;
comment on function meta_sync_private.is_sync_topic_member(text) is
  'True when the topic is org:<organization_id>:sync and the signed-in user belongs to that organization. Used by the policy on realtime.messages.';

-- The policy, only where Supabase Realtime's table exists (Realtime creates it on Supabase).
create function meta_sync.authorize_realtime_topics()
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  if pg_catalog.to_regclass('realtime.messages') is null then
    return false;
  end if;
  execute 'drop policy if exists meta_sync_members_receive_sync_progress on realtime.messages';
  execute $p$
    create policy meta_sync_members_receive_sync_progress on realtime.messages
      for select to authenticated
      using (
        realtime.messages.extension = 'broadcast'
        and realtime.messages.topic = (select realtime.topic())
        and meta_sync_private.is_sync_topic_member((select realtime.topic()))
      )
  $p$;
  return true;
end;
$$;
comment on function meta_sync.authorize_realtime_topics() is
  'Creates (or recreates) the policy on realtime.messages that lets signed-in members of organization X receive broadcasts on org:X:sync; returns false where realtime.messages does not exist. Idempotent; run by the migration (and again after enabling Realtime).';

select meta_sync.authorize_realtime_topics();
