"""Rebuild throughput of the dashboard + history read models on PostgreSQL.

Run as `python -m bench.rebuild`. It records a realistic log (organisations, projects,
services, and deployments walking through their states) of 200,000 events, then:
- baseline: reads every event through the library's own subscription
  (eventsourcing.projection.ApplicationSubscription: LISTEN/NOTIFY, typed events);
- rebuilds history and dashboard from zero into new tables side by side, as
  ``containr projections rebuild --all`` does (``rebuild_many``: the first in a fresh
  process, the other in a child of its own), and reports events/s (events in the log /
  time until both serve their new generation) and the largest peak RSS of those
  processes; then grows the log to 400,000 events and measures again.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import msgspec
from eventsourcing.projection import ApplicationSubscription

from adapters.readstore.host import ReadModelHost
from application.secrets import Secret, secret_dec_hook
from application.settings import Settings
from bench.common import bench_line, scratch_postgres
from domain.deployment import DeadlinePolicy, Deployment, DeploymentTrigger
from domain.ids import (
    Actor,
    DeploymentId,
    EnvironmentId,
    OrganizationId,
    ProjectId,
    ServiceId,
    UserId,
)
from domain.organization import Organization
from domain.project import Project
from domain.service import Service
from domain.service_spec import GitSource, ServiceKind, ServiceSpec
from interfaces.bootstrap import bootstrap

EVENTS = int(os.environ.get("BENCH_EVENTS", "200000"))
ACTOR = Actor("user:bench")
POLICY = DeadlinePolicy()
SPEC = ServiceSpec(
    kind=ServiceKind.WEB, git=GitSource("https://git.example.com/app.git"), port=8080
)


def record_unit(app: Any, start: datetime) -> int:
    """One organisation with a project, 4 services and 10 releases each; one save()."""
    now = start
    org = Organization.create(
        OrganizationId(uuid.uuid4()),
        "Org",
        f"o-{uuid.uuid4().hex[:12]}",
        UserId(uuid.uuid4()),
        actor=ACTOR,
        now=now,
    )
    env = EnvironmentId(uuid.uuid4())
    project = Project.create(
        ProjectId(uuid.uuid4()), OrganizationId(org.id), "Shop", "shop", env, actor=ACTOR, now=now
    )
    aggregates: list[Any] = [org, project]
    for s in range(4):
        service = Service.create(
            ServiceId(uuid.uuid4()),
            OrganizationId(org.id),
            ProjectId(project.id),
            f"svc-{s}",
            SPEC,
            actor=ACTOR,
            now=now,
        )
        aggregates.append(service)
        previous: Deployment | None = None
        for r in range(10):
            now += timedelta(minutes=3)
            d = Deployment.request(
                DeploymentId(uuid.uuid4()),
                organization_id=org.id,
                project_id=project.id,
                service_id=service.id,
                environment_id=env,
                trigger=DeploymentTrigger.GIT_PUSH,
                spec=SPEC,
                policy=POLICY,
                actor=ACTOR,
                now=now,
            )
            d.start_build(policy=POLICY, operation_id=None, actor=ACTOR, now=now)
            d.record_built(
                f"app:{r}",
                commit=uuid.uuid4().hex + "00000000",
                policy=POLICY,
                operation_id=None,
                actor=ACTOR,
                now=now + timedelta(seconds=40),
            )
            d.start_replicas(
                policy=POLICY, operation_id=None, actor=ACTOR, now=now + timedelta(seconds=41)
            )
            d.record_healthy(
                policy=POLICY, operation_id=None, actor=ACTOR, now=now + timedelta(seconds=60)
            )
            service.promote(env, DeploymentId(d.id), actor=ACTOR, now=now + timedelta(seconds=60))
            if previous is not None:
                previous.supersede(DeploymentId(d.id), actor=ACTOR, now=now + timedelta(seconds=60))
            aggregates.append(d)
            previous = d
    count = sum(len(a.pending_events) for a in aggregates)
    app.store.save(*aggregates)
    return count


def grow_log(settings_json: str, target: int) -> None:
    """Record units until the log holds ``target`` events (run in a child process)."""
    settings = msgspec.json.decode(settings_json, type=Settings, dec_hook=secret_dec_hook)
    app = bootstrap(settings)
    have = app.events.head()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    while have < target:
        have += record_unit(app, start + timedelta(hours=have // 200))
    app.close()


def rebuild_child(settings_json: str) -> None:
    """Rebuild dashboard and history; print seconds and the largest process's peak RSS."""
    settings = msgspec.json.decode(settings_json, type=Settings, dec_hook=secret_dec_hook)
    app = bootstrap(settings)
    host = cast(ReadModelHost, app.projections)
    started = time.perf_counter()
    # Side by side, named in the CLI's order: rebuild_many keeps the larger (history) in this
    # process and starts dashboard in a process of its own.
    host.rebuild_many(["dashboard", "history"])
    elapsed = time.perf_counter() - started
    rss_mb = (
        max(
            resource.getrusage(who).ru_maxrss
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        )
        / 1024
    )
    print(msgspec.json.encode({"seconds": elapsed, "rss_mb": rss_mb}).decode())
    app.close()


def raw_read(settings: Settings, head: int) -> float:
    """Events/s reading the whole log through the library's subscription."""
    app = bootstrap(settings)
    started = time.perf_counter()
    with ApplicationSubscription(app.store, gt=0) as subscription:
        for _, tracking in subscription:
            if tracking.notification_id >= head:
                break
    elapsed = time.perf_counter() - started
    app.close()
    return head / elapsed


def child(command: str, settings_json: str, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "bench.rebuild", command, settings_json, *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def encode_settings(settings: Settings) -> str:
    return msgspec.json.encode(
        settings, enc_hook=lambda o: o.reveal() if isinstance(o, Secret) else o
    ).decode()


def main() -> None:
    with scratch_postgres() as settings:
        encoded = encode_settings(settings)
        started = time.perf_counter()
        child("grow", encoded, str(EVENTS))
        app = bootstrap(settings)
        head = app.events.head()
        app.close()
        print(f"recorded {head} events in {time.perf_counter() - started:.1f}s")
        raw = raw_read(settings, head)
        print(f"raw subscription read     {raw:10.0f} events/s")
        first = msgspec.json.decode(child("rebuild", encoded))
        rate = head / first["seconds"]
        print(
            f"rebuild dashboard+history {rate:10.0f} events/s  ({first['seconds']:.1f}s, "
            f"peak RSS {first['rss_mb']:.0f} MB at {head} events)"
        )
        child("grow", encoded, str(EVENTS * 2))
        app = bootstrap(settings)
        doubled = app.events.head()
        app.close()
        second = msgspec.json.decode(child("rebuild", encoded))
        print(
            f"rebuild at {doubled} events: {doubled / second['seconds']:.0f} events/s, "
            f"peak RSS {second['rss_mb']:.0f} MB"
        )
    print(bench_line("rebuild", rate, "events/s", raw, "library_subscription_read_rate"))
    print(f"BENCH rebuild_peak_rss {first['rss_mb']:.0f} MB at={head}_events")
    print(
        f"BENCH rebuild_peak_rss_doubled {second['rss_mb']:.0f} MB at={doubled}_events "
        f"ratio={second['rss_mb'] / first['rss_mb']:.2f} baseline=peak_rss_at_{head}_events"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "grow":
        grow_log(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) > 1 and sys.argv[1] == "rebuild":
        rebuild_child(sys.argv[2])
    else:
        main()
