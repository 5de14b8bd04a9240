"""Agent operations across the processes of one installation, over Redis (issue 18).

An agent holds its connection to one API process, while the deployer and the reconciler that
act on its node run in the worker (docker-compose.yml), and a dashboard request may reach
another API process. Each process that holds an agent's connection subscribes to the node's
channel; another process publishes the operation there and waits for the result on a list
of its own (BLPOP, at most ``POLL`` seconds a call, within the operation's deadline).
Redis tells the publisher how many processes received the message: none means no process
holds the agent's connection, answered at once as the engine being unreachable.

Operation ids travel with the operation, so an operation sent again through another process
is still answered from the agent's journal, never done twice.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Generator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from typing import Any
from uuid import UUID

import msgspec
import redis

from application.agent_operations import (
    AgentRefusedOperationError,
    AgentSessions,
    OperationChunk,
    OperationResult,
    raise_for,
)
from application.runtime_ports import ContainerEngineError, EngineUnreachableError

log = logging.getLogger(__name__)

POLL = 5.0
"""The longest one BLPOP waits (the client's socket timeout is longer), within a deadline."""
SOCKET_TIMEOUT = POLL + 5.0
LISTEN = 0.2
"""How long the listener waits for a message before it takes up newly held nodes."""
STREAM_QUIET = 30.0
"""A relayed stream quiet this long checks that a process still holds the agent."""
REPLY_TTL = 60
"""Seconds a result no one took stays in Redis."""
WORKERS = 16
WAITING = frozenset({"deaths"})
"""Operations that wait on the engine's events by design (a reconciler's death follower holds
one per agent node): each carried on a thread of its own, not queued in the shared pool."""


class RelayedOperation(msgspec.Struct, frozen=True, kw_only=True, tag="operation"):
    """A process → the process holding the agent: carry out this operation there."""

    reply: str
    """The list the result (and a stream's chunks) are pushed to."""
    node_id: UUID
    method: str
    args: dict[str, Any] = {}
    operation_id: str
    timeout: float
    stream: bool = False


class CancelRelayed(msgspec.Struct, frozen=True, kw_only=True, tag="cancel"):
    """The reader of a relayed stream stopped reading."""

    reply: str


class RelayFailed(msgspec.Struct, frozen=True, kw_only=True, tag="failed"):
    """The process holding the agent could not carry the operation (the agent went away)."""

    error: str


Answer = OperationResult | OperationChunk | RelayFailed
_REQUEST = msgspec.json.Decoder(RelayedOperation | CancelRelayed)
_REPLY = msgspec.json.Decoder(Answer)


class RedisAgentRelay:
    """The AgentRelay over Redis pub/sub (operations) and lists (their results)."""

    def __init__(self, url: str, namespace: str) -> None:
        self._redis = redis.Redis.from_url(
            url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=2.0
        )
        self._namespace = namespace
        self._sessions: AgentSessions | None = None
        self._held: set[UUID] = set()
        self._cancelled: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None
        self._pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="containr-relay")

    def channel(self, node_id: UUID) -> str:
        """The channel the process holding the node's agent follows."""
        return f"{self._namespace}:agent:{node_id}"

    def _reply_key(self, reply: str) -> str:
        return f"{self._namespace}:agent-reply:{reply}"

    # Reaching an agent held by another process

    def call(
        self,
        node_id: UUID,
        method: str,
        args: dict[str, Any],
        *,
        timeout: float,
        operation_id: str,
    ) -> OperationResult:
        deadline = time.monotonic() + timeout
        reply = self._send(node_id, method, args, operation_id=operation_id, timeout=timeout)
        answer = self._next(node_id, reply, deadline)
        if answer is None:
            raise EngineUnreachableError(
                f"the agent of node {node_id} did not answer {method} within {timeout:g} s"
            )
        if isinstance(answer, RelayFailed):
            raise EngineUnreachableError(answer.error)
        if isinstance(answer, OperationChunk):
            raise ContainerEngineError(f"the agent answered {method} with a stream's output")
        return answer

    def stream(
        self, node_id: UUID, method: str, args: dict[str, Any]
    ) -> Generator[list[str], None, None]:
        reply = self._send(node_id, method, args, operation_id=uuid.uuid4().hex, stream=True)
        return self._chunks(node_id, reply)

    def _send(
        self,
        node_id: UUID,
        method: str,
        args: dict[str, Any],
        *,
        operation_id: str,
        timeout: float = 0,
        stream: bool = False,
    ) -> str:
        """Publish the operation to the process holding the agent; the id of its reply list."""
        reply = uuid.uuid4().hex
        operation = RelayedOperation(
            reply=reply,
            node_id=node_id,
            method=method,
            args=args,
            operation_id=operation_id,
            timeout=timeout,
            stream=stream,
        )
        self._publish(node_id, operation)
        return reply

    def _chunks(self, node_id: UUID, reply: str) -> Generator[list[str], None, None]:
        ended = False
        try:
            while True:
                answer = self._next(node_id, reply, time.monotonic() + STREAM_QUIET)
                if answer is None:
                    if self._receivers(node_id) > 0:
                        continue  # quiet, and the agent's process is still there
                    ended = True
                    raise EngineUnreachableError(
                        f"the agent of node {node_id} is no longer connected to this control plane"
                    )
                if isinstance(answer, RelayFailed):
                    ended = True
                    raise EngineUnreachableError(answer.error)
                if isinstance(answer, OperationResult):
                    ended = True
                    raise_for(answer)
                    return
                yield answer.lines
        finally:
            if not ended:
                with suppress(ContainerEngineError):
                    self._publish(node_id, CancelRelayed(reply=reply))

    def _publish(self, node_id: UUID, message: RelayedOperation | CancelRelayed) -> None:
        try:
            received = self._redis.publish(self.channel(node_id), msgspec.json.encode(message))
        except redis.RedisError as e:
            raise EngineUnreachableError(
                f"the agent of node {node_id}: Redis, which carries its operations between "
                f"the control plane's processes, does not answer ({type(e).__name__})"
            ) from None
        if not received:
            raise EngineUnreachableError(
                f"the agent of node {node_id} is not connected to this control plane"
            )

    def _receivers(self, node_id: UUID) -> int:
        try:
            counts = self._redis.pubsub_numsub(self.channel(node_id))
        except redis.RedisError:
            return 0
        return int(counts[0][1]) if counts else 0

    def _next(self, node_id: UUID, reply: str, deadline: float) -> Answer | None:
        """The next thing pushed for ``reply`` before ``deadline``; None when nothing came."""
        key = self._reply_key(reply)
        while (left := deadline - time.monotonic()) > 0:
            try:
                popped = self._redis.blpop([key], timeout=max(min(left, POLL), 0.01))
            except redis.RedisError as e:
                raise EngineUnreachableError(
                    f"the agent of node {node_id}: Redis, which carries its operations between "
                    f"the control plane's processes, does not answer ({type(e).__name__})"
                ) from None
            if popped is not None:
                try:
                    answer: Answer = _REPLY.decode(popped[1])
                except msgspec.DecodeError as e:
                    raise ContainerEngineError(f"a relayed answer is malformed: {e}") from None
                return answer
        return None

    # Carrying other processes' operations to the agents held here

    def serve(self, sessions: AgentSessions) -> None:
        self._sessions = sessions

    def hold(self, node_id: UUID) -> None:
        with self._lock:
            self._held.add(node_id)
            if self._listener is None and not self._stop.is_set():
                self._listener = threading.Thread(
                    target=self._listen, name="containr-agent-relay", daemon=True
                )
                self._listener.start()

    def release(self, node_id: UUID) -> None:
        with self._lock:
            self._held.discard(node_id)

    def _listen(self) -> None:
        """Follow the channels of the nodes held here (taken up within ``LISTEN`` seconds)."""
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        subscribed: set[str] = set()
        while not self._stop.is_set():
            try:
                with self._lock:
                    wanted = {self.channel(node) for node in self._held}
                if wanted - subscribed:
                    pubsub.subscribe(*(wanted - subscribed))
                if subscribed - wanted:
                    pubsub.unsubscribe(*(subscribed - wanted))  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
                subscribed = wanted
                # Read on until Redis confirms the last unsubscribe: an operation published
                # before it is answered (it learns the agent is gone), not left unread.
                if not subscribed and not pubsub.subscribed:
                    self._stop.wait(LISTEN)
                    continue
                message = pubsub.get_message(timeout=LISTEN)
                if message is not None and message.get("type") == "message":
                    self._take(message["data"])
            except redis.RedisError as e:
                log.warning("the agent relay lost Redis (%s); following again", type(e).__name__)
                with suppress(redis.RedisError):
                    pubsub.close()
                pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
                subscribed = set()
                self._stop.wait(1.0)
        with suppress(redis.RedisError):
            pubsub.close()

    def _take(self, data: bytes) -> None:
        try:
            message = _REQUEST.decode(data)
        except msgspec.DecodeError:
            log.warning("a malformed relayed agent operation was dropped")
            return
        if isinstance(message, CancelRelayed):
            with self._lock:
                self._cancelled.add(message.reply)
        elif message.stream:
            threading.Thread(
                target=self._carry_stream,
                args=(message,),
                name="containr-relay-stream",
                daemon=True,
            ).start()
        elif message.method in WAITING:  # one per engine follower: never queued behind others
            threading.Thread(
                target=self._carry, args=(message,), name="containr-relay-wait", daemon=True
            ).start()
        else:
            self._pool.submit(self._carry, message)

    def _carry(self, operation: RelayedOperation) -> None:
        sessions = self._sessions
        result: Answer
        try:
            if sessions is None:
                raise EngineUnreachableError("this process carries no agent operations")
            result = sessions.call(
                operation.node_id,
                operation.method,
                operation.args,
                timeout=operation.timeout,
                operation_id=operation.operation_id,
                relay=False,
            )
        except EngineUnreachableError as e:
            result = RelayFailed(error=str(e))
        except Exception:
            log.exception("carrying a relayed %s failed", operation.method)
            result = RelayFailed(error=f"the process holding the agent failed {operation.method}")
        self._push(operation.reply, result)

    def _carry_stream(self, operation: RelayedOperation) -> None:
        reply = operation.reply
        sessions = self._sessions
        if sessions is None:
            self._push(reply, RelayFailed(error="this process carries no agent operations"))
            return
        try:
            chunks = sessions.stream(
                operation.node_id, operation.method, operation.args, relay=False
            )
        except ContainerEngineError as e:
            self._push(reply, RelayFailed(error=str(e)))
            return
        try:
            for lines in chunks:
                with self._lock:
                    if reply in self._cancelled:
                        return  # closing the stream tells the agent to stop
                self._push(reply, OperationChunk(request=reply, lines=lines))
            self._push(reply, OperationResult(request=reply, ok=True))
        except EngineUnreachableError as e:
            self._push(reply, RelayFailed(error=str(e)))
        except AgentRefusedOperationError as e:
            self._push(
                reply,
                OperationResult(
                    request=reply,
                    ok=False,
                    error=str(e).removeprefix("the agent refused: "),
                    kind="refused",
                ),
            )
        except ContainerEngineError as e:
            self._push(reply, OperationResult(request=reply, ok=False, error=str(e), kind="engine"))
        finally:
            chunks.close()
            with self._lock:
                self._cancelled.discard(reply)

    def _push(self, reply: str, answer: Answer) -> None:
        key = self._reply_key(reply)
        try:
            with self._redis.pipeline(transaction=False) as pipe:
                pipe.rpush(key, msgspec.json.encode(answer))
                pipe.expire(key, REPLY_TTL)
                pipe.execute()
        except redis.RedisError as e:
            log.warning("a relayed agent answer was lost: Redis (%s)", type(e).__name__)

    def close(self) -> None:
        self._stop.set()
        listener = self._listener
        if listener is not None:
            listener.join(timeout=SOCKET_TIMEOUT)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._redis.close()
