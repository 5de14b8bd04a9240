"""Serving the API from several processes on one address (``containr serve --processes N``).

One Python process answers the API on one core. With N processes, the first listens on the
address and starts N-1 more, each a fresh interpreter (never a fork: the first runs pool
threads, and a fork could copy a lock one of them holds), and answers only once they listen
too. Each listens on a socket of its own bound to the same address (``SO_REUSEPORT``): the
kernel spreads the connections evenly over them by their addresses. (One shared socket
would not: an idle process takes a whole burst of new connections at once, and a client's
keep-alive connections would all stay on it.) The processes share:

- their callers' read-your-writes positions (``SharedPositions``, in shared memory): a
  caller reads their own writes whichever process answers;
- their metrics: each writes its counts to files of its own in a directory of this run
  (prometheus_client's multiprocess mode), and any process's ``/metrics`` shows their sum;
- change notices (the response cache, subscriptions) and rate limits, through Redis, and
  everything else through PostgreSQL: several processes need the server setup.

The first process alone runs the projections and process managers (unless
``--workers-external``) and the CONTAINR_METRICS_LISTEN listener. A process that stops by
itself, whatever the cause, is started again: at once, or after a pause that doubles up to
30 s while it keeps failing within 10 s of starting. Each exits when the first process goes,
even when that one is killed: it waits on the first process's sentinel.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Generator
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from typing import TYPE_CHECKING, Any

import uvicorn

from interfaces.http.health import SHARED_METRICS_ENV
from interfaces.http.positions import SharedArray, SharedPositions
from interfaces.logs import configure_logging, uvicorn_log_config

if TYPE_CHECKING:
    from application.settings import Settings

log = logging.getLogger("containr.serve")
STOP_GRACE = 10.0
"""Seconds an API process has to finish its requests once asked to stop, before it is killed."""
QUICK_FAILURE = 10.0
"""A process that stops within this many seconds of starting failed at once: wait longer."""
MAX_PAUSE = 30.0
START_WAIT = 120.0
"""Seconds the first process waits for the others to listen before it answers anyway."""
BACKLOG = 2048  # uvicorn's


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on host:port that other processes of this user may bind too
    (``SO_REUSEPORT``); the kernel spreads the new connections over them."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """How every API process serves HTTP and WebSockets."""
    return {
        "log_level": settings.log_level.lower(),
        "log_config": uvicorn_log_config(),
        "ws": "websockets-sansio",
        "ws_per_message_deflate": False,
        # A browser on a starved machine may answer a ping late: give it a minute before the
        # connection counts as dead (the dashboard reconnects after a 1011 anyway).
        "ws_ping_timeout": 60.0,
        "lifespan": "on",
        "proxy_headers": False,  # X-Forwarded-For counts only from CONTAINR_TRUSTED_PROXIES
        "access_log": settings.access_log,  # a line per request: CONTAINR_ACCESS_LOG=on
    }


def tune_collector() -> None:
    """Long-lived objects built at start never need collecting: keep the collector off them,
    and collect the young generation less often (fewer pauses in the event loop)."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)


class Server(uvicorn.Server):
    """uvicorn's server, stopped by SIGTERM (and SIGINT, unless ``interruptible`` is off), that
    returns when it has stopped rather than raising the signal again: the caller then stops
    what it started."""

    def __init__(
        self, config: uvicorn.Config, *, interruptible: bool, ready: Event | None = None
    ) -> None:
        super().__init__(config)
        self._interruptible = interruptible
        self._ready = ready

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """uvicorn's start; then tell whoever waits that this process listens."""
        await super().startup(sockets)
        if self.started and self._ready is not None:
            self._ready.set()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        """SIGTERM (and SIGINT when interruptible) stop the server; else SIGINT is ignored: a
        Ctrl-C in a terminal reaches every process, and the first one stops the others."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {
            signal.SIGTERM: signal.signal(signal.SIGTERM, self.handle_exit),
            signal.SIGINT: signal.signal(
                signal.SIGINT, self.handle_exit if self._interruptible else signal.SIG_IGN
            ),
        }
        try:
            yield
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)


class ApiProcesses:
    """The API processes beyond the first: started, started again when one stops by itself,
    and stopped (gracefully, then killed) with ``stop``."""

    def __init__(self, host: str, port: int, count: int, positions: SharedPositions) -> None:
        self._address = (host, port)
        self._count = count
        self._positions = positions
        self._context = multiprocessing.get_context("spawn")
        self._processes: list[BaseProcess] = []
        self._started: list[float] = []
        self._stopping = threading.Event()
        self._wake_read, self._wake_write = os.pipe()
        self._supervisor = threading.Thread(
            target=self._supervise, name="containr-api-processes", daemon=True
        )

    def start(self, wait: float = START_WAIT) -> None:
        """Start every process, and the thread that starts one again when it stops; return
        once each listens (or ``wait`` seconds have gone: the others come in later)."""
        ready = [self._context.Event() for _ in range(self._count)]
        for number in range(self._count):
            self._processes.append(self._spawn(number, ready[number]))
            self._started.append(time.monotonic())
        self._supervisor.start()
        deadline = time.monotonic() + wait
        for number, event in enumerate(ready):
            if not event.wait(max(0.0, deadline - time.monotonic())):
                log.warning("API process %s is not listening yet", self._processes[number].name)

    def pids(self) -> list[int]:
        """The process ids of the running processes (for the logs and the tests)."""
        return [p.pid for p in self._processes if p.pid is not None and p.is_alive()]

    def _spawn(self, number: int, ready: Event | None = None) -> BaseProcess:
        process = self._context.Process(
            target=api_process,
            args=(*self._address, self._positions.array, ready),
            name=f"containr-api-{number + 2}",
        )
        process.start()
        return process

    def _supervise(self) -> None:
        pauses = [1.0] * self._count
        while not self._stopping.is_set():
            by_sentinel = {p.sentinel: n for n, p in enumerate(self._processes)}
            ready = multiprocessing.connection.wait([*by_sentinel, self._wake_read])
            for sentinel in ready:
                number = by_sentinel.get(sentinel) if isinstance(sentinel, int) else None
                if number is None or self._stopping.is_set():
                    continue
                gone = self._processes[number]
                gone.join()
                _forget_metrics_of(gone)
                lived = time.monotonic() - self._started[number]
                pause = pauses[number] if lived < QUICK_FAILURE else 0.0
                pauses[number] = min(pauses[number] * 2, MAX_PAUSE) if pause else 1.0
                log.warning(
                    "API process %s (pid %s) stopped with exit code %s after %.0f s; "
                    "starting another%s",
                    gone.name,
                    gone.pid,
                    gone.exitcode,
                    lived,
                    f" in {pause:.0f} s" if pause else "",
                )
                if self._stopping.wait(pause):
                    return
                self._processes[number] = self._spawn(number)
                self._started[number] = time.monotonic()

    def stop(self) -> None:
        """Ask each process to stop (SIGTERM: it finishes its requests), kill those still
        running after STOP_GRACE seconds, and wait for all of them."""
        self._stopping.set()
        os.write(self._wake_write, b"x")
        if self._supervisor.is_alive():
            self._supervisor.join()
        for process in self._processes:
            if process.is_alive():
                process.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for process in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                log.warning("API process %s did not stop in time: killed", process.name)
                process.kill()
                process.join()
            _forget_metrics_of(process)
        os.close(self._wake_read)
        os.close(self._wake_write)


def _forget_metrics_of(process: BaseProcess) -> None:
    """Drop a gone process's live gauges (its counters stay in the sum, as Prometheus needs)."""
    from prometheus_client import multiprocess  # noqa: PLC0415 - loaded when used

    directory = os.environ.get(SHARED_METRICS_ENV)
    if directory and process.pid is not None:
        multiprocess.mark_process_dead(process.pid, directory)  # type: ignore[no-untyped-call]


@contextlib.contextmanager
def shared_metrics_directory() -> Generator[str, None, None]:
    """A fresh directory for this run's metrics, named in the environment (which the API
    processes inherit) while the block runs, removed afterwards: counters start at zero with
    each run, as Prometheus expects of a restarted target."""
    directory = tempfile.mkdtemp(prefix="containr-metrics-")
    os.environ[SHARED_METRICS_ENV] = directory
    try:
        yield directory
    finally:
        os.environ.pop(SHARED_METRICS_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)


def api_process(host: str, port: int, positions: SharedArray, ready: Event | None) -> None:
    """One more API process (in a fresh interpreter): the API only, on a socket of its own
    bound to the same address, until SIGTERM or until the process that started it is gone."""
    from application.settings import Settings  # noqa: PLC0415 - loaded in the new process
    from interfaces.bootstrap import bootstrap  # noqa: PLC0415
    from interfaces.http.app import create_app  # noqa: PLC0415

    settings = Settings.from_env(os.environ)  # the first process checked them already
    configure_logging(settings.log_level)
    built = bootstrap(settings)
    try:
        application = create_app(built, shared_positions=SharedPositions(positions))
        config = uvicorn.Config(application, host=host, port=port, **uvicorn_options(settings))
        server = Server(config, interruptible=False, ready=ready)
        threading.Thread(
            target=_stop_with_parent, args=(server,), name="containr-parent", daemon=True
        ).start()
        tune_collector()
        with listening_socket(host, port) as sock:
            server.run(sockets=[sock])
    finally:
        built.close()


def _stop_with_parent(server: uvicorn.Server) -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
        server.should_exit = True
