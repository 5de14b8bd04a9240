"""The git providers' REST APIs behind the GitProviderApi port (issue 14).

Each provider's client library is imported only when a connection of that provider is
opened: githubkit alone takes most of a second to import, which ``containr serve`` must
not pay at start.
"""

from __future__ import annotations

from adapters.git_providers._common import DEFAULT_TIMEOUT
from application.git_providers import GitProviderApi


class ProviderApis:
    """Opens GitHub (githubkit), GitLab (python-gitlab) and Bitbucket Cloud
    (atlassian-python-api) connections, each call bounded by ``timeout`` seconds."""

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        if timeout <= 0:
            raise ValueError("the git providers' timeout must be positive")
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"ProviderApis(timeout={self.timeout:g})"

    def open(self, provider: str, api_url: str, token: str | None) -> GitProviderApi:
        """``provider`` is ``github``, ``gitlab`` or ``bitbucket``; ``token`` in clear."""
        if provider == "github":
            from adapters.git_providers.github import GitHubApi  # noqa: PLC0415 - its client library is imported on first use

            return GitHubApi(api_url, token, timeout=self.timeout)
        if provider == "gitlab":
            from adapters.git_providers.gitlab import GitLabApi  # noqa: PLC0415 - its client library is imported on first use

            return GitLabApi(api_url, token, timeout=self.timeout)
        if provider == "bitbucket":
            from adapters.git_providers.bitbucket import BitbucketApi  # noqa: PLC0415 - its client library is imported on first use

            return BitbucketApi(api_url, token, timeout=self.timeout)
        raise ValueError(f"unknown git provider {provider!r}")
