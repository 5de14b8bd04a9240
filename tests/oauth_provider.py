"""A real OAuth 2 provider for the sign-in tests, built from Authlib's server components.

Authorisation code grant (RFC 6749) with PKCE (RFC 7636, S256, a challenge required of every
client), a token endpoint authenticating the client by its secret, and GitHub- and
GitLab-shaped account endpoints (``/user``, ``/user/emails``, ``/api/v4/user``) answering to
the access tokens it issued. Served over HTTP by the standard library's WSGI server on a free
loopback port, in a thread; Authlib's framework-neutral request types carry the requests.

The "browser" of a test signs in at the provider by setting ``signed_in`` (who would be
signed in there), then follows the redirects itself.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer, OAuth2Error
from authlib.oauth2.rfc6749 import (
    ClientMixin,
    JsonRequest,
    OAuth2Payload,
    OAuth2Request,
    grants,
)
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge

Environ = dict[str, Any]
StartResponse = Callable[[str, list[tuple[str, str]]], object]


@dataclass
class Account:
    """A person at the provider."""

    id: int
    login: str
    emails: list[tuple[str, bool]]
    """(address, verified); the first is the primary one."""


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    """An OAuth app registered at the provider (Containr)."""

    client_id: str
    client_secret: str
    redirect_uris: list[str]
    scope: str = "read:user user:email read_user"

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = set(self.scope.split())
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_post"

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    """An issued authorisation code."""

    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: Account
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope


class RequiredChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE for every client, confidential ones too (OAuth 2.1): no challenge, no code."""

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        if not grant.request.payload.data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge'")
        if grant.request.payload.data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256")
        super().validate_code_challenge(grant, redirect_uri)


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, values: dict[str, list[str]]) -> None:
        self._values = values

    @property
    def data(self) -> dict[str, str]:
        return {k: v[0] for k, v in self._values.items()}

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return defaultdict(list, self._values)


class _Request(OAuth2Request):  # type: ignore[misc]
    """An Authlib request from a WSGI environ (the query, and a form body)."""

    def __init__(self, environ: Environ, url: str, form: dict[str, list[str]]) -> None:
        headers = {
            k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")
        }
        super().__init__(environ["REQUEST_METHOD"], url, headers=headers)
        self._args = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        self._form = form
        values = {**self._args, **form}
        self.payload = _Payload(values)

    @property
    def args(self) -> dict[str, str]:
        return {k: v[0] for k, v in self._args.items()}

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in self._form.items()}


class Provider(AuthorizationServer):  # type: ignore[misc]
    """The authorisation server, its clients, codes, tokens and accounts."""

    def __init__(self) -> None:
        super().__init__()
        self.clients: dict[str, Client] = {}
        self.accounts: dict[str, Account] = {}
        self.codes: dict[str, Code] = {}
        self.tokens: dict[str, tuple[Account, float]] = {}
        self.signed_in: str | None = None
        self.token_requests: list[dict[str, str]] = []
        self.stall = threading.Event()
        """Set: the token endpoint never answers (a provider that hangs)."""
        self.released = threading.Event()
        self.register_token_generator(
            "default", BearerTokenGenerator(lambda *a, **k: generate_token(42))
        )
        provider = self

        class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
            TOKEN_ENDPOINT_AUTH_METHODS = ("client_secret_post",)

            def save_authorization_code(self, code: str, request: Any) -> None:
                data = request.payload.data
                provider.codes[code] = Code(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=request.payload.redirect_uri,
                    scope=request.scope or "",
                    user=request.user,
                    code_challenge=data.get("code_challenge"),
                    code_challenge_method=data.get("code_challenge_method"),
                    expires_at=time.time() + 300,
                )

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                if found and found.client_id == client.client_id and found.expires_at > time.time():
                    return found
                return None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> Account:
                return authorization_code.user

        self.register_grant(CodeGrant, [RequiredChallenge(required=True)])

    # AuthorizationServer's framework hooks

    def query_client(self, client_id: str) -> Client | None:
        return self.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: Any) -> None:
        self.tokens[token["access_token"]] = (request.user, time.time() + token["expires_in"])

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def create_oauth2_request(self, request: Any) -> Any:
        return request

    def create_json_request(self, request: Any) -> JsonRequest:
        return request

    def handle_response(self, status: int, body: Any, headers: Iterable[tuple[str, str]]) -> Any:
        return status, body, list(headers)

    # Accounts

    def add_account(self, login: str, *emails: tuple[str, bool]) -> Account:
        account = Account(id=1000 + len(self.accounts), login=login, emails=list(emails))
        self.accounts[login] = account
        return account

    def register(self, client_id: str, client_secret: str, *redirect_uris: str) -> None:
        self.clients[client_id] = Client(client_id, client_secret, list(redirect_uris))

    # The WSGI application

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterator[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ["REQUEST_METHOD"]
        form: dict[str, list[str]] = {}
        if method == "POST":
            size = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(size).decode(), keep_blank_values=True)
        host = environ.get("HTTP_HOST", "127.0.0.1")
        query = environ.get("QUERY_STRING", "")
        url = f"http://{host}{path}" + (f"?{query}" if query else "")
        request = _Request(environ, url, form)
        if path in ("/login/oauth/authorize", "/oauth/authorize"):
            status, body, headers = self._authorize(request)
        elif path in ("/login/oauth/access_token", "/oauth/token") and method == "POST":
            self.token_requests.append({k: v[0] for k, v in form.items()})
            if self.stall.is_set():
                self.released.wait(30)  # until the test ends: the client's deadline must act
            status, body, headers = self.create_token_response(request)
        elif path in ("/user", "/user/emails", "/api/v4/user"):
            status, body, headers = self._account(environ, path)
        else:
            status, body, headers = 404, {"message": "Not Found"}, []
        data = json.dumps(body).encode() if isinstance(body, dict | list) else str(body).encode()
        if isinstance(body, dict | list):
            headers = [*headers, ("Content-Type", "application/json")]
        start_response(f"{status} X", [(k, v) for k, v in headers if k.lower() != "content-length"])
        return iter([data])

    def _authorize(self, request: _Request) -> tuple[int, Any, list[tuple[str, str]]]:
        user = self.accounts.get(self.signed_in or "")
        if user is None:
            return 401, {"error": "login_required"}, []
        try:
            grant = self.get_consent_grant(request, end_user=user)
        except OAuth2Error as error:
            return error.status_code, dict(error.get_body()), []
        return self.create_authorization_response(request, grant_user=user, grant=grant)  # type: ignore[no-any-return]

    def _account(self, environ: Environ, path: str) -> tuple[int, Any, list[tuple[str, str]]]:
        scheme, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        found = self.tokens.get(token) if scheme.lower() == "bearer" else None
        if found is None or found[1] < time.time():
            return 401, {"message": "Bad credentials"}, []
        account = found[0]
        if path == "/user/emails":
            return (
                200,
                [
                    {"email": e, "verified": v, "primary": i == 0, "visibility": None}
                    for i, (e, v) in enumerate(account.emails)
                ],
                [],
            )
        if path == "/api/v4/user":
            email, verified = account.emails[0] if account.emails else ("", False)
            confirmed = "2024-01-01T00:00:00Z" if verified else None
            return (
                200,
                {
                    "id": account.id,
                    "username": account.login,
                    "email": email,
                    "confirmed_at": confirmed,
                },
                [],
            )
        return 200, {"id": account.id, "login": account.login, "email": None}, []


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return None


@dataclass
class Running:
    """A provider served on a loopback port."""

    provider: Provider
    url: str
    server: WSGIServer
    thread: threading.Thread
    log: list[str] = field(default_factory=list)

    def authorize(self, location: str) -> str:
        """Follow the consent page as the signed-in browser would: where it redirects to."""
        import httpx  # noqa: PLC0415 - the test's browser

        answer = httpx.get(location, follow_redirects=False, timeout=10)
        assert answer.status_code == 302, (answer.status_code, answer.text)
        return answer.headers["location"]

    def stop(self) -> None:
        self.provider.released.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)


def serve(provider: Provider) -> Running:
    """Serve ``provider`` on a free loopback port (stop() it at the end)."""

    class Threaded(WSGIServer):
        daemon_threads = True

        def process_request(self, request: Any, client_address: Any) -> None:
            # One thread per request, so a stalled token request does not block the rest.
            thread = threading.Thread(
                target=self._handle, args=(request, client_address), daemon=True
            )
            thread.start()

        def _handle(self, request: Any, client_address: Any) -> None:
            try:
                self.finish_request(request, client_address)
            finally:
                self.shutdown_request(request)

    server = make_server("127.0.0.1", 0, provider, server_class=Threaded, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    return Running(provider, url, server, thread)


__all__ = ["Account", "Provider", "Running", "serve", "urlencode"]
