"""The Litestar application: /graphql (HTTP and WebSocket), /healthz, /readyz, /metrics, the
dashboard at / and the documentation at /docs/."""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException, WebSocketException
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_401_UNAUTHORIZED,
    HTTP_503_SERVICE_UNAVAILABLE,
    WS_1013_TRY_AGAIN_LATER,
)
from litestar.types import Scope
from strawberry import UNSET, Schema
from strawberry.exceptions import ConnectionRejectionError
from strawberry.litestar import make_graphql_controller
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from application.errors import UnavailableError
from application.services import Services
from interfaces.graphql.cache import ResponseCache
from interfaces.graphql.context import GqlContext
from interfaces.graphql.schema import build_schema
from interfaces.graphql.subscription import NoticeHub
from interfaces.http.access import access_handlers
from interfaces.http.agents import agent_handlers
from interfaces.http.callers import client_of, principal_for
from interfaces.http.clock import server_time
from interfaces.http.docs import docs_handlers
from interfaces.http.graphql_http import MAX_BODY, GraphQLOverHttp, decode_message, encode_json
from interfaces.http.headers import graphiql_policy, security_headers
from interfaces.http.health import Metrics, Readiness, unavailable_response
from interfaces.http.positions import SharedPositions
from interfaces.http.session import session_handlers
from interfaces.http.sign_in import sign_in_handlers
from interfaces.http.uploads import upload_handlers
from interfaces.http.wake import wake_handlers
from interfaces.http.web import web_handlers
from interfaces.http.webhooks import webhook_handlers

log = logging.getLogger("containr.http")
METRICS_MEDIA = "text/plain; version=0.0.4"


def create_app(
    services: Services,
    *,
    run_projections: bool = False,
    run_processes: bool = False,
    shared_positions: SharedPositions | None = None,
) -> Litestar:
    """The HTTP application; with ``run_projections`` it also runs the read-model runners,
    with ``run_processes`` the deployment process manager and the reconciler;
    ``shared_positions`` when other API processes of this server share its callers."""
    schema: Schema = build_schema(introspection=not services.settings.is_production)
    hub = NoticeHub(services.changes)
    cache = ResponseCache(services.changes)
    metrics = Metrics(services, hub)
    execute_http = GraphQLOverHttp(services, schema, cache, hub, shared_positions)
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
                try:
                    principal, error = await principal_for(services, str(header))
                except UnavailableError as e:  # close with 1013, "try again later"
                    raise WebSocketException(detail=str(e), code=WS_1013_TRY_AGAIN_LATER) from e
                if principal is None:
                    raise ConnectionRejectionError({"message": error})
                context["gql"].principal = principal
                context["gql"].bearer = str(header).partition(" ")[2].strip()
            return UNSET  # type: ignore[no-any-return]  # strawberry types UNSET as Any

        async def render_graphql_ide(self, request: Request[Any, Any, Any]) -> Response[str]:
            # Development mode only: GraphiQL loads React and itself from a CDN.
            page: Response[str] = await super().render_graphql_ide(request)
            page.headers["content-security-policy"] = graphiql_policy(request.headers.get("host"))
            return page

        @post(status_code=HTTP_200_OK)
        async def handle_http_post(self, request: Request[Any, Any, Any]) -> Response[bytes]:
            started = time.perf_counter()
            response = await execute_http(request)
            # A response without a status of its own is sent with the handler's 200.
            status = response.status_code or HTTP_200_OK
            metrics.requests.labels("/graphql", str(status)).inc()
            metrics.latency.labels("/graphql").observe(time.perf_counter() - started)
            return response

    @get("/healthz", sync_to_thread=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    readiness = Readiness(services)

    @get("/readyz")
    async def readyz() -> Response[dict[str, object]]:
        # Answers within a second whatever is down: checks run under a deadline.
        ready, report = await readiness.report()
        return Response(report, status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE)

    @get("/metrics", sync_to_thread=True, media_type=METRICS_MEDIA)
    def metrics_endpoint(request: Request[Any, Any, Any]) -> Response[bytes]:
        return metrics_answer(services, metrics, request.headers.get("authorization"))

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
        route_handlers=[
            GraphQLController,
            healthz,
            readyz,
            metrics_endpoint,
            *session_handlers(services),
            *sign_in_handlers(services),
            *upload_handlers(services),
            *webhook_handlers(services),
            *access_handlers(services),
            *wake_handlers(services),
            *agent_handlers(services),
            *docs_handlers(),
            *web_handlers(),
        ],
        lifespan=[lifespan],
        before_send=[
            security_headers(services.settings.trusted_proxies),
            server_time(services.clock),
        ],
        request_max_body_size=MAX_BODY,
        state=State({"services": services, "cache": cache, "hub": hub, "metrics": metrics}),
        exception_handlers={UnavailableError: unavailable_response},
        debug=False,
    )
    return app


def metrics_answer(
    services: Services, metrics: Metrics, authorization: str | None, *, listener: bool = False
) -> Response[bytes]:
    """``/metrics`` for a caller: with CONTAINR_METRICS_TOKEN, only for its bearer; on the
    API's address without a token, refused with how to turn metrics on; on the separate
    CONTAINR_METRICS_LISTEN address without a token, served."""
    token = services.settings.metrics_token
    if token is not None:
        scheme, _, sent = (authorization or "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(
            sent.strip().encode(), token.reveal().encode()
        ):
            return Response(metrics.render(), media_type=METRICS_MEDIA)
        why = "send CONTAINR_METRICS_TOKEN as 'Authorization: Bearer <token>'"
    elif listener:
        return Response(metrics.render(), media_type=METRICS_MEDIA)
    elif services.settings.metrics_listen is not None:
        why = "metrics are served on the CONTAINR_METRICS_LISTEN address, not here"
    else:
        why = (
            "metrics are off: set CONTAINR_METRICS_TOKEN (a bearer token Prometheus sends) "
            "or CONTAINR_METRICS_LISTEN (host:port of a listener serving only /metrics)"
        )
    return Response(
        why.encode(),
        status_code=HTTP_401_UNAUTHORIZED,
        media_type="text/plain",
        headers={"www-authenticate": 'Bearer realm="containr-metrics"'},
    )


def create_metrics_app(app: Litestar) -> Litestar:
    """The separate CONTAINR_METRICS_LISTEN listener: ``/metrics`` of ``app`` and nothing else."""
    services: Services = app.state["services"]
    metrics: Metrics = app.state["metrics"]

    @get("/metrics", sync_to_thread=True, media_type=METRICS_MEDIA)
    def metrics_only(request: Request[Any, Any, Any]) -> Response[bytes]:
        return metrics_answer(
            services, metrics, request.headers.get("authorization"), listener=True
        )

    return Litestar(
        route_handlers=[metrics_only],
        before_send=[security_headers(services.settings.trusted_proxies)],
        debug=False,
    )


__all__ = ["HTTPException", "create_app"]
