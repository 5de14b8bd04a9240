"""The ingress on Caddy 2.6, configured only through its admin API (JSON over HTTP).

Our routes live in one HTTP server of Caddy's config (``apps.http.servers.<server>``). Each
Route is one Caddy route carrying ``"@id": route.id``, so a route is replaced, added or
deleted with one targeted admin request (``/id/<route id>``). The server's last route is a
catch-all 404 (without it Caddy answers unmatched hosts with an empty 200); new routes are
inserted in front of it.
"""

from __future__ import annotations

import threading
from typing import Any, Final
from urllib.parse import quote

import httpx
import msgspec

from adapters.ingress_metrics import ACCESS_LOGGER, access_log_config
from application.runtime_ports import Route
from application.wake import WAKE_HEADER, WAKE_PATH

MEMBER: Final = "X-Containr-Access"
"""The access check's answer header: ``member`` when a member's token let the request in."""
PASSIVE_FAIL_DURATION: Final = "10s"
"""How long an upstream that failed a request stays out of rotation."""
ACTIVE_INTERVAL: Final = "2s"
ACTIVE_TIMEOUT: Final = "2s"
TRY_DURATION: Final = "5s"
"""How long Caddy keeps retrying other upstreams when one cannot be reached."""
TRY_INTERVAL: Final = "10ms"
"""How long Caddy waits before trying the next upstream after one failed a request. Short:
the wait ends early, with the failure answered as a 502, when a new configuration replaces
the route (Caddy cancels the old one's context), and the reconciler loads one to take a
dead replica out about a tenth of a second after its death; Caddy's default (250 ms) let a
request that met the dead replica fail that way instead of going to a live one."""


class IngressError(Exception):
    """Raised when Caddy's admin API is unreachable or refuses a change (with Caddy's reason)."""


# The subset of Caddy's JSON config we write and read back. Unknown fields are ignored on
# decoding, so routes other tools put into Caddy never break reading.


class _Upstream(msgspec.Struct, frozen=True):
    dial: str


class _Selection(msgspec.Struct, frozen=True):
    policy: str


class _LoadBalancing(msgspec.Struct, frozen=True, omit_defaults=True):
    selection_policy: _Selection
    try_duration: str | None = None
    try_interval: str | None = None
    retry_match: list[dict[str, list[str]]] | None = None


class _Active(msgspec.Struct, frozen=True, omit_defaults=True):
    uri: str | None = None
    interval: str | None = None
    timeout: str | None = None


class _Passive(msgspec.Struct, frozen=True, omit_defaults=True):
    fail_duration: str | None = None
    max_fails: int | None = None


class _HealthChecks(msgspec.Struct, frozen=True, omit_defaults=True):
    passive: _Passive | None = None
    active: _Active | None = None


class _Rewrite(msgspec.Struct, frozen=True, omit_defaults=True):
    method: str | None = None
    uri: str | None = None


class _Handler(msgspec.Struct, frozen=True, omit_defaults=True):
    handler: str
    upstreams: list[_Upstream] = []
    load_balancing: _LoadBalancing | None = None
    health_checks: _HealthChecks | None = None
    rewrite: _Rewrite | None = None
    headers: dict[str, Any] | None = None
    handle_response: list[dict[str, Any]] | None = None


class _Match(msgspec.Struct, frozen=True, omit_defaults=True):
    host: list[str] = []


class _Route(msgspec.Struct, frozen=True, omit_defaults=True):
    id: str | None = msgspec.field(default=None, name="@id")
    match: list[_Match] = []
    handle: list[_Handler] = []
    terminal: bool = False


class _Server(msgspec.Struct, frozen=True):
    routes: list[msgspec.Raw] = []


class _Http(msgspec.Struct, frozen=True):
    servers: dict[str, _Server] = {}


class _Apps(msgspec.Struct, frozen=True):
    http: _Http | None = None


class _Config(msgspec.Struct, frozen=True):
    apps: _Apps | None = None


_NOT_FOUND: Final = {
    "handle": [
        {"handler": "static_response", "status_code": 404, "body": "no route for this host\n"}
    ]
}


class CaddyIngress:
    """Routes in one HTTP server of a Caddy instance, through the admin API at ``admin_url``."""

    def __init__(
        self,
        admin_url: str,
        *,
        listen: str,
        server: str = "containr",
        timeout: float = 5,
        transport: httpx.BaseTransport | None = None,
        access_log: str | None = None,
    ) -> None:
        """``access_log``: a file our server's access log is written to (JSON lines), for
        the per-route request metrics (adapters/ingress_metrics.py); None: no access log."""
        # No keep-alive: POST /load restarts Caddy's admin listener, which would leave a
        # pooled connection dead; admin traffic is a few requests per deployment.
        transport = transport or httpx.HTTPTransport(
            limits=httpx.Limits(max_keepalive_connections=0)
        )
        self._client = httpx.Client(base_url=admin_url, timeout=timeout, transport=transport)
        self._admin_url = admin_url
        self._listen = listen
        self._server = server
        self._access_log = access_log
        self._server_path = f"/config/apps/http/servers/{quote(server, safe='')}"
        # Serialises our read-then-write sequences (apply's "replace, else insert") between
        # the deployer and reconciler threads, so one process never inserts an id twice.
        self._lock = threading.Lock()

    @property
    def admin_url(self) -> str:
        """Caddy's admin API this ingress configures."""
        return self._admin_url

    @property
    def access_log(self) -> str | None:
        """The file our server's access log goes to (None: no access log)."""
        return self._access_log

    def close(self) -> None:
        """Release the HTTP client."""
        self._client.close()

    def routes(self) -> list[Route]:
        """The routes in our server, in Caddy's order (the one that matches first, first)."""
        found = []
        for raw in self._raw_routes() or []:
            route = _from_caddy(raw)
            if route is not None:
                found.append(route)
        return found

    def apply(self, route: Route) -> None:
        """Replace the route with this id in one PATCH, or insert it in one PUT when new."""
        body = _encode(_to_caddy(route))
        with self._lock:
            for attempt in (1, 2):
                replaced = self._send("PATCH", _id_path(route.id), body, absent_ok=True)
                if replaced:
                    return
                if self._raw_routes() is None:
                    self._create_server([route])
                    return
                try:
                    self._send("PUT", f"{self._server_path}/routes/0", body, idempotent=False)
                    return
                except IngressError as e:
                    # The answer to the insert was lost: it may have been applied, so
                    # look for the route by id again rather than insert it twice.
                    lost = isinstance(e.__cause__, (httpx.ReadError, httpx.RemoteProtocolError))
                    if attempt == 2 or not lost:
                        raise

    def remove(self, route_id: str) -> None:
        """Delete the route with this id; nothing happens when there is none."""
        _check_id(route_id)
        with self._lock:
            self._send("DELETE", _id_path(route_id), None, absent_ok=True)

    def replace_all(self, routes: list[Route]) -> None:
        """Make our server hold exactly these routes, in one change."""
        ids = [route.id for route in routes]
        if len(set(ids)) != len(ids):
            raise ValueError(f"route ids must be unique: {ids}")
        with self._lock:
            if self._raw_routes() is None:
                self._create_server(routes)
            else:
                self._send("PATCH", self._server_path, _encode(self._server_config(routes)))

    def ensure_server(self) -> None:
        """Create our (empty) HTTP server unless Caddy has it already."""
        with self._lock:
            if self._raw_routes() is None:
                self._create_server([])

    def _server_config(self, routes: list[Route]) -> dict[str, object]:
        config: dict[str, object] = {
            "listen": [self._listen],
            # Hosts like web.production.shop.localhost are plain HTTP on `listen`.
            "automatic_https": {"disable": True},
            "routes": [*(_to_caddy(route) for route in routes), _NOT_FOUND],
        }
        if self._access_log is not None:
            config["logs"] = {"default_logger_name": ACCESS_LOGGER}
        return config

    def ensure_access_log(self) -> None:
        """Have Caddy write our server's access log to the file (one /load when it does
        not yet); nothing without an access log file."""
        if self._access_log is None:
            return
        wanted = access_log_config(self._access_log)
        with self._lock:
            config: Any = msgspec.json.decode(self._get("/config/")) or {}
            logs = config.setdefault("logging", {}).setdefault("logs", {})
            servers = config.get("apps", {}).get("http", {}).get("servers", {})
            server = servers.get(self._server)
            naming = {"default_logger_name": ACCESS_LOGGER}
            if logs.get(ACCESS_LOGGER) == wanted and (
                server is None or server.get("logs") == naming
            ):
                return
            logs[ACCESS_LOGGER] = wanted
            if server is not None:
                server["logs"] = naming
            self._send("POST", "/load", _encode(config))

    def _create_server(self, routes: list[Route]) -> None:
        """Add our server to Caddy's whole config, keeping everything else, in one /load."""
        config: Any = msgspec.json.decode(self._get("/config/")) or {}
        apps = config.setdefault("apps", {})
        http = apps.setdefault("http", {})
        http.setdefault("servers", {})[self._server] = self._server_config(routes)
        if self._access_log is not None:
            logs = config.setdefault("logging", {}).setdefault("logs", {})
            logs[ACCESS_LOGGER] = access_log_config(self._access_log)
        self._send("POST", "/load", _encode(config))

    def _raw_routes(self) -> list[msgspec.Raw] | None:
        """Our server's routes as Caddy has them, or None when Caddy has no such server."""
        config = msgspec.json.decode(self._get("/config/"), type=_Config | None)
        http = config.apps.http if config is not None and config.apps is not None else None
        server = http.servers.get(self._server) if http is not None else None
        return None if server is None else server.routes

    def _get(self, path: str) -> bytes:
        response = self._request("GET", path, None)
        self._raise_for_status(response, "GET", path)
        return response.content

    def _send(
        self,
        method: str,
        path: str,
        body: bytes | None,
        *,
        absent_ok: bool = False,
        idempotent: bool = True,
    ) -> bool:
        """One change; False when ``absent_ok`` and Caddy says the object id is unknown."""
        response = self._request(method, path, body, idempotent=idempotent)
        if absent_ok and response.status_code == 404 and "unknown object ID" in response.text:
            return False
        self._raise_for_status(response, method, path)
        return True

    def _request(
        self, method: str, path: str, body: bytes | None, *, idempotent: bool = True
    ) -> httpx.Response:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            try:
                return self._client.request(method, path, content=body, headers=headers)
            except httpx.ConnectError:
                # Nothing was sent (a connect error comes before the request), so once more
                # on a fresh connection: Caddy resets admin connections now and then.
                return self._client.request(method, path, content=body, headers=headers)
            except (httpx.ReadError, httpx.RemoteProtocolError):
                # Caddy restarts its admin listener on a config change and may reset the
                # connection before the answer of the very request that changed it. Every
                # request we send but the insert sets a state, so sending it again is safe;
                # the insert is retried by apply, which first looks for the route by id.
                if not idempotent:
                    raise
                return self._client.request(method, path, content=body, headers=headers)
        except httpx.HTTPError as e:
            raise IngressError(
                f"the Caddy admin API at {self._admin_url} is unreachable "
                f"({method} {path}): {type(e).__name__}: {e}"
            ) from e

    @staticmethod
    def _raise_for_status(response: httpx.Response, method: str, path: str) -> None:
        if response.status_code < 400:
            return
        try:
            reason = str(msgspec.json.decode(response.content, type=dict[str, str])["error"])
        except (msgspec.DecodeError, KeyError):
            reason = response.text.strip() or response.reason_phrase
        raise IngressError(f"Caddy refused {method} {path} ({response.status_code}): {reason}")


def _to_caddy(route: Route) -> _Route:
    _check_id(route.id)
    if not route.hosts:
        # A host matcher without hosts matches every request: the route would swallow all traffic.
        raise ValueError(f"route {route.id} has no hosts")
    active = (
        _Active(uri=route.health_path, interval=ACTIVE_INTERVAL, timeout=ACTIVE_TIMEOUT)
        if route.health_path
        else None
    )
    wake = route.wake
    proxy = _Handler(
        handler="reverse_proxy",
        upstreams=[_Upstream(dial=address) for address in route.upstreams],
        # A sleeping service: Containr's wake handler, told which service by the token,
        # gets the original URI after its own path.
        rewrite=None if wake is None else _Rewrite(uri=WAKE_PATH + "{http.request.uri}"),
        headers=None if wake is None else {"request": {"set": {WAKE_HEADER: [wake]}}},
        load_balancing=_LoadBalancing(
            selection_policy=_Selection(policy=route.policy),
            try_duration=TRY_DURATION,
            try_interval=TRY_INTERVAL,
            # A replica killed mid-request (issue 17): Caddy 2.6 retries only failed dials
            # unless told which requests are safe to send again; idempotent reads are.
            retry_match=[{"method": ["GET", "HEAD", "OPTIONS"]}],
        ),
        health_checks=_HealthChecks(
            passive=_Passive(fail_duration=PASSIVE_FAIL_DURATION, max_fails=1), active=active
        ),
    )
    handle = [proxy] if route.auth_dial is None else [_guard(route), proxy]
    return _Route(id=route.id, match=[_Match(host=list(route.hosts))], handle=handle, terminal=True)


def _guard(route: Route) -> _Handler:
    """Caddy's ``forward_auth``, spelled out: ask Containr's access check first (GET, with
    the original method, URI and host); a 2xx lets the request through to the next handler
    (without the member's Containr token, when that is how it got in), anything else is
    the answer (a 401, or the share link's redirect setting its cookie)."""
    assert route.auth_dial is not None
    return _Handler(
        handler="reverse_proxy",
        upstreams=[_Upstream(dial=route.auth_dial)],
        rewrite=_Rewrite(method="GET", uri=route.auth_uri or "/access/check"),
        headers={
            "request": {
                "set": {
                    "X-Forwarded-Method": ["{http.request.method}"],
                    "X-Forwarded-Uri": ["{http.request.uri}"],
                    "X-Containr-Host": ["{http.request.host}"],
                }
            }
        },
        handle_response=[
            {
                "match": {"status_code": [2]},
                "routes": [
                    {
                        "match": [
                            {"vars": {f"{{http.reverse_proxy.header.{MEMBER}}}": ["member"]}}
                        ],
                        "handle": [
                            {"handler": "headers", "request": {"delete": ["Authorization"]}}
                        ],
                    }
                ],
            }
        ],
    )


def _from_caddy(raw: msgspec.Raw) -> Route | None:
    """Our Route, or None for a route we did not write (no @id, not a single reverse_proxy)."""
    try:
        caddy = msgspec.json.decode(raw, type=_Route)
    except msgspec.ValidationError:
        return None
    if caddy.id is None or len(caddy.match) != 1 or len(caddy.handle) not in (1, 2):
        return None
    proxy = caddy.handle[-1]
    guard = caddy.handle[0] if len(caddy.handle) == 2 else None
    if proxy.handler != "reverse_proxy" or (
        guard is not None and (guard.rewrite is None or len(guard.upstreams) != 1)
    ):
        return None
    policy = proxy.load_balancing.selection_policy.policy if proxy.load_balancing else "random"
    active = proxy.health_checks.active if proxy.health_checks else None
    try:
        return msgspec.convert(
            {
                "id": caddy.id,
                "hosts": caddy.match[0].host,
                "upstreams": [upstream.dial for upstream in proxy.upstreams],
                "policy": policy,
                "health_path": active.uri if active else None,
                "auth_dial": guard.upstreams[0].dial if guard else None,
                "auth_uri": guard.rewrite.uri if guard and guard.rewrite else None,
                "wake": _wake_of(proxy),
            },
            type=Route,
        )
    except msgspec.ValidationError:
        return None  # e.g. a selection policy the port does not know


def _wake_of(proxy: _Handler) -> str | None:
    """The wake token a sleeping service's route sends, if it is one."""
    if proxy.rewrite is None or not (proxy.rewrite.uri or "").startswith(WAKE_PATH):
        return None
    try:
        values = (proxy.headers or {})["request"]["set"][WAKE_HEADER]
    except (KeyError, TypeError):
        return None
    return values[0] if isinstance(values, list) and values and isinstance(values[0], str) else None


def _check_id(route_id: str) -> None:
    # Caddy resolves /id/<id> after URL-decoding, so a '/' would address something else.
    if not route_id or "/" in route_id:
        raise ValueError(f"a route id must be non-empty and contain no '/': {route_id!r}")


def _id_path(route_id: str) -> str:
    return f"/id/{quote(route_id, safe='')}"


def _encode(value: object) -> bytes:
    return msgspec.json.encode(value)
