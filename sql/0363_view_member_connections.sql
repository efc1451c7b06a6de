-- Members list their organisation's Meta connections with a plain `select *`: the table's
-- token columns are not granted to them, so `select * from meta_sync.meta_connections` is
-- refused; this view holds every other column. security_invoker: the table's policy
-- (members_read_connections) decides which rows a member sees.

create view meta_sync.member_connections
with (security_invoker = true)
as
select c.id, c.organization_id, c.label, c.token_type, c.meta_user_id, c.scopes, c.expires_at,
       c.data_access_expires_at, c.status, c.last_validated_at, c.last_error, c.created_at,
       c.updated_at
from meta_sync.meta_connections c;
comment on view meta_sync.member_connections is
  'The Meta connections of the caller''s organisations without the token (ciphertext, key id): what a member may read, with a plain select *. security_invoker; rows as the meta_connections policy allows.';

select meta_sync.secure_schema();
