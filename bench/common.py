"""Helpers shared by the benchmarks: a scratch PostgreSQL schema and the BENCH line."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

import psycopg

from application.secrets import Secret
from application.settings import Settings
from interfaces.bootstrap import migrate

PG_URL = os.environ.get("CONTAINR_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextmanager
def scratch_postgres(pool_size: int = 4, url: str = PG_URL) -> Iterator[Settings]:
    """Settings for a migrated schema of its own (in ``url``'s database), dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=str(Path(tmp) / "data"),
            database_url=url,
            database_schema=schema,
            database_pool_size=pool_size,
            secret_key=Secret("bench-master-key-" + "x" * 32),
        )
        migrate(settings)
        try:
            yield settings
        finally:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
                conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_rm" CASCADE')


def bench_line(name: str, value: float, unit: str, baseline_value: float, baseline: str) -> str:
    """The headline format every benchmark ends with."""
    ratio = value / baseline_value if baseline_value else float("nan")
    return f"BENCH {name} {value:.4g} {unit} ratio={ratio:.3f} baseline={baseline}"
