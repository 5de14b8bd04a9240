"""Interfaces: the CLI, HTTP and GraphQL servers and workers; bootstrap wires them."""
