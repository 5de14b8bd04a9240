"""Data files are the owner's alone (issue 11): the data directory 0700, and every file the
embedded mode keeps there (SQLite stores with their -wal and -shm files, lock files, the
master key) 0600, whatever the umask."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from application.settings import Settings
from interfaces.bootstrap import migrate, secure_data_dir
from tests.e2e.conftest import Server

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def umask(mask: int) -> Iterator[None]:
    """The usual 022, so that files made without care would be readable by everyone."""
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def modes(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): oct(stat.S_IMODE(p.stat().st_mode))
        for p in sorted(directory.rglob("*"))
    }


def containr(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONTAINR_")}
    env["CONTAINR_DATA_DIR"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "interfaces", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_after_migrate_and_serving_every_data_file_is_0600(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with umask(0o022):
        containr(data, "migrate")
        server = Server(Settings(data_dir=str(data)))
        try:
            signed = httpx.post(
                server.url + "/auth/signup",
                json={"email": "a@example.com", "name": "A", "password": "correct horse battery"},
                headers={"x-containr-csrf": "1"},
                timeout=30,
            )
            assert signed.status_code == 200, signed.text
            running = modes(data)
        finally:
            server.stop()
        containr(data, "admin", "status")
    after = modes(data)
    assert oct(stat.S_IMODE(data.stat().st_mode)) == "0o700"
    # While serving: the WAL and shared-memory files of both stores, and the leaders' locks.
    for name in ("containr.sqlite3-wal", "containr.sqlite3-shm", "readmodels.sqlite3-wal"):
        assert name in running, running
    assert any(name.endswith(".lock") for name in running), running
    assert "master.key" in after
    for snapshot in (running, after):
        assert {name: mode for name, mode in snapshot.items() if mode != "0o600"} == {}


def test_an_older_installation_is_tightened_at_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    settings = Settings(data_dir=str(data))
    with umask(0o022):
        migrate(settings)
        for path in data.iterdir():
            path.chmod(0o644)
        (data / "notes.txt").write_text("not Containr's")
        secure_data_dir(settings)
    assert oct(stat.S_IMODE(data.stat().st_mode)) == "0o700"
    containrs = {name: mode for name, mode in modes(data).items() if name != "notes.txt"}
    assert containrs and set(containrs.values()) == {"0o600"}
    assert modes(data)["notes.txt"] == "0o644"  # someone else's file keeps its mode


def test_a_shared_directory_keeps_its_mode_but_containrs_files_are_private(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp
    with umask(0o022):
        migrate(Settings(data_dir=str(shared)))
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert set(modes(shared).values()) == {"0o600"}
