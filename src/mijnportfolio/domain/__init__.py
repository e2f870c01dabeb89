"""The rules of examining: entities, value objects, policies. Standard library and attrs only."""
