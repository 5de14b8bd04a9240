"""Several Docker hosts on this machine (issue 18), for the multi-host tests and benchmarks.

Each host is a network namespace joined to the root namespace by a veth pair onto one
bridge (a free /24 of 10.100.0.0/14; the root namespace holds its ``.1``), with its own
``dockerd`` (own data root, exec root, socket, pid file and bridge range; it trusts the
bridge's /24 as an insecure registry, and manages iptables in its namespace) and, once it
joined, its own ``containr agent run``. The control plane, the ingress, the registry and the
internal DNS server run in the root namespace on the bridge's address, so traffic to and
between hosts crosses the veth links.

Processes enter a host's namespace with ``nsenter --net`` (network only): ``ip netns exec``
would also remount ``/sys`` in a mount namespace of its own, where dockerd finds no cgroups.
Every name (namespaces, links, the iptables rule) carries the installation's label, every
process is the harness's own by its pid, and :meth:`Hosts.close` removes all of it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import docker
import docker.errors
import uvicorn

from adapters.auth import Argon2Hasher
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app

ROOT = Path(__file__).resolve().parents[1]
COMMAND_TIMEOUT = 30


class HostSetupError(Exception):
    """Raised when a host's namespace, link or engine cannot be set up on this machine."""


def _ip(*args: str) -> None:
    done = subprocess.run(
        ["ip", *args], capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
    )
    if done.returncode != 0:
        raise HostSetupError(f"ip {' '.join(args)}: {done.stderr.strip()}")


def _quiet(*command: str) -> None:
    subprocess.run(list(command), capture_output=True, timeout=COMMAND_TIMEOUT, check=False)


def until(
    condition: Callable[[], bool],
    timeout: float,
    what: str,
    seen: Callable[[], object] | None = None,
) -> None:
    """Wait for ``condition`` with a deadline (polled every 0.1 s); ``seen`` says what was
    seen last when it times out."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            last = f"; last seen: {seen()!r}" if seen is not None else ""
            raise AssertionError(f"timed out waiting for {what}{last}")
        time.sleep(0.1)


def _used_prefixes() -> set[tuple[int, int]]:
    """The 10.a.b.0/24 networks this machine has addresses or routes in."""
    shown = subprocess.run(
        ["ip", "-j", "-4", "route", "show", "table", "all"],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    used = set()
    for route in json.loads(shown.stdout or "[]"):
        parts = str(route.get("dst", "")).split("/")[0].split(".")
        if len(parts) == 4 and parts[0] == "10":
            used.add((int(parts[1]), int(parts[2])))
    return used


def _free_subnet() -> str:
    """A 10.a.b prefix (a /24) in 10.100.0.0/14 that nothing on this machine uses."""
    used = _used_prefixes()
    for _ in range(200):
        choice = (random.randrange(100, 104), random.randrange(256))
        if choice not in used:
            return f"10.{choice[0]}.{choice[1]}"
    raise HostSetupError("no free /24 in 10.100.0.0/14")


@dataclass
class Host:
    """One host: a network namespace, its engine, and its agent (all by their pids)."""

    index: int
    netns: str
    link: str
    address: str
    gateway: str
    subnet: str
    root: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    engine: subprocess.Popen[bytes] | None = None
    agent: subprocess.Popen[bytes] | None = None

    @property
    def socket(self) -> Path:
        return self.root / "d.sock"

    @property
    def engine_url(self) -> str:
        return f"unix://{self.socket}"

    @property
    def state_dir(self) -> Path:
        return self.root / "agent"

    def command(self, *args: str) -> list[str]:
        """``args`` run inside this host's network namespace."""
        return ["nsenter", f"--net=/run/netns/{self.netns}", *args]

    def spawn(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        with (self.root / log).open("ab") as out:
            process = subprocess.Popen(
                self.command(*args),
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        self.processes.append(process)
        return process

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """A command in this host's namespace, to its end (with a deadline)."""
        return subprocess.run(
            self.command(*args),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    # The engine

    def start_engine(self) -> None:
        """Its own dockerd, in its namespace, with its own bridge range (10.<x>.<i>.0/24 of
        the namespace only) and the test registry's /24 trusted over plain HTTP."""
        self.engine = self.spawn(
            [
                "dockerd",
                f"--data-root={self.root / 'data'}",
                f"--exec-root={self.root / 'x'}",
                f"--host={self.engine_url}",
                f"--pidfile={self.root / 'd.pid'}",
                f"--bip=192.168.{200 + self.index}.1/24",
                f"--default-address-pool=base=172.{24 + self.index}.0.0/16,size=24",
                f"--insecure-registry={self.subnet}.0/24",
                "--shutdown-timeout=2",
                "--log-level=warn",
            ],
            "dockerd.log",
        )
        until(self._answers, 90, f"the engine of host {self.index} to answer")

    def _answers(self) -> bool:
        if self.engine is not None and self.engine.poll() is not None:
            tail = (self.root / "dockerd.log").read_text(errors="replace")[-2000:]
            raise HostSetupError(f"the dockerd of host {self.index} exited: {tail}")
        with socket.socket(socket.AF_UNIX) as sock:
            sock.settimeout(2)
            try:
                sock.connect(str(self.socket))
                sock.sendall(b"GET /_ping HTTP/1.0\r\nHost: engine\r\n\r\n")
                return sock.recv(4096).endswith(b"OK")
            except OSError:
                return False

    def client(self, timeout: float = 60) -> docker.APIClient:
        return docker.APIClient(base_url=self.engine_url, version="auto", timeout=timeout)

    # The agent

    def join(self, url: str, token: str, name: str, *labels: str) -> str:
        """``containr agent join`` from this host, reached at its address on the bridge; the
        node id it was given."""
        options = [arg for label in labels for arg in ("--label", label)]
        joined = self.run(
            sys.executable, "-m", "interfaces", "agent", "join", url, token, "--name", name,
            "--state-dir", str(self.state_dir), "--engine", self.engine_url,
            "--address", self.address, *options,
        )  # fmt: skip
        if joined.returncode != 0:
            raise AssertionError(f"host {self.index} did not join: {joined.stdout}{joined.stderr}")
        state = json.loads((self.state_dir / "agent.json").read_text())
        return str(state["node_id"])

    def start_agent(self, interval: float = 0.5) -> None:
        """``containr agent run`` in this host's namespace (the previous one must be gone)."""
        assert self.agent is None or self.agent.poll() is not None
        self.agent = self.spawn(
            [
                sys.executable, "-m", "interfaces", "agent", "run",
                "--state-dir", str(self.state_dir), "--engine", self.engine_url,
                "--interval", str(interval),
            ],
            "agent.log",
        )  # fmt: skip

    def kill_agent(self) -> None:
        """SIGKILL to this host's agent, by its pid, and wait for it."""
        if self.agent is not None:
            if self.agent.poll() is None:
                self.agent.kill()
            self.agent.wait(30)

    # Teardown

    def close(self) -> None:
        """Stop its agent and engine (by pid), remove its containers' files and its links."""
        self.kill_agent()
        if self.engine is not None and self.engine.poll() is None:
            with suppress(Exception), self.client(timeout=20) as client:
                for container in client.containers(all=True):
                    with suppress(docker.errors.APIError):
                        client.remove_container(container["Id"], force=True)
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(60)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(30)
        _quiet("umount", "--recursive", str(self.root / "data"))
        _quiet("ip", "link", "del", self.link)
        _quiet("ip", "netns", "del", self.netns)
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Hosts:
    """N hosts on one bridge; the root namespace holds the bridge's first address."""

    label: str
    subnet: str
    bridge: str
    root: Path
    hosts: list[Host] = field(default_factory=list)
    _forwarding: list[str] = field(default_factory=list)

    @property
    def gateway(self) -> str:
        """The root namespace's address on the bridge: where hosts reach the control plane."""
        return f"{self.subnet}.1"

    @classmethod
    def create(cls, label: str, count: int) -> Hosts:
        """``count`` hosts with running engines (no agents yet); HostSetupError when this
        machine cannot make them (everything made so far is removed then)."""
        for tool in ("ip", "nsenter", "dockerd", "iptables"):
            if shutil.which(tool) is None:
                raise HostSetupError(f"{tool} is not installed")
        tag = label[:8]
        made = cls(
            label=label,
            subnet=_free_subnet(),
            bridge=f"cm{tag}br",
            # short: containerd's sockets live under each exec root (108-byte limit)
            root=Path(tempfile.mkdtemp(prefix="cmh-", dir="/tmp")),
        )
        try:
            made._network()
            for index in range(count):
                made._host(index, tag)
            for host in made.hosts:
                host.start_engine()
        except BaseException:
            made.close()
            raise
        return made

    def _network(self) -> None:
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        # Traffic between two hosts is bridged, and this machine passes bridged frames
        # through iptables (bridge-nf-call-iptables), whose FORWARD policy Docker sets to DROP.
        rule = ["FORWARD", "-i", self.bridge, "-o", self.bridge, "-j", "ACCEPT",
                "-m", "comment", "--comment", f"containr-multihost-{self.label}"]  # fmt: skip
        done = subprocess.run(
            ["iptables", "-I", *rule],
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        if done.returncode != 0:
            raise HostSetupError(f"iptables: {done.stderr.strip()}")
        self._forwarding = rule

    def _host(self, index: int, tag: str) -> None:
        host = Host(
            index=index,
            netns=f"containr-{self.label}-h{index}",
            link=f"cm{tag}{index}",
            address=f"{self.subnet}.{11 + index}",
            gateway=self.gateway,
            subnet=self.subnet,
            root=self.root / f"h{index}",
        )
        host.root.mkdir()
        _ip("netns", "add", host.netns)
        self.hosts.append(host)  # from here on, close() removes it
        _ip("link", "add", host.link, "type", "veth", "peer", "name", "eth0", "netns", host.netns)
        _ip("link", "set", host.link, "master", self.bridge, "up")
        _ip("-n", host.netns, "addr", "add", f"{host.address}/24", "dev", "eth0")
        _ip("-n", host.netns, "link", "set", "eth0", "up")
        _ip("-n", host.netns, "link", "set", "lo", "up")
        _ip("-n", host.netns, "route", "add", "default", "via", self.gateway)

    def close(self) -> None:
        """Remove every host, the bridge and the iptables rule (only this harness's own)."""
        for host in self.hosts:
            with suppress(Exception):
                host.close()
        if self._forwarding:
            _quiet("iptables", "-D", *self._forwarding)
        _quiet("ip", "link", "del", self.bridge)
        shutil.rmtree(self.root, ignore_errors=True)


class ControlPlane:
    """The HTTP app with its projections and processes (deployer, reconciler, internal DNS
    when the settings ask for it) under uvicorn, on ``host:port``, in this process."""

    def __init__(self, settings: Settings, host: str, port: int) -> None:
        self.services = bootstrap(settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
        config = uvicorn.Config(
            create_app(self.services, run_projections=True, run_processes=True),
            host=host,
            port=port,
            lifespan="on",
            ws="websockets-sansio",
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        until(lambda: self.server.started or not self.thread.is_alive(), 60, "the control plane")
        if not self.server.started:
            self.services.close()
            raise AssertionError(f"the control plane did not listen on {host}:{port}")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(60)
        self.services.close()
