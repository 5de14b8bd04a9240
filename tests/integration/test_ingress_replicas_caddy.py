"""Several ingress nodes serving the same routes (issue 18), on two real Caddys.

Each Caddy serves on a port of its own here (on separate hosts they would share one). Every
route change reaches both; while one is away the other still takes changes, and the one
that comes back (empty, as a restarted Caddy is) is brought level at the next look at the
routes, stale routes included.
"""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest

from adapters.caddy import CaddyIngress, IngressError
from adapters.caddy_process import CaddyServer, CaddyStartError, free_port
from adapters.ingresses import ReplicatedIngress
from application.runtime_ports import Route
from application.settings import Settings, SettingsError
from tests.conftest import service_missing
from tests.http_upstream import http_upstream
from tests.integration.deploy_support import until


class Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello from the app\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def app() -> Iterator[str]:
    with http_upstream(Hello) as port:
        yield f"127.0.0.1:{port}"


@pytest.fixture
def caddys(tmp_path: Path) -> Iterator[list[tuple[CaddyServer, str]]]:
    started: list[tuple[CaddyServer, str]] = []
    try:
        for name in ("a", "b"):
            server = CaddyServer(tmp_path / name)
            server.start()
            started.append((server, f"127.0.0.1:{free_port()}"))
    except CaddyStartError as e:
        service_missing("Caddy", e)
    yield started
    for server, _ in started:
        server.stop()


def answer(listen: str, host: str) -> str:
    try:
        return httpx.get(f"http://{listen}/", headers={"Host": host}, timeout=5).text
    except httpx.TransportError:
        return ""


def web(name: str, upstream: str) -> Route:
    return Route(id=f"containr-test-{name}", hosts=[f"{name}.test"], upstreams=[upstream])


def test_every_ingress_serves_the_routes_and_one_that_was_away_is_brought_level(
    caddys: list[tuple[CaddyServer, str]], app: str
) -> None:
    (a, a_listen), (b, b_listen) = caddys
    ingress = ReplicatedIngress(
        [CaddyIngress(a.admin_url, listen=a_listen), CaddyIngress(b.admin_url, listen=b_listen)]
    )
    try:
        ingress.apply(web("shop", app))
        ingress.apply(web("old", app))
        for listen in (a_listen, b_listen):
            until(lambda listen=listen: answer(listen, "shop.test") == "hello from the app\n")

        b.stop()  # one ingress node away: changes still reach the other
        ingress.apply(web("blog", app))
        ingress.remove("containr-test-old")
        assert {r.id for r in ingress.routes()} == {"containr-test-shop", "containr-test-blog"}
        until(lambda: answer(a_listen, "blog.test") == "hello from the app\n")

        b.start()  # back, with an empty configuration as a restarted Caddy has
        held = {r.id for r in ingress.routes()}  # the reconciler's next look levels it
        assert held == {"containr-test-shop", "containr-test-blog"}
        assert {r.id for r in CaddyIngress(b.admin_url, listen=b_listen).routes()} == held
        until(lambda: answer(b_listen, "blog.test") == "hello from the app\n")
        assert answer(b_listen, "old.test") != "hello from the app\n"

        a.stop()
        b.stop()  # none answers: a change is an error, not silently lost
        with pytest.raises(IngressError):
            ingress.apply(web("lost", app))
    finally:
        ingress.close()


def test_more_ingress_nodes_need_the_first_and_real_addresses() -> None:
    more = {"CONTAINR_MORE_INGRESS_ADMINS": "http://10.0.0.2:2019, http://10.0.0.3:2019"}
    with pytest.raises(SettingsError, match="needs CONTAINR_INGRESS_ADMIN"):
        Settings.from_env(more)
    with pytest.raises(SettingsError, match="CONTAINR_MORE_INGRESS_ADMINS: must be an http"):
        Settings.from_env(
            {"CONTAINR_INGRESS_ADMIN": "http://127.0.0.1:2019", "CONTAINR_MORE_INGRESS_ADMINS": "x"}
        )
    settings = Settings.from_env({"CONTAINR_INGRESS_ADMIN": "http://127.0.0.1:2019", **more})
    assert settings.more_ingress_admins == ("http://10.0.0.2:2019", "http://10.0.0.3:2019")
