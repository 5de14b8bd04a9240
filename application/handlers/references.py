"""Checking reference variables when they are set: every reference points to a variable
that exists in the same project and environment, and no chain of references comes back
to where it started (issue 15)."""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from application.errors import InvalidValueError
from application.handlers.common import service_scope
from application.secrets import Secret
from application.unit_of_work import UnitOfWork
from domain.project import Project
from domain.references import SHARED, Reference, find_cycle, is_templated, parse, references_in
from domain.reservation import Reservation
from domain.service import Service
from domain.variables import VariableSet


def owner_key(service_id: UUID | None) -> str:
    """How a reference target names its variable set: a service id, or ``shared``."""
    return SHARED if service_id is None else str(service_id)


def split_target(target: str) -> tuple[UUID | None, str]:
    """The variable set owner (None: shared) and the variable name of a target."""
    owner, name = target.split(".", 1)
    return (None if owner == SHARED else UUID(owner)), name


class _Sets:
    """The variable sets of one environment, loaded once each."""

    def __init__(self, uow: UnitOfWork, environment_id: UUID, changing: VariableSet) -> None:
        self._uow = uow
        self._environment_id = environment_id
        self._loaded: dict[UUID | None, VariableSet | None] = {changing.service_id: changing}

    def get(self, owner: UUID | None) -> VariableSet | None:
        if owner not in self._loaded:
            self._loaded[owner] = self._uow.find(
                VariableSet, VariableSet.id_for(self._environment_id, owner)
            )
        return self._loaded[owner]


def references_of(
    uow: UnitOfWork, project: Project, variables: VariableSet, values: Mapping[str, Secret]
) -> dict[str, tuple[str, ...]]:
    """What each templated value of ``values`` (about to be set in ``variables``)
    references; InvalidValueError naming the variable and the reference when one points
    nowhere or closes a cycle."""
    sets = _Sets(uow, variables.environment_id, variables)
    found: dict[str, tuple[str, ...]] = {}
    for name, value in sorted(values.items()):
        text = value.reveal()
        if not is_templated(text):
            continue
        try:
            parts = parse(text)
        except InvalidValueError as error:
            raise InvalidValueError("values", f"{name}: {error.message}") from None
        found[name] = tuple(
            _target(uow, project, sets, variables, values, name, ref)
            for ref in references_in(parts)
        )
    _refuse_cycles(uow, sets, variables, found)
    return found


def _target(
    uow: UnitOfWork,
    project: Project,
    sets: _Sets,
    variables: VariableSet,
    values: Mapping[str, Secret],
    name: str,
    ref: Reference,
) -> str:
    owner: UUID | None = None
    if ref.owner != SHARED:
        reservation = uow.find(
            Reservation, Reservation.id_for(service_scope(project.id), ref.owner)
        )
        holder = reservation.holder_id if reservation is not None else None
        service = uow.find(Service, holder) if holder is not None else None
        if service is None or service.deleted or service.project_id != project.id:
            raise InvalidValueError(
                "values",
                f"{name} references ${{{{{ref}}}}}, but the project {project.name!r} has no "
                f"service {ref.owner!r}; reference a service of this project, or shared",
            )
        owner = service.id
    target_set = sets.get(owner)
    names = set(target_set.values) if target_set is not None else set()
    if owner == variables.service_id:
        names |= set(values)
    if ref.name not in names:
        where = "the shared variables" if owner is None else f"service {ref.owner!r}"
        raise InvalidValueError(
            "values",
            f"{name} references ${{{{{ref}}}}}, but {where} of this environment have no "
            f"variable {ref.name}; set it there first",
        )
    return f"{owner_key(owner)}.{ref.name}"


def _refuse_cycles(
    uow: UnitOfWork, sets: _Sets, variables: VariableSet, found: dict[str, tuple[str, ...]]
) -> None:
    here = owner_key(variables.service_id)

    def edges(node: str) -> tuple[str, ...]:
        owner, name = split_target(node)
        if owner_key(owner) == here and name in found:
            return found[name]
        target_set = sets.get(owner)
        return target_set.references.get(name, ()) if target_set is not None else ()

    cycle = find_cycle([f"{here}.{name}" for name in found], edges)
    if cycle is None:
        return
    labels = [_label(uow, node) for node in cycle]
    raise InvalidValueError(
        "values",
        f"{labels[0]} would reference itself through {' → '.join(labels)}; "
        "break the cycle by setting one of them to a value",
    )


def _label(uow: UnitOfWork, node: str) -> str:
    owner, name = split_target(node)
    if owner is None:
        return f"{SHARED}.{name}"
    service = uow.find(Service, owner)
    return f"{service.name if service is not None else owner}.{name}"
