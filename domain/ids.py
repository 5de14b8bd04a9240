"""Identifiers of the things Containr manages."""

from __future__ import annotations

from typing import NewType
from uuid import NAMESPACE_URL, UUID, uuid5

OrganizationId = NewType("OrganizationId", UUID)
ProjectId = NewType("ProjectId", UUID)
EnvironmentId = NewType("EnvironmentId", UUID)
ServiceId = NewType("ServiceId", UUID)
DeploymentId = NewType("DeploymentId", UUID)
NodeId = NewType("NodeId", UUID)
UserId = NewType("UserId", UUID)

Actor = NewType("Actor", str)
"""Who caused an event: ``user:<uuid>``, ``token:<uuid>`` or ``system:<component>``."""

# All derived ids live under one namespace so they never collide with random ids.
CONTAINR_NAMESPACE = uuid5(NAMESPACE_URL, "https://containr.dev/ids")


def derived_id(*parts: object) -> UUID:
    """An id that is a pure function of its parts, for aggregates that must be unique."""
    return uuid5(CONTAINR_NAMESPACE, "/".join(str(p) for p in parts))


def user_actor(user_id: UUID) -> Actor:
    """The actor string for a signed-in user."""
    return Actor(f"user:{user_id}")


def system_actor(component: str) -> Actor:
    """The actor string for one of Containr's own components."""
    return Actor(f"system:{component}")
