"""`containr agent`'s working parts (issue 18): its state file, what it reads from the local
Docker engine, joining, rotating, and its one outbound connection to the control plane.

It talks to the control plane over HTTP and one WebSocket. It reads its own engine through the
Docker SDK for its heartbeats, and carries out the control plane's operations (messages on the
same connection) through the engine adapter the control plane uses for direct nodes, journaled
by operation id and only on what it owns (adapters/agent_executor.py, made for it by
interfaces/bootstrap/agent.py). It never stops a container because the control plane went
away. Every call has a deadline: HTTP 10 s, the engine 5 s, the WebSocket's opening 10 s and
each acknowledgement 10 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import platform
import random
import shutil
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import docker
import httpx
import msgspec
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI

from application.agent_operations import Operation, OperationChunk, OperationExecutor

T = TypeVar("T")
log = logging.getLogger("containr.agent")
_operation = msgspec.json.Decoder(Operation)
HTTP_TIMEOUT = 10.0
ENGINE_TIMEOUT = 5
OPEN_TIMEOUT = 10.0
ACK_TIMEOUT = 10.0
INTERVAL = 5.0
BACKOFF_FIRST = 0.5
BACKOFF_MOST = 30.0
STATE_FILE = "agent.json"
MAX_MESSAGE = 4 * 1024 * 1024
ORGANIZATION_LABEL = "containr.organization"


class AgentError(Exception):
    """Raised when the agent cannot go on: refused by the control plane, or no state."""


class AgentState(msgspec.Struct, frozen=True, kw_only=True):
    """What `containr agent join` keeps in the state directory (mode 0600)."""

    url: str
    node_id: str
    organization_id: str
    name: str
    credential: str
    installation: str = ""
    """The control plane's installation name (its containers' label), told at join."""
    address: str = ""
    """Where this host's published ports are bound and reached (empty: loopback only)."""


def agent_version() -> str:
    """This agent's version (the containr package's)."""
    try:
        return metadata.version("containr")
    except metadata.PackageNotFoundError:
        return "0"


def save_state(state_dir: Path, state: AgentState) -> Path:
    """Write the state atomically, readable by its owner only (the credential is in it)."""
    state_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = state_dir / STATE_FILE
    partial = state_dir / f".{STATE_FILE}.{os.getpid()}"
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(msgspec.json.encode(state))
        f.flush()
        os.fsync(f.fileno())
    os.chmod(partial, 0o600)
    os.replace(partial, path)
    return path


def load_state(state_dir: Path) -> AgentState:
    """The agent's state; AgentError when it has not joined."""
    path = state_dir / STATE_FILE
    try:
        return msgspec.json.decode(path.read_bytes(), type=AgentState)
    except FileNotFoundError:
        raise AgentError(f"no {path}: join first with `containr agent join URL TOKEN`") from None
    except msgspec.DecodeError as e:
        raise AgentError(f"{path} is damaged ({e}); join again") from None


def _refusal(response: httpx.Response) -> AgentError:
    try:
        error = response.json()["error"]
        return AgentError(f"{response.status_code} {error['code']}: {error['message']}")
    except (ValueError, KeyError, TypeError):
        return AgentError(f"{response.status_code}: {response.text[:200]}")


def join(
    url: str,
    token: str,
    name: str,
    state_dir: Path,
    engine: str,
    labels: dict[str, str],
    transport: httpx.BaseTransport | None = None,
    address: str = "",
    port_range: tuple[int, int] | None = None,
) -> AgentState:
    """Spend the join token on this host's node and keep the credential it receives; with an
    ``address``, the node is reached there (and its replicas' ports are bound there)."""
    if (state_dir / STATE_FILE).exists():
        raise AgentError(f"{state_dir / STATE_FILE} exists: this host has joined already")
    try:
        caps = Engine(engine).capabilities()
    except docker.errors.DockerException as e:
        raise AgentError(f"the local Docker engine at {engine} does not answer: {e}") from None
    body = {
        "token": token,
        "name": name,
        "cpuMillis": int(caps.get("cpus", "1")) * 1000,
        "memoryMb": max(int(caps.get("memory_bytes", "0")) // (1024 * 1024), 1),
        "labels": labels,
    }
    if address:
        body["address"] = address
    if port_range is not None:
        body["portRange"] = list(port_range)
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT, transport=transport) as http:
            response = http.post(url.rstrip("/") + "/agent/join", json=body)
    except httpx.HTTPError as e:
        raise AgentError(f"the control plane at {url} does not answer: {e}") from None
    if response.status_code != 201:
        raise _refusal(response)
    answer = response.json()
    state = AgentState(
        url=url.rstrip("/"),
        node_id=answer["nodeId"],
        organization_id=answer["organizationId"],
        name=answer["name"],
        credential=answer["credential"],
        installation=str(answer.get("installation", "")),
        address=address,
    )
    save_state(state_dir, state)
    return state


def rotate(state_dir: Path) -> AgentState:
    """Swap the credential for a new one (the old one stops working) and keep it."""
    state = load_state(state_dir)
    try:
        with httpx.Client(timeout=HTTP_TIMEOUT) as http:
            response = http.post(
                state.url + "/agent/rotate",
                headers={"authorization": f"Bearer {state.credential}"},
            )
    except httpx.HTTPError as e:
        raise AgentError(f"the control plane at {state.url} does not answer: {e}") from None
    if response.status_code != 200:
        raise _refusal(response)
    fresh = msgspec.structs.replace(state, credential=response.json()["credential"])
    save_state(state_dir, fresh)
    return fresh


class Engine:
    """The local Docker engine, read only."""

    def __init__(self, endpoint: str) -> None:
        self._endpoint = endpoint

    def _client(self) -> Any:
        return docker.DockerClient(base_url=self._endpoint, timeout=ENGINE_TIMEOUT, version="auto")

    def capabilities(self) -> dict[str, str]:
        """What the engine offers: version, architecture, CPUs, memory, disks, interfaces."""
        client = self._client()
        try:
            info = client.info()
        finally:
            client.close()
        caps = {
            "engine_version": str(info.get("ServerVersion", "")),
            "architecture": str(info.get("Architecture", platform.machine())),
            "os": str(info.get("OperatingSystem", "")),
            "kernel": str(info.get("KernelVersion", "")),
            "cpus": str(info.get("NCPU", os.cpu_count() or 1)),
            "memory_bytes": str(info.get("MemTotal", 0)),
            "network_interfaces": ",".join(sorted(n for _, n in socket.if_nameindex()))[:200],
        }
        for path in _disks(str(info.get("DockerRootDir", "/"))):
            caps[f"disk:{path}"] = str(shutil.disk_usage(path).total)
        return caps

    def report(self, organization_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Usage now, and the organisation's containers on this engine with their states."""
        client = self._client()
        try:
            listed = client.api.containers(
                all=True, filters={"label": f"{ORGANIZATION_LABEL}={organization_id}"}
            )
        finally:
            client.close()
        containers = [
            {
                "id": c["Id"][:64],
                "name": (c.get("Names") or ["?"])[0].lstrip("/")[:200],
                "image": str(c.get("Image", ""))[:200],
                "state": str(c.get("State", "")),
                "labels": {
                    k: v for k, v in (c.get("Labels") or {}).items() if k.startswith("containr.")
                },
            }
            for c in listed
        ]
        load1 = os.getloadavg()[0] / (os.cpu_count() or 1)
        disks = [
            {"path": p, "totalBytes": u.total, "usedBytes": u.used}
            for p in _disks("/")
            for u in [shutil.disk_usage(p)]
        ]
        usage = {"cpuLoad": round(load1, 3), "memoryUsedBytes": _memory_used(), "disks": disks}
        return usage, containers


def _disks(docker_root: str) -> list[str]:
    return sorted({p for p in ("/", docker_root) if os.path.isdir(p)})


def _memory_used() -> int:
    try:
        fields = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
        total = int(fields["MemTotal"].split()[0]) * 1024
        available = int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        return 0
    return total - available


@dataclass
class Connection:
    """What the agent's loop knows of its connection, for the command's output and tests."""

    connected: bool = False
    acknowledged: int = 0
    connections: int = 0
    last_error: str = ""


def ws_url(url: str) -> str:
    """The connection's address on the control plane at ``url``."""
    if url.startswith("https://"):
        return "wss://" + url[len("https://") :] + "/agent/connect"
    if url.startswith("http://"):
        return "ws://" + url[len("http://") :] + "/agent/connect"
    raise AgentError(f"{url!r} is not an http:// or https:// address")


async def run(
    state_dir: Path,
    engine: str,
    *,
    interval: float = INTERVAL,
    stop: asyncio.Event | None = None,
    status: Connection | None = None,
    on_ack: Callable[[dict[str, Any]], None] | None = None,
) -> None:
    """Hold the connection: a heartbeat every ``interval`` seconds, reconnecting with
    exponential backoff (0.5 s doubling to 30 s, with jitter) while the control plane is away.
    Returns when ``stop`` is set; raises AgentError when the credential is refused."""
    from interfaces.bootstrap.agent import agent_executor  # noqa: PLC0415 - the engine's adapter, when run

    stop = stop or asyncio.Event()
    status = status or Connection()
    reader = Engine(engine)
    delay = BACKOFF_FIRST
    first = load_state(state_dir)
    executor = agent_executor(
        engine,
        state_dir,
        organization_id=first.organization_id,
        installation=first.installation,
        address=first.address,
    )
    while not stop.is_set():
        state = load_state(state_dir)  # a rotation while running is picked up on reconnect
        try:
            await _session(state, reader, interval, stop, status, on_ack, executor)
            delay = BACKOFF_FIRST
        except InvalidStatus as e:
            if e.response.status_code in (401, 403):
                raise AgentError("the control plane refused this agent's credential") from None
            status.last_error = f"HTTP {e.response.status_code}"
        except (OSError, TimeoutError, ConnectionClosed, InvalidURI) as e:
            status.last_error = f"{type(e).__name__}: {e}"
        except docker.errors.DockerException as e:
            status.last_error = f"the local engine: {e}"
        if status.connected:
            delay = BACKOFF_FIRST  # it was up: try again soon
        status.connected = False
        log.warning("control plane away (%s); again in %.1f s", status.last_error, delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay * random.uniform(0.8, 1.2))
        delay = min(delay * 2, BACKOFF_MOST)


async def _session(
    state: AgentState,
    engine: Engine,
    interval: float,
    stop: asyncio.Event,
    status: Connection,
    on_ack: Callable[[dict[str, Any]], None] | None,
    executor: OperationExecutor,
) -> None:
    headers = {"authorization": f"Bearer {state.credential}"}
    async with connect(
        ws_url(state.url),
        additional_headers=headers,
        open_timeout=OPEN_TIMEOUT,
        close_timeout=5,
        ping_interval=20,
        ping_timeout=20,
        max_size=MAX_MESSAGE,
    ) as ws:
        status.connections += 1
        link = AgentLink(ws, executor)
        reader = asyncio.create_task(link.read())
        try:
            await _heartbeats(state, engine, interval, stop, status, on_ack, link, reader)
        except Exception:
            if link.refused:  # the control plane said why before it closed the connection
                raise AgentError(f"the control plane refused this agent: {link.refused}") from None
            raise
        finally:
            reader.cancel()


class AgentLink:
    """One connection's two directions: replies to heartbeats are queued for the heartbeat
    loop, operations run in threads and are answered as they end (several at once); a
    followed log streams its lines as chunks until its result, or until it is cancelled."""

    def __init__(self, ws: Any, executor: OperationExecutor) -> None:
        self._ws = ws
        self._executor = executor
        self._lock = asyncio.Lock()
        self.replies: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._operations: set[asyncio.Task[None]] = set()
        self._cancelled: set[str] = set()
        self.closed = False
        self.refused = ""
        """Why the control plane refused this agent's credential, when it did."""

    async def send(self, text: str) -> None:
        async with self._lock:
            await self._ws.send(text)

    async def read(self) -> None:
        try:
            async for raw in self._ws:
                message = msgspec.json.decode(raw)
                if not isinstance(message, dict):
                    continue
                if message.get("type") == "operation":
                    task = asyncio.create_task(self._operate(raw))
                    self._operations.add(task)
                    task.add_done_callback(self._operations.discard)
                elif message.get("type") == "cancel":
                    self._cancelled.add(str(message.get("request")))
                else:
                    if (
                        message.get("type") == "refused"
                        and message.get("code") == "UNAUTHENTICATED"
                    ):
                        self.refused = str(message.get("message", ""))
                    await self.replies.put(message)
        finally:
            self.closed = True  # its followed logs end: they are asked again on the next one
        raise ConnectionError("the control plane closed the connection")

    def _gone(self, request: str) -> bool:
        return self.closed or request in self._cancelled

    async def _operate(self, raw: str | bytes) -> None:
        try:
            operation = _operation.decode(raw)
        except msgspec.DecodeError as e:
            log.warning("an operation that cannot be read: %s", e)
            return
        # The thread goes on when the connection drops: its result is journaled, and the
        # control plane's next sending of the operation gets it.
        if operation.args.get("follow"):
            loop = asyncio.get_running_loop()

            def emit(lines: list[str]) -> None:
                chunk = msgspec.json.encode(OperationChunk(request=operation.request, lines=lines))
                try:
                    asyncio.run_coroutine_threadsafe(self._chunk(chunk.decode()), loop).result(
                        ACK_TIMEOUT
                    )
                except Exception:  # the connection is stuck or gone: stop following
                    self._cancelled.add(operation.request)

            result = await _in_daemon_thread(
                self._executor.follow, operation, emit, lambda: self._gone(operation.request)
            )
            self._cancelled.discard(operation.request)
        else:
            result = await asyncio.to_thread(self._executor.execute, operation)
        if not result.ok:
            log.warning("operation %s failed: %s", operation.method, result.error)
        with contextlib.suppress(ConnectionClosed):
            await self.send(msgspec.json.encode(result).decode())

    async def _chunk(self, text: str) -> None:
        with contextlib.suppress(ConnectionClosed):
            await self.send(text)


async def _in_daemon_thread(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a daemon thread of its own, awaited.

    A followed log asks whether it is cancelled only when the container prints a line: a
    quiet container's follower blocks on the engine's stream. In the event loop's default
    executor it would keep ``asyncio.run`` (which waits for that executor's threads) and
    then the interpreter's exit from ending, so an agent told to stop (its credential
    refused) never did. A daemon thread ends with the process; it holds nothing journaled.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not done.done():
            outcome()

    def target() -> None:
        try:
            value = function(*args)
        except BaseException as e:  # handed to the awaiting task, as to_thread does
            error = e
            with contextlib.suppress(RuntimeError):  # the loop is closed: nobody waits
                loop.call_soon_threadsafe(settle, lambda: done.set_exception(error))
        else:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(settle, lambda: done.set_result(value))

    threading.Thread(target=target, name="containr-agent-follow", daemon=True).start()
    return await done


async def _next_reply(link: AgentLink, reader: asyncio.Task[None]) -> dict[str, Any]:
    """The next reply to a heartbeat, within ACK_TIMEOUT; raises what ended the connection."""
    waiting = asyncio.ensure_future(link.replies.get())
    done, _ = await asyncio.wait(
        {waiting, reader}, timeout=ACK_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
    )
    if waiting in done:
        return waiting.result()
    waiting.cancel()
    if reader in done:
        reader.result()  # raises why it ended
    raise TimeoutError(f"no acknowledgement within {ACK_TIMEOUT:g} s")


async def _heartbeats(
    state: AgentState,
    engine: Engine,
    interval: float,
    stop: asyncio.Event,
    status: Connection,
    on_ack: Callable[[dict[str, Any]], None] | None,
    link: AgentLink,
    reader: asyncio.Task[None],
) -> None:
    seq = 0
    version = agent_version()
    while not stop.is_set():
        started = time.monotonic()
        caps = await asyncio.wait_for(asyncio.to_thread(engine.capabilities), ENGINE_TIMEOUT * 2)
        usage, containers = await asyncio.wait_for(
            asyncio.to_thread(engine.report, state.organization_id), ENGINE_TIMEOUT * 2
        )
        seq += 1
        message = {
            "type": "heartbeat",
            "seq": seq,
            "version": version,
            "capabilities": caps,
            "usage": {
                "cpu_load": usage["cpuLoad"],
                "memory_used_bytes": usage["memoryUsedBytes"],
                "disks": [
                    {
                        "path": d["path"],
                        "total_bytes": d["totalBytes"],
                        "used_bytes": d["usedBytes"],
                    }
                    for d in usage["disks"]
                ],
            },
            "containers": containers,
        }
        await link.send(msgspec.json.encode(message).decode())
        reply = await _next_reply(link, reader)
        if reply.get("type") == "refused" and reply.get("code") == "UNAUTHENTICATED":
            raise AgentError(f"the control plane refused this agent: {reply.get('message')}")
        if reply.get("type") == "refused":
            log.warning("heartbeat %d refused: %s", seq, reply.get("message"))
        else:
            status.connected = True
            status.acknowledged += 1
            if on_ack is not None:
                on_ack(reply)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), max(interval - (time.monotonic() - started), 0))
