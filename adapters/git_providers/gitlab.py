"""GitLab (gitlab.com or self-managed) behind the GitProviderApi port, through python-gitlab.

The connection stores the API's address (``https://gitlab.com/api/v4``); python-gitlab
wants the instance's, so the ``/api/v4`` suffix is taken off. Personal, group and project
access tokens all authenticate the same way (``PRIVATE-TOKEN``). Requests go through
python-gitlab's ``http_request`` (auth, URL building, error parsing) with its rate-limit
waits and retries off, so that every call ends within the timeout.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import gitlab
import requests
from gitlab.exceptions import GitlabError

from adapters.git_providers._common import (
    CheckState,
    commit_sha,
    guarded,
    path_parts,
    refused,
    scrub,
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
    CommitState.RUNNING: "running",
    CommitState.SUCCESS: "success",
    CommitState.FAILURE: "failed",
    CommitState.CANCELED: "canceled",
}
_JOB_STATES: dict[str, CheckState] = {
    "success": "success",
    "skipped": "success",
    "manual": "success",
    "failed": "failure",
    "canceled": "failure",
}


def instance_url(api_url: str) -> str:
    """``https://host[/prefix]`` from the API address ``https://host[/prefix]/api/v4``."""
    url = api_url.rstrip("/")
    return url.removesuffix("/api/v4")


@guarded("GitLab")
class GitLabApi:
    """One GitLab connection (a personal, group or project access token)."""

    def __init__(self, api_url: str, token: str | None, *, timeout: float) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._gitlab = gitlab.Gitlab(
            instance_url(api_url),
            private_token=token,
            timeout=timeout,
            retry_transient_errors=False,
            user_agent="Containr",
        )

    def __repr__(self) -> str:
        return f"GitLabApi({self.api_url!r})"

    def _call(
        self,
        verb: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        secret: str | None = None,
    ) -> requests.Response:
        try:
            return self._gitlab.http_request(
                verb,
                path,
                query_data=query,
                post_data=data,
                obey_rate_limit=False,
                max_retries=0,
            )
        except GitlabError as exc:
            if exc.response_code is None:
                raise ProviderUnavailableError(
                    scrub(f"GitLab failed: {exc.error_message}", [self._token, secret])
                ) from None
            reason = exc.error_message if isinstance(exc.error_message, str) else str(exc)
            raise refused(exc.response_code, str(reason), [self._token, secret]) from None
        except requests.RequestException as exc:
            raise unreachable("GitLab", exc, self._timeout) from None

    def account(self) -> Account:
        user = self._call("get", "/user").json()
        return Account(login=user["username"], name=user.get("name"))

    def repositories(self, page: int = 1, per_page: int = 50) -> Page:
        resp = self._call(
            "get", "/projects", query={"membership": "true", "page": page, "per_page": per_page}
        )
        return Page(items=[_repository(p) for p in resp.json()], next_page=_next(resp))

    def repository(self, full_name: str) -> Repository:
        return _repository(self._call("get", _project(full_name)).json())

    def branches(self, full_name: str, page: int = 1, per_page: int = 100) -> Page:
        resp = self._call(
            "get",
            f"{_project(full_name)}/repository/branches",
            query={"page": page, "per_page": per_page},
        )
        items = [Branch(name=b["name"], commit_sha=b["commit"]["id"]) for b in resp.json()]
        return Page(items=items, next_page=_next(resp))

    def register_webhook(self, full_name: str, url: str, secret: str) -> Webhook:
        hook = self._call(
            "post",
            f"{_project(full_name)}/hooks",
            data={
                "url": url,
                "push_events": True,
                "merge_requests_events": True,
                "tag_push_events": True,
                "releases_events": True,
                "enable_ssl_verification": True,
                "token": secret,
            },
            secret=secret,
        ).json()
        return Webhook(hook_id=str(hook["id"]), url=hook.get("url", url))

    def webhooks(self, full_name: str) -> list[Webhook]:
        hooks = self._call("get", f"{_project(full_name)}/hooks", query={"per_page": 100})
        return [Webhook(hook_id=str(h["id"]), url=h.get("url", "")) for h in hooks.json()]

    def remove_webhook(self, full_name: str, hook_id: str) -> None:
        if not hook_id.isdigit():
            return  # GitLab's hook ids are numbers: no such hook, so nothing to remove
        try:
            self._call("delete", f"{_project(full_name)}/hooks/{hook_id}")
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
        data = {"state": STATES[state], "name": context, "description": description}
        if target_url is not None:
            data["target_url"] = target_url
        try:
            self._call("post", f"{_project(full_name)}/statuses/{commit_sha(sha)}", data=data)
        except ProviderAccessError as exc:
            # GitLab refuses to move a status to the state it is already in.
            if exc.status != 400 or "cannot transition status" not in exc.reason.lower():
                raise

    def checks(self, full_name: str, sha: str, *, ignore_context: str) -> ChecksVerdict:
        # The commit's latest statuses cover both its pipeline jobs and external statuses;
        # the pipeline's own status would include Containr's (GitLab adds external statuses
        # to a pipeline), so it is not used.
        statuses = self._call(
            "get",
            f"{_project(full_name)}/repository/commits/{commit_sha(sha)}/statuses",
            query={"per_page": 100},
        ).json()
        found: list[tuple[str, CheckState]] = []
        for status in statuses:
            if status["name"].startswith(ignore_context):
                continue
            state = _JOB_STATES.get(status["status"], "pending")
            if state == "failure" and status.get("allow_failure"):
                state = "success"
            found.append((status["name"], state))
        return verdict(found)

    def comment(self, full_name: str, pull_request: int, body: str) -> None:
        self._call(
            "post",
            f"{_project(full_name)}/merge_requests/{int(pull_request)}/notes",
            data={"body": body},
        )


def _project(full_name: str) -> str:
    return "/projects/" + quote("/".join(path_parts(full_name)), safe="")


def _repository(project: dict[str, Any]) -> Repository:
    return Repository(
        full_name=project["path_with_namespace"],
        default_branch=project.get("default_branch"),
        private=project.get("visibility", "private") != "public",
        clone_url=project["http_url_to_repo"],
        web_url=project["web_url"],
    )


def _next(resp: requests.Response) -> int | None:
    """The next page from GitLab's ``X-Next-Page`` header (empty on the last page)."""
    value = resp.headers.get("X-Next-Page", "").strip()
    return int(value) if value.isdigit() else None
