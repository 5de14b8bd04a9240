"""Scale to zero (issue 16): when an idle service sleeps, the policy's rules for it, the wake
tokens, the wake handler's bounds, and a sleeping route in Caddy's configuration."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from adapters.caddy import _from_caddy, _to_caddy
from adapters.fake_ingress import InMemoryIngress
from application import commands as c
from application.runtime_ports import ProbeResult, Route
from application.wake import WAKE_HEADER, WakeGate, WakeRefused, WakeTokens, derive_wake_key
from domain.autoscaling import (
    AutoscalingPolicy,
    Inputs,
    MetricKind,
    MetricTarget,
    Prices,
    Reading,
    evaluate,
    idle_reason,
)
from domain.errors import InvalidValueError

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
RPS = MetricTarget(MetricKind.REQUESTS, 10)


def sleepy(**kw: Any) -> AutoscalingPolicy:
    base: dict[str, Any] = {
        "min_replicas": 0,
        "max_replicas": 5,
        "metrics": (RPS,),
        "idle_timeout_seconds": 60,
    }
    return AutoscalingPolicy(**{**base, **kw})


def checked(policy: AutoscalingPolicy) -> AutoscalingPolicy:
    return policy.check(cpu_request_millis=0, memory_request_mb=0, prices=Prices(0, 0))


def quiet(seconds: int, *, step: int = 10, value: float = 0.0) -> list[tuple[datetime, float]]:
    return [(NOW - timedelta(seconds=s), value) for s in range(seconds, -1, -step)]


# The policy


def test_min_replicas_0_needs_an_idle_timeout_and_an_idle_timeout_needs_min_0() -> None:
    assert checked(sleepy()).idle_timeout_seconds == 60
    with pytest.raises(InvalidValueError, match="set an idle timeout"):
        checked(sleepy(idle_timeout_seconds=None))
    with pytest.raises(InvalidValueError, match="min_replicas to 0"):
        checked(sleepy(min_replicas=1))
    for bad in (0, 9, -5, 7 * 24 * 3600 + 1):
        with pytest.raises(InvalidValueError, match="idle_timeout_seconds"):
            checked(sleepy(idle_timeout_seconds=bad))


def test_the_metrics_never_take_a_running_service_below_one_replica() -> None:
    idle = tuple(Reading(True, 0.0) for _ in range(3))
    evaluation = evaluate(sleepy(), Inputs(NOW, 3, {"requests_per_second": idle}))
    assert evaluation.desired == 1


# When an idle service sleeps


def test_no_requests_for_the_whole_idle_timeout_puts_the_service_to_sleep() -> None:
    reason = idle_reason(sleepy(), current=2, requests=quiet(60), now=NOW, awake_since=None)
    assert reason is not None and reason.startswith("no requests for 60 s (the idle timeout)")


@pytest.mark.parametrize(
    ("requests", "current", "awake_since", "why"),
    [
        ([*quiet(60)[:-1], (NOW, 0.2)], 2, None, "a request came"),
        ([], 2, None, "unmeasured is not idle"),
        (quiet(20), 2, None, "measured for part of the timeout only"),
        (quiet(60), 0, None, "asleep already"),
        (quiet(60), 2, NOW - timedelta(seconds=200), "within the grace after a wake"),
    ],
)
def test_a_service_stays_awake(
    requests: list[tuple[datetime, float]],
    current: int,
    awake_since: datetime | None,
    why: str,
) -> None:
    assert (
        idle_reason(sleepy(), current=current, requests=requests, now=NOW, awake_since=awake_since)
        is None
    ), why


def test_after_the_grace_an_idle_woken_service_sleeps_again() -> None:
    woke = NOW - timedelta(seconds=301)
    assert idle_reason(sleepy(), current=1, requests=quiet(60), now=NOW, awake_since=woke)
    assert idle_reason(
        sleepy(), current=1, requests=quiet(60), now=NOW, awake_since=woke,
        grace=timedelta(seconds=400),
    ) is None  # fmt: skip


def test_without_an_idle_timeout_a_service_never_sleeps() -> None:
    never = sleepy(min_replicas=1, idle_timeout_seconds=None)
    assert idle_reason(never, current=1, requests=quiet(600), now=NOW, awake_since=None) is None


# Wake tokens


def test_a_wake_token_names_its_service_and_cannot_be_forged() -> None:
    tokens = WakeTokens(derive_wake_key(b"k" * 32))
    service, environment = uuid.uuid4(), uuid.uuid4()
    token = tokens.token(service, environment)
    assert tokens.read(token) == (service, environment)
    other = WakeTokens(derive_wake_key(b"x" * 32))
    assert other.read(token) is None
    forged = f"{uuid.uuid4()}.{environment}.{token.rsplit('.', 1)[1]}"
    for bad in (forged, "", "garbage", f"{service}.{environment}.", token + "x"):
        assert tokens.read(bad) is None
    with pytest.raises(ValueError, match="32 bytes"):
        WakeTokens(b"short")


# The wake handler's gate


class Bus:
    def __init__(self, ingress: InMemoryIngress, route: Route, upstream: str) -> None:
        self.ingress, self.route, self.upstream = ingress, route, upstream
        self.commands: list[c.Command] = []

    def execute(self, command: c.Command, ctx: object) -> None:
        self.commands.append(command)
        woken = msgspec.structs.replace(self.route, upstreams=[self.upstream], wake=None)
        self.ingress.apply(woken)


class Prober:
    def __init__(self) -> None:
        self.healthy = threading.Event()

    def http(self, url: str, *, timeout: float) -> ProbeResult:
        return ProbeResult(self.healthy.is_set(), url)

    def tcp(self, host: str, port: int, *, timeout: float) -> ProbeResult:
        return ProbeResult(self.healthy.is_set(), f"{host}:{port}")


def gate_for(max_held: int = 100) -> tuple[WakeGate, Bus, Prober, str]:
    tokens = WakeTokens(derive_wake_key(b"k" * 32))
    service, environment = uuid.uuid4(), uuid.uuid4()
    token = tokens.token(service, environment)
    route = Route(
        id=f"containr-test-{service}-{environment}",
        hosts=["nap.example.test"],
        upstreams=["127.0.0.1:9"],
        wake=token,
    )
    ingress = InMemoryIngress([route])
    bus = Bus(ingress, route, "127.0.0.1:8081")
    prober = Prober()
    gate = WakeGate(
        bus=bus,  # type: ignore[arg-type]
        tokens=tokens,
        prober=prober,
        instance="test",
        deadline=60,
        max_held=max_held,
    )
    gate.ingress = ingress
    return gate, bus, prober, token


def test_the_gate_wakes_the_service_once_and_hands_over_its_healthy_replica() -> None:
    gate, bus, prober, token = gate_for()
    prober.healthy.set()
    assert gate.upstream(token, until=time.monotonic() + 30) == "127.0.0.1:8081"
    assert gate.upstream(token, until=time.monotonic() + 30) == "127.0.0.1:8081"
    assert [type(x) for x in bus.commands] == [c.WakeService]
    assert gate.wakes == 1


def test_a_replica_not_healthy_by_the_deadline_is_a_503_with_retry_after() -> None:
    gate, _bus, _prober, token = gate_for()
    with pytest.raises(WakeRefused) as refused:
        gate.upstream(token, until=time.monotonic() + 0.3)
    assert (refused.value.status, refused.value.code) == (503, "UNAVAILABLE")
    assert refused.value.retry_after


def test_held_requests_beyond_the_cap_are_refused_and_counted_out_again() -> None:
    gate, _bus, _prober, _token = gate_for(max_held=2)
    with gate.hold(), gate.hold():
        assert gate.held == 2
        with pytest.raises(WakeRefused) as refused, gate.hold():
            pass
        assert refused.value.status == 503 and refused.value.retry_after
    assert gate.held == 0


def test_an_unknown_token_or_route_is_not_found() -> None:
    gate, _bus, _prober, _token = gate_for()
    for bad in ("forged", WakeTokens(b"z" * 32).token(uuid.uuid4(), uuid.uuid4())):
        with pytest.raises(WakeRefused) as refused:
            gate.upstream(bad, until=time.monotonic() + 1)
        assert refused.value.status == 404


# A sleeping route in Caddy's configuration


def test_a_sleeping_route_sends_the_original_uri_and_its_token_to_the_wake_handler() -> None:
    route = Route(
        id="containr-test-a-b",
        hosts=["nap.example.test"],
        upstreams=["127.0.0.1:8000"],
        wake="s.e.mac",
        auth_dial="127.0.0.1:8000",
        auth_uri="/access/check?environment=e",
    )
    caddy = msgspec.json.encode(_to_caddy(route))
    proxy = msgspec.json.decode(caddy)["handle"][-1]
    assert proxy["rewrite"] == {"uri": "/_containr/wake{http.request.uri}"}
    assert proxy["headers"]["request"]["set"][WAKE_HEADER] == ["s.e.mac"]
    assert _from_caddy(msgspec.Raw(caddy)) == route
    awake = msgspec.structs.replace(route, wake=None)
    assert _from_caddy(msgspec.Raw(msgspec.json.encode(_to_caddy(awake)))) == awake
