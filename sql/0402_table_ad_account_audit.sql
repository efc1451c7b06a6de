-- Who moved or removed which ad account, and when: the tenancy trail.

create table meta_sync.ad_account_audit (
  id                    bigint generated always as identity primary key,
  account_id            text not null,
  action                text not null constraint ad_account_audit_action_known
                        check (action in ('move', 'remove')),
  from_organization_id  uuid,
  from_organization     text,
  to_organization_id    uuid,
  to_organization       text,
  jobs                  integer not null default 0,
  actor                 text not null constraint ad_account_audit_actor_not_blank check (btrim(actor) <> ''),
  reason                text,
  at                    timestamptz not null default now()
);
create index ad_account_audit_account_id_idx on meta_sync.ad_account_audit (account_id, at desc);
comment on table meta_sync.ad_account_audit is
  'One row per move of an ad account to another organisation (move_ad_account) or removal (remove_ad_account): the account, both organisations (id and name at the time, kept when they are deleted later), how many jobs went with it, who (actor) and when (at). Never updated.';
comment on column meta_sync.ad_account_audit.jobs is
  'move: the jobs moved with the account; remove: the jobs deleted with it.';

select meta_sync.secure_schema();
