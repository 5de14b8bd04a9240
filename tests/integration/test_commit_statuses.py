"""Commit statuses and wait for CI on both event stores, with the in-memory git provider and
a controlled clock: each pushed deployment's progress reported once per transition, in
order, across crashes and outages; a commit waiting for its checks deployed once when they
pass, never when they fail, and superseded by a newer push."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from adapters.fake_git_providers import FakeGitProviderApi, FakeGitProviderApis, FakeProvider
from adapters.fakes import FakeClock
from application import commands as c
from application.bus import CommandBus, CommandResult, Context
from application.git_providers import CommitState
from application.processes.commit_checks import CommitChecksProcess
from application.processes.commit_statuses import CommitStatusProcess
from application.processes.webhooks import WebhookProcess
from domain.webhook_delivery import DeliveryFact, WebhookDelivery
from tests.integration.conftest import World

pytestmark = pytest.mark.usefixtures("app")
SHA1, SHA2 = "c0ffee" + "1" * 34, "c0ffee" + "2" * 34
PENDING, RUNNING = CommitState.PENDING, CommitState.RUNNING
SUCCESS, FAILURE, CANCELED = CommitState.SUCCESS, CommitState.FAILURE, CommitState.CANCELED


@pytest.fixture
def projections(world: World) -> Iterator[None]:
    stop = threading.Event()
    threads = world.app.run_projections(stop)
    yield
    stop.set()
    for thread in threads:
        thread.join(10)


class TokenApis(FakeGitProviderApis):
    """The in-memory providers, remembering the tokens they were opened with."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[str | None] = []

    def open(self, provider: str, api_url: str, token: str | None) -> FakeGitProviderApi:
        self.tokens.append(token)
        return super().open(provider, api_url, token)


@dataclass
class Git:
    """A world watched through a GitHub connection whose provider is the in-memory one."""

    world: World
    clock: FakeClock
    apis: FakeGitProviderApis
    provider: FakeProvider
    connection: uuid.UUID

    def settle(self) -> None:
        """Wait until the dashboard shows everything recorded so far."""
        self.world.app.wait_for(self.world.app.events.head(), ("dashboard",))

    def push(self, sha: str, ref: str = "main") -> uuid.UUID:
        """A push delivery, handled by the webhook process; its delivery id."""
        fact = DeliveryFact(kind="push", repository="Shop", ref_kind="branch", ref=ref, commit=sha)
        delivery = self.world.run(
            c.RecordWebhookDelivery(
                connection_id=self.connection,
                delivery_id=f"gh-{uuid.uuid4()}",
                event="push",
                fact=fact,
                digest=str(uuid.uuid4()),
            )
        ).id("delivery_id")
        self.settle()
        WebhookProcess(bus=self.world.app.commands, dashboard=self.world.app.dashboard).tick()
        self.settle()
        return delivery

    def deployment(self, delivery: uuid.UUID) -> uuid.UUID:
        return WebhookDelivery.deployment_id_for(
            delivery, self.world.service, self.world.production
        )

    def statuses(self, bus: Any = None) -> CommitStatusProcess:
        return CommitStatusProcess(
            bus=bus or self.world.app.commands,
            dashboard=self.world.app.dashboard,
            queries=self.world.app.queries,
            providers=self.apis,
            clock=self.clock,
            public_url="https://containr.example.test",
        )

    def checks(self) -> CommitChecksProcess:
        return CommitChecksProcess(
            bus=self.world.app.commands,
            dashboard=self.world.app.dashboard,
            queries=self.world.app.queries,
            providers=self.apis,
            clock=self.clock,
            timeout=timedelta(minutes=30),
            no_checks_grace=timedelta(minutes=2),
        )

    def report(self, process: CommitStatusProcess | None = None) -> int:
        """One tick of the status process once the dashboard caught up; reports made."""
        self.settle()
        made = (process or self.statuses()).tick()
        self.settle()
        return made

    def move(self, deployment: uuid.UUID, *steps: str, reason: str = "exit 1") -> None:
        """Take a deployment through the deployer's commands."""
        commands: dict[str, c.Command] = {
            "build": c.StartBuild(deployment_id=deployment, operation_id=f"{deployment}:b"),
            "built": c.RecordBuilt(
                deployment_id=deployment, operation_id=f"{deployment}:i", image="shop:1"
            ),
            "start": c.StartReplicas(deployment_id=deployment, operation_id=f"{deployment}:s"),
            "healthy": c.RecordHealthy(deployment_id=deployment, operation_id=f"{deployment}:h"),
            "fail": c.FailDeployment(
                deployment_id=deployment, operation_id=f"{deployment}:f", reason=reason
            ),
        }
        for step in steps:
            self.world.run(commands[step])

    def states(self, sha: str | None = None) -> list[CommitState]:
        return [s.state for s in self.provider.statuses if sha is None or s.sha == sha]

    def new_types(self, before: int) -> list[str]:
        return [e.type for e in self.world.app.events.read(after=before, limit=1000)]


def _git(world: World, clock: FakeClock, *, wait_for_ci: bool = False) -> Git:
    connection = world.run(
        c.build_command(
            c.CreateGitConnection,
            {
                "organization_id": world.org,
                "provider": "github",
                "name": "GitHub",
                "access_token": "ghp-status-token",
            },
        )
    ).id("connection_id")
    world.run(
        c.build_command(
            c.SetServiceTriggers,
            {
                "service_id": world.service,
                "connection_id": connection,
                "triggers": [
                    {
                        "branch": "main",
                        "environment_id": world.production,
                        "wait_for_ci": wait_for_ci,
                    }
                ],
            },
        )
    )
    apis = TokenApis()
    provider = apis.provider("github", "https://api.github.com")
    provider.add_repository("Shop")
    return Git(world, clock, apis, provider, connection)


@pytest.fixture
def git(world: World, clock: FakeClock, projections: None) -> Git:
    return _git(world, clock)


@pytest.fixture
def ci(world: World, clock: FakeClock, projections: None) -> Git:
    return _git(world, clock, wait_for_ci=True)


# Commit statuses


def test_a_deployment_that_goes_live_reports_pending_running_success_once_each(
    git: Git,
) -> None:
    deployment = git.deployment(git.push(SHA1))
    assert git.report() == 1
    assert git.states() == [PENDING]
    git.move(deployment, "build")
    assert git.report() == 1
    git.move(deployment, "built", "start")
    assert git.report() == 0  # built and starting are still "running"
    git.move(deployment, "healthy")
    assert git.report() == 1
    assert git.report() == 0
    assert git.states() == [PENDING, RUNNING, SUCCESS]
    last = git.provider.statuses[-1]
    assert (last.full_name, last.sha, last.context) == ("Shop", SHA1, "containr/web/production")
    assert last.target_url is not None and str(deployment) in last.target_url
    assert last.target_url.startswith("https://containr.example.test/projects/")
    [row] = git.world.app.dashboard.commit_statuses([deployment])
    assert (row.reported, row.done) == (["pending", "running", "success"], True)


def test_a_deployment_that_fails_reports_failure_with_the_reason_after_what_it_missed(
    git: Git,
) -> None:
    deployment = git.deployment(git.push(SHA1))
    git.move(deployment, "build", "fail", reason="the build failed: exit 1")
    assert git.report() == 3  # caught up in order in one look
    assert git.states() == [PENDING, RUNNING, FAILURE]
    assert git.provider.statuses[-1].description == "Deployment failed: the build failed: exit 1"
    before = git.world.app.events.head()
    assert git.report() == 0
    assert git.new_types(before) == []


def test_a_superseded_deployment_reports_canceled(git: Git) -> None:
    first = git.deployment(git.push(SHA1))
    assert git.report() == 1
    second = git.deployment(git.push(SHA2))
    git.world.run(c.SupersedeDeployment(deployment_id=first, by=second))
    git.report()
    assert git.states(SHA1) == [PENDING, CANCELED]
    assert git.states(SHA2) == [PENDING]


class CrashingBus:
    """The command bus of a process that dies right after the provider answered: the
    report's record never commits."""

    def __init__(self, bus: CommandBus) -> None:
        self.bus = bus

    def execute(self, command: c.Command, ctx: Context) -> CommandResult:
        if isinstance(command, c.RecordCommitStatus):
            raise SystemExit("crashed before recording the report")
        return self.bus.execute(command, ctx)


def test_a_crash_between_the_provider_and_the_record_neither_loses_nor_records_twice(
    git: Git,
) -> None:
    deployment = git.deployment(git.push(SHA1))
    crashing = git.statuses(CrashingBus(git.world.app.commands))
    git.settle()
    with pytest.raises(SystemExit):
        crashing.tick()
    assert git.states() == [PENDING]  # the provider has it; the record does not
    assert git.world.app.queries.commit_status(deployment) is None
    # The next leader sends it again (the provider replaces the context's status with the
    # same one) and records it once.
    restarted = git.statuses()
    assert git.report(restarted) == 1
    # Once recorded, another restart sends nothing again.
    before = git.world.app.events.head()
    assert git.statuses().tick() == 0
    git.move(deployment, "build", "built", "start", "healthy")
    assert git.report(restarted) == 2
    assert git.report(git.statuses()) == 0
    assert git.states() == [PENDING, PENDING, RUNNING, SUCCESS]
    recorded = git.world.app.queries.commit_status(deployment)
    assert recorded is not None and recorded.reported == ["pending", "running", "success"]
    assert git.new_types(before).count("CommitStatus.Reported") == 2


def test_an_unavailable_provider_is_retried_with_backoff_then_catches_up(git: Git) -> None:
    deployment = git.deployment(git.push(SHA1))
    git.push(SHA2)  # a second deployment reported through the same provider
    git.provider.unavailable = "502 Bad Gateway"
    process = git.statuses()
    before = git.world.app.events.head()
    calls = git.provider.calls
    assert git.report(process) == 0
    assert git.provider.calls == calls + 1  # one call for the provider, not one per deployment
    git.clock.advance(timedelta(seconds=2))
    assert git.report(process) == 0
    assert git.provider.calls == calls + 1  # not due yet: backing off
    git.clock.advance(timedelta(seconds=4))
    assert git.report(process) == 0
    assert git.provider.calls == calls + 2  # tried again, still down: waits 10 s now
    git.clock.advance(timedelta(seconds=6))
    assert git.report(process) == 0 and git.provider.calls == calls + 2
    assert git.new_types(before) == []
    git.provider.unavailable = None
    git.move(deployment, "build")
    git.clock.advance(timedelta(seconds=5))
    assert git.report(process) == 3
    assert git.states(SHA1) == [PENDING, RUNNING]
    assert git.states(SHA2) == [PENDING]


def test_reports_stop_recorded_after_a_day_without_the_provider(git: Git) -> None:
    deployment = git.deployment(git.push(SHA1))
    git.provider.unavailable = "timed out after 10 s"
    process = git.statuses()
    assert git.report(process) == 0
    git.clock.advance(timedelta(hours=25))
    assert git.report(process) == 0
    [row] = git.world.app.dashboard.commit_statuses([deployment])
    assert row.done and "could not be reached" in (row.stopped_reason or "")
    git.provider.unavailable = None
    git.clock.advance(timedelta(hours=1))
    assert git.report(process) == 0 and git.provider.statuses == []


def test_an_outage_at_one_provider_holds_up_no_other_deployment(
    git: Git, world: World, clock: FakeClock
) -> None:
    other = world.run(
        c.build_command(
            c.CreateGitConnection,
            {
                "organization_id": world.org,
                "provider": "github",
                "name": "GitHub Enterprise",
                "api_url": "https://ghe.example.test/api/v3",
                "access_token": "ghp-other",
            },
        )
    ).id("connection_id")
    api = world.run(
        c.build_command(
            c.CreateService,
            {
                "project_id": world.project,
                "name": "api",
                "kind": "web",
                "git": {"repository_url": "https://ghe.example.test/acme/api.git"},
                "port": 8080,
            },
        )
    ).id("service_id")
    world.run(
        c.build_command(
            c.SetServiceTriggers,
            {
                "service_id": api,
                "connection_id": other,
                "triggers": [{"branch": "main", "environment_id": world.production}],
            },
        )
    )
    enterprise = git.apis.provider("github", "https://ghe.example.test/api/v3")
    enterprise.add_repository("acme/api")
    git.provider.unavailable = "timed out after 10 s"
    git.push(SHA1)
    fact = DeliveryFact(
        kind="push", repository="acme/api", ref_kind="branch", ref="main", commit=SHA2
    )
    world.run(
        c.RecordWebhookDelivery(
            connection_id=other, delivery_id="ghe-1", event="push", fact=fact, digest="ghe"
        )
    )
    git.settle()
    WebhookProcess(bus=world.app.commands, dashboard=world.app.dashboard).tick()
    assert git.report() == 1
    assert [(s.full_name, s.state, s.context) for s in enterprise.statuses] == [
        ("acme/api", PENDING, "containr/api/production")
    ]
    assert git.provider.statuses == []


def test_a_refusing_provider_stops_the_reports_once_with_its_reason(git: Git) -> None:
    deployment = git.deployment(git.push(SHA1))
    git.provider.refused = "Bad credentials"
    process = git.statuses()
    before = git.world.app.events.head()
    assert git.report(process) == 0
    calls = git.provider.calls
    git.move(deployment, "build")
    git.clock.advance(timedelta(hours=1))
    assert git.report(process) == 0
    assert git.provider.calls == calls  # never asked again
    types = git.new_types(before)
    assert types.count("CommitStatus.Stopped") == 1
    [row] = git.world.app.dashboard.commit_statuses([deployment])
    assert row.done and row.stopped_reason == "the provider refused: Bad credentials"


def test_the_connections_token_reaches_the_provider_and_never_the_events(git: Git) -> None:
    before = git.world.app.events.head()
    git.push(SHA1)
    git.report()
    assert isinstance(git.apis, TokenApis) and git.apis.tokens == ["ghp-status-token"]
    logged = repr(git.world.app.events.read(after=before, limit=1000))
    assert "ghp-status-token" not in logged


# Wait for CI


def test_a_commit_waits_for_its_checks_and_deploys_once_when_they_pass(ci: Git) -> None:
    before = ci.world.app.events.head()
    delivery = ci.push(SHA1)
    assert "Deployment.Requested" not in ci.new_types(before)
    assert "CommitChecks.Waiting" in ci.new_types(before)
    process = ci.checks()
    assert process.tick() == 0  # no checks yet, within the grace period
    ci.provider.set_checks("Shop", SHA1, "pending", "1 of 3 running")
    ci.clock.advance(timedelta(seconds=10))
    assert process.tick() == 0
    ci.provider.set_checks("Shop", SHA1, "success", "3 passed")
    ci.clock.advance(timedelta(seconds=30))
    assert process.tick() == 1
    ci.settle()
    assert process.tick() == 0
    # The same outcome reported again (a second leader) requests nothing more.
    [row] = ci.world.app.dashboard.commit_checks(ci.world.service)
    again = ci.world.run(c.EndCommitChecks(checks_id=row.id, outcome="passed", summary="again"))
    assert again.position is None
    assert ci.new_types(before).count("Deployment.Requested") == 1
    deployment = ci.world.app.queries.deployment(ci.deployment(delivery))
    assert deployment.commit == SHA1
    assert (row.state, row.summary, row.deployment_id) == (
        "passed",
        "checks passed: 3 passed",
        deployment.id,
    )
    # and its progress goes back to the provider like any pushed deployment's
    assert ci.report() == 1
    assert ci.states() == [PENDING]


def test_a_commit_whose_checks_fail_never_deploys(ci: Git) -> None:
    before = ci.world.app.events.head()
    ci.push(SHA1)
    ci.provider.set_checks("Shop", SHA1, "failure", "test: 2 failed")
    process = ci.checks()
    assert process.tick() == 1
    ci.settle()
    ci.clock.advance(timedelta(hours=2))
    assert process.tick() == 0
    assert "Deployment.Requested" not in ci.new_types(before)
    [row] = ci.world.app.dashboard.commit_checks(ci.world.service)
    assert (row.state, row.summary) == ("failed", "checks failed: test: 2 failed")


def test_a_newer_push_to_the_branch_supersedes_an_older_waiting_commit(ci: Git) -> None:
    before = ci.world.app.events.head()
    ci.push(SHA1)
    newer = ci.push(SHA2)
    ci.provider.set_checks("Shop", SHA1, "success", "old passed")
    ci.provider.set_checks("Shop", SHA2, "pending", "running")
    process = ci.checks()
    assert process.tick() == 1  # the older wait ends as superseded
    ci.settle()
    ci.provider.set_checks("Shop", SHA2, "success", "new passed")
    ci.clock.advance(timedelta(minutes=1))
    assert process.tick() == 1
    ci.settle()
    rows = {r.commit: r for r in ci.world.app.dashboard.commit_checks(ci.world.service)}
    assert rows[SHA1].state == "superseded" and rows[SHA1].superseded_by == rows[SHA2].id
    assert rows[SHA2].state == "passed"
    assert ci.new_types(before).count("Deployment.Requested") == 1
    assert ci.world.app.queries.deployment(ci.deployment(newer)).commit == SHA2


def test_a_commit_without_checks_deploys_after_the_grace_and_a_silent_ci_gives_up(
    ci: Git,
) -> None:
    ci.push(SHA1)
    process = ci.checks()
    assert process.tick() == 0
    ci.clock.advance(timedelta(minutes=2))
    assert process.tick() == 1
    ci.settle()
    ci.push(SHA2, ref="main")
    ci.provider.set_checks("Shop", SHA2, "pending", "queued")
    ci.clock.advance(timedelta(minutes=31))
    assert process.tick() == 1
    ci.settle()
    rows = {r.commit: r for r in ci.world.app.dashboard.commit_checks(ci.world.service)}
    assert rows[SHA1].state == "passed" and "no checks" in (rows[SHA1].summary or "")
    assert rows[SHA2].state == "gave_up" and "within 30 min" in (rows[SHA2].summary or "")


def test_a_checks_event_from_the_webhook_asks_the_provider_at_once(ci: Git) -> None:
    ci.push(SHA1)
    ci.provider.set_checks("Shop", SHA1, "pending", "running")
    process = ci.checks()
    assert process.tick() == 0  # backing off now
    ci.provider.set_checks("Shop", SHA1, "success", "passed")
    assert process.tick() == 0  # not due, nothing heard
    ci.world.run(
        c.RecordWebhookDelivery(
            connection_id=ci.connection,
            delivery_id="suite-1",
            event="check_suite",
            fact=DeliveryFact(kind="ignored", reason="check_suite: not acted on"),
            digest="suite-1",
        )
    )
    ci.settle()
    assert process.tick() == 1


def test_a_commit_waits_out_a_provider_outage_and_deploys_after_it(ci: Git) -> None:
    before = ci.world.app.events.head()
    ci.push(SHA1)
    ci.provider.unavailable = "503 Service Unavailable"
    process = ci.checks()
    assert process.tick() == 0
    calls = ci.provider.calls
    ci.clock.advance(timedelta(seconds=2))
    assert process.tick() == 0 and ci.provider.calls == calls  # backing off
    ci.provider.unavailable = None
    ci.provider.set_checks("Shop", SHA1, "success", "passed")
    ci.clock.advance(timedelta(seconds=3))
    assert process.tick() == 1
    assert ci.new_types(before).count("Deployment.Requested") == 1


def test_a_refusing_provider_ends_the_wait_with_its_reason_and_deploys_nothing(ci: Git) -> None:
    before = ci.world.app.events.head()
    ci.push(SHA1)
    ci.provider.refused = "Resource not accessible by personal access token"
    assert ci.checks().tick() == 1
    ci.settle()
    [row] = ci.world.app.dashboard.commit_checks(ci.world.service)
    assert row.state == "gave_up"
    assert row.summary == "the provider refused: Resource not accessible by personal access token"
    assert "Deployment.Requested" not in ci.new_types(before)
