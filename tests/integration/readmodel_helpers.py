"""Helpers for read-model tests: dump a generation's rows for row-for-row comparisons."""

from __future__ import annotations

from typing import Any

from adapters.readstore.host import ReadModelHost
from adapters.readstore.reader import SqlReadStore


def dump(
    reader: SqlReadStore, host: ReadModelHost, model: str, generation: int | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of a model's generation, in key order."""
    projection = host.projections[model]
    gen = generation if generation is not None else reader.generation(model)
    return {
        table.name: reader.select(model, table, order_by=table.key, generation=gen)
        for table in projection.tables
    }


def rebuilt_dump(
    reader: SqlReadStore, host: ReadModelHost, model: str, position: int
) -> dict[str, list[dict[str, Any]]]:
    """A from-scratch build up to ``position``, dumped, then dropped."""
    generation = host.build_as_of(model, position)
    try:
        return dump(reader, host, model, generation)
    finally:
        host.drop_scratch(model, generation)
