"""Entrypoints: the web app, the CLI, and the composition root that wires them."""
