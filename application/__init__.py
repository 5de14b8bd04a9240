"""Containr's application layer: commands, handlers, ports, queries and process managers."""
