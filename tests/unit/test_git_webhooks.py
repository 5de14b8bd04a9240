"""Reading webhook deliveries: GitHub's own example payloads, GitLab's and Bitbucket's
documented ones, each signed as its provider signs it, and every way to get it wrong."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from pathlib import Path
from typing import Any

import pytest

from adapters.git_webhooks import HttpWebhookReader
from application.webhooks import (
    MAX_DELIVERY_BYTES,
    Delivery,
    DeliveryTooLargeError,
    GitProvider,
    Ignored,
    Ping,
    PullRequest,
    Push,
    Release,
    UnsignedDeliveryError,
    WebhookRefusedError,
    WrongContentTypeError,
)
from tests.conftest import service_missing

PROVIDERS = Path(__file__).parent.parent / "providers"
GITHUB_EXAMPLES = PROVIDERS / "node_modules/@octokit/webhooks-examples/api.github.com/index.json"
SECRET = b"It's a Secret to Everybody"
reader = HttpWebhookReader()


def github_examples() -> dict[str, list[dict[str, Any]]]:
    if not GITHUB_EXAMPLES.exists():
        service_missing(
            "@octokit/webhooks-examples", "run tests/services (npm ci in tests/providers)"
        )
    return {e["name"]: e["examples"] for e in json.loads(GITHUB_EXAMPLES.read_bytes())}


def signed(
    provider: GitProvider, event: str, body: bytes, secret: bytes = SECRET
) -> dict[str, str]:
    """The headers the provider sends with ``body``."""
    digest = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    delivery = str(uuid.uuid4())
    if provider is GitProvider.GITHUB:
        return {
            "Content-Type": "application/json",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": delivery,
            "X-Hub-Signature-256": digest,
        }
    if provider is GitProvider.GITLAB:
        return {
            "Content-Type": "application/json",
            "X-Gitlab-Event": event,
            "X-Gitlab-Event-UUID": delivery,
            "X-Gitlab-Token": secret.decode(),
        }
    return {
        "Content-Type": "application/json",
        "X-Event-Key": event,
        "X-Request-UUID": delivery,
        "X-Hub-Signature": digest,
    }


def read(provider: GitProvider, event: str, payload: object, **headers: str) -> Delivery:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return reader.read(provider, [SECRET], {**signed(provider, event, body), **headers}, body)


def fixture(path: str) -> bytes:
    return (PROVIDERS / path).read_bytes()


# GitHub: every example of every event type is read, and each is either acted on or
# recorded as ignored with a reason.


def test_every_github_example_is_verified_and_read() -> None:
    kinds: dict[str, set[str]] = {}
    for event, examples in github_examples().items():
        for example in examples:
            delivery = read(GitProvider.GITHUB, event, example)
            kinds.setdefault(type(delivery.fact).__name__, set()).add(event)
            if isinstance(delivery.fact, Ignored):
                assert delivery.fact.reason
    assert kinds["Push"] == {"push"}
    assert kinds["PullRequest"] == {"pull_request"}
    assert kinds["Release"] == {"release"}
    assert kinds["Ping"] == {"ping"}
    assert len(kinds["Ignored"]) >= 50  # everything else, each with its reason


def test_github_pushes_to_branches_and_tags() -> None:
    pushes = [read(GitProvider.GITHUB, "push", e).fact for e in github_examples()["push"]]
    branch = next(p for p in pushes if isinstance(p, Push) and p.ref_kind == "branch")
    tag = next(p for p in pushes if isinstance(p, Push) and p.ref_kind == "tag")
    assert branch.repository == "Codertocat/Hello-World" and branch.ref == "master"
    assert tag.ref == "simple-tag" and tag.commit and len(tag.commit) == 40


def test_github_push_lists_the_changed_files_and_the_head_message() -> None:
    payload = github_examples()["push"][0] | {
        "ref": "refs/heads/main",
        "after": "a" * 40,
        "commits": [
            {"id": "1", "message": "one", "added": ["api/x.py"], "modified": [], "removed": []},
            {
                "id": "2",
                "message": "two",
                "added": [],
                "modified": ["web/a.ts"],
                "removed": ["api/x.py"],
            },
        ],
        "head_commit": {"id": "2", "message": "two [skip deploy]"},
    }
    fact = read(GitProvider.GITHUB, "push", payload).fact
    assert fact == Push(
        repository="Codertocat/Hello-World",
        ref_kind="branch",
        ref="main",
        commit="a" * 40,
        message="two [skip deploy]",
        paths=("api/x.py", "web/a.ts"),
        paths_complete=True,
    )
    twenty = payload | {"commits": [{"id": str(n), "message": "m"} for n in range(20)]}
    assert not read(GitProvider.GITHUB, "push", twenty).fact.paths_complete  # type: ignore[union-attr]


def test_a_deleted_branch_is_a_push_without_a_commit() -> None:
    payload = github_examples()["push"][0] | {
        "ref": "refs/heads/old",
        "deleted": True,
        "after": "0" * 40,
    }
    fact = read(GitProvider.GITHUB, "push", payload).fact
    assert isinstance(fact, Push) and fact.commit is None


def test_github_pull_requests_opened_updated_closed_and_merged() -> None:
    facts = [
        read(GitProvider.GITHUB, "pull_request", e).fact for e in github_examples()["pull_request"]
    ]
    actions = {f.action for f in facts if isinstance(f, PullRequest)}
    assert actions == {"opened", "synchronize", "reopened", "closed"}
    opened = next(f for f in facts if isinstance(f, PullRequest) and f.action == "opened")
    assert opened.number == 2 and opened.base_branch == "master" and not opened.from_fork
    assert opened.url.endswith("/pull/2") and len(opened.head_commit) == 40
    example = next(e for e in github_examples()["pull_request"] if e["action"] == "closed")
    merged = json.loads(json.dumps(example))
    merged["pull_request"]["merged"] = True
    assert read(GitProvider.GITHUB, "pull_request", merged).fact.action == "merged"  # type: ignore[union-attr]
    fork = json.loads(json.dumps(example))
    fork["action"] = "opened"
    fork["pull_request"]["head"]["repo"]["full_name"] = "stranger/Hello-World"
    assert read(GitProvider.GITHUB, "pull_request", fork).fact.from_fork  # type: ignore[union-attr]
    gone = json.loads(json.dumps(fork))
    gone["pull_request"]["head"]["repo"] = None  # the fork was deleted
    assert read(GitProvider.GITHUB, "pull_request", gone).fact.from_fork  # type: ignore[union-attr]
    labeled = next(f for f in facts if isinstance(f, Ignored))
    assert "nothing to deploy" in labeled.reason


def test_github_releases_deploy_only_when_published() -> None:
    facts = [read(GitProvider.GITHUB, "release", e).fact for e in github_examples()["release"]]
    assert {f.tag for f in facts if isinstance(f, Release)} == {"0.0.1"}
    assert any(isinstance(f, Ignored) and "created" in f.reason for f in facts)


def test_github_ping() -> None:
    assert read(GitProvider.GITHUB, "ping", github_examples()["ping"][0]).fact == Ping()


# GitLab and Bitbucket Cloud, from their documented payloads


@pytest.mark.parametrize(
    ("path", "event", "expected"),
    [
        (
            "gitlab/push.json",
            "Push Hook",
            Push(
                repository="mike/diaspora",
                ref_kind="branch",
                ref="main",
                commit="da1560886d4f094c3e6c9ef40349f7d38b5d27d7",
                message="fixed readme",
                paths=("CHANGELOG", "app/controller/application.rb"),
                paths_complete=True,
            ),
        ),
        (
            "gitlab/tag_push.json",
            "Tag Push Hook",
            Push(
                repository="jsmith/example",
                ref_kind="tag",
                ref="v1.0.0",
                commit="82b3d5ae55f7080f1e6022629cdb57bfae7cccc7",
                paths_complete=True,
            ),
        ),
        (
            "gitlab/release_create.json",
            "Release Hook",
            Release(repository="myself/release-webhook-example", tag="v1.1"),
        ),
        (
            "bitbucket/repo_push.json",
            "repo:push",
            Push(
                repository="team_name/repo_name",
                ref_kind="branch",
                ref="main",
                commit="709d658dc5b6d6afcd46049c2f332ee3f515a67d",
                message="new commit message\n",
            ),
        ),
        (
            "bitbucket/repo_push_branch_deleted.json",
            "repo:push",
            Push(
                repository="team_name/repo_name", ref_kind="branch", ref="feature/old", commit=None
            ),
        ),
        (
            "bitbucket/repo_push_tag.json",
            "repo:push",
            Push(
                repository="team_name/repo_name",
                ref_kind="tag",
                ref="v2.0.0",
                commit="709d658dc5b6d6afcd46049c2f332ee3f515a67d",
                message="release 2\n",
            ),
        ),
    ],
)
def test_gitlab_and_bitbucket_pushes_and_releases(path: str, event: str, expected: object) -> None:
    provider = GitProvider.GITLAB if path.startswith("gitlab") else GitProvider.BITBUCKET
    assert read(provider, event, fixture(path)).fact == expected


@pytest.mark.parametrize(
    ("path", "event", "action", "fork"),
    [
        ("gitlab/merge_request_open.json", "Merge Request Hook", "opened", False),
        ("gitlab/merge_request_update_code.json", "Merge Request Hook", "synchronize", False),
        ("gitlab/merge_request_merge.json", "Merge Request Hook", "merged", False),
        ("gitlab/merge_request_close.json", "Merge Request Hook", "closed", False),
        ("gitlab/merge_request_from_fork.json", "Merge Request Hook", "opened", True),
        ("bitbucket/pullrequest_created.json", "pullrequest:created", "opened", False),
        ("bitbucket/pullrequest_fulfilled.json", "pullrequest:fulfilled", "merged", False),
        ("bitbucket/pullrequest_rejected.json", "pullrequest:rejected", "closed", False),
        ("bitbucket/pullrequest_created_from_fork.json", "pullrequest:created", "opened", True),
    ],
)
def test_gitlab_merge_requests_and_bitbucket_pull_requests(
    path: str, event: str, action: str, fork: bool
) -> None:
    provider = GitProvider.GITLAB if path.startswith("gitlab") else GitProvider.BITBUCKET
    fact = read(provider, event, fixture(path)).fact
    assert isinstance(fact, PullRequest)
    assert (fact.action, fact.from_fork) == (action, fork)
    assert fact.number in (1, 7) and fact.base_branch == "main" and fact.head_commit


def test_a_merge_request_update_that_changed_no_code_is_ignored() -> None:
    fact = read(
        GitProvider.GITLAB, "Merge Request Hook", fixture("gitlab/merge_request_update_title.json")
    ).fact
    assert isinstance(fact, Ignored) and "update" in fact.reason


# Refusals: nothing of a refused delivery is trusted


@pytest.mark.parametrize("provider", list(GitProvider))
def test_unsigned_and_wrongly_signed_deliveries_are_refused(provider: GitProvider) -> None:
    body = b'{"zen": "hello"}'
    event = {"github": "ping", "gitlab": "Push Hook", "bitbucket": "repo:push"}[provider.value]
    headers = signed(provider, event, body)
    unsigned = {
        k: v
        for k, v in headers.items()
        if k not in ("X-Hub-Signature-256", "X-Hub-Signature", "X-Gitlab-Token")
    }
    with pytest.raises(UnsignedDeliveryError, match="has no"):
        reader.read(provider, [SECRET], unsigned, body)
    forged = signed(provider, event, body, secret=b"not the secret")
    with pytest.raises(UnsignedDeliveryError):
        reader.read(provider, [SECRET], forged, body)
    if provider is not GitProvider.GITLAB:  # GitLab sends a token, not a body signature
        with pytest.raises(UnsignedDeliveryError):  # the body changed after signing
            reader.read(provider, [SECRET], headers, body + b" ")
    with pytest.raises(UnsignedDeliveryError):  # no secret at all matches nothing
        reader.read(provider, [], headers, body)


def test_a_rotated_secret_and_its_predecessor_both_verify_during_the_overlap() -> None:
    body = b'{"zen": "hello"}'
    old = signed(GitProvider.GITHUB, "ping", body, secret=b"old secret")
    new = signed(GitProvider.GITHUB, "ping", body, secret=b"new secret")
    for headers in (old, new):
        assert (
            reader.read(GitProvider.GITHUB, [b"new secret", b"old secret"], headers, body).fact
            == Ping()
        )
    with pytest.raises(UnsignedDeliveryError):
        reader.read(GitProvider.GITHUB, [b"new secret"], old, body)


def test_a_signature_of_another_scheme_is_refused() -> None:
    body = b"{}"
    headers = signed(GitProvider.GITHUB, "ping", body)
    headers["X-Hub-Signature-256"] = "sha1=" + hmac.new(SECRET, body, hashlib.sha1).hexdigest()
    with pytest.raises(UnsignedDeliveryError, match="not a sha256= signature"):
        reader.read(GitProvider.GITHUB, [SECRET], headers, body)


def test_oversized_deliveries_are_refused_before_anything_else() -> None:
    body = b" " * (MAX_DELIVERY_BYTES + 1)
    with pytest.raises(DeliveryTooLargeError):
        reader.read(GitProvider.GITHUB, [SECRET], {}, body)


def test_form_encoded_and_untyped_deliveries_are_refused() -> None:
    body = b"payload=%7B%7D"
    headers = signed(GitProvider.GITHUB, "ping", body) | {
        "Content-Type": "application/x-www-form-urlencoded"
    }
    with pytest.raises(WrongContentTypeError, match="application/json"):
        reader.read(GitProvider.GITHUB, [SECRET], headers, body)
    headers.pop("Content-Type")
    with pytest.raises(WrongContentTypeError, match="missing"):
        reader.read(GitProvider.GITHUB, [SECRET], headers, body)


@pytest.mark.parametrize(
    "body",
    [b"{", b"[]", b'{"ref": 5}', b'{"ref": "refs/heads/main"}', b"\xff\xfe"],
    ids=["truncated", "not an object", "wrong type", "missing fields", "not utf-8"],
)
def test_unparseable_deliveries_are_refused(body: bytes) -> None:
    with pytest.raises(WebhookRefusedError, match="not what github sends") as info:
        read(GitProvider.GITHUB, "push", body)
    assert info.value.status == 400


def test_deliveries_without_an_id_or_an_event_are_refused() -> None:
    body = b"{}"
    headers = signed(GitProvider.GITHUB, "ping", body)
    with pytest.raises(WebhookRefusedError, match="X-GitHub-Delivery"):
        reader.read(
            GitProvider.GITHUB,
            [SECRET],
            {k: v for k, v in headers.items() if k != "X-GitHub-Delivery"},
            body,
        )
    with pytest.raises(WebhookRefusedError, match="X-GitHub-Event"):
        reader.read(
            GitProvider.GITHUB,
            [SECRET],
            {k: v for k, v in headers.items() if k != "X-GitHub-Event"},
            body,
        )
    with pytest.raises(WebhookRefusedError, match="not an id"):
        reader.read(GitProvider.GITHUB, [SECRET], headers | {"X-GitHub-Delivery": "x" * 201}, body)


def test_a_branch_name_with_shell_metacharacters_is_data_not_a_command() -> None:
    payload = github_examples()["push"][0] | {
        "ref": "refs/heads/$(rm -rf ~);`id`",
        "after": "b" * 40,
    }
    fact = read(GitProvider.GITHUB, "push", payload).fact
    assert isinstance(fact, Push) and fact.ref == "$(rm -rf ~);`id`"


def test_gitlab_idempotency_key_wins_over_the_event_uuid() -> None:
    delivery = read(
        GitProvider.GITLAB,
        "Push Hook",
        fixture("gitlab/push.json"),
        **{"Idempotency-Key": "retry-key"},
    )
    assert delivery.delivery_id == "retry-key"
