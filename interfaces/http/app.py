"""The Litestar application: /graphql (HTTP and WebSocket), /healthz, /readyz, /metrics."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from litestar.types import Scope
from strawberry import UNSET, Schema
from strawberry.exceptions import ConnectionRejectionError
from strawberry.litestar import make_graphql_controller
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from application.services import Services
from interfaces.graphql.cache import ResponseCache
from interfaces.graphql.context import GqlContext
from interfaces.graphql.schema import build_schema
from interfaces.graphql.subscription import NoticeHub
from interfaces.http.callers import client_of, principal_for
from interfaces.http.graphql_http import MAX_BODY, GraphQLOverHttp, decode_message, encode_json
from interfaces.http.health import Metrics
from interfaces.http.web import web_handlers

log = logging.getLogger("containr.http")


def create_app(
    services: Services, *, run_projections: bool = False, run_processes: bool = False
) -> Litestar:
    """The HTTP application; with ``run_projections`` it also runs the read-model runners,
    with ``run_processes`` the deployment process manager and the reconciler."""
    schema: Schema = build_schema(introspection=not services.settings.is_production)
    hub = NoticeHub(services.changes)
    cache = ResponseCache(services.changes)
    metrics = Metrics(services, hub)
    execute_http = GraphQLOverHttp(services, schema, cache, hub)
    stop = threading.Event()

    async def ws_context(scope: Scope) -> dict[str, Any]:
        # strawberry's Litestar view wants a dict (or its own BaseContext) as the context.
        return {"gql": GqlContext(services, None, client_of(scope), hub=hub)}

    base = make_graphql_controller(
        schema,
        path="/graphql",
        graphql_ide=None if services.settings.is_production else "graphiql",
        allow_queries_via_get=False,
        context_getter=ws_context,
        subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        keep_alive=True,
        keep_alive_interval=15,
        max_subscriptions_per_connection=200,
    )

    class GraphQLController(base):  # type: ignore[valid-type, misc]
        def encode_json(self, data: object) -> bytes:
            return encode_json(data)  # msgspec: subscription messages are encoded per subscriber

        def decode_json(self, data: str | bytes) -> object:
            return decode_message(data)  # nesting too deep closes with 4400, not a crash

        async def on_ws_connect(
            self, context: dict[str, Any]
        ) -> UnsetType | dict[str, object] | None:
            params = context.get("connection_params") or {}
            header = params.get("authorization") or params.get("Authorization")
            if header:
                principal, error = await principal_for(services, str(header))
                if principal is None:
                    raise ConnectionRejectionError({"message": error})
                context["gql"].principal = principal
                context["gql"].bearer = str(header).partition(" ")[2].strip()
            return UNSET  # type: ignore[no-any-return]  # strawberry types UNSET as Any

        @post(status_code=HTTP_200_OK)
        async def handle_http_post(self, request: Request[Any, Any, Any]) -> Response[bytes]:
            started = time.perf_counter()
            response = await execute_http(request)
            metrics.requests.labels("/graphql", str(response.status_code)).inc()
            metrics.latency.labels("/graphql").observe(time.perf_counter() - started)
            return response

    @get("/healthz", sync_to_thread=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @get("/readyz", sync_to_thread=True)
    def readyz() -> Response[dict[str, Any]]:
        checks: dict[str, Any] = {}
        try:
            checks["event_store"] = {"head": services.events.head()}
            checks["read_models"] = services.read_store.positions()
            for name, answers in services.dependencies.items():
                checks[name] = "ok" if answers() else "down"
        except Exception as e:
            log.warning("not ready: %s", e)
            return Response(
                {"status": "not ready", "error": type(e).__name__},
                status_code=HTTP_503_SERVICE_UNAVAILABLE,
            )
        ready = all(checks[name] == "ok" for name in services.dependencies)
        return Response(
            {"status": "ready" if ready else "not ready", **checks},
            status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE,
        )

    @get("/metrics", sync_to_thread=True, media_type="text/plain; version=0.0.4")
    def metrics_endpoint() -> bytes:
        return metrics.render()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        threads = services.run_projections(stop) if run_projections else []
        if run_processes:
            threads += services.run_processes(stop)
        try:
            yield
        finally:
            stop.set()
            for thread in threads:
                await anyio.to_thread.run_sync(thread.join, 10)
            hub.close()
            cache.close()

    app = Litestar(
        route_handlers=[GraphQLController, healthz, readyz, metrics_endpoint, *web_handlers()],
        lifespan=[lifespan],
        request_max_body_size=MAX_BODY,
        state=State({"services": services, "cache": cache, "hub": hub}),
        debug=False,
    )
    return app


__all__ = ["HTTPException", "create_app"]
