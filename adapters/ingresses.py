"""Several ingress nodes serving the same routes (issue 18): one Ingress over many Caddys.

Every change goes to every ingress. The first ingress that answers is the reference: the
routes it holds are the routes. An ingress that missed changes (it was away, or it is new
and empty) is brought level with the reference, in one configuration change, at the next
look at the routes (the reconciler looks every few seconds). An ingress that is away never
stops a change reaching the others; only when none takes a change is it an error.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

import msgspec

from adapters.caddy import CaddyIngress, IngressError
from application.runtime_ports import Route

log = logging.getLogger(__name__)


class ReplicatedIngress:
    """The Ingress port over several Caddy instances that serve the same routes."""

    def __init__(self, ingresses: Sequence[CaddyIngress]) -> None:
        if not ingresses:
            raise ValueError("at least one ingress")
        self.ingresses = list(ingresses)
        self._lock = threading.Lock()
        """Changes and levelling take turns: a level never undoes a change in flight."""

    @property
    def primary(self) -> CaddyIngress:
        """The first ingress (its access log feeds the per-route metrics)."""
        return self.ingresses[0]

    def routes(self) -> list[Route]:
        """The reference's routes, after every other reachable ingress was made to hold
        exactly them."""
        with self._lock:
            reference: list[Route] | None = None
            behind: list[CaddyIngress] = []
            errors: list[IngressError] = []
            for ingress in self.ingresses:
                try:
                    held = ingress.routes()
                except IngressError as e:
                    errors.append(e)
                    continue
                if reference is None:
                    reference = held
                elif _by_id(held) != _by_id(reference):
                    behind.append(ingress)
            if reference is None:
                raise errors[0]
            for ingress in behind:
                try:
                    ingress.replace_all(reference)
                    log.info(
                        "ingress %s brought level (%d routes)", ingress.admin_url, len(reference)
                    )
                except IngressError as e:
                    log.warning("could not bring ingress %s level: %s", ingress.admin_url, e)
            return reference

    def apply(self, route: Route) -> None:
        """Create or replace the route on every ingress that answers."""
        self._each(lambda ingress: ingress.apply(route), f"route {route.id}")

    def remove(self, route_id: str) -> None:
        """Remove the route from every ingress that answers."""
        self._each(lambda ingress: ingress.remove(route_id), f"removing route {route_id}")

    def replace_all(self, routes: list[Route]) -> None:
        """Make every ingress that answers hold exactly these routes."""
        self._each(lambda ingress: ingress.replace_all(routes), "the whole route table")

    def close(self) -> None:
        for ingress in self.ingresses:
            ingress.close()

    def _each(self, change: Callable[[CaddyIngress], None], what: str) -> None:
        with self._lock:
            errors: list[IngressError] = []
            for ingress in self.ingresses:
                try:
                    change(ingress)
                except IngressError as e:
                    errors.append(e)
                    log.warning("ingress %s missed %s (brought level later): %s",
                                ingress.admin_url, what, e)  # fmt: skip
            if len(errors) == len(self.ingresses):
                raise errors[0]


def _by_id(routes: list[Route]) -> dict[str, Route]:
    return {route.id: _comparable(route) for route in routes}


def _comparable(route: Route) -> Route:
    """A route as two ingresses hold it alike (upstreams in any order are the same)."""
    return msgspec.structs.replace(route, upstreams=sorted(route.upstreams))
