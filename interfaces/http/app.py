"""The Litestar application: /graphql (HTTP and WebSocket), /healthz, /readyz, /metrics."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
import msgspec
from graphql import OperationDefinitionNode, OperationType, parse
from graphql.error import GraphQLSyntaxError
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST, HTTP_503_SERVICE_UNAVAILABLE
from litestar.types import Scope
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from strawberry import UNSET, Schema
from strawberry.exceptions import ConnectionRejectionError
from strawberry.litestar import make_graphql_controller
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from application.auth import UnauthenticatedError
from application.services import Services
from interfaces.graphql.cache import ResponseCache
from interfaces.graphql.context import GqlContext
from interfaces.graphql.errors import coded
from interfaces.graphql.schema import build_schema
from interfaces.graphql.subscription import NoticeHub
from interfaces.http.web import web_handlers

log = logging.getLogger("containr.http")
MAX_BODY = 256 * 1024
_encode = msgspec.json.Encoder().encode


class GraphQLRequest(msgspec.Struct, forbid_unknown_fields=False):
    """A GraphQL-over-HTTP request body."""

    query: str
    variables: dict[str, Any] | None = None
    operationName: str | None = None


class Metrics:
    """Prometheus metrics of this process."""

    def __init__(self, services: Services, hub: NoticeHub) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "containr_http_requests", "HTTP requests", ["route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "containr_http_request_seconds",
            "HTTP request latency",
            ["route"],
            registry=self.registry,
        )
        self.lag = Gauge(
            "containr_projection_lag_events",
            "events not yet applied",
            ["model"],
            registry=self.registry,
        )
        self.subscriptions = Gauge(
            "containr_subscriptions_open", "open subscriptions", registry=self.registry
        )
        self._services = services
        self._hub = hub

    def render(self) -> bytes:
        """The text exposition, with gauges refreshed."""
        head = self._services.events.head()
        for model, position in self._services.read_store.positions().items():
            self.lag.labels(model).set(max(head - position, 0))
        self.subscriptions.set(self._hub.open)
        return generate_latest(self.registry)


@functools.lru_cache(maxsize=2000)
def operation_type(query: str, operation: str | None) -> OperationType | None:
    """Whether a document's chosen operation is a query, mutation or subscription."""
    try:
        document = parse(query)
    except GraphQLSyntaxError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    for definition in operations:
        if operation is None or (definition.name and definition.name.value == operation):
            return definition.operation
    return None


def error_response(message: str, code: str, status: int = HTTP_400_BAD_REQUEST) -> Response[bytes]:
    """A GraphQL-shaped error response."""
    body = {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(_encode(body), status_code=status, media_type="application/json")


async def principal_for(services: Services, authorization: str | None) -> tuple[Any, str | None]:
    """The caller behind an Authorization header (None with the reason when it fails)."""
    if not authorization:
        return None, None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None, "send the token as 'Authorization: Bearer <token>'"
    cached = services.auth.cached(token.strip())
    if cached is not None:
        return cached, None
    try:
        return await anyio.to_thread.run_sync(services.auth.authenticate, token.strip()), None
    except UnauthenticatedError as e:
        return None, str(e)


def client_of(scope: Scope) -> str:
    """The client address (for login rate limits)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class GraphQLOverHttp:
    """Executes GraphQL POSTs: synchronously in a worker thread (one hop per request),
    through the response cache for queries."""

    def __init__(
        self, services: Services, schema: Schema, cache: ResponseCache, hub: NoticeHub
    ) -> None:
        self.services = services
        self.schema = schema
        self.cache = cache
        self.hub = hub

    async def __call__(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        """Answer one GraphQL-over-HTTP request (queries from the cache when they can be)."""
        services, cache, hub, schema = self.services, self.cache, self.hub, self.schema
        body = await request.body()
        if len(body) > MAX_BODY:
            return error_response(
                f"the request is larger than {MAX_BODY // 1024} KiB", "VALIDATION_FAILED", 413
            )
        try:
            payload = msgspec.json.decode(body, type=GraphQLRequest)
        except msgspec.DecodeError:
            return error_response("the body is not JSON", "VALIDATION_FAILED")
        except msgspec.ValidationError as e:
            return error_response(f"not a GraphQL request: {e}", "VALIDATION_FAILED")
        kind = operation_type(payload.query, payload.operationName)
        if kind is OperationType.SUBSCRIPTION:
            return error_response(
                "subscriptions need a WebSocket (graphql-transport-ws)", "VALIDATION_FAILED"
            )
        principal, auth_error = await principal_for(services, request.headers.get("authorization"))
        context = GqlContext(services, principal, client_of(request.scope), auth_error, hub=hub)
        key = None
        no_cache = "no-cache" in (request.headers.get("cache-control") or "")
        if kind is OperationType.QUERY and principal is not None and not no_cache:
            scope = f"{principal.user_id}:{','.join(sorted(principal.scopes))}"
            key = cache.key(
                scope, payload.query, payload.operationName, _encode(payload.variables or {})
            )
            cached = cache.get(key)
            if cached is not None:
                return Response(cached, media_type="application/json")
        epoch = cache.epoch()
        result = await anyio.to_thread.run_sync(
            functools.partial(
                schema.execute_sync,
                payload.query,
                variable_values=payload.variables,
                context_value=context,
                operation_name=payload.operationName,
            )
        )
        body_out: dict[str, Any] = {"data": result.data}
        if result.errors:
            body_out["errors"] = [coded(e).formatted for e in result.errors]
        encoded = _encode(body_out)
        if key is not None and not result.errors and context.cacheable and context.reads:
            cache.put(key, encoded, context.reads, epoch)
        return Response(encoded, media_type="application/json")


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
            return _encode(data)  # msgspec: subscription messages are encoded per subscriber

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
