"""The projection runner on PostgreSQL under kill -9, and with two runners racing to lead."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import msgspec
import psycopg
import pytest

from adapters.fakes import FakeClock
from adapters.readstore.host import ReadModelHost
from adapters.readstore.reader import SqlReadStore
from application.secrets import Secret, secret_enc_hook
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from tests.integration.readmodel_helpers import dump, rebuilt_dump
from tests.integration.scenario import ACTIONS, Scenario

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app(pg_settings: Settings) -> Iterator[Services]:
    services = bootstrap(pg_settings, clock=FakeClock())
    yield services
    services.close()


def reveal_settings(settings: Settings) -> str:
    def hook(obj: Any) -> Any:
        if isinstance(obj, Secret):
            return obj.reveal()
        return secret_enc_hook(obj)

    return msgspec.json.encode(settings, enc_hook=hook).decode()


class Child:
    """A runner process."""

    def __init__(self, settings: Settings, model: str, delay: float) -> None:
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.runner_child",
                reveal_settings(settings),
                model,
                str(delay),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "started"

    def wait_leading(self, timeout: float = 20) -> None:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.stdout.readline().strip() == "leading":
                return
        raise AssertionError("the runner never led")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def mid_batch(settings: Settings, pid: int, timeout: float = 10) -> bool:
    """Wait until the runner's connection is inside an open transaction (mid-batch)."""
    assert settings.database_url is not None
    deadline = time.monotonic() + timeout
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE %s "
                "AND state IN ('idle in transaction', 'active')",
                (f"containr:runner:%:{pid}",),
            ).fetchone()
            if row and row[0]:
                return True
            time.sleep(0.005)
    return False


def keep_writing(app: Services, stop: threading.Event, seed: int) -> threading.Thread:
    scenario = Scenario(app, cast(FakeClock, app.clock), random.Random(seed))
    rng = random.Random(seed + 1)

    def write() -> None:
        while not stop.is_set():
            scenario.step(rng.choice(ACTIONS))
            time.sleep(0.002)

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def caught_up(app: Services, model: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.read_store.positions()[model] == app.events.head():
            return
        time.sleep(0.1)
    raise AssertionError(f"{model} did not catch up")


@pytest.mark.parametrize("model", ["dashboard", "analytics"])
def test_kill_9_mid_batch_repeatedly_loses_nothing_and_applies_nothing_twice(
    app: Services, pg_settings: Settings, model: str
) -> None:
    stop = threading.Event()
    writer = keep_writing(app, stop, seed=11)
    kills_mid_batch = 0
    try:
        for _ in range(5):
            child = Child(pg_settings, model, delay=0.004)
            child.wait_leading()
            time.sleep(random.uniform(0.05, 0.4))
            if mid_batch(pg_settings, child.proc.pid):
                kills_mid_batch += 1
            child.kill()
    finally:
        stop.set()
        writer.join()
    assert kills_mid_batch >= 3, "the kills did not land inside batches"
    final = Child(pg_settings, model, delay=0)
    try:
        final.wait_leading()
        caught_up(app, model)
    finally:
        final.kill()
    host, reader = cast(ReadModelHost, app.projections), cast(SqlReadStore, app.read_store)
    assert dump(reader, host, model) == rebuilt_dump(reader, host, model, app.events.head())


def test_two_runners_one_leads_the_other_takes_over_when_it_dies(
    app: Services, pg_settings: Settings
) -> None:
    model = "analytics"  # counters: an event applied twice or skipped changes a number
    stop = threading.Event()
    writer = keep_writing(app, stop, seed=21)
    first = Child(pg_settings, model, delay=0.002)
    second: Child | None = None
    try:
        first.wait_leading()
        second = Child(pg_settings, model, delay=0.002)
        time.sleep(1.0)
        leader = app.projections.status()
        by_model = {s.model: s for s in leader}
        assert by_model[model].leader is not None
        assert by_model[model].leader.endswith(f":{first.proc.pid}")
        first.kill()
        second.wait_leading()
        time.sleep(0.5)
        stop.set()
        writer.join()
        caught_up(app, model)
        by_model = {s.model: s for s in app.projections.status()}
        assert by_model[model].leader is not None
        assert by_model[model].leader.endswith(f":{second.proc.pid}")
    finally:
        stop.set()
        writer.join()
        if first.proc.poll() is None:
            first.kill()
        if second is not None:
            second.kill()
    host, reader = cast(ReadModelHost, app.projections), cast(SqlReadStore, app.read_store)
    assert dump(reader, host, model) == rebuilt_dump(reader, host, model, app.events.head())
