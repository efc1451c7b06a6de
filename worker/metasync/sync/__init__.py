"""The sync engine: mapping Meta JSON to rows, writers, and the chunk executors."""
