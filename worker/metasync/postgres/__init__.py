"""Postgres plumbing: the embedded local cluster, connection resolution and migrations."""
