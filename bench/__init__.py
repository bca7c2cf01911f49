"""Benchmarks of our search against SQLite FTS5 and tantivy on a SYNTHETIC corpus (see bench/README.md)."""
