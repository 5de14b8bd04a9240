"""The node agents' endpoints (issue 18).

- ``POST /agent/join`` ``{"token", "name", "cpuMillis", "memoryMb", "labels"}``: spends a join
  token, answers 201 with the node and its credential (shown once). A forged, expired or used
  token is answered 401, bad input 400, a taken name 400; nothing is recorded then.
- ``POST /agent/rotate`` (``Authorization: Bearer cnc_…``): a new credential; the old one
  stops working.
- ``WS /agent/connect`` (``Authorization: Bearer cnc_…``): the agent's one long-lived,
  outbound connection. The agent sends a heartbeat every 5 s and gets an ``ack`` per
  heartbeat; silence for 15 s, or a credential found revoked (checked again every 30 s),
  closes it. A refused credential is closed with 4401 before anything else. The control plane
  sends ``operation`` messages down the same connection (calls on the agent's engine, each
  with an operation id), and the agent answers each with a ``result`` (issue 18).

Why a WebSocket and not HTTP long polling: one connection carries both directions (heartbeats
up, desired state down, without a poll's latency or a request per message), and it passes
NATs and proxies as ordinary HTTPS; the acknowledgements give the agent what long polling's
responses would.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import anyio
import anyio.to_thread
import msgspec
from litestar import Request, Response, WebSocket, post, websocket
from litestar.handlers import BaseRouteHandler

from application.agent_operations import AgentSession, OperationChunk, OperationResult
from application.agents import (
    HEARTBEAT_SECONDS,
    SILENCE_SECONDS,
    AgentGateway,
    AgentIdentity,
    AgentMessage,
    ControlMessage,
    Heartbeat,
    Refused,
)
from application.errors import ApplicationError, DomainError
from application.secrets import Secret
from application.services import Services

log = logging.getLogger("containr.http.agents")
MAX_BODY = 64 * 1024
MAX_MESSAGE = 4 * 1024 * 1024
"""The largest message an agent may send: an operation's result carries at most 512 KiB of a
container's log or a thousand containers' states, JSON-escaped."""
REVALIDATE_SECONDS = 30.0
REFUSED_CLOSE = 4401
STATUS = {
    "UNAUTHENTICATED": 401,
    "VALIDATION_FAILED": 400,
    "NOT_FOUND": 404,
    "CONFLICT": 409,
    "UNAVAILABLE": 503,
}


class JoinRequest(msgspec.Struct, frozen=True, forbid_unknown_fields=True, rename="camel"):
    """What ``containr agent join`` sends."""

    token: str
    name: str
    cpu_millis: int
    memory_mb: int
    labels: dict[str, str] = {}
    address: str | None = None
    port_range: tuple[int, int] | None = None
    """The host ports its replicas publish on, first and last (None: 20000-29999)."""


_join = msgspec.json.Decoder(JoinRequest)
_message: msgspec.json.Decoder[Heartbeat | OperationResult | OperationChunk] = msgspec.json.Decoder(
    AgentMessage
)
Send = Callable[[bytes], Coroutine[Any, Any, None]]
_encode = msgspec.json.Encoder().encode


def agent_handlers(services: Services) -> list[BaseRouteHandler]:
    """The agent endpoints, bound to ``services`` (none when agents are not wired in)."""
    gateway = services.agents
    if gateway is None:
        return []

    @post("/agent/join", include_in_schema=False, request_max_body_size=MAX_BODY)
    async def join(request: Request[Any, Any, Any]) -> Response[bytes]:
        try:
            body = _join.decode(await request.body())
        except msgspec.ValidationError as e:
            return _answer(400, {"error": {"code": "VALIDATION_FAILED", "message": str(e)}})
        except msgspec.DecodeError:
            return _answer(400, {"error": {"code": "VALIDATION_FAILED", "message": "not JSON"}})
        try:
            joined = await anyio.to_thread.run_sync(
                lambda: gateway.join(
                    Secret(body.token),
                    body.name,
                    body.cpu_millis,
                    body.memory_mb,
                    body.labels,
                    body.address,
                    body.port_range,
                )
            )
        except (ApplicationError, DomainError) as e:
            return _refusal(e, "join")
        return _answer(
            201,
            {
                "nodeId": str(joined.node_id),
                "organizationId": str(joined.organization_id),
                "name": joined.name,
                "credential": joined.credential,
                "installation": joined.installation,
            },
        )

    @post("/agent/rotate", include_in_schema=False, request_max_body_size=MAX_BODY)
    async def rotate(request: Request[Any, Any, Any]) -> Response[bytes]:
        try:
            fresh = await anyio.to_thread.run_sync(
                gateway.rotate, _bearer(request.headers.get("authorization"))
            )
        except (ApplicationError, DomainError) as e:
            return _refusal(e, "rotate")
        return _answer(200, {"credential": fresh.reveal()})

    @websocket("/agent/connect")
    async def connect(socket: WebSocket[Any, Any, Any]) -> None:
        await socket.accept()
        try:
            agent = await anyio.to_thread.run_sync(
                gateway.authenticate, _bearer(socket.headers.get("authorization"))
            )
        except (ApplicationError, DomainError) as e:
            await _close_refused(socket, e)
            return
        lock = anyio.Lock()

        async def send(payload: bytes) -> None:
            async with lock:  # operations come from other threads, acks from this handler
                await socket.send_data(payload.decode(), mode="text")

        session = AgentSession(agent.node_id, asyncio.get_running_loop(), send)
        gateway.sessions.register(session)
        try:
            await _serve(socket, gateway, agent, send, session)
        finally:
            gateway.sessions.unregister(session)

    return [join, rotate, connect]


async def _serve(
    socket: WebSocket[Any, Any, Any],
    gateway: AgentGateway,
    agent: AgentIdentity,
    send: Send,
    session: AgentSession,
) -> None:
    """Take the agent's heartbeats and results until it goes away, goes silent or is
    revoked."""
    reason = "the agent closed the connection"
    checked = time.monotonic()
    try:
        while reason == "the agent closed the connection":
            with anyio.fail_after(SILENCE_SECONDS):
                raw = await socket.receive_data("text")
            reason = await _take(socket, gateway, agent, raw, send, session) or reason
            if gateway.samples_due():
                try:
                    await anyio.to_thread.run_sync(gateway.write_samples)
                except Exception:  # measurements: a store away loses a batch, not the agent
                    log.warning("could not write agents' usage to the time-series store")
            if time.monotonic() - checked > REVALIDATE_SECONDS:
                checked = time.monotonic()
                try:
                    await anyio.to_thread.run_sync(gateway.authenticate, _credential(socket))
                except (ApplicationError, DomainError) as e:
                    reason = "the credential was revoked"
                    await _close_refused(socket, e)
    except TimeoutError:
        reason = (
            f"no heartbeat for {SILENCE_SECONDS:.0f} s (they come every {HEARTBEAT_SECONDS:.0f} s)"
        )
        await socket.close(code=1001, reason="silent")
    except Exception as e:  # the socket went away (Litestar raises its own disconnect errors)
        reason = f"the connection ended ({type(e).__name__})"
    finally:
        with anyio.CancelScope(shield=True):
            try:
                await anyio.to_thread.run_sync(gateway.disconnected, agent, reason)
            except Exception:
                log.exception("could not record that agent %s disconnected", agent.name)


async def _take(
    socket: WebSocket[Any, Any, Any],
    gateway: AgentGateway,
    agent: AgentIdentity,
    raw: str | bytes,
    send: Send,
    session: AgentSession,
) -> str | None:
    """Answer one message; the reason the connection ends, when it does."""
    if len(raw) > MAX_MESSAGE:
        await socket.close(code=1009, reason="message too big")
        return "a message larger than 4 MiB"
    try:
        message = _message.decode(raw)
    except msgspec.DecodeError as e:  # ValidationError too
        await send(_encode(Refused(seq=-1, code="VALIDATION_FAILED", message=str(e))))
        return None
    if isinstance(message, OperationResult | OperationChunk):
        if not session.deliver(message):
            log.info("agent %s answered an operation no one waits for", agent.name)
        return None
    heartbeat = message
    reply: ControlMessage
    try:
        if gateway.needs_record(agent, heartbeat):
            reply = await anyio.to_thread.run_sync(gateway.heartbeat, agent, heartbeat)
        else:
            reply = gateway.heartbeat(agent, heartbeat)
    except ValueError as e:
        reply = Refused(seq=heartbeat.seq, code="VALIDATION_FAILED", message=str(e))
    except (ApplicationError, DomainError) as e:  # revoked meanwhile, or removed
        await _close_refused(socket, e)
        return str(e)
    await send(_encode(reply))
    return None


def _credential(socket: WebSocket[Any, Any, Any]) -> Secret:
    return _bearer(socket.headers.get("authorization"))


async def _send(socket: WebSocket[Any, Any, Any], message: ControlMessage) -> None:
    await socket.send_data(_encode(message).decode(), mode="text")


async def _close_refused(socket: WebSocket[Any, Any, Any], error: Exception) -> None:
    code = getattr(error, "code", "UNAUTHENTICATED")
    await _send(socket, Refused(seq=0, code=code, message=str(error)))
    await socket.close(code=REFUSED_CLOSE if code == "UNAUTHENTICATED" else 1011, reason=code)


def _bearer(header: str | None) -> Secret:
    scheme, _, value = (header or "").partition(" ")
    return Secret(value.strip() if scheme.lower() == "bearer" else "")


def _refusal(error: Exception, what: str) -> Response[bytes]:
    code = str(getattr(error, "code", "INTERNAL"))
    log.info("agent %s refused: %s", what, code)
    return _answer(STATUS.get(code, 500), {"error": {"code": code, "message": str(error)}})


def _answer(status: int, body: dict[str, Any]) -> Response[bytes]:
    return Response(_encode(body), status_code=status, media_type="application/json")
