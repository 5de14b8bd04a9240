"""The GitProviderApi contract, run against the three real adapters and the in-memory fake.

- GitHub: the githubkit adapter pointed at ``@octokit/fixtures-server`` (recorded real
  GitHub API traffic, tests/providers) for the calls its scenarios record:
  ``get-repository`` (one repository) and ``create-status`` (commit statuses; the server
  answers only when a request matches the recording exactly: method, path, headers, body).
  The scenarios record no authenticated user, repository listing, branches, webhooks,
  check runs, comments, 401 or 5xx, so those calls are served by a local HTTP server with
  GitHub's documented example responses (tests/providers/github/api) under an Enterprise
  base URL (``/api/v3``); the combined status it serves is the one recorded in
  ``create-status``, and the second repository page the one recorded in ``get-repository``.
- GitLab and Bitbucket Cloud: the python-gitlab and atlassian-python-api adapters against
  a local HTTP server serving their documented example responses
  (tests/providers/gitlab/api, tests/providers/bitbucket/api).
- The fake (adapters/fake_git_providers.py), set up with the same facts.

Each behaviour is one test parametrised over the four; a world (per provider) says where
its API is, what the provider's responses say, and what the provider received.
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from adapters.fake_git_providers import FakeGitProviderApis, StatusReport
from adapters.git_providers import ProviderApis
from application.git_providers import (
    CommitState,
    GitProviderApi,
    ProviderAccessError,
    ProviderUnavailableError,
)
from tests.conftest import service_missing

PROVIDERS = Path(__file__).parents[1] / "providers"
OCTOKIT = PROVIDERS / "node_modules/@octokit"
SCENARIOS = OCTOKIT / "fixtures/scenarios/api.github.com"
SERVER_BIN = PROVIDERS / "node_modules/.bin/octokit-fixtures-server"
# The recordings' token (their placeholder, not a secret); the documented worlds use TOKEN.
RECORDED_TOKEN = "0000000000000000000000000000000000000001"
TOKEN = "tok_S3cr3t-Value-0123456789abcdef"
SECRET = "whsec_Sh0uld-N3ver-Leak-0123456789"
HOOK_URL = "https://containr.example.com/webhooks/7f1c2b4e"
OWN_CONTEXT = "containr"
TIMEOUT = 10.0
SILENT_TIMEOUT = 0.5
# The two statuses the ``create-status`` recording holds, in its order.
RECORDED_STATUSES = [
    (CommitState.FAILURE, "example/1", "create-status failure test"),
    (CommitState.SUCCESS, "example/2", "create-status success test"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def data(provider: str, name: str) -> Any:
    return json.loads((PROVIDERS / provider / "api" / f"{name}.json").read_text())


def recorded(scenario: str, index: int) -> Any:
    fixture = json.loads((SCENARIOS / scenario / "normalized-fixture.json").read_text())
    return fixture[index]["response"]


# --- a small provider HTTP server ---------------------------------------------------------

Reply = tuple[int, Any, dict[str, str]]


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Routes:
    """(method, raw path) → replies, consumed in order (the last one repeats); a dict of
    replies by ``page`` for listings."""

    table: dict[tuple[str, str], list[Reply] | dict[str, Reply]]
    missing: Reply
    received: list[Received] = field(default_factory=list)

    def answer(self, request: Received) -> Reply:
        self.received.append(request)
        replies = self.table.get((request.method, request.path))
        if replies is None:
            return self.missing
        if isinstance(replies, dict):
            return replies.get(request.query.get("page", "1"), self.missing)
        return replies.pop(0) if len(replies) > 1 else replies[0]

    def bodies(self, method: str, suffix: str) -> list[Any]:
        return [r.body for r in self.received if r.method == method and r.path.endswith(suffix)]


class ProviderServer:
    """A threaded HTTP server answering with ``answer(request)``."""

    def __init__(self, answer: Callable[[Received], Reply]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
                request = Received(
                    method=self.command,
                    path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                )
                status, payload, headers = answer(request)
                if isinstance(payload, str):
                    out, kind = payload.encode(), "text/plain; charset=utf-8"
                else:
                    out, kind = json.dumps(payload).encode(), "application/json; charset=utf-8"
                self.send_response(status)
                if payload is not None:
                    self.send_header("Content-Type", kind)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


class SilentServer:
    """Accepts connections (the kernel's backlog) and never answers."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def close(self) -> None:
        self.sock.close()


def echoing(error: Callable[[str], Any]) -> Callable[[Received], Reply]:
    """A provider that refuses with a message repeating everything it was sent: the
    credentials (basic auth decoded) and the body."""

    def answer(request: Received) -> Reply:
        seen = list(request.headers.values())
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            seen.append(base64.b64decode(auth[6:]).decode(errors="replace"))
        seen.append(json.dumps(request.body))
        return 401, error("refused: " + " ".join(seen)), {}

    return answer


# --- the fixtures server ------------------------------------------------------------------


@pytest.fixture(scope="module")
def octokit() -> Iterator[str]:
    """``octokit-fixtures-server`` on a free port; its base URL."""
    if not SERVER_BIN.exists():
        service_missing(
            "@octokit/fixtures-server", "run tests/services (npm ci in tests/providers)"
        )
    port = free_port()
    process = subprocess.Popen(
        [str(SERVER_BIN), "--port", str(port), "--log-level", "error"],
        cwd=PROVIDERS,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):  # up to a minute on a loaded machine
            try:
                if httpx.get(f"{base}/ping", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            try:
                process.wait(timeout=0.1)  # the pause between polls; ends early if it died
            except subprocess.TimeoutExpired:
                continue
            service_missing(
                "octokit-fixtures-server", process.stderr.read() if process.stderr else ""
            )
        else:
            pytest.fail("octokit-fixtures-server did not answer /ping within a minute")
        yield base
    finally:
        process.kill()
        process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()


def load_scenario(base: str, scenario: str) -> str:
    """Load a recorded scenario; the URL to use as GitHub's API address."""
    response = httpx.post(f"{base}/fixtures", json={"scenario": scenario}, timeout=10)
    assert response.status_code == 201, response.text
    url: str = response.json()["url"]
    return url


# --- worlds -------------------------------------------------------------------------------


@dataclass
class Expected:
    """What the provider's (recorded or documented) responses say."""

    login: str
    name: str | None
    pages: list[list[str]]
    """Repository full names, page by page, at one repository per page."""
    repository: str
    default_branch: str | None
    private: bool
    clone_url: str
    web_url: str
    branches: list[tuple[str, str]]
    hook_id: str
    events: list[str]
    """The events a registered webhook asks for, in the provider's words."""
    verdict: str
    """The commit's checks without Containr's own status."""
    verdict_with_own: str
    """… and with it (Containr's status counted, as when another context is ignored)."""
    refused: str
    missing: str


@dataclass
class World:
    """One provider's place in the contract: how to reach it and what it says and saw."""

    name: str
    open: Callable[[str], GitProviderApi]
    """The API for a behaviour (``repository``, ``statuses``, ``docs``, ``refusing``,
    ``failing``, ``silent``, ``echoing``)."""
    repo: str
    missing_repo: str
    sha: str
    pull_request: int
    expected: Expected
    hooks_seen: Callable[[], list[tuple[str, str | None, list[str]]]]
    """(url, secret, events) of every webhook the provider was asked to register."""
    statuses_seen: Callable[[], list[tuple[str, str, str, str | None]]]
    """(state as the provider words it, context, description, target URL) received."""
    comments_seen: Callable[[], list[tuple[int, str]]]
    throttled_requests: Callable[[], int]
    """How many requests the rate-limiting provider received."""
    token: str = TOKEN
    status_repo: str = ""
    """Where the statuses are set (GitHub: the ``create-status`` recording's repository)."""

    def __post_init__(self) -> None:
        self.status_repo = self.status_repo or self.repo


def _serve(routes: Routes, closers: list[Callable[[], None]]) -> str:
    server = ProviderServer(routes.answer)
    closers.append(server.close)
    return server.url


class Servers:
    """A provider's documented, refusing, failing, throttling, silent and echoing servers,
    each started when a behaviour first asks for its API address (``path`` is the API's
    prefix)."""

    KINDS = ("refusing", "failing", "throttled", "silent", "echoing", "garbled", "closed")

    def __init__(
        self,
        provider: str,
        routes: Routes,
        error: Callable[[str], Any],
        path: str,
        closers: list[Callable[[], None]],
        throttle: Reply,
    ) -> None:
        self.provider, self.routes, self.error, self.path = provider, routes, error, path
        self.closers = closers
        self.urls: dict[str, str] = {}
        self.throttled = Routes({}, missing=throttle)

    def url(self, behaviour: str) -> str:
        kind = behaviour if behaviour in self.KINDS else "docs"
        if kind not in self.urls:
            self.urls[kind] = self._start(kind) + self.path
        return self.urls[kind]

    def _start(self, kind: str) -> str:
        server: ProviderServer | SilentServer
        if kind == "closed":  # nothing listens there
            return f"http://127.0.0.1:{free_port()}"
        if kind == "silent":
            server = SilentServer()
        elif kind == "echoing":
            server = ProviderServer(echoing(self.error))
        elif kind == "docs":
            server = ProviderServer(self.routes.answer)
        elif kind == "throttled":
            server = ProviderServer(self.throttled.answer)
        elif kind == "garbled":  # a proxy's sign-in page where the API should be
            page = "<html><body>Please sign in to the network</body></html>"
            server = ProviderServer(Routes({}, missing=(200, page, {})).answer)
        else:
            status = 401 if kind == "refusing" else 503
            body = data(self.provider, f"error_{status}")
            server = ProviderServer(Routes({}, missing=(status, body, {})).answer)
        self.closers.append(server.close)
        return server.url


def github_world(closers: list[Callable[[], None]], request: pytest.FixtureRequest) -> World:
    repo, sha = "octocat/Hello-World", RECORDED_TOKEN
    base = f"/api/v3/repos/{repo}"
    recorded_repo = recorded("get-repository", 0)
    routes = Routes(
        {
            ("GET", "/api/v3/user"): [(200, data("github", "user"), {})],
            ("GET", "/api/v3/user/repos"): {
                "1": (
                    200,
                    data("github", "user_repos"),
                    {"Link": '<https://api.github.com/user/repos?page=2&per_page=1>; rel="next"'},
                ),
                "2": (200, [recorded_repo], {}),
            },
            ("GET", f"{base}/branches"): [(200, data("github", "branches"), {})],
            ("POST", f"{base}/hooks"): [(201, data("github", "hook"), {})],
            ("GET", f"{base}/hooks"): [(200, [data("github", "hook")], {})],
            ("DELETE", f"{base}/hooks/12345678"): [
                (204, None, {}),
                (404, data("github", "error_404"), {}),
            ],
            ("GET", f"{base}/commits/{sha}/status"): [(200, recorded("create-status", 3), {})],
            ("GET", f"{base}/commits/{sha}/check-runs"): [(200, data("github", "check_runs"), {})],
            ("POST", f"{base}/issues/1347/comments"): [(201, data("github", "issue_comment"), {})],
        },
        missing=(404, data("github", "error_404"), {}),
    )
    servers = Servers(
        "github",
        routes,
        lambda m: {"message": m, "status": "401"},
        "/api/v3",
        closers,
        throttle=(
            403,
            {"message": "API rate limit exceeded for user ID 1.", "status": "403"},
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1", "Retry-After": "1"},
        ),
    )
    apis = ProviderApis(timeout=TIMEOUT)
    silent = ProviderApis(timeout=SILENT_TIMEOUT)

    def open_api(behaviour: str) -> GitProviderApi:
        if behaviour in ("repository", "statuses"):
            octokit = request.getfixturevalue("octokit")
            scenario = "get-repository" if behaviour == "repository" else "create-status"
            return apis.open("github", load_scenario(octokit, scenario), RECORDED_TOKEN)
        api_url = servers.url(behaviour)
        return (silent if behaviour == "silent" else apis).open("github", api_url, TOKEN)

    return World(
        name="github",
        open=open_api,
        status_repo="octokit-fixture-org/create-status",
        repo=repo,
        missing_repo="octocat/gone",
        sha=sha,
        pull_request=1347,
        expected=Expected(
            login="octocat",
            name="monalisa octocat",
            pages=[["octocat/Hello-World"], ["octokit-fixture-org/hello-world"]],
            repository="octokit-fixture-org/hello-world",
            default_branch="master",
            private=False,
            clone_url="/octokit-fixture-org/hello-world.git",
            web_url="/octokit-fixture-org/hello-world",
            branches=[("master", "c5b97d5ae6c19d5c5df71a34c7fbeeda2479ccbc")],
            hook_id="12345678",
            events=["push", "pull_request", "release"],
            verdict="success",  # example/2 success, mighty_readme neutral (example/1 is "ours")
            verdict_with_own="failure",  # example/1 failed
            refused="Bad credentials",
            missing="Not Found",
        ),
        hooks_seen=lambda: [
            (b["config"]["url"], b["config"].get("secret"), b["events"])
            for b in routes.bodies("POST", "/hooks")
        ],
        # The recording checked the two statuses (it answers only an exact match).
        statuses_seen=lambda: [
            (("failure", "success")[i], ctx, desc, "https://example.com")
            for i, (_, ctx, desc) in enumerate(RECORDED_STATUSES)
        ],
        comments_seen=lambda: [(1347, b["body"]) for b in routes.bodies("POST", "/comments")],
        throttled_requests=lambda: len(servers.throttled.received),
    )


def gitlab_world(closers: list[Callable[[], None]], request: pytest.FixtureRequest) -> World:
    repo, sha = "diaspora/diaspora-project-site", "18f3e63d05582537db6d183d9d557be09e1f90c8"
    base = "/api/v4/projects/diaspora%2Fdiaspora-project-site"
    own = {"name": OWN_CONTEXT, "status": "failed", "allow_failure": False, "sha": sha, "id": 94}
    routes = Routes(
        {
            ("GET", "/api/v4/user"): [(200, data("gitlab", "user"), {})],
            ("GET", "/api/v4/projects"): {
                "1": (200, data("gitlab", "projects_page1"), {"X-Next-Page": "2", "X-Page": "1"}),
                "2": (200, data("gitlab", "projects_page2"), {"X-Next-Page": "", "X-Page": "2"}),
            },
            ("GET", base): [(200, data("gitlab", "project"), {})],
            ("GET", f"{base}/repository/branches"): [
                (200, data("gitlab", "branches"), {"X-Next-Page": ""})
            ],
            ("POST", f"{base}/hooks"): [(201, data("gitlab", "hook"), {})],
            ("GET", f"{base}/hooks"): [(200, [data("gitlab", "hook")], {})],
            ("DELETE", f"{base}/hooks/1"): [
                (204, None, {}),
                (404, {"message": "404 Not found"}, {}),
            ],
            ("POST", f"{base}/statuses/{sha}"): [(201, data("gitlab", "commit_status"), {})],
            ("GET", f"{base}/repository/commits/{sha}/statuses"): [
                (200, [*data("gitlab", "commit_statuses"), own], {})
            ],
            ("POST", f"{base}/merge_requests/2/notes"): [(201, data("gitlab", "note"), {})],
        },
        missing=(404, data("gitlab", "error_404"), {}),
    )
    servers = Servers(
        "gitlab",
        routes,
        lambda m: {"message": m},
        "/api/v4",
        closers,
        throttle=(429, "Retry later\n", {"Retry-After": "1", "RateLimit-Remaining": "0"}),
    )
    apis, silent = ProviderApis(timeout=TIMEOUT), ProviderApis(timeout=SILENT_TIMEOUT)

    def open_api(behaviour: str) -> GitProviderApi:
        api_url = servers.url(behaviour)
        return (silent if behaviour == "silent" else apis).open("gitlab", api_url, TOKEN)

    return World(
        name="gitlab",
        open=open_api,
        repo=repo,
        missing_repo="diaspora/gone",
        sha=sha,
        pull_request=2,
        expected=Expected(
            login="john_smith",
            name="John Smith",
            pages=[["diaspora/diaspora-client"], ["brightbox/puppet"]],
            repository=repo,
            default_branch="main",
            private=True,
            clone_url="https://gitlab.example.com/diaspora/diaspora-project-site.git",
            web_url="https://gitlab.example.com/diaspora/diaspora-project-site",
            branches=[("main", "7b5c3cc8be40ee161ae89a06bba6229da1032a0c")],
            hook_id="1",
            events=["push_events", "merge_requests_events", "tag_push_events", "releases_events"],
            verdict="pending",  # bundler:audit and flay are pending
            verdict_with_own="failure",
            refused="401 Unauthorized",
            missing="404 Project Not Found",
        ),
        hooks_seen=lambda: [
            (
                b["url"],
                b.get("token"),
                [
                    e
                    for e in (
                        "push_events",
                        "merge_requests_events",
                        "tag_push_events",
                        "releases_events",
                    )
                    if b.get(e) is True
                ],
            )
            for b in routes.bodies("POST", "/hooks")
        ],
        statuses_seen=lambda: [
            (b["state"], b["name"], b["description"], b.get("target_url"))
            for b in routes.bodies("POST", f"/statuses/{sha}")
        ],
        comments_seen=lambda: [(2, b["body"]) for b in routes.bodies("POST", "/notes")],
        throttled_requests=lambda: len(servers.throttled.received),
    )


def bitbucket_world(closers: list[Callable[[], None]], request: pytest.FixtureRequest) -> World:
    repo, sha = "emmap1/bitbucketstationlocations", "e10dae226959c2194f2b07b077c07762d93821cf"
    base = f"/2.0/repositories/{repo}"
    statuses = data("bitbucket", "commit_statuses")
    own = {**statuses["values"][0], "key": OWN_CONTEXT, "name": OWN_CONTEXT, "state": "FAILED"}
    hook_id = data("bitbucket", "hook")["uuid"]
    routes = Routes(
        {
            ("GET", "/2.0/user"): [(200, data("bitbucket", "user"), {})],
            ("GET", "/2.0/repositories"): {
                "1": (200, data("bitbucket", "repositories_page1"), {}),
                "2": (200, data("bitbucket", "repositories_page2"), {}),
            },
            ("GET", base): [(200, data("bitbucket", "repository"), {})],
            ("GET", f"{base}/refs/branches"): [(200, data("bitbucket", "branches"), {})],
            ("POST", f"{base}/hooks"): [(201, data("bitbucket", "hook"), {})],
            ("GET", f"{base}/hooks"): [
                (
                    200,
                    {"pagelen": 100, "page": 1, "size": 1, "values": [data("bitbucket", "hook")]},
                    {},
                )
            ],
            ("DELETE", f"{base}/hooks/%7Bc8d7b2a4-0f1e-4f3e-8b6a-2d9e1c7f5a30%7D"): [
                (204, None, {}),
                (404, data("bitbucket", "error_404"), {}),
            ],
            ("POST", f"{base}/commit/{sha}/statuses/build"): [
                (201, data("bitbucket", "build_status"), {})
            ],
            ("GET", f"{base}/commit/{sha}/statuses"): [
                (200, {**statuses, "values": [*statuses["values"], own]}, {})
            ],
            ("POST", f"{base}/pullrequests/1/comments"): [
                (201, data("bitbucket", "pullrequest_comment"), {})
            ],
        },
        missing=(404, data("bitbucket", "error_404"), {}),
    )
    servers = Servers(
        "bitbucket",
        routes,
        lambda m: {"type": "error", "error": {"message": m}},
        "/2.0",
        closers,
        throttle=(
            429,
            {
                "type": "error",
                "error": {"message": "Rate limit for this resource has been exceeded"},
            },
            {"Retry-After": "1"},
        ),
    )
    apis, silent = ProviderApis(timeout=TIMEOUT), ProviderApis(timeout=SILENT_TIMEOUT)
    token = "emmap1:" + TOKEN  # an app password, as username:password

    def open_api(behaviour: str) -> GitProviderApi:
        api_url = servers.url(behaviour)
        return (silent if behaviour == "silent" else apis).open("bitbucket", api_url, token)

    return World(
        name="bitbucket",
        open=open_api,
        repo=repo,
        missing_repo="emmap1/gone",
        sha=sha,
        pull_request=1,
        token=token,
        expected=Expected(
            login="emmap1",
            name="Emma",
            pages=[["emmap1/bitbucketstationlocations"], ["emmap1/bitbucketspacestation"]],
            repository=repo,
            default_branch="main",
            private=True,
            clone_url="https://bitbucket.org/emmap1/bitbucketstationlocations.git",
            web_url="https://bitbucket.org/emmap1/bitbucketstationlocations",
            branches=[("main", "e10dae226959c2194f2b07b077c07762d93821cf")],
            hook_id=hook_id,
            events=[
                "repo:push",
                "pullrequest:created",
                "pullrequest:updated",
                "pullrequest:fulfilled",
                "pullrequest:rejected",
            ],
            verdict="pending",  # MY-BUILD successful, LINT in progress
            verdict_with_own="failure",
            refused="Token is invalid, expired, or not supported for this endpoint.",
            missing=data("bitbucket", "error_404")["error"]["message"],
        ),
        hooks_seen=lambda: [
            (b["url"], b.get("secret"), b["events"]) for b in routes.bodies("POST", "/hooks")
        ],
        statuses_seen=lambda: [
            (b["state"], b["key"], b["description"], b["url"])
            for b in routes.bodies("POST", "/statuses/build")
        ],
        comments_seen=lambda: [
            (1, b["content"]["raw"]) for b in routes.bodies("POST", "/pullrequests/1/comments")
        ],
        throttled_requests=lambda: len(servers.throttled.received),
    )


def fake_world(closers: list[Callable[[], None]], request: pytest.FixtureRequest) -> World:
    apis = FakeGitProviderApis()
    repo, sha = "acme/shop", "a" * 40
    url = "https://git.example.test/api"
    provider = apis.provider("github", url)
    provider.login = "acme-bot"
    provider.add_repository("acme/api", branches={"main": "b" * 40})
    provider.add_repository(repo, branches={"main": "c" * 40, "feature": "d" * 40})
    # Another tool's check, and Containr's own status (which, as at a real provider, counts
    # among the commit's checks unless it is left out).
    seeded = [
        StatusReport(repo, sha, CommitState.PENDING, "ci/build", "building", None),
        StatusReport(repo, sha, CommitState.FAILURE, OWN_CONTEXT, "failed", None),
    ]
    provider.statuses.extend(seeded)
    refusing = apis.provider("github", "https://refusing.example.test")
    refusing.refused = "Bad credentials"
    failing = apis.provider("github", "https://failing.example.test")
    failing.unavailable = "HTTP 503: Service Unavailable"
    addresses = {
        "refusing": "https://refusing.example.test",
        "echoing": "https://refusing.example.test",
        "failing": "https://failing.example.test",
        "throttled": "https://failing.example.test",
        "garbled": "https://failing.example.test",
        "closed": "https://failing.example.test",
        "silent": "https://failing.example.test",
    }
    words = {
        CommitState.FAILURE: "failure",
        CommitState.SUCCESS: "success",
        CommitState.PENDING: "pending",
        CommitState.RUNNING: "running",
        CommitState.CANCELED: "canceled",
    }
    return World(
        name="fake",
        open=lambda behaviour: apis.open("github", addresses.get(behaviour, url), TOKEN),
        repo=repo,
        missing_repo="acme/gone",
        sha=sha,
        pull_request=7,
        expected=Expected(
            login="acme-bot",
            name=None,
            pages=[["acme/api"], ["acme/shop"]],
            repository=repo,
            default_branch="main",
            private=True,
            clone_url="https://git.example.test/acme/shop.git",
            web_url="https://git.example.test/acme/shop",
            branches=[("main", "c" * 40), ("feature", "d" * 40)],
            hook_id="1",
            events=["push", "pull_request", "release"],
            verdict="pending",
            verdict_with_own="failure",
            refused="Bad credentials",
            missing="repository acme/gone was not found",
        ),
        hooks_seen=lambda: [
            (h.url, provider.hook_secrets[h.hook_id], ["push", "pull_request", "release"])
            for h in provider.webhooks.get(repo, {}).values()
        ],
        statuses_seen=lambda: [
            (words[s.state], s.context, s.description, s.target_url)
            for s in provider.statuses
            if s not in seeded
        ],
        comments_seen=lambda: [(pr, body) for _, pr, body in provider.comments],
        throttled_requests=lambda: failing.calls,
    )


WORLDS = {
    "github": github_world,
    "gitlab": gitlab_world,
    "bitbucket": bitbucket_world,
    "fake": fake_world,
}


@pytest.fixture(params=list(WORLDS))
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    closers: list[Callable[[], None]] = []
    try:
        yield WORLDS[request.param](closers, request)
    finally:
        for close in reversed(closers):
            close()


# --- the contract -------------------------------------------------------------------------


def test_account_is_whom_the_token_acts_as(world: World) -> None:
    account = world.open("account").account()
    assert (account.login, account.name) == (world.expected.login, world.expected.name)


def test_repositories_come_one_page_at_a_time(world: World) -> None:
    api = world.open("repositories")
    first = api.repositories(page=1, per_page=1)
    assert [r.full_name for r in first.items] == world.expected.pages[0]  # type: ignore[union-attr]
    assert first.next_page == 2
    second = api.repositories(page=first.next_page, per_page=1)
    assert [r.full_name for r in second.items] == world.expected.pages[1]  # type: ignore[union-attr]
    assert second.next_page is None


def test_repository_is_read_by_full_name(world: World) -> None:
    repo = world.open("repository").repository(world.expected.repository)
    expected = world.expected
    assert repo.full_name == expected.repository
    assert (repo.default_branch, repo.private) == (expected.default_branch, expected.private)
    assert repo.clone_url.endswith(expected.clone_url)
    assert repo.web_url.endswith(expected.web_url)


def test_a_repository_the_token_cannot_see_is_refused_with_the_providers_reason(
    world: World,
) -> None:
    with pytest.raises(ProviderAccessError) as refused:
        world.open("docs").repository(world.missing_repo)
    assert refused.value.status == 404
    assert refused.value.reason == world.expected.missing


def test_a_malformed_repository_name_never_reaches_the_provider(world: World) -> None:
    api = world.open("docs")
    for name in ("no-owner", "acme/../../user", "acme/shop?x=1", "acme/shop#frag"):
        with pytest.raises(ProviderAccessError):
            api.repository(name)


def test_branches_carry_their_head_commit(world: World) -> None:
    page = world.open("branches").branches(world.repo, page=1, per_page=100)
    assert [(b.name, b.commit_sha) for b in page.items] == world.expected.branches  # type: ignore[union-attr]
    assert page.next_page is None


def test_a_webhook_is_registered_for_push_pull_request_and_release_and_removed(
    world: World,
) -> None:
    api = world.open("webhooks")
    hook = api.register_webhook(world.repo, HOOK_URL, SECRET)
    assert hook.hook_id == world.expected.hook_id
    [(url, secret, events)] = world.hooks_seen()
    assert (url, secret) == (HOOK_URL, SECRET)
    assert events == world.expected.events
    assert SECRET not in repr(hook)
    listed = api.webhooks(world.repo)  # how a registration lost in a crash is found again
    assert [h.hook_id for h in listed] == [hook.hook_id]
    assert all(h.url.startswith(("http://", "https://")) for h in listed)
    api.remove_webhook(world.repo, hook.hook_id)
    api.remove_webhook(world.repo, hook.hook_id)  # already gone: counts as removed


def test_commit_statuses_are_reported_with_context_description_and_link(world: World) -> None:
    api = world.open("statuses")
    for state, context, description in RECORDED_STATUSES:
        api.set_commit_status(
            world.status_repo,
            world.sha,
            state,
            context=context,
            description=description,
            target_url="https://example.com",
        )
    seen = world.statuses_seen()
    assert [(context, description) for _, context, description, _ in seen] == [
        (context, description) for _, context, description in RECORDED_STATUSES
    ]
    assert all(url == "https://example.com" for *_, url in seen)
    words = [state for state, *_ in seen]
    assert words[0].lower().startswith("fail") and words[1].lower().startswith("success")


def test_checks_verdict_leaves_out_containrs_own_status(world: World) -> None:
    api = world.open("checks")
    own = "example/1" if world.name == "github" else OWN_CONTEXT
    verdict = api.checks(world.repo, world.sha, ignore_context=own)
    assert verdict.state == world.expected.verdict
    assert verdict.summary
    counted = api.checks(world.repo, world.sha, ignore_context="someone-else")
    assert counted.state == world.expected.verdict_with_own
    # The context is a prefix: every status of Containr's, whichever service reported it.
    # (GitHub: "example/" leaves out example/2's success too; mighty_readme's neutral stays.)
    by_prefix = api.checks(world.repo, world.sha, ignore_context=own[:-1])
    assert by_prefix.state == world.expected.verdict


def test_a_comment_is_posted_on_the_pull_request(world: World) -> None:
    body = "Preview ready: https://pr-7.shop.example.com"
    world.open("comment").comment(world.repo, world.pull_request, body)
    assert world.comments_seen() == [(world.pull_request, body)]


def test_a_refused_token_is_an_access_error_with_the_providers_reason(world: World) -> None:
    with pytest.raises(ProviderAccessError) as refused:
        world.open("refusing").account()
    assert refused.value.status == 401
    assert refused.value.reason == world.expected.refused
    assert world.token not in str(refused.value)


@pytest.mark.parametrize("outage", ["failing", "closed"])
def test_a_failing_or_unreachable_provider_is_unavailable(world: World, outage: str) -> None:
    api = world.open(outage)
    with pytest.raises(ProviderUnavailableError):
        api.account()
    with pytest.raises(ProviderUnavailableError) as unavailable:
        api.register_webhook(world.repo, HOOK_URL, SECRET)
    assert SECRET not in str(unavailable.value) and world.token not in str(unavailable.value)


def test_a_rate_limited_call_is_unavailable_at_once_not_waited_out_or_retried(
    world: World,
) -> None:
    with pytest.raises(ProviderUnavailableError):
        world.open("throttled").account()
    assert world.throttled_requests() == 1


def test_an_answer_that_is_not_the_providers_api_is_unavailable(world: World) -> None:
    api = world.open("garbled")
    with pytest.raises(ProviderUnavailableError):
        api.account()
    with pytest.raises(ProviderUnavailableError):
        api.repositories()


def test_a_provider_that_never_answers_is_unavailable_within_the_deadline(world: World) -> None:
    api = world.open("silent")
    outcome: list[BaseException] = []

    def call() -> None:
        try:
            api.branches(world.repo)
        except BaseException as exc:
            outcome.append(exc)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    caller.join(timeout=60)  # the adapter's deadline is SILENT_TIMEOUT; a hang fails here
    assert not caller.is_alive(), "the call outlived its deadline"
    [error] = outcome
    assert isinstance(error, ProviderUnavailableError)
    if world.name != "fake":
        assert f"within {SILENT_TIMEOUT:g} s" in error.reason


def test_neither_the_token_nor_the_webhook_secret_reaches_an_error_or_a_repr(
    world: World,
) -> None:
    api = world.open("echoing")
    assert world.token not in repr(api)
    for call in (
        api.account,
        lambda: api.register_webhook(world.repo, HOOK_URL, SECRET),
    ):
        with pytest.raises(ProviderAccessError) as refused:
            call()
        for text in (str(refused.value), repr(refused.value), refused.value.reason):
            assert world.token not in text
            assert TOKEN not in text
            assert SECRET not in text
        # The client library's exception (its request, headers and body) is not chained.
        assert refused.value.__cause__ is None
        assert refused.value.__context__ is None or refused.value.__suppress_context__


def test_unknown_providers_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown git provider"):
        ProviderApis().open("sourcehut", "https://git.sr.ht/api", TOKEN)


def test_neither_the_token_nor_the_webhook_secret_is_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, the client libraries' included
    world.open("webhooks").register_webhook(world.repo, HOOK_URL, SECRET)
    with pytest.raises(ProviderAccessError):
        world.open("echoing").register_webhook(world.repo, HOOK_URL, SECRET)
    logged = caplog.text + " ".join(str(r.args) for r in caplog.records)
    assert world.token not in logged
    assert TOKEN not in logged
    assert SECRET not in logged
