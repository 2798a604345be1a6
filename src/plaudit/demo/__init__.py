"""The embedded demo: a synthetic consumer-finance SQLite database, its catalog and generator."""
