"""GitHub (and GitHub Enterprise Server) behind the GitProviderApi port, through githubkit.

Requests go through githubkit's client (token auth, base URL, its error and rate-limit
detection) with its retries and HTTP cache off: the port's callers decide when to try
again, and every call must end within the timeout. Responses are read as plain JSON, not
githubkit's generated models, so that a field GitHub adds or drops does not fail a call
the port does not need it for.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from githubkit import GitHub
from githubkit.exception import GitHubException, RateLimitExceeded, RequestFailed

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
    ProviderUnavailableError,
    Repository,
    Webhook,
)

STATES = {
    CommitState.PENDING: "pending",
    CommitState.RUNNING: "pending",
    CommitState.SUCCESS: "success",
    CommitState.FAILURE: "failure",
    CommitState.CANCELED: "error",
}
EVENTS = ["push", "pull_request", "release"]
_STATUS_STATES: dict[str, CheckState] = {
    "pending": "pending",
    "success": "success",
    "failure": "failure",
    "error": "failure",
}
_PASSING_CONCLUSIONS = {"success", "neutral", "skipped"}


def _json_content_type(request: httpx.Request) -> None:
    # GitHub's own clients send the charset; recorded API fixtures match on it.
    if request.headers.get("content-type") == "application/json":
        request.headers["content-type"] = "application/json; charset=utf-8"


@guarded("GitHub")
class GitHubApi:
    """One GitHub connection: ``api_url`` is https://api.github.com or an Enterprise
    server's ``https://host/api/v3``."""

    def __init__(self, api_url: str, token: str | None, *, timeout: float) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._github = GitHub(
            token,
            base_url=self.api_url + "/",
            accept_format="v3+json",
            user_agent="Containr",
            timeout=httpx.Timeout(timeout),
            http_cache=False,
            auto_retry=False,
            event_hooks={"request": [_json_content_type]},
        )

    def __repr__(self) -> str:
        return f"GitHubApi({self.api_url!r})"

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        secret: str | None = None,
    ) -> httpx.Response:
        try:
            return self._github.request(method, path, params=params, json=json).raw_response
        except RateLimitExceeded as exc:
            raise ProviderUnavailableError(
                f"rate limited for {exc.retry_after.total_seconds():.0f} s"
            ) from None
        except RequestFailed as exc:
            raw = exc.response.raw_response
            try:
                body: Any = raw.json()
            except ValueError:
                body = raw.text
            reason = provider_message(body, raw.reason_phrase)
            raise refused(raw.status_code, reason, [self._token, secret]) from None
        except GitHubException as exc:
            cause = getattr(exc, "exc", exc)
            raise unreachable("GitHub", cause, self._timeout) from None
        except httpx.HTTPError as exc:
            raise unreachable("GitHub", exc, self._timeout) from None

    def account(self) -> Account:
        user = self._call("GET", "/user").json()
        return Account(login=user["login"], name=user.get("name"))

    def repositories(self, page: int = 1, per_page: int = 50) -> Page:
        resp = self._call("GET", "/user/repos", params={"per_page": per_page, "page": page})
        return Page(items=[_repository(r) for r in resp.json()], next_page=_next(resp, page))

    def repository(self, full_name: str) -> Repository:
        owner, name = split_full_name(full_name)
        return _repository(self._call("GET", f"/repos/{owner}/{name}").json())

    def branches(self, full_name: str, page: int = 1, per_page: int = 100) -> Page:
        owner, name = split_full_name(full_name)
        resp = self._call(
            "GET", f"/repos/{owner}/{name}/branches", params={"per_page": per_page, "page": page}
        )
        items = [Branch(name=b["name"], commit_sha=b["commit"]["sha"]) for b in resp.json()]
        return Page(items=items, next_page=_next(resp, page))

    def register_webhook(self, full_name: str, url: str, secret: str) -> Webhook:
        owner, name = split_full_name(full_name)
        body = {
            "name": "web",
            "active": True,
            "events": EVENTS,
            "config": {"url": url, "content_type": "json", "secret": secret, "insecure_ssl": "0"},
        }
        hook = self._call("POST", f"/repos/{owner}/{name}/hooks", json=body, secret=secret).json()
        return Webhook(hook_id=str(hook["id"]), url=hook.get("config", {}).get("url", url))

    def webhooks(self, full_name: str) -> list[Webhook]:
        owner, name = split_full_name(full_name)
        hooks = self._call("GET", f"/repos/{owner}/{name}/hooks", params={"per_page": 100})
        return [
            Webhook(hook_id=str(h["id"]), url=h.get("config", {}).get("url", ""))
            for h in hooks.json()
        ]

    def remove_webhook(self, full_name: str, hook_id: str) -> None:
        owner, name = split_full_name(full_name)
        if not hook_id.isdigit():
            return  # GitHub's hook ids are numbers: no such hook, so nothing to remove
        try:
            self._call("DELETE", f"/repos/{owner}/{name}/hooks/{hook_id}")
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
        owner, name = split_full_name(full_name)
        body: dict[str, str] = {"state": STATES[state]}
        if target_url is not None:
            body["target_url"] = target_url
        body["description"] = truncate(description, 140)
        body["context"] = context
        self._call("POST", f"/repos/{owner}/{name}/statuses/{commit_sha(sha)}", json=body)

    def checks(self, full_name: str, sha: str, *, ignore_context: str) -> ChecksVerdict:
        owner, name = split_full_name(full_name)
        ref = commit_sha(sha)
        combined = self._call("GET", f"/repos/{owner}/{name}/commits/{ref}/status").json()
        found: list[tuple[str, CheckState]] = [
            (s["context"], _STATUS_STATES.get(s["state"], "pending"))
            for s in combined.get("statuses", [])
            if not s["context"].startswith(ignore_context)
        ]
        runs = self._call(
            "GET", f"/repos/{owner}/{name}/commits/{ref}/check-runs", params={"per_page": 100}
        ).json()
        for run in runs.get("check_runs", []):
            if run["name"].startswith(ignore_context):
                continue
            if run["status"] != "completed":
                found.append((run["name"], "pending"))
            elif run.get("conclusion") in _PASSING_CONCLUSIONS:
                found.append((run["name"], "success"))
            else:
                found.append((run["name"], "failure"))
        return verdict(found)

    def comment(self, full_name: str, pull_request: int, body: str) -> None:
        owner, name = split_full_name(full_name)
        self._call(
            "POST",
            f"/repos/{owner}/{name}/issues/{int(pull_request)}/comments",
            json={"body": body},
        )


def _repository(repo: dict[str, Any]) -> Repository:
    return Repository(
        full_name=repo["full_name"],
        default_branch=repo.get("default_branch"),
        private=bool(repo.get("private", False)),
        clone_url=repo["clone_url"],
        web_url=repo["html_url"],
    )


def _next(resp: httpx.Response, page: int) -> int | None:
    """The next page from GitHub's Link header (absent on the last page)."""
    link = resp.links.get("next")
    if not link:
        return None
    pages = parse_qs(urlsplit(link.get("url", "")).query).get("page")
    return int(pages[0]) if pages and pages[0].isdigit() else page + 1
