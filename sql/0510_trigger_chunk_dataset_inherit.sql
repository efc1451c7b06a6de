-- A split chunk's children read the same dataset as their parent.

create function meta_sync.inherit_chunk_dataset()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  select c.dataset into new.dataset
  from meta_sync.sync_job_chunks c where c.id = new.parent_chunk_id;
  return new;
end;
$$;
comment on function meta_sync.inherit_chunk_dataset() is
  'Trigger: a chunk inserted with a parent_chunk_id (split_sync_chunk''s children) takes the parent''s dataset (daily or hourly).';

create trigger sync_job_chunks_inherit_dataset
  before insert on meta_sync.sync_job_chunks
  for each row when (new.parent_chunk_id is not null)
  execute function meta_sync.inherit_chunk_dataset();

select meta_sync.secure_schema();
