"""Operations on an agent node's engine, sent down the agent's own connection (issue 18).

The control plane cannot reach an agent's engine: the agent connects out. So each call of the
ContainerRuntime port on an ``agent://<node id>`` node becomes an ``operation`` message on the
agent's open WebSocket, and the calling thread waits for the agent's ``result`` with a
deadline. ``AgentSessions`` is this process's registry of open agent connections (the
WebSocket handler registers and unregisters them).

Every operation carries an operation id; the agent keeps the first result of each mutating one
in a journal, so an operation sent again (after a reconnect, say) returns that result and never
acts twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Generator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, Literal, Protocol
from uuid import UUID

import msgspec

from application.runtime_ports import ContainerEngineError, EngineUnreachableError, RegistryError

MUTATING = frozenset(
    {"create", "start", "stop", "remove", "restart", "ensure_network", "exec", "tag"}
)
"""Methods the agent journals by operation id (a repeat returns the first result)."""
READING = frozenset(
    {
        "ping",
        "image",
        "inspect",
        "containers",
        "logs",
        "deaths",
        "exec_output",
        "disk_space",
        "labelled_images",
    }
)
ErrorKind = Literal["", "engine", "unreachable", "registry", "refused", "unsupported", "invalid"]


class Operation(msgspec.Struct, frozen=True, kw_only=True, tag="operation"):
    """Control plane → agent: call ``method`` of the agent's engine with ``args``."""

    request: str
    """This sending's id (a result names the request it answers)."""
    operation_id: str
    """The idempotency key: the same for every sending of the same operation."""
    method: str
    args: dict[str, Any] = {}


class OperationResult(msgspec.Struct, frozen=True, kw_only=True, tag="result"):
    """Agent → control plane: what the operation ``request`` returned, or why it failed."""

    request: str
    ok: bool
    value: Any = None
    error: str = ""
    kind: ErrorKind = ""
    replayed: bool = False
    """The result comes from the agent's journal: the operation had been done before."""


class OperationChunk(msgspec.Struct, frozen=True, kw_only=True, tag="chunk"):
    """Agent → control plane: part of a streamed operation's output (a followed log's lines),
    before its ``result`` ends it."""

    request: str
    lines: list[str]


class CancelOperation(msgspec.Struct, frozen=True, kw_only=True, tag="cancel"):
    """Control plane → agent: stop the streamed operation ``request`` (no one reads it)."""

    request: str


class OperationExecutor(Protocol):
    """What an agent does with the operations it receives (on its own engine)."""

    def execute(self, operation: Operation) -> OperationResult:
        """The operation's result: done now, or its first result when it was done before."""
        ...

    def follow(
        self,
        operation: Operation,
        emit: Callable[[list[str]], None],
        cancelled: Callable[[], bool],
    ) -> OperationResult:
        """Run a streamed operation (a followed log): its output to ``emit`` as it comes,
        until it ends or ``cancelled()``; then its result."""
        ...


class AgentRefusedOperationError(ContainerEngineError):
    """Raised when an agent refuses an operation on something it does not own (another
    organisation's or installation's container), or one it does not support."""


class _SessionClosedError(Exception):
    """Raised inside a call when the connection it used closed before the answer."""


def raise_for(result: OperationResult) -> Any:
    """The result's value, or the port's error its kind names."""
    if result.ok:
        return result.value
    if result.kind == "unreachable":
        raise EngineUnreachableError(f"the agent's engine: {result.error}")
    if result.kind == "registry":
        raise RegistryError(result.error)
    if result.kind in ("refused", "unsupported", "invalid"):
        raise AgentRefusedOperationError(f"the agent refused: {result.error}")
    raise ContainerEngineError(result.error)


class AgentSession:
    """One open agent connection: sends operations on its event loop, takes their results."""

    def __init__(
        self,
        node_id: UUID,
        loop: asyncio.AbstractEventLoop,
        send: Callable[[bytes], Coroutine[Any, Any, None]],
    ) -> None:
        self.node_id = node_id
        self._loop = loop
        self._send = send
        self._pending: dict[str, Future[OperationResult]] = {}
        self._streams: dict[str, queue.SimpleQueue[OperationChunk | OperationResult | None]] = {}
        self._lock = threading.Lock()
        self.closed = False

    def request(self, operation: Operation, deadline: float) -> OperationResult:
        """Send ``operation`` and wait for its result until ``deadline`` (monotonic)."""
        answer: Future[OperationResult] = Future()
        with self._lock:
            if self.closed:
                raise _SessionClosedError
            self._pending[operation.request] = answer
        try:
            payload = msgspec.json.encode(operation)
            sent = asyncio.run_coroutine_threadsafe(self._send(payload), self._loop)
            sent.result(max(deadline - time.monotonic(), 0.01))
            return answer.result(max(deadline - time.monotonic(), 0.01))
        except FutureTimeout:
            raise TimeoutError from None
        except _SessionClosedError:
            raise
        except Exception as e:  # the socket failed while sending: the connection is gone
            raise _SessionClosedError from e
        finally:
            with self._lock:
                self._pending.pop(operation.request, None)

    def stream(self, operation: Operation) -> Generator[list[str], None, None]:
        """Send a streamed operation and give its chunks' lines as they come, until its result
        (raised when it failed) or the connection's end (EngineUnreachableError). Closing the
        iterator early tells the agent to stop."""
        chunks: queue.SimpleQueue[OperationChunk | OperationResult | None] = queue.SimpleQueue()
        with self._lock:
            if self.closed:
                raise EngineUnreachableError("the agent's connection closed")
            self._streams[operation.request] = chunks
        ended = False
        try:
            self._post(operation)
            while True:
                message = chunks.get()
                if message is None:
                    ended = True
                    raise EngineUnreachableError("the agent's connection closed")
                if isinstance(message, OperationResult):
                    ended = True
                    raise_for(message)
                    return
                yield message.lines
        finally:
            with self._lock:
                self._streams.pop(operation.request, None)
            if not ended:
                self._post(CancelOperation(request=operation.request))

    def _post(self, message: Operation | CancelOperation) -> None:
        """Send without waiting (a failed send shows as the connection's end)."""
        with contextlib.suppress(RuntimeError):  # the loop is gone: so is the connection
            asyncio.run_coroutine_threadsafe(self._send(msgspec.json.encode(message)), self._loop)

    def deliver(self, result: OperationResult | OperationChunk) -> bool:
        """Hand a result (or a chunk) to the call waiting for it; False when none waits (late
        or unknown)."""
        with self._lock:
            waiting = self._pending.get(result.request)
            streaming = self._streams.get(result.request)
        if streaming is not None:
            streaming.put(result)
            return True
        if waiting is None or waiting.done() or isinstance(result, OperationChunk):
            return False
        waiting.set_result(result)
        return True

    def close(self) -> None:
        """The connection ended: every waiting call learns it at once."""
        with self._lock:
            self.closed = True
            waiting = list(self._pending.values())
            streams = list(self._streams.values())
        for future in waiting:
            if not future.done():
                future.set_exception(_SessionClosedError())
        for chunks in streams:
            chunks.put(None)


class AgentRelay(Protocol):
    """Operations on agents connected to another process of the installation: the API
    processes hold the agents' connections, while the process managers that act on the nodes
    may run in a worker (docker-compose.yml), and several API processes share the agents."""

    def call(
        self,
        node_id: UUID,
        method: str,
        args: dict[str, Any],
        *,
        timeout: float,
        operation_id: str,
    ) -> OperationResult:
        """The operation's result from the process the node's agent is connected to;
        EngineUnreachableError at once when none is, or when no answer comes in time."""
        ...

    def stream(
        self, node_id: UUID, method: str, args: dict[str, Any]
    ) -> Generator[list[str], None, None]:
        """A streamed operation's lines through the process the agent is connected to."""
        ...

    def serve(self, sessions: AgentSessions) -> None:
        """Carry other processes' operations to the agents connected to ``sessions``."""
        ...

    def hold(self, node_id: UUID) -> None:
        """The node's agent connected to this process: take its relayed operations."""
        ...

    def release(self, node_id: UUID) -> None:
        """The node's agent is no longer connected to this process."""
        ...


class AgentSessions:
    """The agent connections open to this process, by node; an agent connected to another
    process of the installation is reached through ``relay`` (None: this process alone)."""

    def __init__(self, relay: AgentRelay | None = None) -> None:
        self._sessions: dict[UUID, AgentSession] = {}
        self._changed = threading.Condition()
        self._relay = relay
        if relay is not None:
            relay.serve(self)

    def register(self, session: AgentSession) -> None:
        """A connection opened (a newer one of the same node replaces the older, whose waiting
        calls are sent again on the newer at once)."""
        with self._changed:
            older = self._sessions.get(session.node_id)
            self._sessions[session.node_id] = session
            self._changed.notify_all()
        if older is not None and older is not session:
            older.close()
        if self._relay is not None:
            self._relay.hold(session.node_id)

    def unregister(self, session: AgentSession) -> None:
        """A connection ended."""
        session.close()
        with self._changed:
            gone = self._sessions.get(session.node_id) is session
            if gone:
                del self._sessions[session.node_id]
            self._changed.notify_all()
        if gone and self._relay is not None:
            self._relay.release(session.node_id)

    def connected(self, node_id: UUID) -> bool:
        """Whether the node's agent holds a connection to this process."""
        with self._changed:
            return node_id in self._sessions

    def nodes(self) -> list[UUID]:
        """The nodes whose agents hold a connection to this process."""
        with self._changed:
            return list(self._sessions)

    def _session(self, node_id: UUID, deadline: float | None) -> AgentSession | None:
        """The node's open session; waits for one until ``deadline`` when given."""
        with self._changed:
            while True:
                session = self._sessions.get(node_id)
                if session is not None and not session.closed:
                    return session
                left = (deadline - time.monotonic()) if deadline is not None else 0
                if left <= 0:
                    return None
                self._changed.wait(left)

    def call(
        self,
        node_id: UUID,
        method: str,
        args: dict[str, Any],
        *,
        timeout: float,
        operation_id: str | None = None,
        relay: bool = True,
    ) -> OperationResult:
        """Run ``method`` on the node's engine through its agent within ``timeout`` seconds.

        When the connection drops before the answer, the same operation (same id) is sent
        again on the agent's next connection, if it comes before the deadline: the agent's
        journal makes that safe. An agent connected to another process is reached through
        the relay (unless ``relay`` is False: a relayed call is carried out here or not at
        all). EngineUnreachableError when no agent connection is open to the installation,
        or no answer comes in time.
        """
        deadline = time.monotonic() + timeout
        key = operation_id or uuid.uuid4().hex
        wait_for: float | None = None  # the first try does not wait for a connection
        while True:
            session = self._session(node_id, wait_for)
            if session is None and relay and wait_for is None and self._relay is not None:
                return self._relay.call(node_id, method, args, timeout=timeout, operation_id=key)
            if session is None:
                raise EngineUnreachableError(
                    f"the agent of node {node_id} is not connected to this control plane"
                    + (" (it went away during the operation)" if wait_for else "")
                )
            operation = Operation(
                request=uuid.uuid4().hex, operation_id=key, method=method, args=args
            )
            try:
                return session.request(operation, deadline)
            except TimeoutError:
                raise EngineUnreachableError(
                    f"the agent of node {node_id} did not answer {method} within {timeout:g} s"
                ) from None
            except _SessionClosedError:
                self.unregister(session)
                wait_for = deadline

    def stream(
        self, node_id: UUID, method: str, args: dict[str, Any], *, relay: bool = True
    ) -> Generator[list[str], None, None]:
        """Run a streamed ``method`` (a followed log) on the node's engine through its agent:
        its output's lines as they come. EngineUnreachableError when the agent is not connected
        to the installation or its connection ends meanwhile."""
        session = self._session(node_id, None)
        if session is None and relay and self._relay is not None:
            return self._relay.stream(node_id, method, args)
        if session is None:
            raise EngineUnreachableError(
                f"the agent of node {node_id} is not connected to this control plane"
            )
        key = uuid.uuid4().hex
        return session.stream(Operation(request=key, operation_id=key, method=method, args=args))
