"""GraphQL over HTTP: one POST, executed in a worker thread, through the response cache."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

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
from interfaces.http.positions import (
    AFTER_HEADER,
    BadPositionError,
    CaughtUp,
    ReadYourWrites,
    SharedPositions,
    parse_after,
)

MAX_BODY = 256 * 1024
COMPUTING = 2
"""Plain queries computing at once (see ``Turns``): one running Python, one between its
database round trips. More take turns under one GIL, each slower than the last."""
PATIENCE = 0.25
"""How long a query waits for its turn before it computes anyway (seconds): queries that
wait on something slow outside (a git provider, a node's engine) delay the others by no more
than this. (Under load a woken thread may wait tens of milliseconds for the GIL: 50 ms of
patience let so many go early that the gain was halved.)"""
encode_json = msgspec.json.Encoder().encode
_decode_json = msgspec.json.Decoder().decode
T = TypeVar("T")


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
    """A WebSocket message's JSON, read as strictly as an HTTP body: text that is not
    Unicode (an escaped lone surrogate such as ``\\ud800``, which can be neither encoded nor
    stored), a number out of range or nesting too deep counts as malformed JSON, which the
    graphql-transport-ws protocol answers by closing with 4400 (instead of crashing)."""
    try:
        value = _decode_json(data)
    except RecursionError:
        raise json.JSONDecodeError(_too_deep(), "", 0) from None
    except msgspec.DecodeError as e:
        raise json.JSONDecodeError(f"not JSON: {e}", "", 0) from None
    if nesting_exceeds(value, MAX_VARIABLES_DEPTH + 3):  # + the envelope and the payload
        raise json.JSONDecodeError(_too_deep(), "", 0)
    wrong = _not_a_message(value)
    if wrong is not None:
        raise json.JSONDecodeError(wrong, "", 0)
    return value


class _Message(msgspec.Struct, forbid_unknown_fields=False):
    """The envelope of a graphql-transport-ws message."""

    type: str
    id: str | None = None
    payload: dict[str, Any] | None = None


class _SubscribePayload(GraphQLRequest, forbid_unknown_fields=False):
    """What a ``subscribe`` message carries."""

    extensions: dict[str, Any] | None = None


def _not_a_message(value: object) -> str | None:
    """Why a JSON value is not a graphql-transport-ws message (strawberry reads the message
    without checking its shape: ``null``, a list or an object as ``id`` made it fail with
    4500), or None when it is one."""
    try:
        message = msgspec.convert(value, type=_Message)
        if message.type == "subscribe":
            msgspec.convert(message.payload, type=_SubscribePayload)
    except msgspec.ValidationError as e:
        return f"not a graphql-transport-ws message: {e}"
    return None


def _too_deep() -> str:
    return f"the request nests too deeply (at most {MAX_VARIABLES_DEPTH} levels of variables)"


def error_response(message: str, code: str, status: int = HTTP_400_BAD_REQUEST) -> Response[bytes]:
    """A GraphQL-shaped error response."""
    body = {"data": None, "errors": [request_error(message, code)]}
    return Response(encode_json(body), status_code=status, media_type="application/json")


class Turns:
    """At most ``slots`` threads compute at once; the others wait in order, each at most
    ``patience`` seconds (then it goes anyway: a turn held by a thread waiting on a slow
    call outside never stalls the rest for longer).

    Threads taking turns under one GIL all finish late: with 50 clients, eight dashboard
    queries at once answered about 130 a second, two at once about 160, the last answer
    sooner too."""

    def __init__(self, slots: int, patience: float) -> None:
        self._free = threading.BoundedSemaphore(slots)
        self.patience = patience

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold a turn for the block (or, after ``patience``, go without one)."""
        got = self._free.acquire(timeout=self.patience)
        try:
            yield
        finally:
            if got:
                self._free.release()


class GraphQLOverHttp:
    """Executes GraphQL POSTs: synchronously in a worker thread (one hop per request),
    through the response cache for queries."""

    def __init__(
        self,
        services: Services,
        schema: Schema,
        cache: ResponseCache,
        hub: NoticeHub,
        shared_positions: SharedPositions | None = None,
    ) -> None:
        self.services = services
        self.schema = schema
        self.cache = cache
        self.hub = hub
        self.ryw = ReadYourWrites.of(services, shared_positions)
        # Queries run on a few threads, not on anyio's forty: they are Python under one GIL,
        # and forty threads taking turns make every database round trip wait for the GIL
        # behind the others (50 clients: seconds per answer). A few keep the read pool busy;
        # the rest wait their turn in order. Mutations and queries that wait for a position
        # (read-your-writes) block on other things, and keep anyio's threads.
        self.queries = anyio.CapacityLimiter(max(2, services.settings.database_pool_size))
        self.turns = Turns(COMPUTING, PATIENCE)

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
        after, key, known = self._before(request, kind, principal, payload)
        if known is not None:
            return known
        epoch = cache.epoch()
        # A query with nothing to wait for is plain, whatever position it carries: the web
        # app sends one on every query once its user has written.
        plain_query = kind is OperationType.QUERY and self.ryw.reached(after)
        caught_up, result = await anyio.to_thread.run_sync(
            functools.partial(
                self._caught_up,
                after,
                plain_query,
                functools.partial(
                    schema.execute_sync,
                    payload.query,
                    variable_values=payload.variables,
                    context_value=context,
                    operation_name=payload.operationName,
                ),
            ),
            limiter=self.queries if plain_query else None,
        )
        body_out: dict[str, Any] = {"data": result.data}
        if result.errors:
            body_out["errors"] = [coded(e).formatted for e in result.errors]
        positions = self._positions(context, caught_up)
        if positions:
            body_out["extensions"] = positions
        encoded = encode_json(body_out)
        fresh = not caught_up.stale  # a stale answer is never kept
        if (
            key is not None
            and not result.errors
            and context.cacheable
            and context.reads_seen
            and fresh
        ):
            cache.put(key, encoded, context.reads_seen, epoch, caught_up.position)
        return Response(
            encoded, media_type="application/json", headers=self.ryw.headers(context.position)
        )

    # Read-your-writes (see interfaces/http/positions.py) and the response cache

    def _before(
        self,
        request: Request[Any, Any, Any],
        kind: OperationType | None,
        principal: Any,
        payload: GraphQLRequest,
    ) -> tuple[int, str | None, Response[bytes] | None]:
        """Before executing: the position the request must read at, its cache key, and its
        answer when that is already known (from the cache, or refusing a bad X-Containr-After).
        """
        try:
            after = parse_after(request.headers.get(AFTER_HEADER))
        except BadPositionError as e:
            return 0, None, error_response(str(e), "VALIDATION_FAILED")
        # Only queries wait: a mutation acts on the event log, which is always current.
        after = self.ryw.after(principal, after) if kind is OperationType.QUERY else 0
        no_cache = "no-cache" in (request.headers.get("cache-control") or "")
        if kind is not OperationType.QUERY or principal is None or no_cache:
            return after, None, None
        # How the session began is part of who calls: an organisation requiring provider
        # sign-in answers a password session of the same user differently.
        scope = (
            f"{principal.user_id}:{','.join(sorted(principal.scopes))}:{principal.signed_in_with}"
        )
        key = self.cache.key(
            scope, payload.query, payload.operationName, encode_json(payload.variables or {})
        )
        cached = self.cache.get(key, at_least=after)
        return (
            after,
            key,
            None if cached is None else Response(cached, media_type="application/json"),
        )

    def _caught_up(
        self, after: int, plain_query: bool, execute: Callable[[], T]
    ) -> tuple[CaughtUp, T]:
        """In the worker thread: wait for the read models to reach ``after``, then execute.
        A plain query's reads share one read connection (one pool checkout, not one per
        read); its threads are few (``self.queries``), so they hold no more connections than
        the pool has, and they compute in turns (``self.turns``). Mutations keep a checkout
        per read: they run on many threads and spend most of their time writing."""
        caught_up = self.ryw.catch_up(after)
        if not plain_query:
            return caught_up, execute()
        with self.turns.turn(), self.services.read_store.one_connection():
            return caught_up, execute()

    def _positions(self, context: GqlContext, caught_up: CaughtUp) -> dict[str, Any]:
        """The response's position extensions; remembers what the caller's mutations reached."""
        self.ryw.wrote(context.principal, context.position)
        return self.ryw.extensions(context.position, caught_up)
