"""Reads GitHub, GitLab and Bitbucket Cloud webhook deliveries (the WebhookReader port).

Verification comes first and uses only the raw body: GitHub's ``X-Hub-Signature-256`` and
Bitbucket's ``X-Hub-Signature`` (``sha256=`` + the HMAC-SHA256 of the body, hex), GitLab's
``X-Gitlab-Token`` (the secret itself). Every comparison is constant-time. Payloads are then
decoded into typed Structs of the few fields used (unknown fields are skipped), so nothing
untyped leaves this module.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping, Sequence

import msgspec

from application.webhooks import (
    MAX_DELIVERY_BYTES,
    Delivery,
    DeliveryTooLargeError,
    Fact,
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

MAX_LISTED_COMMITS = 20
"""GitHub and GitLab list at most this many commits of a push in its payload."""


class HttpWebhookReader:
    """Verifies and reads deliveries as the providers send them over HTTP."""

    def read(
        self,
        provider: GitProvider,
        secrets: Sequence[bytes],
        headers: Mapping[str, str],
        body: bytes,
    ) -> Delivery:
        """See application.webhooks.WebhookReader."""
        lower = {name.lower(): value for name, value in headers.items()}
        if len(body) > MAX_DELIVERY_BYTES:
            raise DeliveryTooLargeError(
                f"the delivery is {len(body)} bytes; at most {MAX_DELIVERY_BYTES} are accepted"
            )
        _verify(provider, secrets, lower, body)
        media = lower.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/json":
            raise WrongContentTypeError(
                f"the delivery's content type is {media or 'missing'!r}; set the webhook's "
                "content type to application/json"
            )
        delivery_id = _delivery_id(provider, lower)
        event = lower.get(_EVENT_HEADER[provider].lower(), "").strip()
        if not event:
            raise WebhookRefusedError(f"the delivery has no {_EVENT_HEADER[provider]} header")
        try:
            fact = _READERS[provider](event, body)
        except (msgspec.DecodeError, msgspec.ValidationError) as e:
            raise WebhookRefusedError(
                f"the {event} delivery is not what {provider.value} sends: {e}"
            ) from None
        return Delivery(delivery_id=delivery_id, event=event, fact=fact)


# Verification


def _verify(
    provider: GitProvider, secrets: Sequence[bytes], headers: Mapping[str, str], body: bytes
) -> None:
    if provider is GitProvider.GITLAB:
        # GitLab sends the secret itself, not a signature of the body: TLS keeps it private.
        token = headers.get("x-gitlab-token")
        if token is None:
            raise UnsignedDeliveryError("the delivery has no X-Gitlab-Token header")
        given = token.encode()
        if not any(hmac.compare_digest(given, secret) for secret in secrets):
            raise UnsignedDeliveryError(
                "the delivery's X-Gitlab-Token is not this webhook's secret"
            )
        return
    header = "X-Hub-Signature-256" if provider is GitProvider.GITHUB else "X-Hub-Signature"
    signature = headers.get(header.lower())
    if signature is None:
        raise UnsignedDeliveryError(f"the delivery has no {header} header")
    scheme, _, digest = signature.partition("=")
    if scheme != "sha256" or not digest:
        raise UnsignedDeliveryError(f"the delivery's {header} is not a sha256= signature")
    given = digest.strip().lower().encode()
    if not any(
        hmac.compare_digest(given, hmac.new(secret, body, hashlib.sha256).hexdigest().encode())
        for secret in secrets
    ):
        raise UnsignedDeliveryError(f"the delivery's {header} does not match this webhook's secret")


_EVENT_HEADER = {
    GitProvider.GITHUB: "X-GitHub-Event",
    GitProvider.GITLAB: "X-Gitlab-Event",
    GitProvider.BITBUCKET: "X-Event-Key",
}

_ID_HEADERS = {
    GitProvider.GITHUB: ("X-GitHub-Delivery",),
    # Idempotency-Key stays the same when GitLab retries (17.4+); the event UUID before it.
    GitProvider.GITLAB: ("Idempotency-Key", "X-Gitlab-Event-UUID"),
    GitProvider.BITBUCKET: ("X-Request-UUID",),
}


def _delivery_id(provider: GitProvider, headers: Mapping[str, str]) -> str:
    for name in _ID_HEADERS[provider]:
        value = headers.get(name.lower(), "").strip()
        if value:
            if len(value) > 200 or not value.isprintable():
                raise WebhookRefusedError(f"the delivery's {name} is not an id")
            return value
    raise WebhookRefusedError(f"the delivery has no {_ID_HEADERS[provider][0]} header")


def _ref(ref: str) -> tuple[str, str] | None:
    for prefix, kind in (("refs/heads/", "branch"), ("refs/tags/", "tag")):
        if ref.startswith(prefix) and len(ref) > len(prefix):
            return kind, ref[len(prefix) :]
    return None


def _paths(commits: Sequence[_Commit]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for commit in commits:
        for path in (*commit.added, *commit.modified, *commit.removed):
            seen[path] = None
    return tuple(seen)


_ZERO = "0" * 40


# GitHub


class _Repository(msgspec.Struct, frozen=True):
    full_name: str


class _Commit(msgspec.Struct, frozen=True):
    id: str = ""
    message: str = ""
    added: list[str] = []
    modified: list[str] = []
    removed: list[str] = []


class _GithubPush(msgspec.Struct, frozen=True):
    ref: str
    after: str
    repository: _Repository
    deleted: bool = False
    commits: list[_Commit] = []
    head_commit: _Commit | None = None


class _Branch(msgspec.Struct, frozen=True):
    ref: str
    sha: str
    repo: _Repository | None = None  # None when the fork was deleted


class _GithubPullRequestBody(msgspec.Struct, frozen=True):
    number: int
    head: _Branch
    base: _Branch
    merged: bool | None = None
    title: str = ""
    html_url: str = ""


class _GithubPullRequest(msgspec.Struct, frozen=True):
    action: str
    pull_request: _GithubPullRequestBody
    repository: _Repository


class _GithubReleaseBody(msgspec.Struct, frozen=True):
    tag_name: str


class _GithubRelease(msgspec.Struct, frozen=True):
    action: str
    release: _GithubReleaseBody
    repository: _Repository


def _github(event: str, body: bytes) -> Fact:
    read = _GITHUB_EVENTS.get(event)
    if read is None:
        msgspec.json.decode(body)  # well-formed JSON, whatever it holds
        return Ignored(reason=f"{event} events are not acted on")
    return read(body)


def _github_ping(body: bytes) -> Fact:
    msgspec.json.decode(body)
    return Ping()


def _github_push(body: bytes) -> Fact:
    push = msgspec.json.decode(body, type=_GithubPush)
    ref = _ref(push.ref)
    if ref is None:
        return Ignored(reason=f"a push to {push.ref!r}, neither a branch nor a tag")
    head = push.head_commit
    return Push(
        repository=push.repository.full_name,
        ref_kind=ref[0],  # type: ignore[arg-type]
        ref=ref[1],
        commit=None if push.deleted or push.after == _ZERO else push.after,
        message=head.message if head is not None else "",
        paths=_paths(push.commits),
        paths_complete=len(push.commits) < MAX_LISTED_COMMITS,
    )


def _github_pull_request(body: bytes) -> Fact:
    change = msgspec.json.decode(body, type=_GithubPullRequest)
    action = change.action
    request = change.pull_request
    if action == "closed" and request.merged:
        action = "merged"
    if action not in ("opened", "synchronize", "reopened", "closed", "merged"):
        return Ignored(reason=f"pull request {action}: nothing to deploy or remove")
    head_repo = request.head.repo
    return PullRequest(
        repository=change.repository.full_name,
        number=request.number,
        action=action,  # type: ignore[arg-type]
        head_branch=request.head.ref,
        head_commit=request.head.sha,
        base_branch=request.base.ref,
        from_fork=head_repo is None or head_repo.full_name != change.repository.full_name,
        title=request.title,
        url=request.html_url,
    )


def _github_release(body: bytes) -> Fact:
    release = msgspec.json.decode(body, type=_GithubRelease)
    if release.action != "published":
        return Ignored(reason=f"release {release.action}: only published releases deploy")
    return Release(repository=release.repository.full_name, tag=release.release.tag_name)


_GITHUB_EVENTS: dict[str, Callable[[bytes], Fact]] = {
    "ping": _github_ping,
    "push": _github_push,
    "pull_request": _github_pull_request,
    "release": _github_release,
}


# GitLab


class _GitlabProject(msgspec.Struct, frozen=True):
    path_with_namespace: str


class _GitlabPush(msgspec.Struct, frozen=True):
    ref: str
    after: str
    project: _GitlabProject
    checkout_sha: str | None = None
    commits: list[_Commit] = []
    total_commits_count: int = 0


class _GitlabLastCommit(msgspec.Struct, frozen=True):
    id: str


class _GitlabMergeRequestBody(msgspec.Struct, frozen=True):
    iid: int
    source_branch: str
    target_branch: str
    last_commit: _GitlabLastCommit
    source_project_id: int
    target_project_id: int
    action: str = ""
    title: str = ""
    url: str = ""
    oldrev: str | None = None


class _GitlabMergeRequest(msgspec.Struct, frozen=True):
    object_attributes: _GitlabMergeRequestBody
    project: _GitlabProject


class _GitlabRelease(msgspec.Struct, frozen=True):
    action: str
    tag: str
    project: _GitlabProject


_GITLAB_ACTIONS = {"open": "opened", "reopen": "reopened", "close": "closed", "merge": "merged"}


def _gitlab(event: str, body: bytes) -> Fact:
    read = _GITLAB_EVENTS.get(event)
    if read is None:
        msgspec.json.decode(body)
        return Ignored(reason=f"{event} events are not acted on")
    return read(body)


def _gitlab_push(body: bytes) -> Fact:
    push = msgspec.json.decode(body, type=_GitlabPush)
    ref = _ref(push.ref)
    if ref is None:
        return Ignored(reason=f"a push to {push.ref!r}, neither a branch nor a tag")
    deleted = push.after == _ZERO
    head = next((c for c in push.commits if c.id == push.after), None)
    listed = len(push.commits)
    return Push(
        repository=push.project.path_with_namespace,
        ref_kind=ref[0],  # type: ignore[arg-type]
        ref=ref[1],
        commit=None if deleted else push.after,
        message=head.message if head is not None else "",
        paths=_paths(push.commits),
        paths_complete=listed < MAX_LISTED_COMMITS and listed >= push.total_commits_count,
    )


def _gitlab_merge_request(body: bytes) -> Fact:
    change = msgspec.json.decode(body, type=_GitlabMergeRequest)
    request = change.object_attributes
    action = _GITLAB_ACTIONS.get(request.action)
    if request.action == "update":
        # An update without oldrev changed the title, labels or assignees, not the code.
        action = "synchronize" if request.oldrev else None
    if action is None:
        return Ignored(reason=f"merge request {request.action or 'event'}: nothing to deploy")
    return PullRequest(
        repository=change.project.path_with_namespace,
        number=request.iid,
        action=action,  # type: ignore[arg-type]
        head_branch=request.source_branch,
        head_commit=request.last_commit.id,
        base_branch=request.target_branch,
        from_fork=request.source_project_id != request.target_project_id,
        title=request.title,
        url=request.url,
    )


def _gitlab_release(body: bytes) -> Fact:
    release = msgspec.json.decode(body, type=_GitlabRelease)
    if release.action != "create":
        return Ignored(reason=f"release {release.action}: only new releases deploy")
    return Release(repository=release.project.path_with_namespace, tag=release.tag)


_GITLAB_EVENTS: dict[str, Callable[[bytes], Fact]] = {
    "Push Hook": _gitlab_push,
    "Tag Push Hook": _gitlab_push,
    "Merge Request Hook": _gitlab_merge_request,
    "Release Hook": _gitlab_release,
}


# Bitbucket Cloud


class _BitbucketTarget(msgspec.Struct, frozen=True):
    hash: str
    message: str = ""


class _BitbucketRef(msgspec.Struct, frozen=True):
    type: str
    name: str
    target: _BitbucketTarget


class _BitbucketChange(msgspec.Struct, frozen=True):
    new: _BitbucketRef | None = None
    old: _BitbucketRef | None = None


class _BitbucketPushBody(msgspec.Struct, frozen=True):
    changes: list[_BitbucketChange]


class _BitbucketPush(msgspec.Struct, frozen=True):
    push: _BitbucketPushBody
    repository: _Repository


class _BitbucketBranchName(msgspec.Struct, frozen=True):
    name: str


class _BitbucketCommit(msgspec.Struct, frozen=True):
    hash: str


class _BitbucketEnd(msgspec.Struct, frozen=True):
    branch: _BitbucketBranchName
    commit: _BitbucketCommit
    repository: _Repository | None = None


class _BitbucketHref(msgspec.Struct, frozen=True):
    href: str = ""


class _BitbucketLinks(msgspec.Struct, frozen=True):
    html: _BitbucketHref = _BitbucketHref()


class _BitbucketPullRequestBody(msgspec.Struct, frozen=True):
    id: int
    source: _BitbucketEnd
    destination: _BitbucketEnd
    title: str = ""
    links: _BitbucketLinks = _BitbucketLinks()


class _BitbucketPullRequest(msgspec.Struct, frozen=True):
    pullrequest: _BitbucketPullRequestBody
    repository: _Repository


_BITBUCKET_ACTIONS = {
    "pullrequest:created": "opened",
    "pullrequest:updated": "synchronize",
    "pullrequest:fulfilled": "merged",
    "pullrequest:rejected": "closed",
}


def _bitbucket(event: str, body: bytes) -> Fact:
    if event == "repo:push":
        push = msgspec.json.decode(body, type=_BitbucketPush)
        if len(push.push.changes) != 1:
            # One delivery may carry several refs; each is acted on as its own push only
            # when it is alone (Bitbucket sends one per ref for ordinary pushes).
            return Ignored(reason=f"a push of {len(push.push.changes)} refs at once")
        change = push.push.changes[0]
        ref = change.new or change.old
        if ref is None or ref.type not in ("branch", "tag"):
            return Ignored(reason="a push to something that is neither a branch nor a tag")
        return Push(
            repository=push.repository.full_name,
            ref_kind="branch" if ref.type == "branch" else "tag",
            ref=ref.name,
            commit=None if change.new is None else change.new.target.hash,
            message="" if change.new is None else change.new.target.message,
            paths_complete=False,  # Bitbucket lists no files in its push payloads
        )
    action = _BITBUCKET_ACTIONS.get(event)
    if action is not None:
        change_ = msgspec.json.decode(body, type=_BitbucketPullRequest)
        request = change_.pullrequest
        source_repo = request.source.repository
        return PullRequest(
            repository=change_.repository.full_name,
            number=request.id,
            action=action,  # type: ignore[arg-type]
            head_branch=request.source.branch.name,
            head_commit=request.source.commit.hash,
            base_branch=request.destination.branch.name,
            from_fork=source_repo is None or source_repo.full_name != change_.repository.full_name,
            title=request.title,
            url=request.links.html.href,
        )
    msgspec.json.decode(body)
    return Ignored(reason=f"{event} events are not acted on")


_READERS: dict[GitProvider, Callable[[str, bytes], Fact]] = {
    GitProvider.GITHUB: _github,
    GitProvider.GITLAB: _gitlab,
    GitProvider.BITBUCKET: _bitbucket,
}
