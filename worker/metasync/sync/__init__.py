"""The sync engine: Meta JSON -> rows and the executors of claimed chunks (the writes are
:mod:`metasync.db.writers`).

    mapping     pure: Meta JSON -> CampaignRow, AdSetRow, AdRow, CreativeRow, InsightDailyRow
                (conversions/revenue by campaign objective, one canonical action type each)
    structure   structure chunks: each edge listed once, first pages of all four in one call
                (field expansion), unlisted stored objects read by id
    insights    insights chunks: one account-level level=ad daily query (GET or report run)
    execute     runs a chunk and applies the one reaction of each error class
    usage       PostgresUsageStore: the governor's state shared by every worker
    context     ChunkContext, call counting, the dead-connection guard

The loop that claims and runs chunks is :class:`metasync.runner.Worker`.
"""
