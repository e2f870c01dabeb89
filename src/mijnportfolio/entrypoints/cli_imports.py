"""CLI commands of the import module (being built)."""
