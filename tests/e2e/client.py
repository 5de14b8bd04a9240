"""A small GraphQL client for tests: HTTP (httpx) and graphql-transport-ws (websockets)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from websockets.sync.client import ClientConnection, connect


class GraphQLError(AssertionError):
    """A response carried errors."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(json.dumps(errors))
        self.errors = errors

    @property
    def codes(self) -> list[str]:
        return [e.get("extensions", {}).get("code", "?") for e in self.errors]


class Client:
    """Talks to one Containr server."""

    def __init__(self, base_url: str, http: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http or httpx.Client(base_url=self.base_url, timeout=30)
        self.token: str | None = None

    def raw(
        self, query: str, variables: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        headers = {}
        bearer = token if token is not None else self.token
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        response = self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    def __call__(self, query: str, **variables: Any) -> dict[str, Any]:
        body = self.raw(query, variables)
        if body.get("errors"):
            raise GraphQLError(body["errors"])
        data: dict[str, Any] = body["data"]
        return data

    def sign_up(
        self, email: str, name: str = "Tester", password: str = "correct horse battery"
    ) -> dict[str, Any]:
        data = self(
            """mutation($e: String!, $n: String!, $p: String!) {
            signUp(email: $e, name: $n, password: $p) { accessToken refreshToken userId organizationId }
        }""",
            e=email,
            n=name,
            p=password,
        )["signUp"]
        self.token = data["accessToken"]
        return data  # type: ignore[no-any-return]

    @contextmanager
    def subscribe(
        self, query: str, token: str | None = None, **variables: Any
    ) -> Iterator[Subscription]:
        url = self.base_url.replace("http", "ws", 1) + "/graphql"
        with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:  # type: ignore[list-item]
            bearer = token if token is not None else self.token
            ws.send(
                json.dumps(
                    {
                        "type": "connection_init",
                        "payload": {"authorization": f"Bearer {bearer}"} if bearer else {},
                    }
                )
            )
            ack = json.loads(ws.recv(timeout=10))
            assert ack["type"] == "connection_ack", ack
            ident = str(uuid.uuid4())
            ws.send(
                json.dumps(
                    {
                        "id": ident,
                        "type": "subscribe",
                        "payload": {"query": query, "variables": variables},
                    }
                )
            )
            yield Subscription(ws, ident)


class Subscription:
    """Messages of one subscription."""

    def __init__(self, ws: ClientConnection, ident: str) -> None:
        self.ws = ws
        self.ident = ident

    def next(self, timeout: float = 10) -> dict[str, Any]:
        """The next payload's data (GraphQLError for an error message)."""
        while True:
            message = json.loads(self.ws.recv(timeout=timeout))
            if message.get("type") == "ping":
                self.ws.send(json.dumps({"type": "pong"}))
                continue
            if message.get("id") != self.ident:
                continue
            if message["type"] == "error":
                raise GraphQLError(message["payload"])
            if message["type"] == "next":
                payload = message["payload"]
                if payload.get("errors"):
                    raise GraphQLError(payload["errors"])
                return payload["data"]  # type: ignore[no-any-return]
            if message["type"] == "complete":
                raise AssertionError("the subscription completed")
