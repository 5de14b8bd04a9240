"""Resolving a release's reference variables at deploy time (issue 15)."""

from __future__ import annotations

from uuid import UUID

from application.queries import Queries
from application.secrets import Secret
from domain.deployment import Deployment
from domain.references import SHARED, Reference, parse, references_in, resolve


class _Resolver:
    """Resolves values of the release's environment, each set loaded once: the release's
    own and the shared set at the versions it recorded, other services' sets as they are."""

    def __init__(self, queries: Queries, deployment: Deployment) -> None:
        self._queries = queries
        self._environment_id = deployment.environment_id
        shared, own = deployment.variables_version
        self._versions: dict[UUID | None, int] = {None: shared, deployment.service_id: own}
        self._sets: dict[UUID | None, tuple[dict[str, Secret], dict[str, tuple[str, ...]]]] = {}
        self._done: dict[tuple[UUID | None, str], str] = {}
        self.used: dict[str, Secret] = {}
        """Every referenced variable's raw value, by target: to mask in logs too."""

    def set_of(self, owner: UUID | None) -> tuple[dict[str, Secret], dict[str, tuple[str, ...]]]:
        if owner not in self._sets:
            version = self._versions.get(owner)
            self._sets[owner] = (
                self._queries.reveal_variables(self._environment_id, owner, version=version),
                self._queries.variable_references(self._environment_id, owner, version=version),
            )
        return self._sets[owner]

    def value(self, owner: UUID | None, name: str, raw: str, path: frozenset[str]) -> str:
        """``raw`` (variable ``name`` of ``owner``) with its references resolved; a reference
        that no longer resolves (its variable was unset since) stays as written."""
        targets = self.set_of(owner)[1].get(name)
        if targets is None:
            return raw
        parts = parse(raw)
        by_ref = dict(zip(references_in(parts), targets, strict=False))

        def lookup(ref: Reference) -> str:
            target = by_ref.get(ref)
            if target is None or target in path:
                return f"${{{{{ref}}}}}"
            key, var = target.split(".", 1)
            target_owner = None if key == SHARED else UUID(key)
            found = self.set_of(target_owner)[0].get(var)
            if found is None:
                return f"${{{{{ref}}}}}"
            self.used[target] = found
            return self.value(target_owner, var, found.reveal(), path | {target})

        return resolve(parts, lookup)


def resolved_variables(
    queries: Queries, deployment: Deployment, values: dict[str, Secret]
) -> tuple[dict[str, Secret], dict[str, Secret]]:
    """The release's variables ``values`` (own overriding shared) with references resolved,
    and the raw values of the variables they referenced (by target, to mask them too)."""
    resolver = _Resolver(queries, deployment)
    own = resolver.set_of(deployment.service_id)[0]
    resolved: dict[str, Secret] = {}
    for name, secret in values.items():
        owner = deployment.service_id if name in own else None
        here = f"{deployment.service_id if owner else SHARED}.{name}"
        resolved[name] = Secret(resolver.value(owner, name, secret.reveal(), frozenset({here})))
    return resolved, resolver.used
