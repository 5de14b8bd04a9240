"""The SourceRepository contract, run against the in-memory fake and the git CLI adapter.

For the git adapter the repositories are real ones made with the git CLI in tmp_path,
reached by file:// URL (and plain path); private ones are served over smart HTTP by
`git http-backend` behind a threaded http.server that demands basic auth.
"""

from __future__ import annotations

import base64
import contextlib
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote

import msgspec
import pytest

from adapters.fake_source import FakeCommit, InMemorySource
from adapters.git_source import GitRepository
from application.runtime_ports import (
    BranchNotFoundError,
    RepositoryNotFoundError,
    SourceError,
    SourceRepository,
    SourceUnreachableError,
)
from application.secrets import Secret

TOKEN = "ghp_S3cr3tT0kenValue_0123456789"
WRONG = "ghp_Wr0ngT0kenValue_9876543210"
ADA = "Ada Lovelace <ada@example.com>"
GRACE = "Grace Hopper <grace@example.com>"

FIRST = FakeCommit(
    files={"README.md": "# Shop\n", "app/main.py": "print('v1')\n", "app/requirements.txt": ""},
    message="Start the shop",
    author=ADA,
)
SECOND = FakeCommit(
    files={
        "README.md": "# Shop\n",
        "app/main.py": "print('v2')\n",
        "app/requirements.txt": "flask\n",
        "app/static/style.css": "body {}\n",
    },
    message="Serve styles\n\nThe body explains why, and is not part of the subject.",
    author=GRACE,
)
FEATURE = FakeCommit(
    files={**SECOND.files, "app/feature.py": "FLAG = True\n"},
    message="Add the feature flag",
    author=ADA,
)
SHOP = {"main": [FIRST, SECOND], "feature": [FIRST, SECOND, FEATURE]}


class World(Protocol):
    """A SourceRepository plus a way to make the repositories it fetches."""

    source: SourceRepository

    def create(self, name: str, branches: dict[str, list[FakeCommit]]) -> str:
        """Make a repository; its URL."""
        ...

    def create_private(self, name: str, branches: dict[str, list[FakeCommit]]) -> str:
        """Make a repository that only TOKEN may fetch; its URL."""
        ...

    def history(self, url: str, branch: str) -> list[str]:
        """The commit ids of a branch, oldest first."""
        ...

    def missing_url(self) -> str:
        """A URL where there is no repository."""
        ...

    def unreachable_url(self) -> str:
        """A URL whose server cannot be reached."""
        ...


class FakeWorld:
    def __init__(self) -> None:
        self.fake = InMemorySource()
        self.source: SourceRepository = self.fake

    def create(self, name: str, branches: dict[str, list[FakeCommit]]) -> str:
        url = f"https://git.example.com/{name}.git"
        self.fake.add(url, branches)
        return url

    def create_private(self, name: str, branches: dict[str, list[FakeCommit]]) -> str:
        url = f"https://git.example.com/private/{name}.git"
        self.fake.add(url, branches, token=Secret(TOKEN))
        return url

    def history(self, url: str, branch: str) -> list[str]:
        return self.fake.history(url, branch)

    def missing_url(self) -> str:
        return "https://git.example.com/nobody/nothing.git"

    def unreachable_url(self) -> str:
        url = "https://git.invalid/shop.git"
        self.fake.unreachable.add(url)
        return url


GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_COMMITTER_NAME": "Containr Tests",
    "GIT_COMMITTER_EMAIL": "tests@containr.invalid",
    "LC_ALL": "C",
}


def git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def build_repository(path: Path, branches: dict[str, list[FakeCommit]]) -> None:
    """A repository whose branches hold these snapshots; shared leading commits are shared."""
    path.mkdir(parents=True)
    git("init", "-q", "-b", next(iter(branches)), cwd=path)
    made: dict[bytes, str] = {}
    for branch, commits in branches.items():
        start = next(
            (i for i in range(len(commits), 0, -1) if msgspec.json.encode(commits[:i]) in made), 0
        )
        if start:
            git(
                "checkout", "-q", "-B", branch, made[msgspec.json.encode(commits[:start])], cwd=path
            )
        else:
            git("symbolic-ref", "HEAD", f"refs/heads/{branch}", cwd=path)
        for i in range(start, len(commits)):
            commit = commits[i]
            for entry in path.iterdir():
                if entry.name != ".git":
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            for name, text in commit.files.items():
                (path / name).parent.mkdir(parents=True, exist_ok=True)
                (path / name).write_text(text)
            git("add", "-A", cwd=path)
            git(
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                commit.message,
                "--author",
                commit.author,
                cwd=path,
            )
            made[msgspec.json.encode(commits[: i + 1])] = git("rev-parse", "HEAD", cwd=path)


class GitHttpServer(ThreadingHTTPServer):
    """Smart HTTP over `git http-backend`; every request needs basic auth with ``password``."""

    daemon_threads = True

    def __init__(self, root: Path, password: str) -> None:
        super().__init__(("127.0.0.1", 0), GitHttpHandler)
        self.root = root
        self.password = password
        self.requests: list[tuple[str, str, str | None]] = []
        """(method, path, Authorization header) of every request."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class GitHttpHandler(BaseHTTPRequestHandler):
    server: GitHttpServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.serve()

    def do_POST(self) -> None:
        self.serve()

    def serve(self) -> None:
        authorization = self.headers.get("Authorization")
        self.server.requests.append((self.command, self.path, authorization))
        user = self.authenticated_user(authorization)
        if user is None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        path, _, query = self.path.partition("?")
        env = {
            "PATH": os.environ["PATH"],
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_PROJECT_ROOT": str(self.server.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": unquote(path),
            "QUERY_STRING": query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "REMOTE_USER": user,
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
        }
        body = self.read_body()
        env["CONTENT_LENGTH"] = str(len(body))
        result = subprocess.run(
            ["git", "http-backend"],
            input=body,
            env=env,
            capture_output=True,
            timeout=20,
            check=False,
        )
        head, _, payload = result.stdout.partition(b"\r\n\r\n")
        status, headers = 200, []
        for line in head.decode().split("\r\n"):
            name, _, value = line.partition(":")
            if name.lower() == "status":
                status = int(value.split()[0])
            elif name:
                headers.append((name, value.strip()))
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def authenticated_user(self, authorization: str | None) -> str | None:
        if not authorization or not authorization.startswith("Basic "):
            return None
        user, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
        return user if password == self.server.password else None

    def read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0], 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        self.rfile.readline()
        return b"".join(chunks)


class GitWorld:
    def __init__(self, root: Path, *, git_executable: str = "git") -> None:
        self.root = root
        self.source: SourceRepository = GitRepository(git=git_executable, timeout=20)
        self.paths: dict[str, Path] = {}
        self._server: GitHttpServer | None = None

    def create(self, name: str, branches: dict[str, list[FakeCommit]]) -> str:
        path = self.root / "public" / name
        build_repository(path, branches)
        url = path.as_uri()
        self.paths[url] = path
        return url

    def create_private(self, name: str, branches: dict[str, list[FakeCommit]]) -> str:
        build_repository(self.root / "private" / name, branches)
        url = f"{self.server.url}/{name}"
        self.paths[url] = self.root / "private" / name
        return url

    @property
    def server(self) -> GitHttpServer:
        if self._server is None:
            self._server = GitHttpServer(self.root / "private", TOKEN)
            serve = self._server.serve_forever
            threading.Thread(target=serve, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self._server

    def history(self, url: str, branch: str) -> list[str]:
        return git("rev-list", "--reverse", branch, cwd=self.paths[url]).split()

    def missing_url(self) -> str:
        return (self.root / "nowhere").as_uri()

    def unreachable_url(self) -> str:
        return f"http://127.0.0.1:{_closed_port()}/shop"

    def close(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def git_world(tmp_path: Path) -> Iterator[GitWorld]:
    world = GitWorld(tmp_path / "remotes")
    yield world
    world.close()


@pytest.fixture(params=["fake", "git"])
def world(request: pytest.FixtureRequest) -> World:
    if request.param == "fake":
        return FakeWorld()
    git_world: GitWorld = request.getfixturevalue("git_world")
    return git_world


@pytest.fixture
def shop(world: World) -> str:
    return world.create("shop", SHOP)


# The contract


def test_fetches_the_head_of_the_branch(world: World, shop: str, tmp_path: Path) -> None:
    checkout = world.source.fetch(shop, tmp_path / "ws", branch="main")

    assert checkout.commit == world.history(shop, "main")[-1]
    assert Path(checkout.path) == tmp_path / "ws"
    assert checkout.files == [
        "README.md",
        "app/main.py",
        "app/requirements.txt",
        "app/static/style.css",
    ]
    assert (tmp_path / "ws" / "app" / "main.py").read_text() == "print('v2')\n"


def test_fetches_the_head_of_another_branch(world: World, shop: str, tmp_path: Path) -> None:
    checkout = world.source.fetch(shop, tmp_path / "ws", branch="feature")

    assert checkout.commit == world.history(shop, "feature")[-1]
    assert "app/feature.py" in checkout.files
    assert checkout.message == "Add the feature flag"


def test_branches_share_their_common_commits(world: World, shop: str) -> None:
    assert world.history(shop, "feature")[:2] == world.history(shop, "main")


def test_fetches_an_exact_older_commit(world: World, shop: str, tmp_path: Path) -> None:
    first = world.history(shop, "main")[0]

    checkout = world.source.fetch(shop, tmp_path / "ws", branch="main", commit=first)

    assert checkout.commit == first
    assert checkout.files == ["README.md", "app/main.py", "app/requirements.txt"]
    assert (Path(checkout.path) / "app" / "main.py").read_text() == "print('v1')\n"
    assert (checkout.message, checkout.author) == ("Start the shop", ADA)


def test_an_abbreviated_commit_id_gives_the_full_one(
    world: World, shop: str, tmp_path: Path
) -> None:
    first = world.history(shop, "main")[0]

    checkout = world.source.fetch(shop, tmp_path / "ws", branch="main", commit=first[:12].upper())

    assert checkout.commit == first


def test_a_commit_is_found_even_off_the_named_branch(
    world: World, shop: str, tmp_path: Path
) -> None:
    feature_head = world.history(shop, "feature")[-1]

    checkout = world.source.fetch(shop, tmp_path / "ws", branch="main", commit=feature_head)

    assert checkout.commit == feature_head
    assert "app/feature.py" in checkout.files


def test_message_is_the_subject_line_and_author_is_name_and_email(
    world: World, shop: str, tmp_path: Path
) -> None:
    checkout = world.source.fetch(shop, tmp_path / "ws", branch="main")

    assert checkout.message == "Serve styles"
    assert checkout.author == GRACE


def test_root_directory_lists_files_relative_to_it(world: World, shop: str, tmp_path: Path) -> None:
    checkout = world.source.fetch(shop, tmp_path / "ws", branch="main", root_directory="app")

    assert Path(checkout.path) == tmp_path / "ws" / "app"
    assert checkout.files == ["main.py", "requirements.txt", "static/style.css"]
    assert (Path(checkout.path) / "main.py").read_text() == "print('v2')\n"


def test_nested_root_directory_with_slashes_around_it(
    world: World, shop: str, tmp_path: Path
) -> None:
    checkout = world.source.fetch(
        shop, tmp_path / "ws", branch="main", root_directory="./app/static/"
    )

    assert Path(checkout.path) == tmp_path / "ws" / "app" / "static"
    assert checkout.files == ["style.css"]


def test_fetch_replaces_whatever_the_workspace_held(
    world: World, shop: str, tmp_path: Path
) -> None:
    (tmp_path / "ws" / "stale").mkdir(parents=True)
    (tmp_path / "ws" / "stale" / "old.txt").write_text("left over")

    checkout = world.source.fetch(shop, tmp_path / "ws", branch="main")

    assert not any(f.startswith("stale") for f in checkout.files)
    assert not (tmp_path / "ws" / "stale").exists()


def test_unknown_branch_is_a_source_error_naming_it(
    world: World, shop: str, tmp_path: Path
) -> None:
    with pytest.raises(SourceError, match="branch 'nope' does not exist in"):
        world.source.fetch(shop, tmp_path / "ws", branch="nope")


def test_unknown_commit_is_a_source_error_naming_it(
    world: World, shop: str, tmp_path: Path
) -> None:
    sha = "0123456789abcdef0123456789abcdef01234567"

    with pytest.raises(SourceError, match=f"commit {sha} not found"):
        world.source.fetch(shop, tmp_path / "ws", branch="main", commit=sha)


def test_missing_root_directory_is_a_source_error(world: World, shop: str, tmp_path: Path) -> None:
    with pytest.raises(
        SourceError, match=r"directory 'services/api' does not exist in .* at commit"
    ):
        world.source.fetch(shop, tmp_path / "ws", branch="main", root_directory="services/api")


def test_a_file_is_not_a_root_directory(world: World, shop: str, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"directory 'README\.md' does not exist"):
        world.source.fetch(shop, tmp_path / "ws", branch="main", root_directory="README.md")


@pytest.mark.parametrize("root", ["../elsewhere", "/etc", "app/../../x"])
def test_root_directory_outside_the_repository_is_refused(
    world: World, shop: str, tmp_path: Path, root: str
) -> None:
    with pytest.raises(SourceError, match="must be a path inside the repository"):
        world.source.fetch(shop, tmp_path / "ws", branch="main", root_directory=root)


@pytest.mark.parametrize(
    ("branch", "commit", "match"),
    [
        ("--upload-pack=touch pwned", None, "is not a valid branch name"),
        ("", None, "is not a valid branch name"),
        ("main", "--output=x", "is not a commit id"),
        ("main", "HEAD~1", "is not a commit id"),
    ],
)
def test_option_like_refs_are_refused(
    world: World, shop: str, tmp_path: Path, branch: str, commit: str | None, match: str
) -> None:
    with pytest.raises(SourceError, match=match):
        world.source.fetch(shop, tmp_path / "ws", branch=branch, commit=commit)


def test_missing_repository_is_a_source_error(world: World, tmp_path: Path) -> None:
    with pytest.raises(RepositoryNotFoundError, match="repository not found or access denied"):
        world.source.fetch(world.missing_url(), tmp_path / "ws", branch="main")


def test_a_missing_repository_says_what_to_check_in_one_sentence(
    git_world: GitWorld, tmp_path: Path
) -> None:
    url = git_world.missing_url()

    with pytest.raises(RepositoryNotFoundError) as caught:
        git_world.source.fetch(url, tmp_path / "ws", branch="main")

    # git's cause, not its trailing advice ("... and the repository exists.")
    assert str(caught.value) == (
        f"repository not found or access denied: {url} "
        f"('{git_world.root / 'nowhere'}' does not appear to be a git repository); "
        "check the URL, and for a private repository give a token that can read it"
    )


# head: the commit at the tip of a branch, asked without fetching (git ls-remote)


def test_head_is_the_commit_at_the_tip_of_the_branch(world: World, shop: str) -> None:
    assert world.source.head(shop, branch="main", timeout=20) == world.history(shop, "main")[-1]
    assert (
        world.source.head(shop, branch="feature", timeout=20) == world.history(shop, "feature")[-1]
    )


def test_head_of_a_missing_repository_is_repository_not_found(world: World) -> None:
    with pytest.raises(RepositoryNotFoundError, match="check the URL"):
        world.source.head(world.missing_url(), branch="main", timeout=20)


def test_head_of_a_missing_branch_names_the_branches_there(world: World, shop: str) -> None:
    with pytest.raises(BranchNotFoundError) as caught:
        world.source.head(shop, branch="mian", timeout=20)

    assert str(caught.value).startswith("branch 'mian' does not exist in ")
    assert str(caught.value).endswith("; its branches are feature, main")


def test_head_of_a_private_repository_needs_its_token(world: World) -> None:
    url = world.create_private("secret-shop", SHOP)

    head = world.source.head(url, branch="main", token=Secret(TOKEN), timeout=20)
    with pytest.raises(RepositoryNotFoundError) as caught:
        world.source.head(url, branch="main", token=Secret(WRONG), timeout=20)
    with pytest.raises(RepositoryNotFoundError):
        world.source.head(url, branch="main", timeout=20)

    assert head == world.history(url, "main")[-1]
    assert WRONG not in str(caught.value) and TOKEN not in str(caught.value)


def test_head_of_an_unreachable_server_is_unreachable(world: World) -> None:
    url = world.unreachable_url()

    with pytest.raises(SourceUnreachableError, match=f"could not reach {url} ") as caught:
        world.source.head(url, branch="main", timeout=20)

    assert str(caught.value).endswith("check the host name and that this server can reach it")


def test_head_refuses_option_like_branches(world: World, shop: str) -> None:
    with pytest.raises(SourceError, match="is not a valid branch name"):
        world.source.head(shop, branch="--upload-pack=touch pwned", timeout=20)


@pytest.mark.parametrize(
    ("branch", "commit", "root"),
    [
        ("main", None, "nothere"),
        ("nope", None, ""),
        ("main", "0123456789abcdef0123456789abcdef01234567", ""),
    ],
)
def test_failed_fetch_leaves_no_workspace(
    world: World, shop: str, tmp_path: Path, branch: str, commit: str | None, root: str
) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "old.txt").write_text("left over")

    with pytest.raises(SourceError):
        world.source.fetch(shop, tmp_path / "ws", branch=branch, commit=commit, root_directory=root)

    assert not (tmp_path / "ws").exists()


def test_private_repository_with_the_token(world: World, tmp_path: Path) -> None:
    url = world.create_private("secret-shop", SHOP)

    checkout = world.source.fetch(url, tmp_path / "ws", branch="main", token=Secret(TOKEN))

    assert checkout.commit == world.history(url, "main")[-1]
    assert TOKEN not in msgspec.json.encode(checkout).decode()


def test_private_repository_at_an_exact_commit_with_the_token(world: World, tmp_path: Path) -> None:
    url = world.create_private("secret-shop", SHOP)
    first = world.history(url, "main")[0]

    checkout = world.source.fetch(
        url, tmp_path / "ws", branch="main", commit=first, token=Secret(TOKEN)
    )

    assert checkout.commit == first


def test_wrong_token_is_access_denied_without_the_token(world: World, tmp_path: Path) -> None:
    url = world.create_private("secret-shop", SHOP)

    with pytest.raises(SourceError, match="repository not found or access denied") as caught:
        world.source.fetch(url, tmp_path / "ws", branch="main", token=Secret(WRONG))

    assert WRONG not in str(caught.value) and WRONG not in repr(caught.value)
    assert TOKEN not in str(caught.value)


def test_missing_token_is_access_denied_without_waiting(world: World, tmp_path: Path) -> None:
    url = world.create_private("secret-shop", SHOP)

    with pytest.raises(SourceError, match="repository not found or access denied"):
        world.source.fetch(url, tmp_path / "ws", branch="main")


# The git adapter only: URL forms, unreachable servers, timeouts, where the token goes


def test_plain_path_and_file_url_both_work(git_world: GitWorld, tmp_path: Path) -> None:
    url = git_world.create("shop", SHOP)
    path = git_world.paths[url]

    by_url = git_world.source.fetch(url, tmp_path / "a", branch="main")
    by_path = git_world.source.fetch(str(path), tmp_path / "b", branch="main")

    assert url.startswith("file://")
    assert by_url.commit == by_path.commit == git_world.history(url, "main")[-1]
    assert by_url.files == by_path.files


def test_plain_path_at_an_exact_commit(git_world: GitWorld, tmp_path: Path) -> None:
    url = git_world.create("shop", SHOP)
    first = git_world.history(url, "main")[0]

    checkout = git_world.source.fetch(
        str(git_world.paths[url]), tmp_path / "ws", branch="main", commit=first
    )

    assert checkout.commit == first


def test_an_exact_commit_is_fetched_shallow(git_world: GitWorld, tmp_path: Path) -> None:
    url = git_world.create("shop", SHOP)
    first = git_world.history(url, "main")[0]

    checkout = git_world.source.fetch(url, tmp_path / "ws", branch="main", commit=first)

    assert checkout.commit == first
    assert (tmp_path / "ws" / ".git" / "shallow").read_text().split() == [first]


def test_an_exact_commit_from_a_server_refusing_unadvertised_objects(
    git_world: GitWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = git_world.create("shop", SHOP)
    first = git_world.history(url, "main")[0]
    # Protocol v0 without uploadpack.allowReachableSHA1InWant refuses a want by id.
    config = tmp_path / "gitconfig"
    config.write_text("[protocol]\n\tversion = 0\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))

    checkout = git_world.source.fetch(url, tmp_path / "ws", branch="main", commit=first)

    assert checkout.commit == first
    assert checkout.files == ["README.md", "app/main.py", "app/requirements.txt"]
    assert not (tmp_path / "ws" / ".git" / "shallow").exists()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again: nothing listens there


def test_unreachable_server_is_a_source_error(tmp_path: Path) -> None:
    port = _closed_port()

    with pytest.raises(
        SourceUnreachableError, match=f"could not reach http://127.0.0.1:{port}/shop"
    ):
        GitRepository().fetch(f"http://127.0.0.1:{port}/shop", tmp_path / "ws", branch="main")


def test_head_on_a_server_that_never_answers_keeps_its_deadline() -> None:
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/shop"
        with pytest.raises(SourceUnreachableError) as caught:
            GitRepository().head(url, branch="main", token=Secret(TOKEN), timeout=1)

    assert str(caught.value) == f"git timed out after 1 s listing the branches of {url}"


def test_a_server_that_never_answers_times_out_and_argv_never_holds_the_token(
    tmp_path: Path,
) -> None:
    errors: list[SourceError] = []

    def fetch(url: str) -> None:
        try:
            GitRepository(timeout=1).fetch(url, tmp_path / "ws", branch="main", token=Secret(TOKEN))
        except SourceError as e:
            errors.append(e)

    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never answers
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/shop"
        worker = threading.Thread(target=fetch, args=(url,))
        worker.start()
        silent.settimeout(5)
        connection, _ = silent.accept()  # git's HTTP helper is connected and waiting now
        with connection:
            # Every process's argv while git runs (git, git-remote-http), as `ps` shows it.
            argv = _every_argv()
            worker.join(10)
        left = [a for a in _every_argv() if url.encode() in a]

    assert any(b"git" in a and url.encode() in a for a in argv)
    assert not any(TOKEN.encode() in a for a in argv)
    assert [str(e) for e in errors] == [f"git timed out after 1 s fetching {url}"]
    assert not (tmp_path / "ws").exists()
    assert left == []  # the whole process group was killed


def _every_argv() -> list[bytes]:
    found = []
    for path in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):  # the process ended meanwhile
            found.append(path.read_bytes())
    return found


def test_messages_show_urls_without_credentials(git_world: GitWorld, tmp_path: Path) -> None:
    git_world.create_private("shop", SHOP)
    url = git_world.server.url.replace("http://", "http://someone:hunter2@") + "/shop"

    with pytest.raises(
        SourceError, match=r"branch 'nope' does not exist in http://127\.0\.0\.1"
    ) as caught:
        git_world.source.fetch(url, tmp_path / "ws", branch="nope", token=Secret(TOKEN))

    assert "hunter2" not in str(caught.value) and "someone" not in str(caught.value)


def test_the_token_reaches_git_only_through_its_environment(tmp_path: Path) -> None:
    log = tmp_path / "argv.log"
    shim = tmp_path / "git-shim"
    shim.write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{shutil.which("git")}" "$@"\n'
    )
    shim.chmod(0o755)
    world = GitWorld(tmp_path / "remotes", git_executable=str(shim))
    try:
        url = world.create_private("shop", SHOP)
        first = world.history(url, "main")[0]
        head = world.source.fetch(url, tmp_path / "head", branch="main", token=Secret(TOKEN))
        old = world.source.fetch(
            url, tmp_path / "old", branch="main", commit=first, token=Secret(TOKEN)
        )
        with pytest.raises(SourceError):
            world.source.fetch(url, tmp_path / "bad", branch="main", token=Secret(WRONG))
        assert world.source.head(url, branch="main", token=Secret(TOKEN), timeout=20) == head.commit
        requests = list(world.server.requests)
    finally:
        world.close()

    # What the server received is the credential as it travelled (whatever its encoding).
    sent = {auth.removeprefix("Basic ") for _, _, auth in requests if auth}
    assert any(base64.b64decode(s).decode().endswith(f":{TOKEN}") for s in sent)
    forbidden = [TOKEN, WRONG, *sent]
    assert not any(secret in path for _, path, _ in requests for secret in forbidden)
    argv = log.read_text()
    assert "clone" in argv and "fetch" in argv and "ls-remote" in argv
    assert not any(secret in argv for secret in forbidden)
    for checkout in (head, old):
        for file in (Path(checkout.path) / ".git").rglob("*"):
            if file.is_file():
                content = file.read_bytes()
                assert not any(secret.encode() in content for secret in forbidden), file


def test_token_is_scrubbed_from_what_git_says(tmp_path: Path) -> None:
    # A git that puts the token, and its whole config environment, in its error line.
    shim = tmp_path / "leaky-git"
    shim.write_text(
        "#!/bin/sh\n"
        f"echo \"fatal: Authentication failed for 'https://u:{TOKEN}@example.com/'"
        ' $(env | grep "^GIT_CONFIG_VALUE" | tr "\\n" " ")" >&2\n'
        "exit 128\n"
    )
    shim.chmod(0o755)

    with pytest.raises(SourceError, match="access denied") as caught:
        GitRepository(git=str(shim)).fetch(
            "https://example.com/shop.git", tmp_path / "ws", branch="main", token=Secret(TOKEN)
        )

    message = str(caught.value)
    assert "GIT_CONFIG_VALUE" in message  # the shim did say it all
    assert TOKEN not in message
    for word in message.replace("'", " ").split():
        with contextlib.suppress(ValueError):
            assert TOKEN.encode() not in base64.b64decode(word, validate=True)


# The fake only: what it records


def test_fake_records_every_fetch_and_the_tokens_as_secrets(tmp_path: Path) -> None:
    fake = InMemorySource(
        {"https://git.example.com/shop.git": {"main": [{"files": {"a.txt": "a"}, "message": "m"}]}}
    )

    fake.fetch(
        "https://git.example.com/shop.git", tmp_path / "ws", branch="main", token=Secret(TOKEN)
    )
    with pytest.raises(SourceError):
        fake.fetch("https://git.example.com/shop.git", tmp_path / "ws", branch="dev")

    assert fake.tokens == [Secret(TOKEN)]
    assert [(f.branch, f.token) for f in fake.fetches] == [("main", Secret(TOKEN)), ("dev", None)]


# What a pull request changes (preview environments, issue 14)


def test_changed_paths_are_what_the_head_changes_since_the_base_branch(
    world: World, shop: str
) -> None:
    head = world.history(shop, "feature")[-1]

    assert world.source.changed_paths(shop, base_branch="main", head_commit=head, timeout=30) == [
        "app/feature.py"
    ]


def test_changed_paths_of_a_private_repository_need_its_token(world: World) -> None:
    url = world.create_private("secret-shop", SHOP)
    head = world.history(url, "feature")[-1]

    found = world.source.changed_paths(
        url, base_branch="main", head_commit=head, token=Secret(TOKEN), timeout=30
    )
    assert found == ["app/feature.py"]
    with pytest.raises(SourceError) as caught:
        world.source.changed_paths(
            url, base_branch="main", head_commit=head, token=Secret(WRONG), timeout=30
        )
    assert WRONG not in str(caught.value)


def test_changed_paths_of_a_missing_base_branch_or_commit_are_a_source_error(
    world: World, shop: str
) -> None:
    head = world.history(shop, "feature")[-1]
    with pytest.raises(SourceError):
        world.source.changed_paths(shop, base_branch="nope", head_commit=head, timeout=30)
    with pytest.raises(SourceError):
        world.source.changed_paths(shop, base_branch="main", head_commit="f" * 40, timeout=30)
