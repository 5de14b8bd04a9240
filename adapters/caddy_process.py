"""A Caddy process of Containr's own: `caddy run` with only its admin API configured.

Used when no outside Caddy is configured (CONTAINR_INGRESS_ADMIN unset) and the `caddy`
binary is on PATH, and by the tests. Caddy keeps no config of its own here (``persist``
off): the reconciler rebuilds every route from the read models after a (re)start.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx


def _die_with_parent() -> None:
    """In the child: ask Linux to SIGTERM it when Containr's process dies (even killed)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class CaddyStartError(RuntimeError):
    """Caddy could not be started (missing binary, port taken, bad config)."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class CaddyServer:
    """Starts and stops one Caddy whose admin API listens on ``127.0.0.1:<admin_port>``."""

    def __init__(
        self, workdir: Path, *, admin_port: int | None = None, executable: str | None = None
    ) -> None:
        self.workdir = workdir
        self.executable = executable or shutil.which("caddy")
        self.admin_port = admin_port or free_port()
        self.admin_url = f"http://127.0.0.1:{self.admin_port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "caddy.log"

    @staticmethod
    def available() -> bool:
        """Whether a `caddy` binary is on PATH."""
        return shutil.which("caddy") is not None

    def start(self, *, timeout: float = 10) -> None:
        """Run Caddy and wait until its admin API answers."""
        if self.executable is None:
            raise CaddyStartError("no `caddy` executable on PATH (Debian package `caddy`)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "caddy.json"
        config.write_text(
            json.dumps(
                {"admin": {"listen": f"127.0.0.1:{self.admin_port}", "config": {"persist": False}}}
            )
        )
        env = {
            "HOME": str(self.workdir),
            "XDG_CONFIG_HOME": str(self.workdir / "config"),
            "XDG_DATA_HOME": str(self.workdir / "data"),
            "PATH": "/usr/local/bin:/usr/bin:/bin",
        }
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own binary and arguments
                [self.executable, "run", "--config", str(config)],
                stdout=log,
                stderr=log,
                env=env,
                preexec_fn=_die_with_parent,  # noqa: PLW1509 - only a prctl call
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise CaddyStartError(f"caddy exited: {self._log_tail()}")
            try:
                httpx.get(f"{self.admin_url}/config/", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise CaddyStartError(f"caddy's admin API did not come up: {self._log_tail()}")

    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Stop Caddy (gracefully, then by force)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def _log_tail(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-2000:]
        except OSError:
            return "(no log)"
