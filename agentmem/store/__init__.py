"""Storage: SQLite records next to a vector index (chroma on disk, chroma server, numpy)."""
