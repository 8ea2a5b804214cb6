"""Ingest: declaration files become Declaration records (formats, readers, layout, numbering, metadata, catalog)."""
