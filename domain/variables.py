"""Variables: the sealed secrets of an environment, shared or overridden per service."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.base import ContainrAggregate
from domain.errors import InvalidValueError
from domain.ids import Actor, derived_id
from domain.values import SealedValue, validate_variable_name

MAX_VARIABLES = 500


class VariableSet(ContainrAggregate):
    """The variables of one environment (service_id None) or one service's overrides there.

    Values arrive already sealed by the SecretBox; this aggregate never sees plaintext.
    Its version is the "variable version" a release records.
    """

    class Created(ContainrAggregate.Created):
        organization_id: UUID
        project_id: UUID
        environment_id: UUID
        service_id: UUID | None

    class Changed(ContainrAggregate.Event):
        set: dict[str, str]
        unset: tuple[str, ...]
        references: dict[str, tuple[str, ...]]
        """Per variable set here whose value holds references (issue 15): what they point
        to, in the order they first appear, as ``<service id>.<NAME>`` or ``shared.<NAME>``
        (ids and names only, never values)."""

        class_version = 2

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            """Values set before reference variables existed referenced nothing."""
            state["references"] = {}

        def apply(self, aggregate: Any) -> None:
            aggregate.values.update(self.set)
            for name in self.set:
                aggregate.references.pop(name, None)
            aggregate.references.update(
                {name: tuple(targets) for name, targets in self.references.items()}
            )
            for name in self.unset:
                aggregate.values.pop(name, None)
                aggregate.references.pop(name, None)

    def __init__(
        self,
        organization_id: UUID,
        project_id: UUID,
        environment_id: UUID,
        service_id: UUID | None,
    ) -> None:
        self.organization_id = organization_id
        self.project_id = project_id
        self.environment_id = environment_id
        self.service_id = service_id
        self.values: dict[str, SealedValue] = {}
        self.references: dict[str, tuple[str, ...]] = {}
        """Variable name -> the variables its value references (see ``Changed``)."""

    @staticmethod
    @functools.lru_cache(maxsize=4096)
    def id_for(environment_id: UUID, service_id: UUID | None) -> UUID:
        """The id of the variable set of an environment, or of a service in it (remembered:
        it is a SHA-1, and a release's history looks up two sets; a rebuild of 200,000
        events spent 7% of its time deriving the same ids again)."""
        return derived_id("variables", environment_id, service_id or "shared")

    def dependents_of(self, target: str) -> list[str]:
        """The variables here whose value references ``target`` (``<owner>.<NAME>``)."""
        return sorted(name for name, targets in self.references.items() if target in targets)

    def context_for(self, name: str) -> str:
        """What a sealed value of variable ``name`` is bound to, so it cannot be moved."""
        return f"variable:{self.id}:{name}"

    @classmethod
    def open(
        cls,
        organization_id: UUID,
        project_id: UUID,
        environment_id: UUID,
        service_id: UUID | None,
        *,
        actor: Actor,
        now: datetime,
    ) -> VariableSet:
        """Start the (empty) variable set of an environment or a service in it."""
        return cls._create(
            cls.Created,
            id=cls.id_for(environment_id, service_id),
            organization_id=organization_id,
            project_id=project_id,
            environment_id=environment_id,
            service_id=service_id,
            actor=actor,
            timestamp=now,
        )

    def change(
        self,
        set_values: dict[str, SealedValue],
        unset: list[str],
        *,
        actor: Actor,
        now: datetime,
        references: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        """Set some variables and remove others, in one step (``references``: what the
        values set reference, for those that are templated)."""
        # The fields are named as the commands name them: ``values`` set, ``names`` unset.
        for name in set_values:
            validate_variable_name("values", name)
        for name in unset:
            validate_variable_name("names", name)
        both = set(set_values) & set(unset)
        if both:
            raise InvalidValueError(
                "names", f"{', '.join(sorted(both))}: both set and unset; do one or the other"
            )
        if not set_values and not unset:
            raise InvalidValueError("values", "is empty: give at least one variable")
        missing = [name for name in unset if name not in self.values]
        if missing:
            raise InvalidValueError(
                "names",
                f"no such variables: {', '.join(sorted(missing))}; list the variables to see "
                "which are set",
            )
        if len(set(self.values) | set(set_values)) > MAX_VARIABLES:
            raise InvalidValueError(
                "values",
                f"would make more than {MAX_VARIABLES} variables here; unset some first",
            )
        self.trigger_event(
            self.Changed,
            set=dict(sorted(set_values.items())),
            unset=tuple(sorted(unset)),
            references={n: tuple(t) for n, t in sorted((references or {}).items())},
            actor=actor,
            timestamp=now,
        )


def variables_withheld(*, untrusted_source: bool, exposed_to_forks: bool) -> bool:
    """Whether a release gets none of its environment's variables: it was built from code
    nobody in the organisation vouched for (a pull request from a fork), and the
    organisation did not choose to expose its variables to such code (issue 14)."""
    return untrusted_source and not exposed_to_forks
