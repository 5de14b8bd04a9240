"""The read gate: every row a caller reads passes it, checked against the organisation it
belongs to (never against an id the caller passed beside it).

Commands have one write gate (``application.authz.authorize``); reads have this one. A
``ReadGate`` wraps the read store itself, so every query of ``DashboardQueries``,
``HistoryQueries`` and ``AnalyticsQueries`` built over it is checked, whichever resolver or
subscription asked: a filter that pins another organisation is refused before the query
runs, and every returned row is checked against its table's ``Owner``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any
from uuid import UUID

from application.auth import UnauthenticatedError
from application.authz import Permission, Principal, require, require_provider_sign_in
from application.errors import ForbiddenError
from application.readmodels import InSelect, Order, ReadStore, Select
from domain.values import Role
from projections import dashboard
from projections.schema import Owner, Row, Table

Observer = Callable[[Table, dict[str, object], list[Row]], None]
"""Told of every read that passed the gate: the table, its filter and the rows."""

_WHAT = {
    "organizations": "organisation",
    "members": "organisation's members",
    "invitations": "organisation's invitations",
    "service_states": "service",
    "cluster_nodes": "cluster",
    "api_tokens": "API token",
    "audit": "audit entry",
    "daily": "project's analytics",
    "deployment_facts": "project's analytics",
    "restores": "project's analytics",
    "service_health": "project's analytics",
}


def what(table: Table) -> str:
    """How a table's rows are named in messages ("project", "organisation" …)."""
    return _WHAT.get(table.name, table.name.rstrip("s").replace("_", " "))


class ReadGate:
    """A ``ReadStore`` that lets through only the rows one caller may read."""

    def __init__(
        self, store: ReadStore, principal: Principal | None, *, observe: Observer | None = None
    ) -> None:
        self._store = store
        self.principal = principal
        self._observe = observe
        self._roles: dict[UUID, Role] | None = None
        self._strict: frozenset[UUID] = frozenset()
        self._fellows: set[UUID] | None = None
        self._parents: dict[tuple[str, object], UUID | None] = {}

    # Who the caller is

    def caller(self) -> Principal:
        """The signed-in caller, or UNAUTHENTICATED."""
        if self.principal is None:
            raise UnauthenticatedError("sign in first (send a bearer token)")
        return self.principal

    def roles(self) -> dict[UUID, Role]:
        """The caller's role in each of their organisations (read once, until ``forget``)."""
        if self._roles is None:
            self._take_roles(self._store.select_many(self._roles_reads()))
        assert self._roles is not None
        return self._roles

    def _roles_reads(self) -> list[Select]:
        """What ``roles`` reads: the caller's memberships and, unless they signed in through
        a provider, which of their organisations require that (one round trip)."""
        caller = self.caller()
        mine: dict[str, object] = {"user_id": caller.user_id}
        reads = [Select("dashboard", dashboard.MEMBERS, where=mine)]
        if not caller.through_provider:
            reads.append(
                Select(
                    "dashboard",
                    dashboard.ORGANIZATIONS,
                    where={"id": InSelect(dashboard.MEMBERS, "organization_id", mine)},
                    columns=("id", "requires_provider_sign_in"),
                )
            )
        return reads

    def _take_roles(self, found: list[list[Row]]) -> None:
        self._roles = {row["organization_id"]: Role(row["role"]) for row in found[0]}
        strict = found[1] if len(found) > 1 else []
        self._strict = frozenset(
            row["id"]
            for row in strict
            if row["requires_provider_sign_in"] and row["id"] in self._roles
        )

    def forget(self) -> None:
        """Read memberships again on the next check (they changed)."""
        self._roles = None
        self._fellows = None

    def require(
        self,
        organization_id: UUID | None,
        permission: Permission,
        noun: str,
        *,
        policy: bool = True,
    ) -> None:
        """FORBIDDEN unless the caller's role there and their token grant ``permission``, and
        (``policy``) the session began at a provider when the organisation requires that."""
        role = self.roles().get(organization_id) if organization_id is not None else None
        require(self.caller(), role, permission, noun)
        if policy:
            require_provider_sign_in(self.caller(), organization_id in self._strict)

    def can(self, organization_id: UUID, permission: Permission) -> bool:
        """Whether the caller may (for showing or hiding things, never for reading rows)."""
        try:
            self.require(organization_id, permission, "organisation")
        except ForbiddenError:
            return False
        return True

    def _fellow_users(self) -> set[UUID]:
        """Users who share an organisation with the caller (they see each other's names)."""
        if self._fellows is None:
            orgs = list(self.roles())
            rows = (
                self._store.select("dashboard", dashboard.MEMBERS, where={"organization_id": orgs})
                if orgs
                else []
            )
            self._fellows = {row["user_id"] for row in rows} | {self.caller().user_id}
        return self._fellows

    # The ReadStore port

    def positions(self) -> dict[str, int]:
        """Each read model's position (not tenant data)."""
        return self._store.positions()

    def one_connection(self) -> AbstractContextManager[None]:
        """The block's reads share one connection (they are checked all the same)."""
        return self._store.one_connection()

    def select(
        self,
        model: str,
        table: Table,
        *,
        where: dict[str, object] | None = None,
        contains: tuple[str, str] | None = None,
        since: tuple[str, object] | None = None,
        until: tuple[str, object] | None = None,
        order_by: Sequence[str] = (),
        order: Order = "asc",
        after: Sequence[object] | None = None,
        limit: int | None = None,
        generation: int | None = None,
        columns: Sequence[str] | None = None,
    ) -> list[Row]:
        """Rows of ``table``, each checked against its owner (see ReadStore.select); a
        narrowed read (``columns``) reads the owner column and the notices' columns too."""
        owner = self._owner(table)
        where = where or {}
        plain = contains is None and since is None and until is None and after is None
        if self._roles is None and plain and order == "asc":  # the caller's roles come along
            read = Select(model, table, where, order_by, limit, generation, columns)
            return self.select_many([read])[0]
        if columns is not None:
            columns = _with_checked(table, owner, columns)
        if owner.column in where:
            self._check_filter(owner, table, where[owner.column])
        rows = self._store.select(
            model,
            table,
            where=where,
            contains=contains,
            since=since,
            until=until,
            order_by=order_by,
            order=order,
            after=after,
            limit=limit,
            generation=generation,
            columns=columns,
        )
        self._check_rows(owner, table, rows)
        if self._observe is not None:
            self._observe(table, _as_pinned(where, rows), rows)
        return rows

    def select_many(self, reads: Sequence[Select]) -> list[list[Row]]:
        """The rows of several reads (see ReadStore.select_many), each checked as ``select``
        checks its rows: every filter, then every row, before any is answered.

        The gate's first read brings the caller's roles along in the same round trip (its
        filters are then checked when the roles are there, before anything is answered)."""
        checked = []
        for read in reads:
            owner = self._owner(read.table)
            where = read.where or {}
            columns = read.columns
            if columns is not None:
                columns = _with_checked(read.table, owner, columns)
            checked.append(dataclasses.replace(read, where=where, columns=columns))
        if self._roles is None:
            extra = self._roles_reads()
            found = self._store.select_many([*extra, *checked])
            self._take_roles(found[: len(extra)])
            found = found[len(extra) :]
        else:
            extra, found = [], []
        for read in checked:
            owner = self._owner(read.table)
            assert read.where is not None  # made a dict above
            if owner.column in read.where:
                self._check_filter(owner, read.table, read.where[owner.column])
        if not extra:
            found = self._store.select_many(checked)
        for read, rows in zip(checked, found, strict=True):
            self._check_rows(self._owner(read.table), read.table, rows)
            if self._observe is not None:
                assert read.where is not None  # made a dict above
                self._observe(read.table, _as_pinned(read.where, rows), rows)
        return found

    def _owner(self, table: Table) -> Owner:
        """The owner every row of ``table`` is checked against (refused: Containr's own)."""
        owner = table.owner
        if owner is None:
            raise ForbiddenError(f"{what(table)} rows are Containr's own, not for callers")
        self.caller()
        return owner

    # Checks

    def _check_filter(self, owner: Owner, table: Table, pinned: object) -> None:
        if isinstance(pinned, InSelect):
            return  # which owners a subquery picks is known from the rows, all checked
        values = list(pinned) if isinstance(pinned, list | tuple | set | frozenset) else [pinned]
        if owner.kind == "organization":
            for org in values:
                self.require(
                    _uuid(org), Permission(owner.permission), what(table), policy=_policed(table)
                )
        elif owner.kind == "via":
            for org in self._parent_orgs(owner, values):
                self.require(org, Permission(owner.permission), what(table))
        elif owner.kind == "user" and any(v != self.caller().user_id for v in values):
            raise ForbiddenError(f"you may only read your own {what(table)}s")

    def _check_rows(self, owner: Owner, table: Table, rows: list[Row]) -> None:
        if not rows:
            return
        permission, noun = Permission(owner.permission), what(table)
        if owner.kind == "organization":
            for org in _distinct([row[owner.column] for row in rows]):
                self.require(org, permission, noun, policy=_policed(table))
        elif owner.kind == "via":
            for org in self._parent_orgs(owner, _distinct([row[owner.column] for row in rows])):
                self.require(org, permission, noun)
        elif owner.kind == "user":
            if any(row[owner.column] != self.caller().user_id for row in rows):
                raise ForbiddenError(f"you may only read your own {noun}s")
        elif any(row[owner.column] not in self._fellow_users() for row in rows):
            raise ForbiddenError(f"you share no organisation with this {noun}")

    def _parent_orgs(self, owner: Owner, ids: Iterable[object]) -> set[UUID | None]:
        """The organisations of the parent rows named by ``ids`` (one query for the unknown)."""
        parent = owner.parent
        assert parent is not None  # Table checks that a "via" owner names its parent
        wanted = {(parent.name, i) for i in ids}
        missing = [i for name, i in wanted if (name, i) not in self._parents]
        if missing:
            key, column = parent.key[0], parent.owner.column if parent.owner else ""
            found = {
                row[key]: row[column]
                for row in self._store.select(owner.parent_model, parent, where={key: missing})
            }
            for i in missing:
                self._parents[(parent.name, i)] = found.get(i)
        return {self._parents[entry] for entry in wanted}


def _as_pinned(where: dict[str, object], rows: list[Row]) -> dict[str, object]:
    """``where`` as an observer sees it: a column a subquery picked (``InSelect``) is pinned
    to the values of the rows it picked, as a read of those values by list would be."""
    if not any(isinstance(value, InSelect) for value in where.values()):
        return where
    return {
        column: _distinct([row[column] for row in rows]) if isinstance(value, InSelect) else value
        for column, value in where.items()
    }


def _policed(table: Table) -> bool:
    """Whether reading the table's rows needs a provider session where an organisation
    requires one: all but the organisation's own row, which says what it requires."""
    return table.name != "organizations"


def _with_checked(table: Table, owner: Owner, columns: Sequence[str]) -> tuple[str, ...]:
    """``columns`` with those the gate checks (the owner) and the observer names (notices)."""
    return tuple(dict.fromkeys((*columns, owner.column, *(c for _, c in table.notices))))


def _distinct(values: list[Any]) -> list[Any]:
    """The distinct values, ids compared by their number (a UUID hashes in Python: a page of
    rows of one organisation would hash its id once per row)."""
    found: dict[object, Any] = {}
    for value in values:
        found.setdefault(value.int if isinstance(value, UUID) else value, value)
    return list(found.values())


def _uuid(value: object) -> UUID | None:
    if value is None or isinstance(value, UUID):
        return value
    try:
        return UUID(str(value))
    except ValueError:
        return None


__all__ = ["Observer", "ReadGate", "Row", "Table", "what"]
