"""Helpers the handlers share: unique names, and loading live projects and services."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from application.errors import InvalidValueError, NotFoundError
from application.unit_of_work import UnitOfWork
from domain.errors import NameTakenError
from domain.host_ports import HostPorts
from domain.node import Node
from domain.project import Project
from domain.reservation import Reservation
from domain.service import Service


def organization_scope() -> str:
    """Organisation slugs are unique across the installation."""
    return "organizations"


def project_scope(organization_id: UUID) -> str:
    """Project slugs are unique within their organisation."""
    return f"organization/{organization_id}/projects"


def service_scope(project_id: UUID) -> str:
    """Service names are unique within their project."""
    return f"project/{project_id}/services"


def reserve_service_name(uow: UnitOfWork, project: Project, service: Service) -> None:
    """Reserve the new service's name in its project, or raise NameTakenError."""
    reserve(
        uow,
        service_scope(project.id),
        service.name,
        service.id,
        field="name",
        taken=f"the project {project.name!r} already has a service {service.name!r}; "
        "choose another name",
    )


def node_scope(organization_id: UUID) -> str:
    """Node names are unique within their organisation."""
    return f"organization/{organization_id}/nodes"


Taken = str | Callable[[UUID], str]
"""What to say when a name is taken: a message, or one made from the holder's id."""


def reserve(
    uow: UnitOfWork,
    scope: str,
    name: str,
    holder_id: UUID,
    *,
    field: str,
    taken: Taken,
    may_take_over: Callable[[UUID], bool] = lambda _holder: False,
) -> None:
    """Reserve ``name`` in ``scope`` for ``holder_id``, or raise NameTakenError naming the
    command ``field`` the name came from, with the ``taken`` message."""
    reservation = uow.find(Reservation, Reservation.id_for(scope, name))
    if reservation is None:
        uow.add(Reservation.claim(scope, name, holder_id, actor=uow.actor, now=uow.now))
    elif reservation.holder_id in (None, holder_id) or may_take_over(reservation.holder_id):
        reservation.take(holder_id, actor=uow.actor, now=uow.now)
    else:
        holder = reservation.holder_id
        raise NameTakenError(field, taken(holder) if callable(taken) else taken)


def release(uow: UnitOfWork, scope: str, name: str, holder_id: UUID) -> None:
    """Give up a name this holder reserved."""
    reservation = uow.find(Reservation, Reservation.id_for(scope, name))
    if reservation is not None and reservation.holder_id == holder_id:
        reservation.release(holder_id, actor=uow.actor, now=uow.now)


def hold_ports(uow: UnitOfWork, node: Node, *, moved_from: str | None = None) -> None:
    """Record the node's port range at its host, or raise PortRangeOverlapError when another
    node of the organisation reached at the same address holds an overlapping range (issue
    18). ``moved_from``: the host it was at before (its range is dropped there)."""
    if moved_from is not None and moved_from != node.host:
        before = uow.find(HostPorts, HostPorts.id_for(node.organization_id, moved_from))
        if before is not None:
            before.drop(node.id, actor=uow.actor, now=uow.now)
    host_ports(uow, node.organization_id, node.host).hold(
        node.id, node.name, node.port_range, actor=uow.actor, now=uow.now
    )


def drop_ports(uow: UnitOfWork, node: Node) -> None:
    """Forget a removed node's port range at its host."""
    held = uow.find(HostPorts, HostPorts.id_for(node.organization_id, node.host))
    if held is not None:
        held.drop(node.id, actor=uow.actor, now=uow.now)


def host_ports(uow: UnitOfWork, organization_id: UUID, host: str) -> HostPorts:
    """The ranges held at ``host`` by the organisation's nodes (started when none were)."""
    found = uow.find(HostPorts, HostPorts.id_for(organization_id, host))
    if found is None:
        found = uow.add(HostPorts.start(organization_id, host, actor=uow.actor, now=uow.now))
    return found


def live_project(uow: UnitOfWork, project_id: UUID) -> Project:
    """A project that exists and is not deleted (NotFoundError otherwise)."""
    project = uow.get(Project, project_id, "project")
    if project.is_deleted:
        raise NotFoundError("project", project_id)
    return project


def live_service(uow: UnitOfWork, service_id: UUID) -> Service:
    """A service that exists and is not deleted (NotFoundError otherwise)."""
    service = uow.get(Service, service_id, "service")
    if service.deleted:
        raise NotFoundError("service", service_id)
    return service


def service_in_project(uow: UnitOfWork, service_id: UUID, project: Project) -> Service:
    """A live service that belongs to ``project``."""
    service = live_service(uow, service_id)
    if service.project_id != project.id:
        raise InvalidValueError("service_id", f"service {service_id} is not in this project")
    return service
