"""The SQL API from Python: one async function per SQL function, named the same.

``scheduling`` (tiers, due accounts, enqueueing, onboarding), ``queue`` (claiming and finishing
chunks), ``errors`` (SQLSTATE -> exception). Modules hold no state: every function takes an
``AsyncConnection`` and passes ``now`` through as ``p_now`` when given.
"""
