"""Every SQL statement the Python runs: one function per SQL function or query, a module per area.

``scheduling`` (tiers, due accounts, enqueueing, onboarding), ``queue`` (claiming and finishing
chunks, manual syncs), ``ratelimit`` (the shared rate-limit state), ``accounts`` (organisations,
ad accounts), ``connections`` (token ciphertext rows), ``entities`` and ``insights`` (stored data
the sync and the checks read; the history window), ``writers`` (COPY + upsert of Meta's rows),
``status`` (the status view, job progress), ``notify`` (LISTEN / NOTIFY), ``migrations`` and
``databases`` (synchronous: the migration history, whole databases), ``errors`` (SQLSTATE ->
exception). Modules hold no state: every function takes a connection (the caller owns the
transaction); a ``now`` argument is the ``p_now`` of the call, and ``None`` (the default,
production) means the database's own ``now()``.
"""
