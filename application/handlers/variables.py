"""Handlers for variables: values are sealed here, before any event sees them."""

from __future__ import annotations

from uuid import UUID

from application.commands import SetVariables, UnsetVariables
from application.errors import InvalidValueError, NotFoundError
from application.handlers.common import live_project, service_in_project
from application.handlers.references import references_of
from application.unit_of_work import UnitOfWork
from domain.project import Project
from domain.values import SealedValue, validate_variable_name
from domain.variables import VariableSet

MAX_VALUE_BYTES = 64 * 1024


def _variable_set(
    uow: UnitOfWork, project_id: UUID, environment_id: UUID, service_id: UUID | None
) -> VariableSet:
    return _variable_set_in(uow, live_project(uow, project_id), environment_id, service_id)


def _variable_set_in(
    uow: UnitOfWork, project: Project, environment_id: UUID, service_id: UUID | None
) -> VariableSet:
    if environment_id not in project.environments:
        raise NotFoundError(
            "environment",
            environment_id,
            field="environment_id",
            message=f"environment {environment_id} is not an environment of the project "
            f"{project.name!r}; choose one of its environments",
        )
    if service_id is not None:
        service_in_project(uow, service_id, project)
    found = uow.find(VariableSet, VariableSet.id_for(environment_id, service_id))
    if found is not None:
        return found
    return uow.add(
        VariableSet.open(
            project.organization_id,
            project.id,
            environment_id,
            service_id,
            actor=uow.actor,
            now=uow.now,
        )
    )


def set_variables(cmd: SetVariables, uow: UnitOfWork) -> dict[str, UUID]:
    """Seal and set variables; one event records every change of the command (and, for
    values that reference other variables, what they reference: checked first)."""
    project = live_project(uow, cmd.project_id)
    variables = _variable_set_in(uow, project, cmd.environment_id, cmd.service_id)
    sealed: dict[str, SealedValue] = {}
    for name, value in cmd.values.items():
        validate_variable_name("values", name)
        if len(value.reveal().encode()) > MAX_VALUE_BYTES:
            raise InvalidValueError(
                "values", f"the value of {name} is larger than 64 KiB, the most a variable holds"
            )
        sealed[name] = uow.secrets.seal(
            variables.organization_id, variables.context_for(name), value
        )
    references = references_of(uow, project, variables, cmd.values)
    variables.change(sealed, [], actor=uow.actor, now=uow.now, references=references)
    return {"variable_set_id": variables.id}


def unset_variables(cmd: UnsetVariables, uow: UnitOfWork) -> dict[str, UUID]:
    """Remove variables."""
    if not cmd.names:
        raise InvalidValueError("names", "is empty: give at least one variable name")
    variables = _variable_set(uow, cmd.project_id, cmd.environment_id, cmd.service_id)
    variables.change({}, list(cmd.names), actor=uow.actor, now=uow.now)
    return {"variable_set_id": variables.id}
