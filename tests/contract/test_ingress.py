"""The Ingress contract, run against the in-memory fake and a real Caddy 2.6 process.

The module starts its own Caddy (admin API and HTTP listener on free 127.0.0.1 ports) and,
for the traffic tests, tiny HTTP upstreams in threads that answer with their own name.
"""

from __future__ import annotations

import collections
import contextlib
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from adapters.caddy import CaddyIngress, IngressError
from adapters.fake_ingress import InMemoryIngress
from application.runtime_ports import Ingress, Route
from tests.conftest import service_missing

HOST = "web.production.shop.localhost"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class CaddyProcess:
    """`caddy run` with an empty config (admin API only), restartable on the same ports."""

    def __init__(self, executable: str, workdir: Path) -> None:
        self.executable, self.workdir = executable, workdir
        self.admin_port, self.http_port = free_port(), free_port()
        self.admin_url = f"http://127.0.0.1:{self.admin_port}"
        self.listen = f"127.0.0.1:{self.http_port}"
        self.empty_config = {
            "admin": {"listen": f"127.0.0.1:{self.admin_port}", "config": {"persist": False}}
        }
        self.process: subprocess.Popen[bytes] | None = None
        # A new connection per request, so a reload cannot hide behind a pooled connection.
        self.client = httpx.Client(
            base_url=f"http://{self.listen}",
            timeout=5,
            transport=httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0)),
        )
        self._log = workdir / "caddy.log"

    def start(self) -> None:
        config = self.workdir / "caddy.json"
        config.write_text(json.dumps(self.empty_config))
        env = {
            "HOME": str(self.workdir),
            "XDG_CONFIG_HOME": str(self.workdir / "config"),
            "XDG_DATA_HOME": str(self.workdir / "data"),
            "PATH": "/usr/bin:/bin",
        }
        with self._log.open("ab") as log:
            self.process = subprocess.Popen(
                [self.executable, "run", "--config", str(config)], stdout=log, stderr=log, env=env
            )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"caddy exited: {self._log.read_text()[-2000:]}")
            try:
                httpx.get(f"{self.admin_url}/config/", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError(f"caddy's admin API did not come up: {self._log.read_text()[-2000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def reset(self) -> None:
        """Back to the empty config, without restarting the process."""
        response = httpx.post(f"{self.admin_url}/load", json=self.empty_config, timeout=5)
        assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def caddy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CaddyProcess]:
    executable = shutil.which("caddy")
    if executable is None:
        service_missing("Caddy", "no `caddy` executable on PATH (Caddy 2.6 is expected)")
        raise AssertionError  # unreachable: service_missing skips or fails
    process = CaddyProcess(executable, tmp_path_factory.mktemp("caddy"))
    try:
        process.start()
    except (OSError, RuntimeError) as e:
        process.stop()
        process.client.close()
        service_missing("Caddy", e)
    yield process
    process.stop()
    process.client.close()


class RecordingTransport(httpx.BaseTransport):
    """The real HTTP transport, remembering each admin request and its status."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
        self.requests: list[tuple[str, str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        self.requests.append((request.method, request.url.path, response.status_code))
        return response

    def close(self) -> None:
        self._inner.close()

    def changes(self) -> int:
        """Admin requests that changed Caddy's config (failed ones change nothing)."""
        return sum(1 for method, _, status in self.requests if method != "GET" and status < 400)


@dataclass
class Proxy:
    """An Ingress under test and a count of the configuration changes it has made."""

    ingress: Ingress
    changes: Callable[[], int]


@pytest.fixture
def caddy_proxy(caddy: CaddyProcess) -> Iterator[Proxy]:
    caddy.reset()
    transport = RecordingTransport()
    ingress = CaddyIngress(caddy.admin_url, listen=caddy.listen, transport=transport)
    yield Proxy(ingress, transport.changes)
    ingress.close()


@pytest.fixture(params=["memory", "caddy"])
def proxy(request: pytest.FixtureRequest) -> Proxy:
    if request.param == "memory":
        fake = InMemoryIngress()
        return Proxy(fake, lambda: len(fake.changes))
    real: Proxy = request.getfixturevalue("caddy_proxy")
    return real


def route(name: str = "web", *upstreams: str, **kwargs: object) -> Route:
    return Route(
        id=f"containr-{name}",
        hosts=[f"{name}.production.shop.localhost"],
        upstreams=list(upstreams) or ["127.0.0.1:9"],
        **kwargs,  # type: ignore[arg-type]
    )


# The contract (fake and Caddy)


def test_a_fresh_proxy_has_no_routes(proxy: Proxy) -> None:
    assert proxy.ingress.routes() == []


def test_an_applied_route_reads_back_unchanged(proxy: Proxy) -> None:
    full = Route(
        id="containr-api",
        hosts=["api.production.shop.localhost", "api.example.com"],
        upstreams=["127.0.0.1:8001", "127.0.0.1:8002"],
        policy="least_conn",
        health_path="/healthz",
    )
    proxy.ingress.apply(full)
    proxy.ingress.apply(route("web"))
    assert sorted(proxy.ingress.routes(), key=lambda r: r.id) == [full, route("web")]


@pytest.mark.parametrize("policy", ["round_robin", "least_conn", "ip_hash", "random"])
def test_every_policy_reads_back(proxy: Proxy, policy: str) -> None:
    proxy.ingress.apply(route("web", policy=policy))
    assert [r.policy for r in proxy.ingress.routes()] == [policy]


def test_switching_upstreams_is_exactly_one_change(proxy: Proxy) -> None:
    proxy.ingress.apply(route("web", "127.0.0.1:8001"))
    proxy.ingress.apply(route("other"))
    before = proxy.changes()
    proxy.ingress.apply(route("web", "127.0.0.1:8002", "127.0.0.1:8003"))
    assert proxy.changes() == before + 1
    assert sorted(proxy.ingress.routes(), key=lambda r: r.id) == [
        route("other"),
        route("web", "127.0.0.1:8002", "127.0.0.1:8003"),
    ]


def test_adding_a_route_to_an_existing_set_is_one_change(proxy: Proxy) -> None:
    proxy.ingress.apply(route("a"))
    before = proxy.changes()
    proxy.ingress.apply(route("b"))
    assert proxy.changes() == before + 1


def test_removing_a_route_leaves_the_others(proxy: Proxy) -> None:
    proxy.ingress.replace_all([route("a"), route("b"), route("c")])
    proxy.ingress.remove("containr-b")
    assert [r.id for r in proxy.ingress.routes()] == ["containr-a", "containr-c"]


def test_removing_an_absent_route_is_no_error_and_no_change(proxy: Proxy) -> None:
    proxy.ingress.remove("containr-never-was")
    proxy.ingress.apply(route("a"))
    proxy.ingress.remove("containr-a")
    before = proxy.changes()
    proxy.ingress.remove("containr-a")
    assert proxy.changes() == before
    assert proxy.ingress.routes() == []


def test_replace_all_leaves_exactly_the_given_routes_in_one_change(proxy: Proxy) -> None:
    proxy.ingress.apply(route("old"))
    proxy.ingress.apply(route("kept", "127.0.0.1:8001"))
    before = proxy.changes()
    wanted = [route("kept", "127.0.0.1:8002"), route("new", policy="ip_hash")]
    proxy.ingress.replace_all(wanted)
    assert proxy.changes() == before + 1
    assert proxy.ingress.routes() == wanted


def test_replace_all_with_no_routes_clears_them(proxy: Proxy) -> None:
    proxy.ingress.replace_all([route("a"), route("b")])
    proxy.ingress.replace_all([])
    assert proxy.ingress.routes() == []


def test_a_route_without_hosts_is_refused(proxy: Proxy) -> None:
    with pytest.raises(ValueError, match="no hosts"):
        proxy.ingress.apply(Route(id="containr-x", hosts=[], upstreams=["127.0.0.1:1"]))
    with pytest.raises(ValueError, match="no hosts"):
        proxy.ingress.replace_all([Route(id="containr-x", hosts=[], upstreams=[])])
    assert proxy.ingress.routes() == []
    assert proxy.changes() == 0


def test_duplicate_or_malformed_ids_are_refused(proxy: Proxy) -> None:
    with pytest.raises(ValueError, match="unique"):
        proxy.ingress.replace_all([route("a"), route("a")])
    with pytest.raises(ValueError, match="'/'"):
        proxy.ingress.apply(Route(id="containr/x", hosts=["x.localhost"], upstreams=[]))
    assert proxy.changes() == 0


# The real proxy's traffic (Caddy only)


class Upstream:
    """An HTTP server answering its name on every path, and `health` on /healthz."""

    def __init__(self, name: str, health: int = 200) -> None:
        self.name, self.health = name, health
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status = outer.health if self.path == "/healthz" else 200
                body = outer.name.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def upstreams() -> Iterator[Callable[..., Upstream]]:
    started: list[Upstream] = []

    def start(name: str, health: int = 200) -> Upstream:
        started.append(Upstream(name, health))
        return started[-1]

    yield start
    for upstream in started:
        upstream.close()


@pytest.fixture
def ingress(caddy_proxy: Proxy) -> CaddyIngress:
    assert isinstance(caddy_proxy.ingress, CaddyIngress)
    return caddy_proxy.ingress


def answers(caddy: CaddyProcess, n: int, host: str = HOST) -> list[tuple[int, str]]:
    """n requests for ``host`` through Caddy, each on a new connection: (status, body)."""
    responses = [caddy.client.get("/", headers={"Host": host}) for _ in range(n)]
    return [(r.status_code, r.text) for r in responses]


def web(*upstreams: Upstream, **kwargs: object) -> Route:
    return Route(
        id="containr-web",
        hosts=[HOST],
        upstreams=[u.address for u in upstreams],
        **kwargs,  # type: ignore[arg-type]
    )


def test_requests_for_the_host_reach_the_upstream(
    caddy: CaddyProcess, ingress: CaddyIngress, upstreams: Callable[..., Upstream]
) -> None:
    ingress.apply(web(upstreams("blue")))
    assert answers(caddy, 3) == [(200, "blue")] * 3


def test_an_unknown_host_answers_404(
    caddy: CaddyProcess, ingress: CaddyIngress, upstreams: Callable[..., Upstream]
) -> None:
    ingress.apply(web(upstreams("blue")))
    assert answers(caddy, 1, host="nobody.production.shop.localhost") == [
        (404, "no route for this host\n")
    ]


def test_after_apply_with_new_upstreams_every_answer_comes_from_them(
    caddy: CaddyProcess, ingress: CaddyIngress, upstreams: Callable[..., Upstream]
) -> None:
    blue, green = upstreams("blue"), upstreams("green")
    ingress.apply(web(blue))
    assert answers(caddy, 3) == [(200, "blue")] * 3
    ingress.apply(web(green))
    assert [answer_after_resets(caddy) for _ in range(20)] == [(200, "green")] * 20


def answer_after_resets(caddy: CaddyProcess) -> tuple[int, str]:
    """One of ``answers``, asked again (as clients do, up to 3 times) when its connection is
    reset: a connection opened as Caddy swaps its listener can be (see the test below); what
    it must never do is answer from the old upstreams."""
    for _ in range(2):
        with contextlib.suppress(httpx.TransportError):
            return answers(caddy, 1)[0]
    return answers(caddy, 1)[0]


def test_switching_upstreams_under_load_never_answers_from_a_missing_route(
    caddy: CaddyProcess, ingress: CaddyIngress, upstreams: Callable[..., Upstream]
) -> None:
    blue, green = upstreams("blue"), upstreams("green")
    ingress.apply(web(blue))
    seen: list[tuple[bool, tuple[int, str]]] = []
    resets: list[httpx.TransportError] = []
    switched, stop = threading.Event(), threading.Event()

    def hammer() -> None:
        while not stop.is_set():
            after = switched.is_set()
            try:
                seen.extend((after, answer) for answer in answers(caddy, 1))
            except httpx.TransportError as e:
                # Caddy 2.6 reloads by opening a new SO_REUSEPORT socket and closing the
                # old one; a connection still in the old socket's accept queue is reset.
                # Clients retry those; what must never happen is a 404 or 502 answer.
                resets.append(e)

    def answered(after: bool, count: int) -> None:
        deadline = time.monotonic() + 30
        while sum(1 for was_after, _ in seen if was_after is after) < count:
            assert thread.is_alive() and time.monotonic() < deadline, "no answers through Caddy"
            stop.wait(0.01)  # a short pause between looks (stop is not set yet)

    thread = threading.Thread(target=hammer)
    thread.start()
    try:
        answered(False, 5)  # the load is flowing before the switch
        ingress.apply(web(green))
        switched.set()
        answered(True, 5)  # and goes on after it
    finally:
        stop.set()
        thread.join()
    assert {answer for _, answer in seen} == {(200, "blue"), (200, "green")}
    assert {answer for after, answer in seen if after} == {(200, "green")}
    assert len(resets) < len(seen) / 10


def test_round_robin_spreads_requests_over_both_upstreams(
    caddy: CaddyProcess, ingress: CaddyIngress, upstreams: Callable[..., Upstream]
) -> None:
    ingress.apply(web(upstreams("blue"), upstreams("green"), policy="round_robin"))
    counts = collections.Counter(body for _, body in answers(caddy, 10))
    assert counts == {"blue": 5, "green": 5}


def test_a_removed_route_answers_404(
    caddy: CaddyProcess, ingress: CaddyIngress, upstreams: Callable[..., Upstream]
) -> None:
    ingress.apply(web(upstreams("blue")))
    ingress.remove("containr-web")
    assert answers(caddy, 1) == [(404, "no route for this host\n")]


def test_replace_all_serves_exactly_the_given_routes(
    caddy: CaddyProcess, ingress: CaddyIngress, upstreams: Callable[..., Upstream]
) -> None:
    blue, green = upstreams("blue"), upstreams("green")
    ingress.apply(web(blue))
    api = Route(id="containr-api", hosts=["api.localhost"], upstreams=[green.address])
    ingress.replace_all([api])
    assert answers(caddy, 1, host="api.localhost") == [(200, "green")]
    assert answers(caddy, 1) == [(404, "no route for this host\n")]


def test_a_dead_upstream_is_skipped_without_failing_requests(
    caddy: CaddyProcess, ingress: CaddyIngress, upstreams: Callable[..., Upstream]
) -> None:
    dead, live = f"127.0.0.1:{free_port()}", upstreams("blue").address
    ingress.apply(Route(id="containr-web", hosts=[HOST], upstreams=[dead, live]))
    assert answers(caddy, 6) == [(200, "blue")] * 6


def test_an_upstream_failing_its_health_path_gets_no_traffic(
    caddy: CaddyProcess, ingress: CaddyIngress, upstreams: Callable[..., Upstream]
) -> None:
    sick, well = upstreams("sick", health=500), upstreams("well")
    ingress.apply(web(sick, well, health_path="/healthz"))
    deadline = time.monotonic() + 8
    while answers(caddy, 4) != [(200, "well")] * 4:
        assert time.monotonic() < deadline, "the failing upstream still gets traffic"
        time.sleep(0.2)
    assert answers(caddy, 10) == [(200, "well")] * 10


def test_after_a_caddy_restart_replace_all_restores_the_routes(
    caddy: CaddyProcess, ingress: CaddyIngress, upstreams: Callable[..., Upstream]
) -> None:
    wanted = [web(upstreams("blue"))]
    ingress.replace_all(wanted)
    caddy.restart()
    assert ingress.routes() == []
    ingress.replace_all(wanted)
    assert ingress.routes() == wanted
    assert answers(caddy, 2) == [(200, "blue")] * 2


def test_our_server_is_added_beside_existing_config(caddy: CaddyProcess) -> None:
    other = {"listen": [f"127.0.0.1:{free_port()}"], "routes": []}
    loaded = httpx.post(
        f"{caddy.admin_url}/load",
        json={**caddy.empty_config, "apps": {"http": {"servers": {"other": other}}}},
        timeout=5,
    )
    assert loaded.status_code == 200, loaded.text
    ingress = CaddyIngress(caddy.admin_url, listen=caddy.listen)
    try:
        ingress.ensure_server()
        ingress.ensure_server()
        config = httpx.get(f"{caddy.admin_url}/config/", timeout=5).json()
    finally:
        ingress.close()
    assert config["admin"] == caddy.empty_config["admin"]
    assert config["apps"]["http"]["servers"]["other"] == other
    assert config["apps"]["http"]["servers"]["containr"] == {
        "listen": [caddy.listen],
        "automatic_https": {"disable": True},
        "routes": [
            {
                "handle": [
                    {
                        "handler": "static_response",
                        "status_code": 404,
                        "body": "no route for this host\n",
                    }
                ]
            }
        ],
    }


def test_caddy_refusals_carry_caddys_reason(ingress: CaddyIngress) -> None:
    bogus = Route(id="containr-web", hosts=[HOST], upstreams=["127.0.0.1:1"], policy="bogus")  # type: ignore[arg-type]
    with pytest.raises(IngressError, match=r"Caddy refused .*bogus"):
        ingress.apply(bogus)
    assert ingress.routes() == []


def test_an_unreachable_admin_api_is_a_clear_error() -> None:
    ingress = CaddyIngress(f"http://127.0.0.1:{free_port()}", listen=":0", timeout=1)
    try:
        with pytest.raises(IngressError, match=r"admin API at .* is unreachable"):
            ingress.routes()
    finally:
        ingress.close()


# Members-only routes (issue 14): Caddy asks an access check before each request


def test_a_guarded_route_reads_back_unchanged(proxy: Proxy) -> None:
    guarded = route("web", auth_dial="127.0.0.1:8000", auth_uri="/access/check?environment=e1")
    proxy.ingress.apply(guarded)
    assert proxy.ingress.routes() == [guarded]
    proxy.ingress.apply(route("web"))
    assert proxy.ingress.routes() == [route("web")]


class Served:
    """A tiny HTTP server in a thread; ``seen`` holds the requests' paths and headers."""

    def __init__(self, respond: Callable[[BaseHTTPRequestHandler], None]) -> None:
        self.seen: list[dict[str, str]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.seen.append({"path": self.path, **dict(self.headers.items())})
                respond(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, **headers: str) -> None:
    handler.send_response(status)
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def test_a_guarded_route_asks_the_check_first_and_passes_on_only_what_it_allows(
    caddy: CaddyProcess, ingress: CaddyIngress
) -> None:
    answer: dict[str, object] = {"status": 200, "headers": {}}
    gate = Served(
        lambda h: reply(h, answer["status"], b"gate!\n", **answer["headers"])  # type: ignore[arg-type]
    )
    app = Served(
        lambda h: reply(h, 200, f"authorization={h.headers.get('Authorization')}".encode())
    )
    try:
        ingress.apply(
            Route(
                id="containr-web",
                hosts=[HOST],
                upstreams=[app.address],
                auth_dial=gate.address,
                auth_uri="/access/check?environment=e1",
            )
        )

        def get(path: str = "/x?y=1", **headers: str) -> httpx.Response:
            return caddy.client.get(path, headers={"Host": HOST, **headers})

        answer["status"] = 401
        refused = get(Authorization="Bearer app-token")
        assert (refused.status_code, refused.text, app.seen) == (401, "gate!\n", [])
        asked = gate.seen[-1]
        assert asked["path"] == "/access/check?environment=e1"
        assert asked["X-Forwarded-Uri"] == "/x?y=1" and asked["X-Containr-Host"] == HOST
        assert asked["Authorization"] == "Bearer app-token"

        answer.update(status=303, headers={"Location": "/", "Set-Cookie": "c=v; HttpOnly"})
        visit = caddy.client.get("/_containr/share?token=t", headers={"Host": HOST})
        assert visit.status_code == 303 and visit.headers["set-cookie"] == "c=v; HttpOnly"

        answer.update(status=200, headers={"X-Containr-Access": "share-link"})
        shared = get(Authorization="Bearer app-token")
        assert (shared.status_code, shared.text) == (200, "authorization=Bearer app-token")

        answer["headers"] = {"X-Containr-Access": "member"}  # a member's Containr token got in
        member = get(Authorization="Bearer containr-token")
        assert (member.status_code, member.text) == (200, "authorization=None")
    finally:
        gate.close()
        app.close()


class AnswerLosingTransport(RecordingTransport):
    """Sends each request to Caddy, then loses the answer of the first one of `method`,
    as when Caddy resets the admin connection of the request that changed its config."""

    def __init__(self, method: str) -> None:
        super().__init__()
        self.method, self.lost = method, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        if request.method == self.method and not self.lost:
            self.lost += 1
            response.close()
            raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request)
        return response


@pytest.mark.parametrize("method", ["PATCH", "DELETE", "PUT"])
def test_a_change_whose_answer_is_lost_is_made_exactly_once(
    caddy: CaddyProcess, method: str
) -> None:
    caddy.reset()
    setup = CaddyIngress(caddy.admin_url, listen=caddy.listen)
    setup.apply(route("api"))
    transport = AnswerLosingTransport(method)
    ingress = CaddyIngress(caddy.admin_url, listen=caddy.listen, transport=transport)
    try:
        if method == "DELETE":
            ingress.remove("containr-api")
            assert ingress.routes() == []
        else:
            # PATCH replaces the existing route; PUT inserts a new one (its PATCH finds none).
            changed = route("api", "127.0.0.1:8001") if method == "PATCH" else route("web")
            ingress.apply(changed)
            expected = [changed] if method == "PATCH" else [route("web"), route("api")]
            assert ingress.routes() == expected
        assert transport.lost == 1
    finally:
        ingress.close()
        setup.close()
