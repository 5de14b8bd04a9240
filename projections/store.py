"""The write side a projection sees: rows of its tables, within one batch transaction."""

from __future__ import annotations

from typing import Protocol

from projections.schema import Row, Table


class RowStore(Protocol):
    """Rows of a read model's tables, as of the event being processed.

    Writes are buffered and committed together with the projection's tracking position,
    so each event takes effect exactly once. ``position`` is the log position of the event
    being processed; every row written records it.
    """

    @property
    def position(self) -> int:
        """The log position of the event being processed."""
        ...

    def get(self, table: Table, *key: object) -> Row | None:
        """The row with this key, or None."""
        ...

    def put(self, table: Table, row: Row) -> None:
        """Insert or replace a whole row."""
        ...

    def update(self, table: Table, key: tuple[object, ...], **changes: object) -> Row | None:
        """Change some columns of an existing row; returns it, or None if there is none."""
        ...

    def delete(self, table: Table, *key: object) -> None:
        """Remove a row, if there is one."""
        ...
