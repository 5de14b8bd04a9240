"""Projections: read models built from the one event sequence."""
