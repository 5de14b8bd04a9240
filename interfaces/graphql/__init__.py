"""The GraphQL API (Strawberry): the one API the web UI, the CLI and scripts use."""
