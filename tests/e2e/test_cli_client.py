"""The CLI as a client: `containr login/link/deploy/logs/rollback/…` run as subprocesses from a
directory holding an app, against a real `containr serve` that deploys on Docker (Caddy as the
ingress, PostgreSQL and Redis), like a user on a laptop deploying to a server."""

from __future__ import annotations

import json
import os
import select
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from application.settings import Settings
from tests.e2e.client import Client
from tests.e2e.conftest import ROOT, Server, deploying
from tests.integration.deploy_support import app_dockerfile

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.docker, pytest.mark.slow]
PASSWORD = "correct horse battery"


@dataclass
class Laptop:
    """A user's machine: a config directory of its own and an app directory."""

    server: Server
    listen: str
    home: Path
    app: Path
    slug: str

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CONTAINR_")}
        env.update(HOME=str(self.home), XDG_CONFIG_HOME=str(self.home / ".config"), **extra)
        env["PYTHONPATH"] = str(ROOT)
        env["COLUMNS"] = "200"
        return env

    def containr(
        self, *args: str, input: str | None = None, check: bool = True, **env: str
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "interfaces", *args],
            cwd=self.app,
            env=self.env(**env),
            input=input,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check:
            assert done.returncode == 0, f"containr {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    def json(self, *args: str, **env: str) -> Any:
        return json.loads(self.containr(*args, "--json", **env).stdout)

    def page(self, path: str = "/") -> httpx.Response:
        host = f"web.production.{self.slug}.localhost"
        return httpx.get(f"http://{self.listen}{path}", headers={"Host": host}, timeout=5)

    def release(self, text: str, extra: str = "") -> None:
        (self.app / "Dockerfile").write_text(app_dockerfile(extra))
        (self.app / "www" / "index.html").write_text(text)


@pytest.fixture
def laptop(server_settings: Settings, tmp_path: Path) -> Iterator[Laptop]:
    with deploying(server_settings, tmp_path) as (server, listen, _):
        owner = server.client()
        owner.sign_up("ada@example.com", "Ada", PASSWORD)
        org = owner("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
        project = owner(
            'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id slug } }',
            o=org,
        )["createProject"]
        owner(
            """mutation($p: ID!) { createService(projectId: $p, name: "web", kind: "web",
              settings: {port: 8080, healthCheck: {kind: "http", path: "/healthz",
              intervalSeconds: 0.3, retries: 30}}) { id } }""",
            p=project["id"],
        )
        app = tmp_path / "app"
        (app / "www").mkdir(parents=True)
        (app / "www" / "healthz").write_text("ok\n")
        (app / "www" / "private.html").write_text("not for the server\n")
        (app / "notes.log").write_text("left out by .gitignore\n")
        (app / ".gitignore").write_text("*.log\n")
        (app / ".containrignore").write_text("www/private.html\n")
        yield Laptop(server, listen, tmp_path / "home", app, project["slug"])


def wait_until(what: str, check: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"{what} within {timeout} s"
        time.sleep(0.2)


def test_login_link_deploy_logs_and_roll_back_from_an_app_directory(laptop: Laptop) -> None:
    url = laptop.server.url
    login = laptop.containr(
        "login", "--server", url, "--email", "ada@example.com", "--password-stdin",
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert "Logged in" in login.stdout
    config = laptop.home / ".config" / "containr" / "config.json"
    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert stat.S_IMODE(config.parent.stat().st_mode) == 0o700
    assert PASSWORD not in config.read_text()
    assert laptop.json("whoami")["email"] == "ada@example.com"

    linked = laptop.json("link", "--project", "Shop", "--service", "web")
    assert (linked["project"]["name"], linked["environment"]["name"]) == (laptop.slug, "production")
    assert (laptop.app / ".containr-link.json").is_file()

    laptop.release("release one\n")
    first = laptop.containr("deploy", "--json")
    result = json.loads(first.stdout)
    assert result["deployment"]["state"] == "healthy", first.stderr
    assert result["deployment"]["sourceArchive"] == result["archive"]["digest"]
    assert "unpacking uploaded archive" in first.stderr  # the build, live on stderr
    assert "healthy" in first.stderr
    assert laptop.page().text == "release one\n"
    assert laptop.page("/private.html").status_code == 404  # .containrignore honoured
    assert result["archive"]["files"] == 5  # .gitignore, .containrignore, Dockerfile, www/*

    laptop.release("release two\n")
    second = laptop.containr("deploy")
    assert "is healthy" in second.stdout
    assert laptop.page().text == "release two\n"

    back = laptop.json("rollback")
    assert back["deployment"]["state"] == "healthy"
    assert back["rollbackOf"] == result["deployment"]["id"]
    assert laptop.page().text == "release one\n"

    plain = laptop.containr("status").stdout
    assert f"healthy (uploaded archive {result['archive']['digest'][:12]})" in plain
    status = laptop.json("status")
    assert status["state"]["liveDeploymentId"] == back["deployment"]["id"]
    assert status["service"]["name"] == "web"

    build = laptop.containr("logs", "--no-follow", "--stream", "build", "-n", "20", "--json")
    lines = [json.loads(line) for line in build.stdout.splitlines()]
    assert lines and {line["stream"] for line in lines} == {"build"}
    assert any("image" in line["line"] for line in lines)


def test_logs_follow_new_lines_live_and_variables_are_set_and_unset(laptop: Laptop) -> None:
    token = login_with_token(laptop)
    env = {"CONTAINR_URL": laptop.server.url, "CONTAINR_TOKEN": token}
    laptop.containr("link", "--service", "web", **env)
    laptop.release("release one\n")
    laptop.containr("deploy", **env)

    follower = subprocess.Popen(
        [sys.executable, "-m", "interfaces", "logs", "-n", "1", "--json"],
        cwd=laptop.app,
        env=laptop.env(**env),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert follower.stdout is not None
        first = read_line(follower, "the newest line")
        assert json.loads(first)["stream"] in ("build", "system", "runtime")
        redeployed = laptop.json("redeploy", "--detach", **env)["deployment"]
        line = json.loads(read_line(follower, "a line of the redeploy"))
        assert line["deploymentId"] == redeployed["id"]  # live, from the subscription
    finally:
        follower.terminate()
        follower.wait(timeout=10)
        if follower.stdout is not None:
            follower.stdout.close()

    laptop.json("variables", "set", "GREETING=hello", "MODE=test", **env)
    laptop.json("variables", "set", "--shared", "REGION=eu", **env)
    listed = {(v["name"], v["scope"]) for v in laptop.json("variables", "list", **env)}
    assert listed == {("GREETING", "service"), ("MODE", "service"), ("REGION", "shared")}
    laptop.json("variables", "unset", "MODE", **env)
    names = [v["name"] for v in laptop.json("variables", "list", **env)]
    assert names == ["GREETING", "REGION"]


def test_a_failing_deployment_makes_deploy_exit_non_zero_with_the_reason(
    laptop: Laptop,
) -> None:
    env = {"CONTAINR_URL": laptop.server.url, "CONTAINR_TOKEN": login_with_token(laptop)}
    laptop.containr("link", "--service", "web", **env)
    laptop.release("broken\n", extra="RUN echo about to fail && false\n")
    failed = laptop.containr("deploy", check=False, **env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "about to fail" in failed.stderr  # the build's own output
    assert "failed" in failed.stderr and "Traceback" not in failed.stderr
    detached = laptop.json("deploy", "--detach", **env)
    assert detached["deployment"]["state"] == "queued"


def test_logout_revokes_the_token_login_made(laptop: Laptop) -> None:
    laptop.containr(
        "login", "--server", laptop.server.url, "--email", "ada@example.com",
        "--password-stdin", input=PASSWORD + "\n",
    )  # fmt: skip
    config = json.loads((laptop.home / ".config" / "containr" / "config.json").read_text())
    token = config["profiles"]["default"]["token"]
    laptop.containr("logout")
    refused = laptop.containr("whoami", check=False, CONTAINR_URL=laptop.server.url)
    assert refused.returncode == 2 and "containr login" in refused.stderr
    again = laptop.containr(
        "whoami", check=False, CONTAINR_URL=laptop.server.url, CONTAINR_TOKEN=token
    )
    assert again.returncode == 2 and "log in again" in again.stderr


def test_open_prints_the_address_the_service_answers_on(laptop: Laptop) -> None:
    env = {"CONTAINR_URL": laptop.server.url, "CONTAINR_TOKEN": login_with_token(laptop)}
    laptop.containr("link", "--service", "web", **env)
    laptop.release("hello\n")
    laptop.containr("deploy", **env)
    opened = laptop.containr("open", "--print", check=False, **env)
    host = f"web.production.{laptop.slug}.localhost"
    assert opened.returncode == 0, opened.stderr
    assert opened.stdout.strip() == f"http://{host}:{laptop.listen.rsplit(':', 1)[1]}/"
    assert laptop.json("status", **env)["urls"] == [opened.stdout.strip()]


def login_with_token(laptop: Laptop) -> str:
    """An API token made in the dashboard (here: over the API), for `--token` and CI."""
    owner = Client(laptop.server.url)
    try:
        owner.token = owner(
            'mutation { logIn(email: "ada@example.com", password: "' + PASSWORD + '") '
            "{ accessToken } }"
        )["logIn"]["accessToken"]
        token: str = owner('mutation { createApiToken(name: "ci", scopes: ["write"]) { token } }')[
            "createApiToken"
        ]["token"]
    finally:
        owner.http.close()
    stored = laptop.json("login", "--server", laptop.server.url, "--token", token)
    assert stored["email"] == "ada@example.com"
    return token


def read_line(process: subprocess.Popen[str], what: str, timeout: float = 120) -> str:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, f"no {what} within {timeout} s"
    line = process.stdout.readline()
    assert line, f"the process ended before {what}"
    return line


def test_the_client_commands_say_what_to_do_when_not_logged_in_or_linked(
    tmp_path: Path,
) -> None:
    laptop = Laptop(None, "", tmp_path / "home", tmp_path, "")  # type: ignore[arg-type]
    missing = laptop.containr("deploy", check=False)
    assert missing.returncode == 2 and "containr login --server URL" in missing.stderr
    unlinked = laptop.containr(
        "deploy", check=False, CONTAINR_URL="http://127.0.0.1:9", CONTAINR_TOKEN="x"
    )
    assert unlinked.returncode == 2 and "containr link" in unlinked.stderr
