"""Bitbucket Cloud behind the GitProviderApi port, through atlassian-python-api.

The token is an app password written ``username:app_password`` (basic auth) or an access
token (bearer). Requests go through the library's ``Cloud`` client (auth, URL joining)
with its Retry-After sleeps and back-off off, so that every call ends within the timeout.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

import requests
from atlassian.bitbucket.cloud import Cloud

from adapters.git_providers._common import (
    CheckState,
    commit_sha,
    guarded,
    provider_message,
    refused,
    split_full_name,
    truncate,
    unreachable,
    verdict,
)
from application.git_providers import (
    Account,
    Branch,
    ChecksVerdict,
    CommitState,
    Page,
    ProviderAccessError,
    Repository,
    Webhook,
)

STATES = {
    CommitState.PENDING: "INPROGRESS",
    CommitState.RUNNING: "INPROGRESS",
    CommitState.SUCCESS: "SUCCESSFUL",
    CommitState.FAILURE: "FAILED",
    CommitState.CANCELED: "STOPPED",
}
EVENTS = [
    "repo:push",
    "pullrequest:created",
    "pullrequest:updated",
    "pullrequest:fulfilled",
    "pullrequest:rejected",
]
_BUILD_STATES: dict[str, CheckState] = {
    "SUCCESSFUL": "success",
    "FAILED": "failure",
    "STOPPED": "failure",
}
_HOOK_ID = set("{}0123456789abcdefABCDEF-")


class _NoBodies(logging.Filter):
    """Drops the library's debug line with a whole response body (it may repeat what was
    sent, a webhook's secret included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("HTTP: Response text")


_library_log = logging.getLogger("atlassian.rest_client")
if not any(isinstance(f, _NoBodies) for f in _library_log.filters):
    _library_log.addFilter(_NoBodies())


class _QuietCloud(Cloud):
    """The library's client without its curl-style debug line, which carries request
    bodies (a webhook's secret) into the log."""

    def log_curl_debug(
        self,
        method: str,
        url: str,
        data: Any = None,
        headers: Any = None,
        level: int = logging.DEBUG,
    ) -> None:
        return None


@guarded("Bitbucket")
class BitbucketApi:
    """One Bitbucket Cloud connection (an app password or an access token)."""

    def __init__(self, api_url: str, token: str | None, *, timeout: float) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._timeout = timeout
        auth: dict[str, str] = {}
        if token and ":" in token:
            username, _, password = token.partition(":")
            auth = {"username": username, "password": password}
        elif token:
            auth = {"token": token}
        self._cloud = _QuietCloud(  # type: ignore[no-untyped-call]  # Cloud.__init__ is untyped
            url=self.api_url.removesuffix("/2.0"),
            timeout=timeout,
            retry_with_header=False,
            **auth,
        )
        # The library keeps whole seconds (int(timeout)); requests takes fractions.
        self._cloud.timeout = timeout  # type: ignore[assignment]  # declared int, used as float

    def __repr__(self) -> str:
        return f"BitbucketApi({self.api_url!r})"

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        secret: str | None = None,
    ) -> Any:
        try:
            resp: requests.Response = self._cloud.request(
                method, path, params=params, json=json, advanced_mode=True
            )
        except requests.RequestException as exc:
            raise unreachable("Bitbucket", exc, self._timeout) from None
        if resp.status_code >= 400:
            try:
                body: Any = resp.json()
            except ValueError:
                body = resp.text
            reason = provider_message(body, resp.reason or "")
            raise refused(resp.status_code, reason, [self._token, secret])
        if resp.status_code == 204 or not resp.content:
            return None
        return resp.json()

    def account(self) -> Account:
        user = self._call("GET", "user")
        login = user.get("username") or user.get("nickname") or user["account_id"]
        return Account(login=login, name=user.get("display_name"))

    def repositories(self, page: int = 1, per_page: int = 50) -> Page:
        body = self._call(
            "GET", "repositories", params={"role": "member", "page": page, "pagelen": per_page}
        )
        return Page(items=[_repository(r) for r in body["values"]], next_page=_next(body, page))

    def repository(self, full_name: str) -> Repository:
        return _repository(self._call("GET", _repo(full_name)))

    def branches(self, full_name: str, page: int = 1, per_page: int = 100) -> Page:
        body = self._call(
            "GET", f"{_repo(full_name)}/refs/branches", params={"page": page, "pagelen": per_page}
        )
        items = [Branch(name=b["name"], commit_sha=b["target"]["hash"]) for b in body["values"]]
        return Page(items=items, next_page=_next(body, page))

    def register_webhook(self, full_name: str, url: str, secret: str) -> Webhook:
        hook = self._call(
            "POST",
            f"{_repo(full_name)}/hooks",
            json={
                "description": "Containr",
                "url": url,
                "active": True,
                "events": EVENTS,
                "secret": secret,
            },
            secret=secret,
        )
        return Webhook(hook_id=hook["uuid"], url=hook.get("url", url))

    def webhooks(self, full_name: str) -> list[Webhook]:
        body = self._call("GET", f"{_repo(full_name)}/hooks", params={"pagelen": 100})
        return [Webhook(hook_id=h["uuid"], url=h.get("url", "")) for h in body["values"]]

    def remove_webhook(self, full_name: str, hook_id: str) -> None:
        if not hook_id or not set(hook_id) <= _HOOK_ID:
            return  # Bitbucket's hook ids are {uuid}s: no such hook, so nothing to remove
        try:
            self._call("DELETE", f"{_repo(full_name)}/hooks/{quote(hook_id, safe='')}")
        except ProviderAccessError as exc:
            if exc.status != 404:
                raise

    def set_commit_status(
        self,
        full_name: str,
        sha: str,
        state: CommitState,
        *,
        context: str,
        description: str,
        target_url: str | None,
    ) -> None:
        repo = _repo(full_name)
        sha = commit_sha(sha)
        # Bitbucket requires a link; without a deployment's, the commit's own page.
        url = target_url or f"https://bitbucket.org/{full_name}/commits/{sha}"
        self._call(
            "POST",
            f"{repo}/commit/{sha}/statuses/build",
            json={
                "key": truncate(context, 40),
                "state": STATES[state],
                "name": context,
                "url": url,
                "description": truncate(description, 255),
            },
        )

    def checks(self, full_name: str, sha: str, *, ignore_context: str) -> ChecksVerdict:
        body = self._call(
            "GET",
            f"{_repo(full_name)}/commit/{commit_sha(sha)}/statuses",
            params={"pagelen": 100},
        )
        found: list[tuple[str, CheckState]] = [
            (s.get("name") or s["key"], _BUILD_STATES.get(s["state"], "pending"))
            for s in body["values"]
            if not s["key"].startswith(truncate(ignore_context, 40))
        ]
        return verdict(found)

    def comment(self, full_name: str, pull_request: int, body: str) -> None:
        self._call(
            "POST",
            f"{_repo(full_name)}/pullrequests/{int(pull_request)}/comments",
            json={"content": {"raw": body}},
        )


def _repo(full_name: str) -> str:
    workspace, slug = split_full_name(full_name)
    return f"repositories/{workspace}/{slug}"


def _repository(repo: dict[str, Any]) -> Repository:
    links = repo.get("links", {})
    clone = next((c["href"] for c in links.get("clone", []) if c.get("name") == "https"), None)
    mainbranch = repo.get("mainbranch") or {}
    return Repository(
        full_name=repo["full_name"],
        default_branch=mainbranch.get("name"),
        private=bool(repo.get("is_private", True)),
        clone_url=_without_user(clone or f"https://bitbucket.org/{repo['full_name']}.git"),
        web_url=links.get("html", {}).get("href", f"https://bitbucket.org/{repo['full_name']}"),
    )


def _without_user(url: str) -> str:
    # Bitbucket puts the caller's username in its clone links (https://user@bitbucket.org/…).
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


def _next(body: dict[str, Any], page: int) -> int | None:
    """The next page from Bitbucket's ``next`` link (absent on the last page)."""
    link = body.get("next")
    if not link:
        return None
    pages = parse_qs(urlsplit(link).query).get("page")
    return int(pages[0]) if pages and pages[0].isdigit() else page + 1
