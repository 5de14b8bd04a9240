"""Push to deploy over HTTP: a running `containr serve` (PostgreSQL, Redis, its process
managers on) receives signed webhook deliveries as a provider sends them, attacked the way
an outsider would: forged, unsigned, replayed, truncated, oversized, mistyped.

GitHub's own example payloads (npm @octokit/webhooks-examples, see tests/providers) are
signed with the connection's secret and posted; pushes come from real git repositories made
here with the git CLI, their commit shas in the signed payload.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap, migrate
from tests.conftest import OPEN_SIGNUP, TEST_SECRET_KEY, drop_schemas, service_missing
from tests.e2e.client import Client, GraphQLError
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PROVIDERS = Path(__file__).parents[1] / "providers"
EXAMPLES = PROVIDERS / "node_modules/@octokit/webhooks-examples/api.github.com/index.json"
PUSH_FILES = {"gitlab": "push.json", "bitbucket": "repo_push.json"}
CREATE_SERVICE = """mutation($p: ID!, $name: String!, $url: String!) {
  createService(projectId: $p, name: $name, kind: "web", settings: {
    git: {repositoryUrl: $url}, port: 8080}) { id }
}"""
TRIGGERS = """mutation($s: ID!, $c: ID!, $t: [PushTriggerInput!]) {
  setServiceTriggers(serviceId: $s, connectionId: $c, triggers: $t) { triggers }
}"""
DELIVERIES = """query($c: ID!) { webhookDeliveries(connectionId: $c, first: 200) {
  id deliveryId event kind ref commit handled outcome caused } }"""


def github_examples() -> list[dict[str, Any]]:
    if not EXAMPLES.exists():
        service_missing("@octokit/webhooks-examples", "run tests/services (npm ci)")
    return json.loads(EXAMPLES.read_bytes())  # type: ignore[no-any-return]


@dataclass
class Repo:
    """A real git repository on disk, and the name a provider gives it."""

    path: Path

    @property
    def url(self) -> str:
        return f"file://{self.path}"

    @property
    def full_name(self) -> str:
        return str(self.path).strip("/")

    def commit(self, message: str, files: dict[str, str]) -> str:
        for name, text in files.items():
            (self.path / name).parent.mkdir(parents=True, exist_ok=True)
            (self.path / name).write_text(text)
        self.git("add", ".")
        self.git("commit", "-q", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def git(self, *args: str) -> str:
        command = ["git", "-C", str(self.path), "-c", "user.name=t", "-c", "user.email=t@x.io"]
        return subprocess.run([*command, *args], check=True, capture_output=True, text=True).stdout


@dataclass
class Hooks:
    """A running server, an owner's client, and the organisation's first project."""

    server: Server
    client: Client
    local: Services
    """The same database, read from this process (the event log's head)."""
    org: str
    project: str
    production: str
    base: Path

    def head(self) -> int:
        return self.local.events.head()

    def caused_since(self, position: int) -> list[str]:
        """The deliveries, their body reservations and deployments recorded after
        ``position`` (the deployer may go on recording earlier deployments' own progress,
        reservations of its own included, meanwhile: that is not counted)."""
        return [
            e.type
            for e in self.local.events.read(after=position, limit=10_000)
            if e.type.startswith(("WebhookDelivery.", "Deployment.Requested"))
            or (
                e.type.startswith("Reservation.")
                and str(e.fields.get("scope", "")).startswith("git-connection/")
            )
        ]

    def connection(self) -> tuple[str, bytes]:
        made = self.client(
            'mutation($o: ID!) { createGitConnection(organizationId: $o, provider: "github", '
            'name: "GitHub") { id webhookSecret webhookPath } }',
            o=self.org,
        )["createGitConnection"]
        assert made["webhookPath"] == f"/webhooks/{made['id']}"
        return made["id"], made["webhookSecret"].encode()

    def repo(self, name: str) -> Repo:
        repo = Repo(self.base / "repos" / uuid.uuid4().hex[:8] / name)
        repo.path.mkdir(parents=True)
        repo.git("init", "-q", "-b", "main")
        repo.commit("first", {"Dockerfile": "FROM busybox\n"})
        return repo

    def service(self, repo: Repo, connection: str, *triggers: dict[str, Any]) -> str:
        name = f"s-{uuid.uuid4().hex[:8]}"
        service: str = self.client(CREATE_SERVICE, p=self.project, name=name, url=repo.url)[
            "createService"
        ]["id"]
        self.client(TRIGGERS, s=service, c=connection, t=list(triggers))
        return service

    def post(
        self, connection: str, body: bytes, headers: dict[str, str], path: str | None = None
    ) -> httpx.Response:
        return httpx.post(
            self.server.url + (path or f"/webhooks/{connection}"),
            content=body,
            headers=headers,
            timeout=30,
        )

    def deliveries(self, connection: str) -> list[dict[str, Any]]:
        return self.client(DELIVERIES, c=connection)["webhookDeliveries"]  # type: ignore[no-any-return]

    def handled(self, connection: str, delivery: str, timeout: float = 30) -> dict[str, Any]:
        """The delivery once the webhook process handled it."""
        deadline = time.monotonic() + timeout
        while True:
            found = [d for d in self.deliveries(connection) if d["id"] == delivery]
            if found and found[0]["handled"]:
                return found[0]
            assert time.monotonic() < deadline, f"not handled in time: {found}"
            time.sleep(0.1)


def signed(secret: bytes, event: str, body: bytes, delivery: str | None = None) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-Hub-Signature-256": "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest(),
    }


def push(repo: Repo, branch: str, sha: str, message: str, files: list[str]) -> bytes:
    """GitHub's example push, made to say: ``sha`` was pushed to ``branch`` of ``repo``."""
    payload = copy.deepcopy(next(e for e in github_examples() if e["name"] == "push"))
    payload = payload["examples"][0]
    commit = {"id": sha, "message": message, "added": files, "modified": [], "removed": []}
    payload.update(
        ref=f"refs/heads/{branch}",
        after=sha,
        deleted=False,
        commits=[commit],
        head_commit=commit,
    )
    payload["repository"]["full_name"] = repo.full_name
    return json.dumps(payload).encode()


@pytest.fixture(scope="module")
def hooks(
    postgres_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hooks]:
    base = tmp_path_factory.mktemp("hooks")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    settings = Settings(
        data_dir=str(base / "data"),
        database_url=postgres_url,
        database_schema=schema,
        secret_key=Secret(TEST_SECRET_KEY),
        redis_url=redis_url,
        **OPEN_SIGNUP,
    )
    migrate(settings)
    # The process managers run (the webhook process among them); no Docker engine answers
    # at this address, so requested deployments are recorded and go no further.
    server = Server(
        settings,
        env={"CONTAINR_PROCESSES": "on", "DOCKER_HOST": f"unix://{base}/no-docker.sock"},
    )
    local = bootstrap(settings)
    try:
        client = server.client()
        org = client.sign_up("owner@hooks.example")["organizationId"]
        project = client(
            'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id '
            "environments { id name } } }",
            o=org,
        )["createProject"]
        production = next(e["id"] for e in project["environments"] if e["name"] == "production")
        yield Hooks(server, client, local, org, project["id"], production, base)
    finally:
        server.stop()
        local.close()
        drop_schemas(postgres_url, schema)


# Every GitHub event


def test_every_github_example_is_acknowledged_then_handled_or_ignored_with_a_reason(
    hooks: Hooks,
) -> None:
    connection, secret = hooks.connection()
    posted: dict[str, str] = {}
    for event in github_examples():
        for example in event["examples"]:
            body = json.dumps(example).encode()
            answer = hooks.post(connection, body, signed(secret, event["name"], body))
            assert answer.status_code == 202, (event["name"], answer.text)
            posted[answer.json()["deliveryId"]] = event["name"]
    deadline = time.monotonic() + 60
    while True:
        rows = hooks.local.dashboard.webhook_deliveries(uuid.UUID(connection), limit=1000)
        if len(rows) == len(posted) and all(r.handled for r in rows):
            break
        assert time.monotonic() < deadline, f"{sum(r.handled for r in rows)}/{len(posted)}"
        time.sleep(0.3)
    assert {str(r.id): r.event for r in rows} == posted
    assert all(r.outcome for r in rows), "every delivery records why it did what it did"
    kinds = {r.event: r.kind for r in rows}
    assert (kinds["push"], kinds["pull_request"], kinds["ping"]) == ("push", "pull_request", "ping")
    assert kinds["star"] == "ignored"
    assert all(r.caused == [] for r in rows), "no service watches this connection"


# Refusals: nothing recorded


def test_forged_unsigned_truncated_oversized_and_mistyped_deliveries_record_nothing(
    hooks: Hooks,
) -> None:
    connection, secret = hooks.connection()
    repo = hooks.repo("refused")
    body = push(repo, "main", "a" * 40, "x", ["a.txt"])
    good = signed(secret, "push", body)
    before = hooks.head()
    cases = {
        "forged": (body, signed(b"not the secret", "push", body), 401),
        "unsigned": (body, {k: v for k, v in good.items() if "Signature" not in k}, 401),
        "tampered": (body.replace(b"refs/heads/main", b"refs/heads/evil"), good, 401),
        "truncated": (body[: len(body) // 2], signed(secret, "push", body[: len(body) // 2]), 400),
        "form-encoded": (body, {**good, "Content-Type": "application/x-www-form-urlencoded"}, 415),
        "10 MB": (b"{" + b" " * (10 * 2**20) + b"}", good, 413),
        "no delivery id": (body, {k: v for k, v in good.items() if "Delivery" not in k}, 400),
    }
    for what, (sent, headers, status) in cases.items():
        answer = hooks.post(connection, sent, headers)
        assert answer.status_code == status, (what, answer.status_code, answer.text)
        assert answer.json()["error"]["message"], what
    unknown = hooks.post(str(uuid.uuid4()), body, good)
    not_an_id = hooks.post(connection, body, good, path="/webhooks/..%2f..%2fgraphql")
    assert (unknown.status_code, not_an_id.status_code) == (404, 404)
    assert hooks.caused_since(before) == [], "a refused delivery records nothing"
    assert hooks.deliveries(connection) == []


def test_a_removed_connection_refuses_deliveries(hooks: Hooks) -> None:
    connection, secret = hooks.connection()
    hooks.client("mutation($c: ID!) { removeGitConnection(id: $c) }", c=connection)
    body = b'{"zen": "x", "hook_id": 1}'
    assert hooks.post(connection, body, signed(secret, "ping", body)).status_code == 404


def test_a_rotated_secret_still_verifies_during_the_overlap_only(hooks: Hooks) -> None:
    connection, old = hooks.connection()
    rotated = hooks.client(
        "mutation($c: ID!) { rotateWebhookSecret(id: $c, overlapHours: 1) { webhookSecret "
        "previousSecretValidUntil } }",
        c=connection,
    )["rotateWebhookSecret"]
    new = rotated["webhookSecret"].encode()
    assert new != old and rotated["previousSecretValidUntil"]
    for secret in (old, new):
        body = json.dumps({"zen": secret.decode()[:4], "hook_id": 1}).encode()
        assert hooks.post(connection, body, signed(secret, "ping", body)).status_code == 202
    hooks.client(
        "mutation($c: ID!) { rotateWebhookSecret(id: $c, overlapHours: 0) { id } }", c=connection
    )
    body = b'{"zen": "late", "hook_id": 1}'
    assert hooks.post(connection, body, signed(new, "ping", body)).status_code == 401


# Pushes


def test_a_push_to_main_requests_a_deployment_of_that_commit_once(hooks: Hooks) -> None:
    connection, secret = hooks.connection()
    repo = hooks.repo("shop")
    service = hooks.service(repo, connection, {"branch": "main", "environmentId": hooks.production})
    sha = repo.commit("add the shop", {"app.py": "print('hi')\n"})
    body = push(repo, "main", sha, "add the shop", ["app.py"])
    headers = signed(secret, "push", body)
    answer = hooks.post(connection, body, headers)
    assert answer.status_code == 202
    delivery = hooks.handled(connection, answer.json()["deliveryId"])
    [caused] = delivery["caused"]
    assert (caused["outcome"], caused["service_id"], caused["commit"]) == ("deploy", service, sha)
    deployment = hooks.client(
        "query($d: ID!) { deployment(id: $d) { serviceId environmentId commit trigger } }",
        d=caused["deployment_id"],
    )["deployment"]
    assert deployment == {
        "serviceId": service,
        "environmentId": hooks.production,
        "commit": sha,
        "trigger": "git_push",
    }
    # The provider delivers it again (same id), and someone replays the body under a new id:
    before = hooks.head()
    again = hooks.post(connection, body, headers)
    replayed = hooks.post(connection, body, signed(secret, "push", body))
    assert again.status_code == replayed.status_code == 202
    assert again.json()["deliveryId"] == replayed.json()["deliveryId"] == delivery["id"]
    assert not again.json()["recorded"] and not replayed.json()["recorded"]
    # Nothing new for the webhook process to act on: no delivery, no deployment recorded
    # (the deployer may still record the first deployment's own progress meanwhile).
    assert hooks.caused_since(before) == []
    assert len(hooks.deliveries(connection)) == 1
    deployments = hooks.client(
        "query($s: ID!) { service(id: $s) { deployments(first: 10) { nodes { id } } } }",
        s=service,
    )["service"]["deployments"]["nodes"]
    assert [d["id"] for d in deployments] == [caused["deployment_id"]]


def test_a_push_to_an_unwatched_branch_deploys_nothing_and_says_why(hooks: Hooks) -> None:
    connection, secret = hooks.connection()
    repo = hooks.repo("unwatched")
    hooks.service(repo, connection, {"branch": "main", "environmentId": hooks.production})
    for branch in ("feature/x", "x;$(touch /tmp/pwned)`id`|&>/dev/null"):
        body = push(repo, branch, "b" * 40, "wip", ["a.txt"])
        answer = hooks.post(connection, body, signed(secret, "push", body))
        delivery = hooks.handled(connection, answer.json()["deliveryId"])
        assert delivery["ref"] == branch and delivery["caused"] == []
        assert delivery["outcome"] == f"no service deploys pushes to {branch!r} of {repo.full_name}"
    assert not Path("/tmp/pwned").exists()


def test_a_manual_trigger_records_the_commit_as_waiting(hooks: Hooks) -> None:
    connection, secret = hooks.connection()
    repo = hooks.repo("manual")
    service = hooks.service(
        repo,
        connection,
        {"branch": "release/*", "environmentId": hooks.production, "automatic": False},
    )
    sha = repo.commit("ready", {"v": "2"})
    body = push(repo, "release/2", sha, "ready", ["v"])
    delivery = hooks.handled(
        connection, hooks.post(connection, body, signed(secret, "push", body)).json()["deliveryId"]
    )
    [caused] = delivery["caused"]
    assert (caused["outcome"], caused["commit"], caused["deployment_id"]) == ("wait", sha, None)
    assert "1 commit(s) waiting" in delivery["outcome"]
    deployments = hooks.client(
        "query($s: ID!) { service(id: $s) { deployments(first: 10) { nodes { id } } } }",
        s=service,
    )["service"]["deployments"]["nodes"]
    assert deployments == []


COMMIT_CHECKS = """query($s: ID!) { serviceTriggers(serviceId: $s) {
  triggers commitChecks { commit branch state reason summary deploymentId context } } }"""


def closed_port() -> int:
    """A loopback port nothing listens on (a provider that does not answer)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_wait_for_ci_holds_a_push_back_until_the_provider_answers_for_its_checks(
    hooks: Hooks,
) -> None:
    """The running server's wait-for-CI process asks the real GitHub adapter about the
    commit. The test's repositories are local paths, which no GitHub repository is named
    like: the adapter refuses the name before any call (the API address, a loopback port
    nothing listens on, is never reached), so the wait ends as given up with the provider's
    reason, recorded, and nothing deploys."""
    made = hooks.client(
        "mutation($o: ID!, $u: String!) { createGitConnection(organizationId: $o, provider: "
        '"github", name: "GHE", apiUrl: $u, accessToken: "ghp-e2e-token") { id webhookSecret } }',
        o=hooks.org,
        u=f"http://127.0.0.1:{closed_port()}/api/v3",
    )["createGitConnection"]
    connection, secret = made["id"], made["webhookSecret"].encode()
    repo = hooks.repo("checked")
    service = hooks.service(
        repo,
        connection,
        {"branch": "main", "environmentId": hooks.production, "waitForCi": True},
    )
    sha = repo.commit("tested change", {"app.py": "print('ok')\n"})
    body = push(repo, "main", sha, "tested change", ["app.py"])
    before = hooks.head()
    answer = hooks.post(connection, body, signed(secret, "push", body))
    delivery = hooks.handled(connection, answer.json()["deliveryId"])
    [caused] = delivery["caused"]
    assert (caused["outcome"], caused["commit"], caused["deployment_id"]) == ("checks", sha, None)
    assert "1 waiting for checks" in delivery["outcome"]
    deadline = time.monotonic() + 30
    while True:
        found = hooks.client(COMMIT_CHECKS, s=service)["serviceTriggers"]
        if found["commitChecks"] and found["commitChecks"][0]["state"] != "waiting":
            break
        assert time.monotonic() < deadline, f"the wait did not end in time: {found}"
        time.sleep(0.1)
    [trigger] = found["triggers"]
    assert trigger["wait_for_ci"] is True and trigger["automatic"] is True
    [ended] = found["commitChecks"]
    assert ended["commit"] == sha and ended["branch"] == "main"
    assert ended["reason"] == "branch matches 'main'; deploys once the checks pass"
    assert (ended["state"], ended["deploymentId"]) == ("gave_up", None)
    assert ended["summary"].startswith("the provider refused: repository ")
    assert ended["summary"].endswith("was not found")
    assert ended["context"].startswith("containr/s-") and ended["context"].endswith("/production")
    assert "Deployment.Requested" not in hooks.caused_since(before)
    # The delivery shows the commit it left waiting, and how the wait ended.
    deliveries = hooks.client(
        "query($c: ID!) { webhookDeliveries(connectionId: $c) { id commitChecks { commit "
        "state serviceId } } }",
        c=connection,
    )["webhookDeliveries"]
    [shown] = [d for d in deliveries if d["id"] == delivery["id"]]
    assert shown["commitChecks"] == [{"commit": sha, "state": "gave_up", "serviceId": service}]


def test_wait_for_ci_on_a_manual_trigger_or_without_a_token_is_refused_changing_nothing(
    hooks: Hooks,
) -> None:
    connection, _ = hooks.connection()
    repo = hooks.repo("manual-ci")
    service = hooks.service(repo, connection, {"branch": "main", "environmentId": hooks.production})
    refused = hooks.client.raw(
        TRIGGERS,
        {
            "s": service,
            "c": connection,
            "t": [
                {
                    "branch": "main",
                    "environmentId": hooks.production,
                    "automatic": False,
                    "waitForCi": True,
                }
            ],
        },
    )
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["argument"] == "triggers.waitForCi"
    assert "wait for CI only applies to automatic triggers" in error["message"]
    not_a_bool = hooks.client.raw(
        TRIGGERS,
        {
            "s": service,
            "c": connection,
            "t": [{"branch": "main", "environmentId": hooks.production, "waitForCi": "yes"}],
        },
    )
    assert not_a_bool["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    tokenless = hooks.client.raw(
        TRIGGERS,
        {
            "s": service,
            "c": connection,
            "t": [{"branch": "main", "environmentId": hooks.production, "waitForCi": True}],
        },
    )
    [error] = tokenless["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert "has no access token" in error["message"]
    found = hooks.client(COMMIT_CHECKS, s=service)["serviceTriggers"]
    assert [t["wait_for_ci"] for t in found["triggers"]] == [False]
    assert found["commitChecks"] == []


def test_watch_paths_and_skip_markers_hold_a_push_back(hooks: Hooks) -> None:
    connection, secret = hooks.connection()
    repo = hooks.repo("watched")
    hooks.service(
        repo,
        connection,
        {"branch": "main", "environmentId": hooks.production, "watchPaths": ["api/**"]},
    )
    outcomes = []
    for message, files in (
        ("docs only", ["docs/readme.md"]),
        ("api change [skip deploy]", ["api/main.py"]),
        ("api change", ["api/main.py"]),
    ):
        sha = repo.commit(message, dict.fromkeys(files, message))
        body = push(repo, "main", sha, message, files)
        answer = hooks.post(connection, body, signed(secret, "push", body))
        [caused] = hooks.handled(connection, answer.json()["deliveryId"])["caused"]
        outcomes.append((caused["outcome"], caused["reason"]))
    assert outcomes[0] == ("skip", "no changed file is under the watch paths")
    assert outcomes[1] == ("skip", "the head commit's message asks to skip deploying")
    assert outcomes[2][0] == "deploy"


@pytest.mark.parametrize("provider", ["gitlab", "bitbucket"])
def test_gitlab_and_bitbucket_pushes_deploy_too(hooks: Hooks, provider: str) -> None:
    """Their documented push payloads (tests/providers), verified as each provider signs."""
    made = hooks.client(
        "mutation($o: ID!, $p: String!) { createGitConnection(organizationId: $o, provider: $p, "
        'name: "Self-hosted") { id webhookSecret } }',
        o=hooks.org,
        p=provider,
    )["createGitConnection"]
    connection, secret = made["id"], made["webhookSecret"].encode()
    repo = hooks.repo(provider)
    service = hooks.service(repo, connection, {"branch": "main", "environmentId": hooks.production})
    payload = json.loads((PROVIDERS / f"{provider}/{PUSH_FILES[provider]}").read_bytes())
    if provider == "gitlab":
        payload["project"]["path_with_namespace"] = repo.full_name
        commit = payload["after"]
        headers = {
            "X-Gitlab-Event": "Push Hook",
            "X-Gitlab-Event-UUID": str(uuid.uuid4()),
            "X-Gitlab-Token": secret.decode(),
        }
    else:
        payload["repository"]["full_name"] = repo.full_name
        commit = payload["push"]["changes"][0]["new"]["target"]["hash"]
        headers = {"X-Event-Key": "repo:push", "X-Request-UUID": str(uuid.uuid4())}
    body = json.dumps(payload).encode()
    if provider == "bitbucket":
        headers["X-Hub-Signature"] = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    headers["Content-Type"] = "application/json"
    forged = {**headers, "X-Gitlab-Token": "guess", "X-Hub-Signature": "sha256=" + "0" * 64}
    assert hooks.post(connection, body, forged).status_code == 401
    answer = hooks.post(connection, body, headers)
    assert answer.status_code == 202, answer.text
    [caused] = hooks.handled(connection, answer.json()["deliveryId"])["caused"]
    assert (caused["outcome"], caused["service_id"], caused["commit"]) == (
        "deploy",
        service,
        commit,
    )


# Reading connections and triggers


def test_connections_are_listed_and_their_secret_is_refused_to_outsiders(hooks: Hooks) -> None:
    connection, _ = hooks.connection()
    listed = hooks.client(
        "query($o: ID!) { gitConnections(organizationId: $o) { id provider apiUrl } }",
        o=hooks.org,
    )["gitConnections"]
    assert {"id": connection, "provider": "github", "apiUrl": "https://api.github.com"} in listed
    outsider = Client(hooks.server.url)
    outsider.sign_up(f"x-{uuid.uuid4().hex[:6]}@elsewhere.example")
    refused = outsider.raw(
        "query($c: ID!) { gitConnection(id: $c) { webhookSecret } }", {"c": connection}
    )
    assert [e["extensions"]["code"] for e in refused["errors"]] == ["FORBIDDEN"]
    outsider.http.close()


LIVE_DELIVERIES = """subscription($c: ID!) { webhookDeliveries(connectionId: $c) {
  id deliveryId event kind handled outcome } }"""


def test_a_connections_deliveries_arrive_live_as_received_and_as_handled(hooks: Hooks) -> None:
    connection, secret = hooks.connection()
    repo = hooks.repo("live")
    sha = repo.commit("change", {"app.py": "x = 1\n"})
    hooks.service(repo, connection, {"branch": "main", "environmentId": hooks.production})
    with hooks.client.subscribe(LIVE_DELIVERIES, c=connection) as live:
        body = push(repo, "elsewhere", sha, "change", ["app.py"])
        provider_id = str(uuid.uuid4())
        answer = hooks.post(connection, body, signed(secret, "push", body, provider_id))
        assert answer.status_code == 202, answer.text
        delivery = answer.json()["deliveryId"]
        seen = []
        while not (seen and seen[-1]["handled"]):
            row = live.next(timeout=30)["webhookDeliveries"]
            assert (row["id"], row["deliveryId"], row["event"]) == (delivery, provider_id, "push")
            seen.append(row)
    assert seen[-1]["outcome"], "the handled delivery says what it did and why"
    assert len(seen) <= 2, "received, then handled: each change once"


def test_another_organisation_cannot_follow_a_connections_deliveries(hooks: Hooks) -> None:
    connection, _ = hooks.connection()
    outsider = Client(hooks.server.url)
    outsider.sign_up(f"x-{uuid.uuid4().hex[:6]}@elsewhere.example")
    with (
        outsider.subscribe(LIVE_DELIVERIES, c=connection) as live,
        pytest.raises(GraphQLError) as e,
    ):
        live.next(timeout=30)
    assert e.value.codes == ["FORBIDDEN"]
    outsider.http.close()
