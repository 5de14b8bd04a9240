"""An in-memory Ingress for tests: it keeps routes in a list and records every change."""

from __future__ import annotations

import threading
from typing import Literal

import msgspec

from application.runtime_ports import Route


class IngressChange(msgspec.Struct, frozen=True, kw_only=True):
    """One configuration change, as the real proxy would receive it."""

    kind: Literal["apply", "remove", "replace_all"]
    routes: tuple[Route, ...] = ()
    """The applied route, or every route of a replace_all."""
    route_id: str | None = None
    """The removed route's id."""


class InMemoryIngress:
    """An Ingress whose routes live in memory; ``changes`` lists each change made.

    Like Caddy, a replaced route keeps its place, a new one goes first, removing an
    absent route changes nothing, and a route without hosts (which would match every
    request) is refused.
    """

    def __init__(self, routes: list[Route] | None = None) -> None:
        self._routes: list[Route] = list(routes or [])
        self.changes: list[IngressChange] = []
        self._lock = threading.Lock()

    def routes(self) -> list[Route]:
        """The routes, the one that matches first, first."""
        with self._lock:
            return list(self._routes)

    def apply(self, route: Route) -> None:
        """Replace the route with this id where it stands, or put it first."""
        _check(route)
        with self._lock:
            ids = [r.id for r in self._routes]
            if route.id in ids:
                self._routes[ids.index(route.id)] = route
            else:
                self._routes.insert(0, route)
            self.changes.append(IngressChange(kind="apply", routes=(route,)))

    def remove(self, route_id: str) -> None:
        """Forget the route; recorded only when there was one."""
        _check_id(route_id)
        with self._lock:
            kept = [r for r in self._routes if r.id != route_id]
            if len(kept) != len(self._routes):
                self._routes = kept
                self.changes.append(IngressChange(kind="remove", route_id=route_id))

    def replace_all(self, routes: list[Route]) -> None:
        """Hold exactly these routes, in this order."""
        ids = [route.id for route in routes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"route ids must be unique: {ids}")
        for route in routes:
            _check(route)
        with self._lock:
            self._routes = list(routes)
            self.changes.append(IngressChange(kind="replace_all", routes=tuple(routes)))


def _check(route: Route) -> None:
    _check_id(route.id)
    if not route.hosts:
        raise ValueError(f"route {route.id} has no hosts")


def _check_id(route_id: str) -> None:
    if not route_id or "/" in route_id:
        raise ValueError(f"a route id must be non-empty and contain no '/': {route_id!r}")
