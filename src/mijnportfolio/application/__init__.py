"""Use cases, one per user intention, and the ports they need."""
