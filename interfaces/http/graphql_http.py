"""GraphQL over HTTP: one POST, executed in a worker thread, through the response cache."""

from __future__ import annotations

import functools
import json
from typing import Any

import anyio.to_thread
import msgspec
from graphql import OperationDefinitionNode, OperationType
from graphql.error import GraphQLSyntaxError
from litestar import Request, Response
from litestar.status_codes import HTTP_400_BAD_REQUEST
from strawberry import Schema

from application.services import Services
from interfaces.graphql.cache import ResponseCache
from interfaces.graphql.context import GqlContext
from interfaces.graphql.errors import coded, request_error
from interfaces.graphql.scalars import nesting_exceeds
from interfaces.graphql.subscription import NoticeHub
from interfaces.graphql.validation import parse_document
from interfaces.http.callers import client_of, principal_for

MAX_BODY = 256 * 1024
encode_json = msgspec.json.Encoder().encode


class GraphQLRequest(msgspec.Struct, forbid_unknown_fields=False):
    """A GraphQL-over-HTTP request body."""

    query: str
    variables: dict[str, Any] | None = None
    operationName: str | None = None


MAX_VARIABLES_DEPTH = 32
"""How deeply the variables may nest objects and lists (the JSON scalar allows less)."""


@functools.lru_cache(maxsize=2000)
def operation_type(query: str, operation: str | None) -> OperationType | str | None:
    """Whether a document's chosen operation is a query, mutation or subscription; why no
    operation can be chosen (a message); or None when the document does not parse (the
    schema then reports where). With several operations and no name, the first one's type:
    the schema refuses the document (``ValidateDocuments``)."""
    try:
        document = parse_document(query)
    except GraphQLSyntaxError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if not operations:
        return "the document has no operation (only fragments?)"
    for definition in operations:
        if operation is None or (definition.name and definition.name.value == operation):
            return definition.operation
    return f"the document has no operation named {operation!r}"


def read_request(body: bytes) -> GraphQLRequest | Response[bytes]:
    """The request in a POST body, or the coded error response refusing it."""
    if len(body) > MAX_BODY:
        return error_response(
            f"the request is larger than {MAX_BODY // 1024} KiB", "VALIDATION_FAILED", 413
        )
    payload = _decode(body)
    if isinstance(payload, str):
        return error_response(payload, "VALIDATION_FAILED")
    return payload


BATCH = 'the body must be one JSON object ({"query": …}); batches (JSON arrays) are not supported'


def _decode(body: bytes) -> GraphQLRequest | str:
    """The request, or why it is refused."""
    too_deep = _too_deep()
    try:
        payload = msgspec.json.decode(body, type=GraphQLRequest)
    except RecursionError:
        return too_deep
    except msgspec.ValidationError as e:  # JSON, but not a request (a subclass of DecodeError)
        batch = body.lstrip().startswith(b"[")
        return BATCH if batch else f"not a GraphQL request: {e}"
    except msgspec.DecodeError:
        return "the body is not JSON"
    if not payload.query.strip():
        return "the request has no query"
    if payload.variables and nesting_exceeds(payload.variables, MAX_VARIABLES_DEPTH):
        return too_deep
    return payload


def decode_message(data: str | bytes) -> object:
    """A WebSocket message's JSON. Nesting too deep counts as malformed JSON, which the
    graphql-transport-ws protocol answers by closing with 4400 (instead of crashing)."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise json.JSONDecodeError(_too_deep(), "", 0) from None
    if nesting_exceeds(value, MAX_VARIABLES_DEPTH + 3):  # + the envelope and the payload
        raise json.JSONDecodeError(_too_deep(), "", 0)
    return value


def _too_deep() -> str:
    return f"the request nests too deeply (at most {MAX_VARIABLES_DEPTH} levels of variables)"


def error_response(message: str, code: str, status: int = HTTP_400_BAD_REQUEST) -> Response[bytes]:
    """A GraphQL-shaped error response."""
    body = {"data": None, "errors": [request_error(message, code)]}
    return Response(encode_json(body), status_code=status, media_type="application/json")


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
        payload = read_request(await request.body())
        if isinstance(payload, Response):
            return payload
        kind = operation_type(payload.query, payload.operationName)
        if isinstance(kind, str):
            return error_response(kind, "VALIDATION_FAILED")
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
                scope, payload.query, payload.operationName, encode_json(payload.variables or {})
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
        encoded = encode_json(body_out)
        if key is not None and not result.errors and context.cacheable and context.reads:
            cache.put(key, encoded, context.reads, epoch)
        return Response(encoded, media_type="application/json")
