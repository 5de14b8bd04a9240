"""GitHub and GitLab as sign-in providers, through Authlib's OAuth 2 client (over httpx).

Authlib builds the authorisation URL (state, PKCE S256 challenge) and exchanges the code
(with the verifier and the client secret); the account and its verified emails are then read
with the access token. Every call has the configured deadline; the token is dropped after use.
"""

from __future__ import annotations

import warnings
from typing import Any

import httpx
import msgspec
from authlib.deprecate import (  # type: ignore[import-untyped]  # first: it adds an "always" filter
    AuthlibDeprecationWarning,
)

from application.secrets import Secret
from application.sign_in import (
    ProviderIdentity,
    ProviderRefusedError,
    ProviderUnavailableError,
)

with warnings.catch_warnings():
    # Authlib 1.9 prefers the httpx2 package and warns when it falls back to httpx, which is
    # the one the lock holds (and Authlib still supports); the warning is about packaging.
    warnings.filterwarnings(
        "ignore", message="The httpx module is deprecated", category=AuthlibDeprecationWarning
    )
    from authlib.integrations.base_client.errors import (  # type: ignore[import-untyped]  # Authlib ships no types
        OAuthError,
    )
    from authlib.integrations.httpx_client import (  # type: ignore[import-untyped]  # nor here
        OAuth2Client,
    )


class ProviderConfig(msgspec.Struct, frozen=True, kw_only=True):
    """One provider's OAuth application and endpoints."""

    name: str
    client_id: str
    client_secret: Secret
    authorize_url: str
    token_url: str
    user_url: str
    emails_url: str | None = None
    """GitHub's list of the account's emails with their ``verified`` flag."""
    scopes: str = ""
    timeout: float = 5.0


def github(
    client_id: str,
    client_secret: Secret,
    *,
    base_url: str = "https://github.com",
    api_url: str = "https://api.github.com",
    scopes: str = "read:user user:email",
    timeout: float = 5.0,
) -> ProviderConfig:
    """GitHub (or GitHub Enterprise, with its own base and API URLs)."""
    base, api = base_url.rstrip("/"), api_url.rstrip("/")
    return ProviderConfig(
        name="github",
        client_id=client_id,
        client_secret=client_secret,
        authorize_url=f"{base}/login/oauth/authorize",
        token_url=f"{base}/login/oauth/access_token",
        user_url=f"{api}/user",
        emails_url=f"{api}/user/emails",
        scopes=scopes,
        timeout=timeout,
    )


def gitlab(
    client_id: str,
    client_secret: Secret,
    *,
    base_url: str = "https://gitlab.com",
    scopes: str = "read_user",
    timeout: float = 5.0,
) -> ProviderConfig:
    """GitLab.com or a self-hosted GitLab at ``base_url``."""
    base = base_url.rstrip("/")
    return ProviderConfig(
        name="gitlab",
        client_id=client_id,
        client_secret=client_secret,
        authorize_url=f"{base}/oauth/authorize",
        token_url=f"{base}/oauth/token",
        user_url=f"{base}/api/v4/user",
        scopes=scopes,
        timeout=timeout,
    )


class AuthlibSignInProvider:
    """A SignInProvider over Authlib's OAuth2Client."""

    def __init__(self, config: ProviderConfig) -> None:
        self.name = config.name
        self._config = config

    def __repr__(self) -> str:  # never the secret
        return f"AuthlibSignInProvider({self.name!r}, client_id={self._config.client_id!r})"

    def _client(self, redirect_uri: str) -> OAuth2Client:
        config = self._config
        return OAuth2Client(
            client_id=config.client_id,
            client_secret=config.client_secret.reveal(),
            token_endpoint_auth_method="client_secret_post",  # noqa: S106 - a method's name
            scope=config.scopes or None,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=httpx.Timeout(config.timeout),
            follow_redirects=False,
        )

    def authorization_url(self, *, redirect_uri: str, state: str, code_verifier: str) -> str:
        """The consent page's URL with the state and the S256 challenge of the verifier."""
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self._config.authorize_url, state=state, code_verifier=code_verifier
            )
        return str(url)

    def identify(self, *, code: str, code_verifier: str, redirect_uri: str) -> ProviderIdentity:
        """Exchange the code, then read the account and its verified emails."""
        config = self._config
        with self._client(redirect_uri) as client:
            try:
                client.fetch_token(
                    config.token_url,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                )
                user = self._get(client, config.user_url)
                emails = self._get(client, config.emails_url) if config.emails_url else None
            except OAuthError as e:
                raise ProviderRefusedError(
                    f"{config.name} refused the sign-in ({_short(e.error)}); start again"
                ) from None
            except (httpx.HTTPError, ValueError) as e:
                raise ProviderUnavailableError(
                    f"{config.name} did not answer the sign-in in time ({type(e).__name__}); "
                    "try again later"
                ) from None
        return _identity(config.name, user, emails)

    def _get(self, client: OAuth2Client, url: str) -> Any:
        response = client.get(url, headers={"Accept": "application/json"})
        if response.status_code in (401, 403):
            raise OAuthError(error=f"{response.status_code} from {httpx.URL(url).path}")
        if response.status_code >= 400:
            raise httpx.HTTPStatusError(
                f"{response.status_code}", request=response.request, response=response
            )
        return response.json()


def _identity(provider: str, user: Any, emails: Any) -> ProviderIdentity:
    """The account's stable id, login and verified emails, from GitHub's or GitLab's JSON."""
    if not isinstance(user, dict) or user.get("id") in (None, ""):
        raise ProviderUnavailableError(f"{provider} answered without an account id; try again")
    login = str(user.get("login") or user.get("username") or "")
    verified: list[str] = []
    if isinstance(emails, list):  # GitHub: /user/emails, primary first
        rows = [e for e in emails if isinstance(e, dict) and e.get("verified") is True]
        rows.sort(key=lambda e: e.get("primary") is not True)
        verified = [str(e["email"]) for e in rows if isinstance(e.get("email"), str)]
    elif provider == "gitlab" and user.get("confirmed_at") and isinstance(user.get("email"), str):
        verified = [user["email"]]  # GitLab: the primary email, once confirmed
    return ProviderIdentity(
        provider=provider, subject=str(user["id"]), login=login, verified_emails=tuple(verified)
    )


def _short(text: object) -> str:
    """A provider's error code, cut short (it is shown to the user)."""
    return "".join(ch for ch in str(text)[:60] if ch.isprintable())
