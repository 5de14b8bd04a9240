"""Read-model storage: SQL tables for projections on PostgreSQL or SQLite, and their runners."""
