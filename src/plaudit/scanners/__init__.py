"""Scanners: read SQL files, live databases and data, and report facts into a `SchemaModel`."""
