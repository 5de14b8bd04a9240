"""Services: spec validation, reconfiguration, scaling and releases."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import DeploymentId, OrganizationId, ProjectId, ServiceId
from domain.service import Service, ServiceDeletedError
from domain.service_spec import (
    BuildMode,
    BuildSettings,
    GitSource,
    HealthCheck,
    HealthCheckKind,
    Resources,
    ServiceKind,
    ServiceSpec,
)
from tests.unit.given import ACTOR, at, given, replayed, then

WEB = ServiceSpec(
    kind=ServiceKind.WEB, git=GitSource("https://git.example.com/shop.git"), port=8080
)


def service(spec: ServiceSpec = WEB) -> Service:
    return Service.create(
        ServiceId(uuid.uuid4()),
        OrganizationId(uuid.uuid4()),
        ProjectId(uuid.uuid4()),
        "web",
        spec,
        actor=ACTOR,
        now=at(),
    )


def test_a_service_is_created_with_its_spec() -> None:
    s = service()
    [created] = then(s)
    assert created.spec == WEB and created.name == "web"


def test_a_service_without_git_or_image_is_built_from_uploaded_directories() -> None:
    spec = replace(WEB, git=None).check()
    assert spec.from_uploads
    assert not WEB.from_uploads


BAD_SPECS = [
    (replace(WEB, port=None), "port: a web service needs"),
    (replace(WEB, port=70000), "not a TCP port"),
    (replace(WEB, image="nginx:1"), r"a git repository \(git\) or an image \(image\)"),
    (replace(WEB, git=None, image="Not An Image!"), "not a valid image reference"),
    (replace(WEB, git=GitSource("ftp://x/y")), "git URL"),
    (
        replace(WEB, git=GitSource("https://user:tok@github.com/a/b")),
        "must not contain credentials",
    ),
    (replace(WEB, git=GitSource("https://tok@github.com/a/b")), "must not contain credentials"),
    (replace(WEB, git=GitSource("https://github.com/a/b", branch="a..b")), "not a valid branch"),
    (replace(WEB, git=GitSource("https://github.com/a/b", root_directory="../x")), "inside the"),
    (replace(WEB, replicas=-1), "replicas: .* is not between 0 and 100"),
    (replace(WEB, replicas=101), "replicas: .* is not between 0 and 100"),
    (replace(WEB, resources=Resources(cpu_request_millis=-5)), "must not be negative"),
    (replace(WEB, resources=Resources(memory_request_mb=-1)), "must not be negative"),
    (
        replace(WEB, resources=Resources(cpu_request_millis=500, cpu_limit_millis=250)),
        "above the limit",
    ),
    (replace(WEB, resources=Resources(memory_limit_mb=0)), "must be positive"),
    (replace(WEB, cron_schedule="* * * * *"), "only cron services"),
    (replace(WEB, kind=ServiceKind.CRON), "needs a schedule"),
    (replace(WEB, kind=ServiceKind.WORKER, domains=("a.example.com",)), "only web services"),
    (replace(WEB, domains=("not a host",)), "not a valid host name"),
    (replace(WEB, start_command="  "), "must not be blank"),
    (replace(WEB, health_check=HealthCheck(HealthCheckKind.HTTP, path="health")), "needs a path"),
    (replace(WEB, health_check=HealthCheck(HealthCheckKind.COMMAND)), "needs a command"),
    (replace(WEB, health_check=HealthCheck(HealthCheckKind.TCP, interval_seconds=0)), "interval"),
    (replace(WEB, health_check=HealthCheck(HealthCheckKind.TCP, retries=0)), "retries"),
    (replace(WEB, health_check=HealthCheck(HealthCheckKind.TCP, grace_period_seconds=-1)), "grace"),
    (replace(WEB, build=BuildSettings(BuildMode.AUTO, dockerfile_path="Dockerfile")), "only used"),
    (replace(WEB, build=BuildSettings(BuildMode.DOCKERFILE, dockerfile_path="/etc/x")), "inside"),
]


@pytest.mark.parametrize(("spec", "message"), BAD_SPECS)
def test_invalid_specs_are_refused(spec: ServiceSpec, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        service(spec)


def test_bad_names_are_refused() -> None:
    with pytest.raises(InvalidValueError, match="not a valid slug"):
        Service.create(
            ServiceId(uuid.uuid4()),
            OrganizationId(uuid.uuid4()),
            ProjectId(uuid.uuid4()),
            "Web Server",
            WEB,
            actor=ACTOR,
            now=at(),
        )


def test_valid_sources_are_accepted() -> None:
    for url in (
        "git@github.com:a/b.git",
        "ssh://git@host/a.git",
        "file:///tmp/repo",
        "https://h/a",
    ):
        service(replace(WEB, git=GitSource(url)))
    service(replace(WEB, git=None, image="registry.local:5000/team/app:1.2@sha256:" + "a" * 64))


def test_domains_are_normalised_and_deduplicated() -> None:
    s = service(replace(WEB, domains=("Shop.Example.com", "shop.example.com.")))
    assert s.spec.domains == ("shop.example.com",)


def test_reconfiguring_records_the_changed_fields() -> None:
    s = given(service())
    s.reconfigure(replace(WEB, port=9000, start_command="serve"), actor=ACTOR, now=at(1))
    [event] = then(s)
    assert type(event).__name__ == "Reconfigured"
    assert event.changed == ("start_command", "port")


def test_changing_only_replicas_is_a_scale() -> None:
    s = given(service())
    s.reconfigure(replace(WEB, replicas=3), actor=ACTOR, now=at(1))
    [event] = then(s)
    assert type(event).__name__ == "Scaled" and (event.replicas, event.previous) == (3, 1)


@pytest.mark.parametrize("replicas", [-1, 101])
def test_scaling_out_of_range_is_refused_and_records_nothing(replicas: int) -> None:
    s = given(service())
    with pytest.raises(InvalidValueError, match=r"replicas: .* is not between 0 and 100"):
        s.scale(replicas, actor=ACTOR, now=at(1))
    assert then(s) == []


def test_a_scaled_service_replays_to_the_spec_with_the_new_count_only() -> None:
    s = service()
    s.scale(7, actor=ACTOR, now=at(1))
    assert s.spec == replace(WEB, replicas=7)
    assert replayed(s).spec == replace(WEB, replicas=7)
    assert WEB.replicas == 1  # the spec it was scaled from is unchanged


def test_an_unchanged_spec_records_nothing() -> None:
    s = given(service())
    assert s.reconfigure(WEB, actor=ACTOR, now=at(1)) == ()
    s.scale(1, actor=ACTOR, now=at(1))
    assert then(s) == []


def test_the_kind_cannot_change() -> None:
    s = given(service())
    with pytest.raises(RuleViolatedError, match="kind cannot change"):
        s.reconfigure(replace(WEB, kind=ServiceKind.WORKER), actor=ACTOR, now=at(1))


def test_a_deleted_service_cannot_change() -> None:
    s = service()
    s.delete(actor=ACTOR, now=at(1))
    given(s)
    with pytest.raises(ServiceDeletedError):
        s.scale(2, actor=ACTOR, now=at(2))
    with pytest.raises(ServiceDeletedError):
        s.delete(actor=ACTOR, now=at(2))


def test_promoting_a_release_records_the_previous_one() -> None:
    s = given(service())
    env, first, second = uuid.uuid4(), DeploymentId(uuid.uuid4()), DeploymentId(uuid.uuid4())
    s.promote(env, first, actor=ACTOR, now=at(1))
    s.promote(env, second, actor=ACTOR, now=at(2))
    s.promote(env, second, actor=ACTOR, now=at(3))
    events = then(s)
    assert [e.previous_id for e in events] == [None, first]
    assert s.live_release(env) == second


def test_history_replays_to_the_same_service() -> None:
    s = service()
    s.reconfigure(replace(WEB, port=9000), actor=ACTOR, now=at(1))
    s.scale(4, actor=ACTOR, now=at(2))
    copy = replayed(s)
    assert copy.spec == replace(WEB, port=9000, replicas=4)
