"""A CNCF Distribution registry (Debian's docker-registry) that a test runs: its own config,
filesystem storage in a temporary directory (or a small tmpfs, to fill it), htpasswd auth
with one login, on a free loopback port (plain HTTP: engines trust 127.0.0.0/8). Stopped by
its pid; nothing of the system's registry service is touched."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from adapters.caddy_process import free_port
from tests.conftest import service_missing

USER = "containr-ci"


@dataclass
class Registry:
    """A Distribution registry this test runs, by its pid, with one htpasswd login."""

    address: str
    password: str
    process: subprocess.Popen[bytes]
    root: Path

    def catalog(self) -> list[str]:
        response = httpx.get(
            f"http://{self.address}/v2/_catalog", auth=(USER, self.password), timeout=5
        )
        response.raise_for_status()
        repositories: list[str] = response.json()["repositories"]
        return repositories


def _htpasswd_line(password: str) -> str:
    done = subprocess.run(
        ["htpasswd", "-nbB", USER, password], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


@contextmanager
def running_registry(
    storage_limit: str | None = None, host: str = "127.0.0.1"
) -> Iterator[Registry]:
    """A registry on a free port of ``host`` (loopback by default); ``storage_limit`` (like
    ``256k``) puts its storage on a tmpfs of that size, so a push fills it."""
    for binary in ("docker-registry", "htpasswd"):
        if shutil.which(binary) is None:
            service_missing(f"{binary} (bash tests/services)", FileNotFoundError(binary))
    root = Path(tempfile.mkdtemp(prefix="creg-"))
    data = root / "data"
    data.mkdir()
    mounted = False
    password = secrets.token_urlsafe(12)
    (root / "htpasswd").write_text(_htpasswd_line(password) + "\n")
    address = f"{host}:{free_port()}"  # free on loopback, and ``host`` is the caller's own
    (root / "config.yml").write_text(
        "version: 0.1\n"
        "log:\n  level: warn\n"
        f"storage:\n  filesystem:\n    rootdirectory: {data}\n"
        f"http:\n  addr: {address}\n  secret: {secrets.token_hex(16)}\n"
        f"auth:\n  htpasswd:\n    realm: containr-test\n    path: {root / 'htpasswd'}\n"
    )
    process: subprocess.Popen[bytes] | None = None
    try:
        if storage_limit is not None:
            subprocess.run(
                ["mount", "-t", "tmpfs", "-o", f"size={storage_limit}", "tmpfs", str(data)],
                check=True,
                capture_output=True,
            )
            mounted = True
        with (root / "registry.log").open("ab") as log:
            process = subprocess.Popen(
                ["docker-registry", "serve", str(root / "config.yml")],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started = Registry(address=address, password=password, process=process, root=root)

        def answers() -> bool:
            assert process is not None
            if process.poll() is not None:
                tail = (root / "registry.log").read_text(errors="replace")[-2000:]
                raise AssertionError(f"docker-registry exited: {tail}")
            try:
                return httpx.get(f"http://{address}/v2/", timeout=2).status_code == 401
            except httpx.TransportError:
                return False

        _until(answers, timeout=30, what="the registry to answer")
        yield started
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)
        if mounted:
            subprocess.run(["umount", str(data)], capture_output=True, check=False)
        shutil.rmtree(root, ignore_errors=True)


def _until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
