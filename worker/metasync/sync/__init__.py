"""The sync engine: Meta JSON -> rows, writers, and the executors of claimed chunks.

    mapping     pure: Meta JSON -> CampaignRow, AdSetRow, AdRow, CreativeRow, InsightDailyRow
                (conversions/revenue by campaign objective, one canonical action type each)
    writers     upsert_rows (COPY into a temp table + ONE insert ... on conflict ... where
                changed), measure_upsert_vs_copy (the upsert's throughput vs a plain COPY)
    structure   structure chunks: each edge listed once, first pages of all four in one call
                (field expansion), unlisted stored objects read by id
    insights    insights chunks: one account-level level=ad daily query (GET or report run)
    execute     runs a chunk and applies the one reaction of each error class
    usage       PostgresUsageStore: the governor's state shared by every worker
    context     ChunkContext, call counting, the dead-connection guard

The loop that claims and runs chunks is :class:`metasync.runner.Worker`.
"""
