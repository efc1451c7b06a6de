"""meta-sync: keep a Postgres (or Supabase) database in step with the Meta Marketing API."""

__version__ = "0.2.0"
