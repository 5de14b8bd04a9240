"""Containr's domain: aggregates, their events, value objects and pure policies."""
