"""tests/prune-networks removes the unused networks of the suites' own installations only."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import docker
import pytest

from application.settings import Settings
from tests.conftest import service_missing
from tests.installations import record_instance

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def engine() -> Iterator[docker.APIClient]:
    try:
        client = docker.APIClient(base_url="unix:///var/run/docker.sock", version="auto")
        client.ping()
    except Exception as e:
        service_missing("Docker", e)
        raise AssertionError from None
    yield client
    client.close()


def network(engine: docker.APIClient, instance: str) -> str:
    name = f"containr-prune-test-{uuid.uuid4().hex[:12]}"
    labels = {"containr.environment": str(uuid.uuid4()), "containr.instance": instance}
    engine.create_network(name, driver="bridge", labels=labels)
    return name


def exists(engine: docker.APIClient, name: str) -> bool:
    return any(n["Name"] == name for n in engine.networks(names=[name]))


def test_only_the_recorded_installations_networks_are_pruned(
    engine: docker.APIClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONTAINR_TEST_INSTANCES", str(tmp_path / "instances"))
    ours = Settings(data_dir=str(tmp_path / "ours"))
    record_instance(ours)
    mine = network(engine, ours.instance)
    foreign = network(engine, f"another-installation-{uuid.uuid4().hex[:8]}")
    try:
        subprocess.run(["bash", str(ROOT / "tests/prune-networks")], check=True, timeout=60)
        assert not exists(engine, mine)
        assert exists(engine, foreign)  # another installation's, unused, on the same engine
        assert (tmp_path / "instances").read_text() == ""  # nothing of ours is left
    finally:
        for name in (mine, foreign):
            with suppress(docker.errors.APIError):
                engine.remove_network(name)
