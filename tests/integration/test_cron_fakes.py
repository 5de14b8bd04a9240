"""The cron process manager against the in-memory runtime, on a real event store, with a
controlled clock: runs on time, overlap policies, deadlines, crash-resume, missed runs."""

# ruff: noqa: F811 - the rig fixtures are imported from test_deployer_fakes by name

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from application import commands as c
from application.errors import InvalidValueError, RuleViolatedError
from application.logs import LogQuery
from application.processes.cron import CRON, CronConfig, CronScheduler
from application.processes.support import CRON_RUN, DEPLOYMENT, INSTANCE, MANAGED, SERVICE
from domain.deployment import DeploymentState
from domain.service_spec import ServiceKind
from projections.dashboard import CronRunRow
from tests.integration.test_deployer_fakes import (  # noqa: F401 (fixtures)
    CrashingBus,
    OneEngine,
    Rig,
    bare_rig,
    rig,
)

IMAGE = "busybox:1.36"
START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@dataclass
class Cron:
    """A cron service deployed to production, and the cron process manager."""

    rig: Rig
    bus: CrashingBus
    scheduler: CronScheduler
    service: uuid.UUID

    def at(self, hour: int, minute: int, second: int = 0) -> None:
        """Move the clock to a time of the test's day (only forwards)."""
        target = START.replace(hour=hour, minute=minute, second=second)
        assert target >= self.rig.clock.now()
        self.rig.clock.advance(target - self.rig.clock.now())

    def tick(self) -> None:
        self.rig.sync()
        self.scheduler.tick()
        self.rig.sync()

    def update(self, **settings: Any) -> None:
        """Change settings; a new command needs a new release (it is part of the release)."""
        self.rig.run(c.UpdateService(service_id=self.service, **settings))
        if "start_command" in settings:
            redeploy = self.rig.run(
                c.RedeployService(service_id=self.service, environment_id=self.rig.world.production)
            ).id("deployment_id")
            assert self.rig.drive(redeploy).state is DeploymentState.HEALTHY

    def runs(self) -> list[CronRunRow]:
        """The runs, oldest scheduled first."""
        rows = self.rig.world.app.dashboard.cron_runs(self.service, self.rig.world.production)
        return sorted(rows, key=lambda r: (r.scheduled_at, r.manual))

    def states(self) -> list[tuple[str, str]]:
        return [(r.scheduled_at.strftime("%H:%M"), r.state) for r in self.runs()]

    def containers(self) -> list[Any]:
        return self.rig.runtime.containers({CRON: "true"})

    def log(self, run_id: uuid.UUID) -> list[str]:
        entries = self.rig.world.app.logs.read(LogQuery(deployment_id=run_id, limit=100))
        return [e.line for e in entries]


@pytest.fixture
def cron(rig: Rig) -> Cron:
    world, app = rig.world, rig.world.app
    rig.runtime.add_image(IMAGE)
    service = rig.run(
        c.CreateService(
            project_id=world.project,
            name="report",
            kind=ServiceKind.CRON,
            image=IMAGE,
            start_command="echo report done; exit 3",
            cron_schedule="*/5 * * * *",
        )
    ).id("service_id")
    deployment = rig.drive(
        rig.run(c.RequestDeployment(service_id=service, environment_id=world.production)).id(
            "deployment_id"
        )
    )
    assert deployment.state is DeploymentState.HEALTHY, deployment.history
    assert rig.runtime.containers({DEPLOYMENT: str(deployment.id)}) == []  # no replica
    bus = CrashingBus(app.commands)
    scheduler = CronScheduler(
        bus=bus,  # type: ignore[arg-type]
        queries=app.queries,
        dashboard=app.dashboard,
        logs=app.logs,
        secrets=app.secrets,
        runtimes=OneEngine(rig.runtime),
        clock=app.clock,
        config=CronConfig(
            instance=app.settings.instance,
            local_endpoint=app.settings.docker_host,
            sweep_seconds=0,
        ),
        wait_for=lambda _position: rig.sync(),
    )
    return Cron(rig, bus, scheduler, service)


def test_a_run_starts_on_time_as_a_one_off_container_and_records_its_exit_code_and_logs(
    cron: Cron,
) -> None:
    cron.at(9, 4, 59)
    cron.tick()
    assert cron.runs() == []
    cron.at(9, 5, 1)
    cron.tick()
    (run,) = cron.runs()
    assert run.state == "running" and run.scheduled_at == START.replace(minute=5)
    (container,) = cron.containers()
    labels = container.labels
    assert labels[MANAGED] == "true" and labels[CRON_RUN] == str(run.id)
    assert labels[SERVICE] == str(cron.service) and labels[INSTANCE]
    assert DEPLOYMENT not in labels  # the reconciler leaves it alone
    assert cron.rig.runtime.specs[container.id].restart == "no"
    cron.tick()
    (run,) = cron.runs()
    assert (run.state, run.exit_code) == ("failed", 3)
    assert run.started_at is not None and run.finished_at is not None
    assert cron.log(run.id) == ["report done"]
    assert cron.containers() == []  # removed once recorded


def test_the_reconciler_keeps_no_replica_of_a_cron_release_and_leaves_runs_alone(
    cron: Cron,
) -> None:
    cron.update(start_command="echo working; sleep 600")
    cron.rig.deploy()  # the web service: the reconciler has something of its own
    cron.at(9, 5, 1)
    cron.tick()
    cron.rig.reconciler.tick()
    cron.rig.sync()
    (container,) = cron.containers()
    assert container.state == "running"
    assert cron.rig.runtime.containers({SERVICE: str(cron.service)}) == [container]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("skip", [("09:05", "running"), ("09:10", "skipped")]),
        ("queue", [("09:05", "running"), ("09:10", "scheduled")]),
        ("replace", [("09:05", "replaced"), ("09:10", "running")]),
    ],
)
def test_a_run_still_going_is_skipped_queued_or_replaced(
    cron: Cron, policy: str, expected: list[tuple[str, str]]
) -> None:
    cron.update(start_command="echo working; sleep 600", cron_overlap=policy)
    cron.at(9, 5, 1)
    cron.tick()
    cron.at(9, 10, 1)
    cron.tick()
    assert cron.states() == expected
    running = [c for c in cron.containers() if c.state == "running"]
    assert len(running) == 1
    if policy == "skip":
        assert "overlap" in cron.runs()[1].detail
    if policy == "replace":
        assert cron.log(cron.runs()[0].id) == ["working"]
    if policy == "queue":
        cron.rig.runtime.kill(running[0].id, 0)  # the first run ends on its own
        cron.tick()
        assert cron.states() == [("09:05", "succeeded"), ("09:10", "running")]


def test_a_run_past_its_deadline_is_killed_and_recorded_as_timed_out(cron: Cron) -> None:
    cron.update(start_command="echo working; sleep 600", cron_deadline_seconds=60)
    cron.at(9, 5, 1)
    cron.tick()
    cron.at(9, 6, 0)
    cron.tick()
    assert cron.states() == [("09:05", "running")]
    cron.at(9, 6, 2)
    cron.tick()
    (run,) = cron.runs()
    assert run.state == "timed_out" and "60 s" in run.detail
    assert ("stop", f"containr-report-run-{str(run.id)[:8]}") in cron.rig.runtime.calls
    assert cron.log(run.id) == ["working"]
    assert cron.containers() == []


def test_a_crash_before_the_start_is_reported_never_starts_a_second_container(
    cron: Cron,
) -> None:
    cron.update(start_command="echo working; sleep 600")
    cron.bus.crash_before.add(c.StartCronRun)
    cron.at(9, 5, 1)
    cron.tick()  # the container was made, the report was lost
    assert cron.states() == [("09:05", "scheduled")]
    assert len(cron.containers()) == 1
    cron.tick()  # a restarted process finds the container by its run label
    assert cron.states() == [("09:05", "running")]
    creates = [call for call in cron.rig.runtime.calls if call[0] == "create"]
    assert len([c for c in creates if "-run-" in c[1]]) == 1


def test_a_crash_after_scheduling_never_schedules_the_time_twice(cron: Cron) -> None:
    cron.bus.crash_after.add(c.ScheduleCronRun)
    cron.at(9, 5, 1)
    cron.tick()
    cron.tick()
    cron.tick()
    assert cron.states() == [("09:05", "failed")]
    scheduled = cron.rig.events("CronRun.Scheduled")
    assert len(scheduled) == 1


def test_a_crash_between_the_report_and_the_removal_leaves_no_container(cron: Cron) -> None:
    sweep = cron.scheduler._sweep_due
    cron.scheduler._sweep_due = lambda: False
    cron.bus.crash_after.add(c.FinishCronRun)
    cron.at(9, 5, 1)
    cron.tick()
    cron.tick()  # the exit is recorded, then the process dies before removing the container
    assert cron.states() == [("09:05", "failed")]
    assert len(cron.containers()) == 1
    cron.scheduler._sweep_due = sweep
    cron.tick()  # the sweep removes what ended
    assert cron.containers() == []
    assert len(cron.rig.events("CronRun.Finished")) == 1


def test_after_a_downtime_only_the_latest_missed_time_runs_within_the_starting_deadline(
    cron: Cron,
) -> None:
    cron.at(9, 31, 0)  # Containr was down from 09:00 to 09:31
    cron.tick()
    assert cron.states() == [
        ("09:05", "skipped"),
        ("09:10", "skipped"),
        ("09:15", "skipped"),
        ("09:20", "skipped"),
        ("09:25", "skipped"),
        ("09:30", "running"),
    ]
    assert all("missed" in r.detail for r in cron.runs()[:5])


def test_a_missed_time_beyond_the_starting_deadline_does_not_run(cron: Cron) -> None:
    cron.update(cron_starting_deadline_seconds=30)
    cron.at(9, 11, 0)
    cron.tick()
    assert cron.states() == [("09:05", "skipped"), ("09:10", "skipped")]
    assert cron.containers() == []
    cron.at(9, 15, 10)
    cron.tick()
    assert cron.states()[-1] == ("09:15", "running")


def test_run_now_starts_a_run_outside_the_schedule_once_per_request(cron: Cron) -> None:
    cron.at(9, 1, 0)
    command = c.RunCronNow(
        service_id=cron.service, environment_id=cron.rig.world.production, request_id="r-1"
    )
    first = cron.rig.run(command).id("run_id")
    assert cron.rig.run(command).id("run_id") == first  # a retried request: the same run
    cron.tick()
    cron.tick()
    (run,) = cron.runs()
    assert (run.id, run.manual, run.state, run.exit_code) == (first, True, "failed", 3)


def test_run_now_of_a_service_that_is_not_cron_is_refused(cron: Cron) -> None:
    with pytest.raises(RuleViolatedError, match="only cron services"):
        cron.rig.run(
            c.RunCronNow(service_id=cron.rig.service, environment_id=cron.rig.world.production)
        )


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        ({"cron_schedule": "0 0 31 2 *"}, "never fires"),
        ({"cron_schedule": "every day"}, "not a valid cron schedule"),
        ({"cron_timezone": "Mars/Olympus"}, "not a known time zone"),
        ({"cron_overlap": "pile-up"}, "skip, queue, replace"),
    ],
)
def test_a_bad_schedule_is_refused_when_set_and_nothing_is_recorded(
    cron: Cron, settings: dict[str, str], words: str
) -> None:
    before = len(cron.rig.events("Service.Reconfigured"))
    with pytest.raises(InvalidValueError, match=words):
        cron.update(**settings)
    assert len(cron.rig.events("Service.Reconfigured")) == before
    with pytest.raises(InvalidValueError, match=words):
        cron.rig.run(
            c.CreateService(
                project_id=cron.rig.world.project,
                name="nightly",
                kind=ServiceKind.CRON,
                image=IMAGE,
                **{"cron_schedule": "@daily", **settings},  # type: ignore[arg-type]
            )
        )


def test_a_schedule_is_read_in_its_time_zone(cron: Cron) -> None:
    cron.update(cron_schedule="0 10 * * *", cron_timezone="Europe/Paris")  # 09:00 UTC in winter
    cron.at(9, 0, 1)
    cron.tick()
    assert cron.states() == []  # the deployment became live at 09:00 or later
    cron.rig.clock.advance(timedelta(days=1))
    cron.tick()
    (run,) = cron.runs()
    assert run.scheduled_at == START + timedelta(days=1)


def test_a_removed_environment_runs_nothing_more(cron: Cron) -> None:
    staging = cron.rig.run(
        c.AddEnvironment(project_id=cron.rig.world.project, name="staging", kind="development")
    ).id("environment_id")
    deployed = cron.rig.run(c.RequestDeployment(service_id=cron.service, environment_id=staging))
    assert cron.rig.drive(deployed.id("deployment_id")).state is DeploymentState.HEALTHY
    cron.rig.run(c.RemoveEnvironment(project_id=cron.rig.world.project, environment_id=staging))
    cron.at(9, 5, 1)
    cron.tick()
    assert cron.rig.world.app.dashboard.cron_runs(cron.service, staging) == []
    assert cron.states() == [("09:05", "running")]  # production runs as before
