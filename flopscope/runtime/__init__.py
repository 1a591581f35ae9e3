"""The metered runtime: ledgers and contexts, the dispatch hot path, summaries."""
