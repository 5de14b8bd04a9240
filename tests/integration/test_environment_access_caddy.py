"""Members-only environments through the real Caddy (issue 14).

Containr runs in this process (event store, read models, deployer and reconciler threads)
with its HTTP API served by uvicorn on a loopback port, which Caddy asks before each request
to the environment's routes (forward_auth). The application's clock is a test clock, so a
share link's expiry is reached by moving it, not by waiting.
"""

# ruff: noqa: F811 - the engine and Caddy fixtures are imported by name
from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import docker
import httpx
import msgspec
import pytest
import uvicorn

from adapters.caddy_process import CaddyServer, free_port
from adapters.fakes import FakeClock
from application import commands as c
from application.access import share_cookie
from application.authz import Principal
from application.member_pass import member_cookie
from application.secrets import Secret
from application.settings import Settings
from domain.deployment import DeploymentState
from domain.values import Role
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.installations import record_instance
from tests.integration.deploy_support import AppRepository, Platform, stop_platform, until
from tests.integration.test_deploy_docker import (  # noqa: F401 - fixtures
    caddy,
    engine,
    ingress_listen,
    web_service,
)


class Api:
    """The platform's HTTP API on a loopback port (what Caddy's forward_auth calls)."""

    def __init__(self, platform: Platform, port: int) -> None:
        config = uvicorn.Config(
            create_app(platform.services), host="127.0.0.1", port=port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        until(lambda: self.server.started, what="the API to listen")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


@pytest.fixture
def gated(
    pg_settings: Settings, engine: docker.APIClient, caddy: CaddyServer, ingress_listen: str
) -> Iterator[tuple[Platform, FakeClock]]:
    port = free_port()
    settings = msgspec.structs.replace(
        pg_settings,
        ingress_admin=caddy.admin_url,
        ingress_listen=ingress_listen,
        access_dial=f"127.0.0.1:{port}",
    )
    record_instance(settings)
    clock = FakeClock(datetime.now(UTC))
    services = bootstrap(settings, clock=clock)
    platform = Platform(services=services, settings=settings, ingress_listen=ingress_listen)
    platform.threads += services.run_projections(platform.stop)
    api = Api(platform, port)
    try:
        platform.create_project(f"Shop {uuid.uuid4().hex[:6]}")
        platform.start_processes()
        yield platform, clock
    finally:
        api.stop()
        stop_platform(platform, engine)


def sign_up(platform: Platform, name: str) -> tuple[uuid.UUID, str]:
    tokens = platform.services.auth.sign_up(
        f"{name}-{uuid.uuid4().hex[:8]}@example.com", name, Secret("correct horse battery")
    ).tokens
    return tokens.user_id, tokens.access_token


def test_a_members_only_environment_lets_in_members_and_live_share_links_only(
    gated: tuple[Platform, FakeClock], tmp_path: Path
) -> None:
    platform, clock = gated
    assert platform.project is not None and platform.production is not None and platform.org
    project, env = platform.project, platform.production
    platform.run(c.SetEnvironmentAccess(project_id=project, environment_id=env, access="members"))
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    deployment = platform.wait_for(platform.deploy(web_service(platform, repo)))
    assert deployment.state is DeploymentState.HEALTHY, deployment.reason
    host = platform.host("web")

    def get(path: str = "/", **headers: str) -> httpx.Response:
        url = f"http://{platform.ingress_listen}{path}"
        return platform.client.get(url, headers={"Host": host, **headers})

    until(lambda: get().status_code == 401, what="the route to be guarded")
    member, member_token = sign_up(platform, "member")
    platform.run(c.AddMember(organization_id=platform.org, user_id=member, role=Role.MEMBER))
    _, stranger_token = sign_up(platform, "stranger")

    as_member = get(Authorization=f"Bearer {member_token}")
    assert (as_member.status_code, as_member.text) == (200, "release one\n")
    assert get(Authorization=f"Bearer {stranger_token}").status_code == 403
    assert get(Authorization="Bearer not-a-token").status_code == 401

    gate = platform.services.access
    assert gate is not None
    link = gate.create_share_link(Principal(user_id=member), project, env, 2, ["web"])
    assert link.urls == [f"http://{host}/_containr/share?token={link.token}"]
    visit = get(f"/_containr/share?token={link.token}")
    assert visit.status_code == 303 and visit.headers["location"] == "/"
    cookie = visit.headers["set-cookie"]
    assert "HttpOnly" in cookie and f"Domain=production.{platform.project_slug}.localhost" in cookie
    name = share_cookie(env)
    assert cookie.startswith(f"{name}={link.token};")
    with_cookie = get(Cookie=f"{name}={link.token}")
    assert (with_cookie.status_code, with_cookie.text) == (200, "release one\n")
    assert get(Cookie=f"{name}=shr_forged").status_code == 401

    clock.advance(timedelta(hours=2))
    assert get(Cookie=f"{name}={link.token}").status_code == 401
    assert get(f"/_containr/share?token={link.token}").status_code == 401

    second = gate.create_share_link(Principal(user_id=member), project, env, 1, ["web"])
    assert get(Cookie=f"{name}={second.token}").status_code == 200
    platform.run(c.RevokeShareLink(project_id=project, environment_id=env, link_id=second.link_id))
    assert get(Cookie=f"{name}={second.token}").status_code == 401

    platform.run(c.SetEnvironmentAccess(project_id=project, environment_id=env, access="public"))
    until(lambda: get().status_code == 200, what="the reconciler to open the route again")


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_member_s_browser_signs_in_through_containr_and_gets_a_member_cookie(
    gated: tuple[Platform, FakeClock], tmp_path: Path
) -> None:
    platform, clock = gated
    assert platform.project is not None and platform.production is not None and platform.org
    project, env = platform.project, platform.production
    platform.run(c.SetEnvironmentAccess(project_id=project, environment_id=env, access="members"))
    repo = AppRepository(tmp_path / "app")
    repo.commit("one")
    deployment = platform.wait_for(platform.deploy(web_service(platform, repo)))
    assert deployment.state is DeploymentState.HEALTHY, deployment.reason
    host = platform.host("web")
    containr = f"http://{platform.settings.access_dial}"

    def get(path: str = "/", **headers: str) -> httpx.Response:
        url = f"http://{platform.ingress_listen}{path}"
        return platform.client.get(url, headers={"Host": host, **headers})

    def enter(location: str, token: str | None) -> httpx.Response:
        auth = {"Authorization": f"Bearer {token}"} if token else {}
        return platform.client.get(location, headers=auth)

    until(lambda: get().status_code == 401, what="the route to be guarded")
    member, member_token = sign_up(platform, "member")
    platform.run(c.AddMember(organization_id=platform.org, user_id=member, role=Role.MEMBER))
    _, stranger_token = sign_up(platform, "stranger")

    # A browser's page load is sent to Containr; an API client still gets 401.
    page = get("/orders?page=2", Accept=BROWSER)
    assert page.status_code == 302, page.text
    back = f"http://{host}/orders?page=2"
    assert page.headers["location"] == (
        f"{containr}/access/enter?environment={env}&return={quote(back, safe='')}"
    )
    assert get("/orders?page=2", Accept="application/json").status_code == 401
    assert (
        platform.client.post(
            f"http://{platform.ingress_listen}/", headers={"Host": host, "Accept": BROWSER}
        ).status_code
        == 401
    )

    # Containr's side of the hop: signed in, a member, a return address of the environment.
    assert enter(page.headers["location"], None).status_code == 401
    dashboard = platform.client.get(page.headers["location"], headers={"Accept": BROWSER})
    assert dashboard.status_code == 200  # its /access/enter screen asks enterEnvironment
    assert dashboard.headers["content-type"].startswith("text/html")
    assert enter(page.headers["location"], stranger_token).status_code == 403
    elsewhere = f"{containr}/access/enter?environment={env}&return=http%3A%2F%2Fevil.example.com%2F"
    refused = enter(elsewhere, member_token)
    assert refused.status_code == 400 and "location" not in refused.headers
    hop = enter(page.headers["location"], member_token)
    assert hop.status_code == 303, hop.text
    target = urlsplit(hop.headers["location"])
    assert (target.scheme, target.netloc, target.path) == ("http", host, "/_containr/enter")
    assert parse_qs(target.query)["return"] == ["/orders?page=2"]
    landing = f"{target.path}?{target.query}"

    # The preview's side: the hop token becomes a member cookie, once.
    visit = get(landing, Accept=BROWSER)
    assert visit.status_code == 303 and visit.headers["location"] == "/orders?page=2"
    cookie = visit.headers["set-cookie"]
    name = member_cookie(env)
    assert cookie.startswith(f"{name}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert f"Domain=production.{platform.project_slug}.localhost" in cookie
    value = cookie.split(";", 1)[0].split("=", 1)[1]
    with_cookie = get(Cookie=f"{name}={value}")
    assert (with_cookie.status_code, with_cookie.text) == (200, "release one\n")
    assert get(landing).status_code == 401  # replayed
    assert get("/_containr/enter?token=mhp.forged").status_code == 401
    assert get(Cookie=f"{name}={value}x").status_code == 401

    late = urlsplit(enter(page.headers["location"], member_token).headers["location"])
    clock.advance(timedelta(seconds=61))
    assert get(f"{late.path}?{late.query}").status_code == 401  # expired

    # Leaving the organisation shuts the cookie out at once; it also ends after 12 hours.
    platform.run(c.RemoveMember(organization_id=platform.org, user_id=member))
    assert get(Cookie=f"{name}={value}").status_code == 401
    platform.run(c.AddMember(organization_id=platform.org, user_id=member, role=Role.VIEWER))
    assert get(Cookie=f"{name}={value}").status_code == 200
    clock.advance(timedelta(hours=12))
    assert get(Cookie=f"{name}={value}").status_code == 401
