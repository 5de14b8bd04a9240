"""Read models on both stores: incremental equals rebuild, time travel, online rebuild."""

from __future__ import annotations

import random
import threading
import uuid
from contextlib import closing
from datetime import date, timedelta
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.fakes import FakeClock
from adapters.readstore.host import ReadModelHost
from adapters.readstore.reader import SqlReadStore
from application import commands as c
from application.bus import Context
from application.services import Services
from application.settings import Settings
from domain.service_spec import GitSource, ServiceKind
from interfaces.bootstrap import bootstrap
from tests.integration.readmodel_helpers import dump, rebuilt_dump
from tests.integration.scenario import ACTIONS, Scenario

MODELS = ("dashboard", "history", "analytics")
ALICE = Context(actor="user:alice")  # type: ignore[arg-type]


def parts(app: Services) -> tuple[ReadModelHost, SqlReadStore]:
    return cast(ReadModelHost, app.projections), cast(SqlReadStore, app.read_store)


def catch_up(app: Services, model: str, batch_size: int = 7) -> None:
    host, _ = parts(app)
    runner = host.runner(model, batch_size=batch_size, page_size=batch_size)
    with closing(host.db.connect("test")) as conn:
        runner.catch_up(conn)


@pytest.fixture
def app(store_settings: Settings) -> Any:
    services = bootstrap(store_settings, clock=FakeClock())
    yield services
    services.close()


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    actions=st.lists(st.sampled_from(ACTIONS), min_size=5, max_size=60),
    seed=st.integers(0, 2**16),
    batch=st.integers(1, 9),
)
def test_incremental_equals_rebuild_for_every_model(
    app: Services, actions: list[str], seed: int, batch: int
) -> None:
    """Applying events in small batches as they arrive gives the same rows as one rebuild."""
    host, reader = parts(app)
    scenario = Scenario(app, cast(FakeClock, app.clock), random.Random(seed))
    runners = {m: host.runner(m, batch_size=batch, page_size=batch) for m in MODELS}
    with closing(host.db.connect("test")) as conn:
        for i, action in enumerate(actions):
            scenario.step(action)
            if i % 3 == 0:
                for runner in runners.values():
                    runner.step(conn)
        for runner in runners.values():
            runner.catch_up(conn)
    head = app.events.head()
    for model in MODELS:
        assert dump(reader, host, model) == rebuilt_dump(reader, host, model, head), model


def test_the_model_as_of_a_position_equals_what_it_showed_then(app: Services) -> None:
    host, reader = parts(app)
    scenario = Scenario(app, cast(FakeClock, app.clock), random.Random(7))
    for action in random.Random(1).choices(ACTIONS, k=40):
        scenario.step(action)
    for model in MODELS:
        catch_up(app, model)
    position = app.events.head()
    seen_then = {m: dump(reader, host, m) for m in MODELS}
    for action in random.Random(2).choices(ACTIONS, k=40):
        scenario.step(action)
    for model in MODELS:
        catch_up(app, model)
    assert app.events.head() > position
    for model in MODELS:
        assert rebuilt_dump(reader, host, model, position) == seen_then[model], model
        assert dump(reader, host, model) != seen_then[model] or model == "analytics"


def test_time_travel_finds_the_position_of_an_instant(app: Services) -> None:
    clock = cast(FakeClock, app.clock)
    org = app.execute(c.CreateOrganization(name="Acme", owner_id=uuid.uuid4()), ALICE).id(
        "organization_id"
    )
    created = app.execute(c.CreateProject(organization_id=org, name="Shop"), ALICE)
    project = created.id("project_id")
    service = app.execute(
        c.CreateService(
            project_id=project,
            name="web",
            kind=ServiceKind.WEB,
            git=GitSource("https://g/x.git"),
            port=80,
        ),
        ALICE,
    ).id("service_id")
    tuesday = clock.now()
    clock.advance(timedelta(days=1))
    app.execute(c.DeleteService(service_id=service), ALICE)
    for model in MODELS:
        catch_up(app, model)
    assert app.dashboard.services(project) == []
    with app.time_travel.dashboard(instant=tuesday + timedelta(hours=2)) as (_, past):
        assert [s.name for s in past.services(project)] == ["web"]
    with app.time_travel.dashboard(position=0) as (_, before_anything):
        assert before_anything.organizations() == []


def test_online_rebuild_swaps_in_an_equal_generation_while_the_runner_keeps_going(
    app: Services,
) -> None:
    host, reader = parts(app)
    scenario = Scenario(app, cast(FakeClock, app.clock), random.Random(3))
    for action in random.Random(4).choices(ACTIONS, k=60):
        scenario.step(action)
    stop = threading.Event()
    threads = app.run_projections(stop)
    try:
        writer_done = threading.Event()

        def keep_writing() -> None:
            for action in random.Random(5).choices(ACTIONS, k=40):
                scenario.step(action)
            writer_done.set()

        writer = threading.Thread(target=keep_writing)
        writer.start()
        old = reader.generation("dashboard")
        new = host.rebuild("dashboard")
        writer.join()
        assert new != old
        app.wait_for(app.events.head(), MODELS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=10)
    reader._generations.clear()
    assert reader.generation("dashboard") == new
    head = app.events.head()
    assert dump(reader, host, "dashboard") == rebuilt_dump(reader, host, "dashboard", head)
    statuses = {s.model: s for s in app.projections.status()}
    assert statuses["dashboard"].generation == new and statuses["dashboard"].lag == 0


def test_dashboard_history_and_analytics_queries(app: Services) -> None:
    clock = cast(FakeClock, app.clock)
    org = app.execute(c.CreateOrganization(name="Acme", owner_id=uuid.uuid4()), ALICE).id(
        "organization_id"
    )
    projects = []
    for name in ("Shop", "Blog", "Shopfront"):
        projects.append(app.execute(c.CreateProject(organization_id=org, name=name), ALICE))
    project, env = projects[0].id("project_id"), projects[0].id("environment_id")
    service = app.execute(
        c.CreateService(
            project_id=project,
            name="web",
            kind=ServiceKind.WEB,
            git=GitSource("https://g/x.git"),
            port=80,
        ),
        ALICE,
    ).id("service_id")

    def deploy(tag: str, outcome: str, minutes: int) -> uuid.UUID:
        dep = app.execute(c.RequestDeployment(service_id=service, environment_id=env), ALICE).id(
            "deployment_id"
        )
        clock.advance(timedelta(minutes=minutes))
        app.execute(c.StartBuild(deployment_id=dep, operation_id=f"{tag}b"), ALICE)
        if outcome == "failed":
            app.execute(
                c.FailDeployment(deployment_id=dep, operation_id=f"{tag}f", reason="tests failed"),
                ALICE,
            )
            return dep
        app.execute(
            c.RecordBuilt(deployment_id=dep, operation_id=f"{tag}i", image=f"shop:{tag}"), ALICE
        )
        app.execute(c.StartReplicas(deployment_id=dep, operation_id=f"{tag}s"), ALICE)
        app.execute(c.RecordHealthy(deployment_id=dep, operation_id=f"{tag}h"), ALICE)
        return dep

    first = deploy("1", "healthy", 2)
    deploy("2", "failed", 1)
    clock.advance(timedelta(minutes=10))
    deploy("3", "healthy", 4)  # restores after the failure
    rollback = app.execute(c.RollbackService(deployment_id=first), ALICE).id("deployment_id")
    app.execute(c.RecordBuilt(deployment_id=rollback, operation_id="rbi", image="shop:1"), ALICE)
    app.execute(c.StartReplicas(deployment_id=rollback, operation_id="rbs"), ALICE)
    app.execute(c.RecordHealthy(deployment_id=rollback, operation_id="rbh"), ALICE)
    for model in MODELS:
        catch_up(app, model)

    assert [p.slug for p in app.dashboard.projects(org, search="shop")] == ["shop", "shopfront"]
    assert [p.slug for p in app.dashboard.projects(org, after="blog", limit=1)] == ["shop"]
    deployments = app.dashboard.deployments(service)
    assert [d.state for d in deployments] == ["healthy", "rolled_back", "failed", "superseded"]
    [state] = app.dashboard.service_states(service_id=service)
    assert (state.live_deployment_id, state.live_image) == (rollback, "shop:1")

    timeline = app.history.timeline(project_id=project, limit=5)
    assert timeline[0].action == "Deployment.RolledBack" and timeline[0].actor == "user:alice"
    assert all(t.project_id == project for t in timeline)
    assert [r.image for r in app.history.releases(service)] == ["shop:1", "shop:3", None, "shop:1"]

    [today] = app.analytics.daily(project, clock.now().date(), clock.now().date())
    assert (today.started, today.succeeded, today.failed, today.rolled_back) == (4, 3, 1, 1)
    assert today.change_failure_rate == pytest.approx(2 / 4)
    assert today.median_lead_seconds == pytest.approx(120.0)  # leads of 120, 240 and 0 seconds
    assert today.p95_lead_seconds == pytest.approx(240.0)
    assert today.median_restore_seconds is not None
    days = app.analytics.daily(project, date(2026, 1, 1), date(2026, 1, 7))
    assert len(days) == 7 and sum(d.started for d in days) in (0, 4)
