"""Concurrent commands on PostgreSQL: retries keep every update; give-ups are clear."""

from __future__ import annotations

import threading
import uuid

import pytest

from application import commands as c
from application.bus import CommandBus, Context
from application.errors import ConflictError
from tests.integration.conftest import ALICE, World

pytestmark = pytest.mark.postgres


@pytest.fixture(params=["postgres"])
def store_settings(request: pytest.FixtureRequest) -> object:
    return request.getfixturevalue("pg_settings")


def run_together(*jobs: object) -> list[BaseException]:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def runner(job: object) -> None:
        barrier.wait()
        try:
            job()  # type: ignore[operator]
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=runner, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_two_threads_updating_one_service_both_survive(world: World) -> None:
    rounds = 15

    def set_command() -> None:
        for i in range(rounds):
            world.run(c.UpdateService(service_id=world.service, start_command=f"serve --round {i}"))

    def set_port() -> None:
        for i in range(rounds):
            world.run(c.UpdateService(service_id=world.service, port=9000 + i))

    before = world.app.events.head()
    assert run_together(set_command, set_port) == []
    spec = world.app.queries.service(world.service).spec
    assert (spec.start_command, spec.port) == (f"serve --round {rounds - 1}", 9000 + rounds - 1)
    reconfigured = [
        e for e in world.app.events.read(before, 1000) if e.type == "Service.Reconfigured"
    ]
    assert len(reconfigured) == 2 * rounds  # every update recorded, none lost


def test_without_retries_one_gets_a_conflict_error_and_nothing_is_lost(world: World) -> None:
    app = world.app
    bus = CommandBus(
        app.store,
        clock=app.clock,
        secrets=app.secrets,
        deadlines=app.commands._deadlines,
        handlers=app.commands._handlers,
        max_attempts=1,
    )
    outcomes: dict[str, str] = {}

    def scale(n: int) -> object:
        def job() -> None:
            try:
                bus.execute(
                    c.ScaleService(service_id=world.service, replicas=n), Context(actor=ALICE)
                )
                outcomes[str(n)] = "ok"
            except ConflictError:
                outcomes[str(n)] = "conflict"

        return job

    conflicts = 0
    for attempt in range(20):
        outcomes.clear()
        before = app.events.head()
        assert run_together(scale(2 + attempt * 2), scale(3 + attempt * 2)) == []
        scaled = [e for e in app.events.read(before, 100) if e.type == "Service.Scaled"]
        assert len(scaled) == list(outcomes.values()).count("ok")  # recorded iff reported ok
        if "conflict" in outcomes.values():
            conflicts += 1
            winner = next(int(n) for n, o in outcomes.items() if o == "ok")
            assert app.queries.service(world.service).spec.replicas == winner
    assert conflicts > 0, "the threads never collided; the test proved nothing"


def test_two_claims_of_one_project_slug_leave_exactly_one_project(world: World) -> None:
    created: list[uuid.UUID] = []

    def create() -> None:
        created.append(
            world.run(c.CreateProject(organization_id=world.org, name="Race")).id("project_id")
        )

    errors = run_together(create, create)
    assert len(created) == 1 and len(errors) == 1
    assert "a project named 'Race' already exists" in str(errors[0])
