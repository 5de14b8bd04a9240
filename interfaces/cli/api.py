"""The client side of the API: GraphQL over HTTP (httpx, with timeouts), subscriptions over
WebSocket (``graphql-transport-ws``, resumed after a dropped connection), and uploads."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.sync.client import ClientConnection, connect

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
UPLOAD_TIMEOUT = httpx.Timeout(300.0, connect=5.0)
RECONNECTS = 5


class ApiError(Exception):
    """Raised when the server refuses a request or cannot be reached; ``code`` says which."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class Subscription:
    """One subscription of a multiplexed connection: its document and variables, and how to
    resume it (``resume`` gives the variables to send after a reconnect)."""

    document: str
    variables: dict[str, Any]
    resume: Callable[[dict[str, Any]], dict[str, Any]] | None = None


class Api:
    """A Containr server, called with one credential."""

    def __init__(
        self, server: str, token: str | None, *, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.server = server.rstrip("/")
        self.token = token
        headers = {"authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(
            base_url=self.server, timeout=TIMEOUT, headers=headers, transport=transport
        )

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def __call__(self, document: str, **variables: Any) -> dict[str, Any]:
        """The data of a query or mutation (ApiError with the first error's code)."""
        try:
            response = self._http.post("/graphql", json={"query": document, "variables": variables})
        except httpx.HTTPError as e:
            raise ApiError("UNAVAILABLE", f"cannot reach {self.server}: {_why(e)}") from None
        try:
            body = response.json()
        except ValueError:
            raise ApiError(
                "UNAVAILABLE", f"{self.server} answered {response.status_code}, not GraphQL"
            ) from None
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors:
            first = errors[0]
            code = (first.get("extensions") or {}).get("code", "INTERNAL")
            raise ApiError(str(code), str(first.get("message", "the request failed")))
        data: dict[str, Any] = body["data"]
        return data

    def upload(self, organization_id: str, archive: Path) -> dict[str, Any]:
        """POST an archive to /uploads for the organisation; its id, digest and size."""
        try:
            with archive.open("rb") as f:
                response = self._http.post(
                    "/uploads",
                    params={"organizationId": organization_id},
                    content=_chunks(f),
                    headers={"content-type": "application/gzip"},
                    timeout=UPLOAD_TIMEOUT,
                )
        except httpx.HTTPError as e:
            raise ApiError("UNAVAILABLE", f"cannot upload to {self.server}: {_why(e)}") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code != 201:
            error = body.get("error") or {}
            raise ApiError(
                str(error.get("code", "INTERNAL")),
                str(error.get("message") or f"the upload failed ({response.status_code})"),
            )
        answer: dict[str, Any] = body
        return answer

    def subscribe(
        self, subscriptions: Mapping[str, Subscription], *, idle: float = 60.0
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """(name, data) of each message of several subscriptions on one connection; after a
        dropped connection it reconnects (a few times) and resumes each where it was."""
        failures = 0
        while True:
            try:
                with self._connect() as ws:
                    for name, sub in subscriptions.items():
                        ws.send(
                            json.dumps(
                                {
                                    "id": name,
                                    "type": "subscribe",
                                    "payload": {"query": sub.document, "variables": sub.variables},
                                }
                            )
                        )
                    for name, data in _messages(ws, idle):
                        failures = 0
                        sub = subscriptions[name]
                        if sub.resume is not None:
                            sub.variables = sub.resume(data)
                        yield name, data
                    return
            except (ConnectionClosed, OSError, TimeoutError) as e:
                failures += 1
                if failures > RECONNECTS:
                    raise ApiError(
                        "UNAVAILABLE", f"lost the connection to {self.server}: {_why(e)}"
                    ) from None
                time.sleep(min(0.5 * 2**failures, 5.0))

    def _connect(self) -> ClientConnection:
        url = "ws" + self.server.removeprefix("http") + "/graphql"
        try:
            ws = connect(
                url,
                subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]  # a str is a Subprotocol
                open_timeout=10,
                close_timeout=2,
                max_size=2**24,
            )
        except InvalidStatus as e:
            raise ApiError("UNAVAILABLE", f"{url} refused the WebSocket: {e}") from None
        except InvalidHandshake as e:
            raise ApiError("UNAVAILABLE", f"{url}: {e}") from None
        payload = {"authorization": f"Bearer {self.token}"} if self.token else {}
        ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(ws.recv(timeout=10))
        if ack.get("type") != "connection_ack":
            ws.close()
            raise ApiError("UNAUTHENTICATED", f"the server refused the connection: {ack}")
        return ws


def _messages(ws: ClientConnection, idle: float) -> Iterator[tuple[str, dict[str, Any]]]:
    """Data messages until every subscription completed; pings are answered."""
    while True:
        try:
            message = json.loads(ws.recv(timeout=idle))
        except TimeoutError:
            ws.send(json.dumps({"type": "ping"}))  # still there? (a dead peer raises soon)
            continue
        kind = message.get("type")
        if kind == "ping":
            ws.send(json.dumps({"type": "pong"}))
        elif kind == "error":
            errors = message.get("payload") or [{}]
            code = (errors[0].get("extensions") or {}).get("code", "INTERNAL")
            raise ApiError(str(code), str(errors[0].get("message", "the subscription failed")))
        elif kind == "next":
            payload = message.get("payload") or {}
            if payload.get("errors"):
                first = payload["errors"][0]
                code = (first.get("extensions") or {}).get("code", "INTERNAL")
                raise ApiError(str(code), str(first.get("message", "the subscription failed")))
            yield str(message.get("id")), payload.get("data") or {}
        elif kind == "complete":
            return


def _chunks(f: Any) -> Iterator[bytes]:
    yield from iter(lambda: f.read(1 << 20), b"")


def _why(error: BaseException) -> str:
    return str(error) or type(error).__name__
