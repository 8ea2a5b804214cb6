"""Index: Declarations become an index folder on disk (immutable builds, manifest, lock) and are loaded back."""
