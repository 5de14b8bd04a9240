"""Fixtures for application tests on the real event stores."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from adapters.fakes import FakeClock
from application import commands as c
from application.bus import CommandResult, Context
from application.services import Services
from application.settings import Settings
from domain.ids import Actor
from domain.service_spec import GitSource, ServiceKind
from interfaces.bootstrap import bootstrap

ALICE = Actor("user:alice")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def app(store_settings: Settings, clock: FakeClock) -> Iterator[Services]:
    services = bootstrap(store_settings, clock=clock)
    yield services
    services.close()


@dataclass
class World:
    """An organisation with a project and a web service, ready for commands."""

    app: Services
    owner: uuid.UUID
    org: uuid.UUID
    project: uuid.UUID
    production: uuid.UUID
    service: uuid.UUID

    def run(self, command: c.Command, command_id: str | None = None) -> CommandResult:
        return self.app.execute(command, Context(actor=ALICE, command_id=command_id))


@pytest.fixture
def world(app: Services) -> World:
    def run(command: c.Command) -> CommandResult:
        return app.execute(command, Context(actor=ALICE))

    owner = uuid.uuid4()
    org = run(c.CreateOrganization(name="Acme", owner_id=owner)).id("organization_id")
    created = run(c.CreateProject(organization_id=org, name="Shop"))
    service = run(
        c.CreateService(
            project_id=created.id("project_id"),
            name="web",
            kind=ServiceKind.WEB,
            git=GitSource("https://git.example.com/shop.git"),
            port=8080,
        )
    ).id("service_id")
    return World(app, owner, org, created.id("project_id"), created.id("environment_id"), service)
