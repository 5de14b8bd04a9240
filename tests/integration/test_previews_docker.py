"""Preview environments end to end on the real Docker engine behind a real Caddy (issue 14).

Containr runs in this process (event store on PostgreSQL, projections and process managers
in threads, Docker at the local socket, a Caddy of the module's own). A real git repository
is made here; GitHub's example pull_request payload (npm @octokit/webhooks-examples) is made
to name its branch and commits, signed with the connection's secret and handed to the
webhook intake, which verifies it as the HTTP endpoint does. The preview answers through
Caddy; a push redeploys it; closing it leaves nothing behind on the engine or in Caddy.
"""

from __future__ import annotations

import copy
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import docker
import httpx

from adapters.fakes import FakeClock
from application import commands as c
from application.processes.support import network_name
from application.secrets import Secret
from domain.preview import Preview
from domain.service_spec import GitSource, ServiceKind
from tests.e2e.test_git_webhooks import github_examples, signed
from tests.integration.deploy_support import AppRepository, Platform, until
from tests.integration.test_deploy_docker import (
    HTTP_CHECK,
    caddy,
    engine,
    ingress_listen,
    platform_for,  # noqa: F401  # a fixture
)
from tests.integration.test_deploy_docker import platform as docker_platform  # noqa: F401

_FIXTURES = (caddy, engine, ingress_listen)  # used by the platform fixture, by name
NUMBER = 5


class PreviewRig:
    """The platform with a watched service, a git connection and previews on."""

    def __init__(self, platform: Platform, tmp_path: Path) -> None:
        assert platform.project is not None and platform.org is not None
        self.platform = platform
        self.repo = AppRepository(tmp_path / "app")
        self.main = self.repo.commit("main")
        self.service = platform.run(
            c.CreateService(
                project_id=platform.project,
                name="web",
                kind=ServiceKind.WEB,
                git=GitSource(self.repo.url),
                port=8080,
                health_check=HTTP_CHECK,
            )
        ).id("service_id")
        self.connection = platform.run(
            c.build_command(
                c.CreateGitConnection,
                {"organization_id": platform.org, "provider": "github", "name": "GitHub"},
            )
        ).id("connection_id")
        self.secret = platform.services.queries.webhook_secret(self.connection).reveal().encode()
        platform.run(
            c.build_command(
                c.SetServiceTriggers,
                {
                    "service_id": self.service,
                    "connection_id": self.connection,
                    "triggers": [{"branch": "main", "environment_id": platform.production}],
                },
            )
        )
        platform.run(
            c.SetPreviewPolicy(
                project_id=platform.project,
                enabled=True,
                overrides={"GREETING": Secret("hello from a preview")},
            )
        )

    @property
    def full_name(self) -> str:
        return str(self.repo.path).strip("/")

    def deliver(self, action: str, sha: str, number: int = NUMBER) -> None:
        """GitHub's example pull_request delivery, made to say ``action`` for ``sha``."""
        examples = next(e for e in github_examples() if e["name"] == "pull_request")
        payload: dict[str, Any] = copy.deepcopy(
            next(x for x in examples["examples"] if x["action"] == "opened")
        )
        payload["action"] = "closed" if action == "merged" else action
        request = payload["pull_request"]
        request.update(number=number, title="Preview me", merged=action == "merged")
        request["head"].update(ref="feature", sha=sha)
        request["head"]["repo"]["full_name"] = self.full_name
        request["base"].update(ref="main", sha=self.main)
        payload["repository"]["full_name"] = self.full_name
        body = json.dumps(payload).encode()
        intake = self.platform.services.webhooks
        assert intake is not None
        intake.receive(self.connection, signed(self.secret, "pull_request", body), body)

    def preview(self, number: int = NUMBER) -> Preview:
        assert self.platform.project is not None
        return self.platform.services.queries.preview(Preview.id_for(self.platform.project, number))

    def until_preview(self, state: str, number: int = NUMBER, timeout: float = 60) -> Preview:
        deadline = time.monotonic() + timeout
        while True:
            try:
                found = self.preview(number)
                if found.state.value == state:
                    return found
            except Exception:  # not recorded yet
                found = None
            assert time.monotonic() < deadline, f"preview not {state}: {found}"
            time.sleep(0.1)

    def healthy_release(self, number: int = NUMBER, count: int = 1) -> uuid.UUID:
        """The preview's ``count``-th release, once it is healthy."""
        until(lambda: len(self.preview(number).deployment_ids) >= count, 60, "the release")
        deployment_id = self.preview(number).deployment_ids[count - 1]
        deployment = self.platform.wait_for(deployment_id)
        assert deployment.state.value == "healthy", deployment.reason
        return deployment_id

    def answer(self, url: str, body: str, timeout: float = 30) -> None:
        """Until the preview's URL answers ``body`` through Caddy."""
        host = httpx.URL(url).host
        deadline = time.monotonic() + timeout
        last: object = None
        while time.monotonic() < deadline:
            try:
                response = self.platform.client.get(
                    f"http://{self.platform.ingress_listen}/", headers={"Host": host}
                )
                if response.status_code == 200 and response.text == body:
                    return
                last = (response.status_code, response.text)
            except httpx.TransportError as e:
                last = e
            time.sleep(0.1)
        raise AssertionError(f"{url} never answered {body!r}; last: {last!r}")


def test_a_pull_request_preview_answers_redeploys_and_leaves_nothing_behind(
    docker_platform: Platform,  # noqa: F811
    engine: docker.APIClient,
    caddy: Any,
    tmp_path: Path,
) -> None:
    platform = docker_platform
    rig = PreviewRig(platform, tmp_path)
    production = platform.wait_for(platform.deploy(rig.service))
    assert production.state.value == "healthy", production.reason

    rig.repo._git("checkout", "-q", "-b", "feature")
    first_sha = rig.repo.commit("pr one")
    rig.deliver("opened", first_sha)
    preview = rig.until_preview("active")
    env = preview.environment_id
    assert env is not None
    first = rig.healthy_release()
    port = platform.ingress_listen.rsplit(":", 1)[-1]
    url = f"http://web.pr-{NUMBER}.{platform.project_slug}.localhost:{port}"
    assert rig.preview().urls == (url,)
    rig.answer(url, "release pr one\n")
    [container] = engine.containers(filters={"label": [f"containr.environment={env}"]})
    assert (
        "GREETING=hello from a preview"
        in engine.inspect_container(container["Id"])["Config"]["Env"]
    )

    # A push to the pull request redeploys the preview at its new head.
    second_sha = rig.repo.commit("pr two")
    rig.deliver("synchronize", second_sha)
    second = rig.healthy_release(count=2)
    assert platform.deployment(second).commit == second_sha
    rig.answer(url, "release pr two\n")

    # The disk guard, measured on the real engine: a threshold no disk meets refuses.
    assert platform.project is not None
    platform.run(
        c.SetPreviewPolicy(project_id=platform.project, enabled=True, min_free_disk_percent=100)
    )
    rig.deliver("opened", second_sha, number=NUMBER + 1)
    refused = rig.until_preview("refused", number=NUMBER + 1)
    assert "disk free, under the 100% guard" in refused.reason

    # Closed: nothing of the preview is left on the engine or in Caddy.
    rig.deliver("closed", second_sha)
    rig.until_preview("removed", timeout=90)
    label = f"containr.environment={env}"
    assert engine.containers(all=True, filters={"label": [label]}) == []
    assert [
        n for n in engine.networks(names=[network_name(env)]) if n["Name"] == network_name(env)
    ] == []
    for deployment_id in (first, second):
        assert engine.images(filters={"label": f"containr.deployment={deployment_id}"}) == []
        assert engine.images(name=f"containr/{rig.service}:{deployment_id}") == []
    config = httpx.get(f"{caddy.admin_url}/config/", timeout=5).text
    assert str(env) not in config and f"pr-{NUMBER}." not in config
    # Production is untouched: its release, its image, its route.
    assert production.image is not None and engine.images(name=production.image)
    platform.wait_answer("web", "release main\n")
    # Its read-model rows are gone; the pull request could not be told (no token).
    dashboard = platform.services.dashboard
    states = dashboard.service_states(project_id=platform.project)
    assert [s.environment_id for s in states] == [platform.production]
    assert dashboard.variable_names(env, None) == []
    [row] = [
        r for r in dashboard.previews(platform.project, include_removed=True) if r.number == NUMBER
    ]
    assert row.state == "removed"
    until(
        lambda: "no access token" in str(dashboard.preview(row.id).comment_outcome),
        30,
        "the comment's outcome",
    )


def test_the_limit_makes_way_and_an_idle_preview_expires_on_the_application_clock(
    platform_for: Any,  # noqa: F811
    engine: docker.APIClient,
    caddy: Any,
    tmp_path: Path,
) -> None:
    clock = FakeClock(datetime.now(UTC))
    platform: Platform = platform_for(clock=clock)
    platform.start_processes()
    rig = PreviewRig(platform, tmp_path)
    assert platform.project is not None
    platform.run(c.SetPreviewPolicy(project_id=platform.project, enabled=True, limit=1, ttl_days=2))
    rig.repo._git("checkout", "-q", "-b", "feature")
    sha = rig.repo.commit("pr")
    rig.deliver("opened", sha, number=21)
    first_env = rig.until_preview("active", number=21).environment_id
    rig.healthy_release(number=21)
    clock.advance(timedelta(minutes=1))

    # The limit: the oldest preview makes way for the new one, and nothing of it is left.
    rig.deliver("opened", sha, number=22)
    removed = rig.until_preview("removed", number=21, timeout=90)
    assert "limit of 1 previews" in removed.reason
    second_env = rig.until_preview("active", number=22).environment_id
    rig.healthy_release(number=22)
    label = f"containr.environment={first_env}"
    assert engine.containers(all=True, filters={"label": [label]}) == []

    # The time to live, on the application clock: two days without a push remove it.
    clock.advance(timedelta(days=2, minutes=1))
    expired = rig.until_preview("removed", number=22, timeout=90)
    assert "no push for 2 day(s)" in expired.reason
    label = f"containr.environment={second_env}"
    assert engine.containers(all=True, filters={"label": [label]}) == []
    assert second_env is not None and first_env is not None
    for env in (first_env, second_env):
        name = network_name(env)
        assert [n for n in engine.networks(names=[name]) if n["Name"] == name] == []
    config = httpx.get(f"{caddy.admin_url}/config/", timeout=5).text
    assert "pr-21." not in config and "pr-22." not in config
