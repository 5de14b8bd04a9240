"""A Docker engine that accepts only TLS clients whose certificates its CA signed (issue 18):
a second dockerd the test starts beside the first (its own data root, exec root, unix socket,
pid file, bridge and address pool), listening on tcp://127.0.0.1:<free port> with
``--tlsverify``; and the certificates, made in the test with ``cryptography``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import docker

from adapters.caddy_process import free_port
from tests.certificates import Authority
from tests.integration.deploy_support import DOCKER_URL, until


class TlsEngine:
    """A dockerd this test starts and stops: TLS-verified TCP for Containr, a unix socket for
    the test itself (loading images, cleaning up)."""

    def __init__(self, authority: Authority) -> None:
        # Short paths: containerd's sockets live under the exec root (108-byte limit).
        self.root = Path(tempfile.mkdtemp(prefix="ctl-", dir="/tmp"))
        self.socket = self.root / "d.sock"
        self.unix_url = f"unix://{self.socket}"
        self.port = free_port()
        self.url = f"tcp://127.0.0.1:{self.port}"
        tag = uuid.uuid4().hex[:6]
        self.bridge = f"ctl{tag}"
        first, second = 150 + int(tag[:2], 16) % 25, int(tag[2:4], 16)
        self.subnet = f"10.{first}.{second}"
        self.pool = f"10.{first + 25}.0.0/16"
        self.log = self.root / "dockerd.log"
        self.process: subprocess.Popen[bytes] | None = None
        served = authority.issue("engine", server=True)
        for name, pem in (
            ("ca.pem", authority.pem),
            ("server.pem", served.cert),
            ("server-key.pem", served.key),
        ):
            (self.root / name).write_text(pem)
        (self.root / "server-key.pem").chmod(0o600)

    def start(self) -> None:
        subprocess.run(["ip", "link", "add", self.bridge, "type", "bridge"], check=True)
        subprocess.run(["ip", "addr", "add", f"{self.subnet}.1/24", "dev", self.bridge], check=True)
        subprocess.run(["ip", "link", "set", self.bridge, "up"], check=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    "dockerd",
                    f"--data-root={self.root / 'data'}",
                    f"--exec-root={self.root / 'x'}",
                    f"--host={self.unix_url}",
                    f"--host={self.url}",
                    "--tlsverify",
                    f"--tlscacert={self.root / 'ca.pem'}",
                    f"--tlscert={self.root / 'server.pem'}",
                    f"--tlskey={self.root / 'server-key.pem'}",
                    f"--pidfile={self.root / 'd.pid'}",
                    f"--bridge={self.bridge}",
                    "--iptables=false",
                    "--ip6tables=false",
                    f"--default-address-pool=base={self.pool},size=24",
                    "--shutdown-timeout=2",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        until(self.answers, timeout=60, what="the TLS dockerd to answer")

    def answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise AssertionError(f"the TLS dockerd exited: {tail}")
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            try:
                sock.connect(str(self.socket))
                sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: engine\r\n\r\n")
                unix = sock.recv(4096).endswith(b"OK")
            except OSError:
                return False
        with socket.socket() as tcp:
            tcp.settimeout(2)
            return unix and tcp.connect_ex(("127.0.0.1", self.port)) == 0

    def load(self, image: str) -> None:
        """Copy an image of the first engine into this one (no registry here)."""
        saved = subprocess.run(
            ["docker", "-H", DOCKER_URL, "save", image], check=True, capture_output=True
        ).stdout
        subprocess.run(
            ["docker", "-H", self.unix_url, "load", "-q"],
            input=saved,
            check=True,
            capture_output=True,
        )

    def client(self) -> docker.APIClient:
        """The test's own client, over the unix socket."""
        return docker.APIClient(base_url=self.unix_url, version="auto", timeout=30)

    def remove(self) -> None:
        """SIGTERM to the dockerd this test started, by its pid; then its files and bridge."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)
            self.process = None
        data = self.root / "data"
        subprocess.run(["umount", "--recursive", str(data)], capture_output=True, check=False)
        shutil.rmtree(self.root, ignore_errors=True)
        subprocess.run(["ip", "link", "del", self.bridge], capture_output=True, check=False)
