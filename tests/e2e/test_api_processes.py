"""`containr serve --processes N`: API processes on one address that share what their callers
need (read-your-writes, metrics), are started again when one dies, and go with the first.

Which process holds a connection is read from /proc: the connection's server side is a socket
in /proc/net/tcp, and exactly one of the processes has it among its open files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from application.settings import Settings
from tests.e2e.conftest import ROOT, Server, server_env
from tests.e2e.test_read_your_writes import Caller, misses, world

METRICS_TOKEN = "a metrics token for the processes test"
pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.slow]


def until(what: str, done: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.1)


def api_processes(server: Server) -> list[int]:
    """The server's API processes: the first, then the ones it started."""
    first = server.proc.pid
    children = []  # each thread's: the processes started again are the supervisor thread's
    for task in Path(f"/proc/{first}/task").iterdir():
        try:
            children += (task / "children").read_text().split()
        except FileNotFoundError:  # the thread ended
            continue
    found = sorted(int(c) for c in children if b"spawn_main" in _cmdline(int(c)))
    return [first, *found]


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def listening(port: int) -> int:
    """How many sockets listen on the port."""
    return sum(1 for row in _tcp_rows() if row[3] == "0A" and _port(row[1]) == port)


def _tcp_rows() -> list[list[str]]:
    with open("/proc/net/tcp") as table:
        return [line.split() for line in table.readlines()[1:]]


def _port(address: str) -> int:
    return int(address.split(":")[1], 16)


def owner(server_port: int, client_port: int, pids: list[int]) -> int:
    """Which of ``pids`` holds the server side of the connection from ``client_port``."""
    inodes = [
        row[9]
        for row in _tcp_rows()
        if row[3] == "01" and _port(row[1]) == server_port and _port(row[2]) == client_port
    ]
    assert len(inodes) == 1, f"no single connection from port {client_port}"
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inodes[0]}]":
                    return pid
            except FileNotFoundError:
                continue
    raise AssertionError(f"none of {pids} holds the connection from port {client_port}")


def process_of(client: httpx.Client, server: Server) -> int:
    """The API process that holds ``client``'s keep-alive connection (after one request)."""
    response = client.get("/healthz")
    assert response.status_code == 200
    _, client_port = response.extensions["network_stream"].get_extra_info("client_addr")
    return owner(server.port, client_port, api_processes(server))


def pinned(server: Server, count: int) -> list[httpx.Client]:
    """One keep-alive client on each of ``count`` different API processes: the kernel spreads
    new connections over the processes by their addresses, so new ones are opened (and the
    surplus closed) until each process holds one."""
    found: dict[int, httpx.Client] = {}
    for _ in range(100):
        client = httpx.Client(base_url=server.url, timeout=30)
        pid = process_of(client, server)
        if pid in found:
            client.close()
        else:
            found[pid] = client
        if len(found) == count:
            return list(found.values())
    raise AssertionError(f"100 connections reached only the processes {sorted(found)}")


@pytest.fixture
def two_processes(server_settings: Settings) -> Iterator[Server]:
    server = Server(
        server_settings,
        "--processes",
        "2",
        env={"CONTAINR_METRICS_TOKEN": METRICS_TOKEN, "CONTAINR_LOG_LEVEL": "INFO"},
    )
    try:
        yield server
    finally:
        server.stop()


def test_both_processes_listen_once_the_address_answers(two_processes: Server) -> None:
    pids = api_processes(two_processes)
    assert len(pids) == 2
    assert listening(two_processes.port) == 2
    for client in pinned(two_processes, 2):
        client.close()


def test_a_caller_without_the_header_reads_their_writes_whichever_process_answers(
    two_processes: Server,
) -> None:
    caller = Caller([two_processes.url, two_processes.url], send_after=False)
    try:
        for client in caller.http:
            client.close()
        caller.http = pinned(two_processes, 2)  # caller.http[i] is on process i
        w = world(caller)
        # Every mutation on one process, its query on the other: only the positions the two
        # processes share make the query wait for the write.
        assert misses(w, 150, lambda i: (i % 2, 1 - i % 2)) == []
    finally:
        caller.close()


def graphql_requests(metrics: str) -> float:
    line = 'containr_http_requests_total{route="/graphql",status="200"} '
    found = [row for row in metrics.splitlines() if row.startswith(line)]
    return float(found[0].removeprefix(line)) if found else 0.0


def test_every_process_answers_metrics_for_all_of_them(two_processes: Server) -> None:
    one, other = pinned(two_processes, 2)
    try:
        for client, count in ((one, 7), (other, 5)):
            for _ in range(count):
                response = client.post("/graphql", json={"query": "{ __typename }"})
                assert response.json() == {"data": {"__typename": "Query"}}
        auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}
        for client in (one, other):
            assert graphql_requests(client.get("/metrics", headers=auth).text) == 12
    finally:
        one.close()
        other.close()


def metrics_directory(pid: int) -> Path:
    environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    found = [v for v in environ if v.startswith(b"PROMETHEUS_MULTIPROC_DIR=")]
    return Path(found[0].partition(b"=")[2].decode())


def test_a_process_that_dies_is_started_again_and_all_stop_with_the_first(
    two_processes: Server,
) -> None:
    _, second = api_processes(two_processes)
    directory = metrics_directory(second)
    assert directory.is_dir()
    os.kill(second, signal.SIGKILL)
    until("another API process", lambda: api_processes(two_processes)[1:] not in ([], [second]))
    (third,) = api_processes(two_processes)[1:]
    until("the new process to listen", lambda: listening(two_processes.port) == 2)
    clients = pinned(two_processes, 2)  # the address answers from both again
    for client in clients:
        client.close()
    assert "stopped with exit code -9" in Path(two_processes.log.name).read_text()
    two_processes.proc.terminate()  # what `docker stop` and systemd send
    assert two_processes.proc.wait(timeout=30) == 0
    until("the other process to stop", lambda: not running(third))
    assert not directory.exists()  # this run's metrics go with it


def test_the_others_stop_when_the_first_is_killed(two_processes: Server) -> None:
    first, second = api_processes(two_processes)
    directory = metrics_directory(second)
    try:
        os.kill(first, signal.SIGKILL)
        until("the orphaned API process to stop", lambda: not running(second))
        assert listening(two_processes.port) == 0
    finally:
        subprocess.run(["rm", "-rf", str(directory)], check=True)  # nobody was left to


def test_several_processes_are_refused_without_the_server_setup(sqlite_settings: Settings) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "interfaces", "serve", "--processes", "2"],
        env=server_env(sqlite_settings),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--processes: 2 API processes need the server setup" in " ".join(done.stderr.split())
