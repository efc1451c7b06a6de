-- Organisation names are unique, compared without case and surrounding blanks: "Acme" and
-- " acme" are one organisation, so a typo in case never creates a second one.
-- (The migration that adds the index first renames the younger duplicates of an existing
-- database: "<name> (<first 8 characters of its id>)"; nothing is merged or dropped.)

create unique index organizations_name_key
  on meta_sync.organizations (pg_catalog.lower(pg_catalog.btrim(name)));
comment on index meta_sync.organizations_name_key is
  'Organisation names are unique case-insensitively (lower(btrim(name))); meta_sync.ensure_organization matches the same way.';
