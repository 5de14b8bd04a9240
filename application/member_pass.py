"""The member sign-in hop into a members-only environment (issue 14).

A member's browser visiting a members-only preview carries no ``Authorization`` header: its
Containr session belongs to Containr's own host. So, as oauth2-proxy and Cloudflare Access
do, the gate sends the browser to Containr (``/access/enter``), which checks the signed-in
user is a member and sends it back to the preview host with a **hop token**: HMAC-signed,
bound to the environment and the user, valid for 60 seconds and redeemable once. Redeeming
it at ``/_containr/enter`` on the preview host sets a **member cookie**, also signed and
bound to the environment and the user, for 12 hours; membership is checked again on every
request that cookie carries, so someone who leaves the organisation is shut out at once.

Both are ``<kind>.<environment>.<user>.<expiry>.<nonce>.<signature>`` with an HMAC-SHA256
over the rest under a key derived from the server's master key; expiry is by the
application's clock.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit
from uuid import UUID

from application.ports import Clock

HOP_TTL = timedelta(seconds=60)
MEMBER_TTL = timedelta(hours=12)
HOP_PREFIX = "mhp"
COOKIE_PREFIX = "mck"


class PassRefusedError(Exception):
    """A hop token or member cookie that is forged, expired, replayed or for elsewhere."""


def member_cookie(environment_id: UUID) -> str:
    """The name of the cookie carrying a member's pass into an environment."""
    return f"containr_member_{environment_id.hex[:12]}"


def derive_pass_key(master_key: bytes) -> bytes:
    """The key member passes are signed with: never the master key itself."""
    return hmac.new(master_key, b"containr member pass v1", hashlib.sha256).digest()


@dataclass(frozen=True)
class Pass:
    """What a valid token says."""

    environment_id: UUID
    user_id: UUID
    expires: int
    nonce: str


class MemberPasses:
    """Signs and checks hop tokens (single use) and member cookies."""

    def __init__(
        self,
        key: bytes,
        clock: Clock,
        *,
        hop_ttl: timedelta = HOP_TTL,
        member_ttl: timedelta = MEMBER_TTL,
    ) -> None:
        if len(key) < 32:
            raise ValueError("the member pass key must be at least 32 bytes")
        self._key = key
        self._clock = clock
        self.hop_ttl = hop_ttl
        self.member_ttl = member_ttl
        self._spent: dict[str, int] = {}  # nonce -> expiry, kept until it expires
        self._lock = threading.Lock()

    def hop(self, environment_id: UUID, user_id: UUID) -> str:
        """A hop token for the user into the environment."""
        return self._sign(HOP_PREFIX, environment_id, user_id, self.hop_ttl)

    def redeem(self, token: str, environment_id: UUID) -> UUID:
        """The user a hop token was made for; it can never be redeemed again."""
        found = self._verify(HOP_PREFIX, token, environment_id)
        now = self._now()
        with self._lock:
            for nonce in [n for n, expires in self._spent.items() if expires <= now]:
                del self._spent[nonce]
            if found.nonce in self._spent:
                raise PassRefusedError("this sign-in link was already used")
            self._spent[found.nonce] = found.expires
        return found.user_id

    def cookie(self, environment_id: UUID, user_id: UUID) -> tuple[str, int]:
        """A member cookie's value and how many seconds it lasts."""
        value = self._sign(COOKIE_PREFIX, environment_id, user_id, self.member_ttl)
        return value, int(self.member_ttl.total_seconds())

    def cookie_user(self, value: str, environment_id: UUID) -> UUID:
        """The user a member cookie was made for, while it lasts."""
        return self._verify(COOKIE_PREFIX, value, environment_id).user_id

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    def _sign(self, kind: str, environment_id: UUID, user_id: UUID, ttl: timedelta) -> str:
        expires = self._now() + int(ttl.total_seconds())
        body = f"{kind}.{environment_id.hex}.{user_id.hex}.{expires}.{secrets.token_hex(16)}"
        return f"{body}.{self._mac(body)}"

    def _mac(self, body: str) -> str:
        digest = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def _verify(self, kind: str, token: str, environment_id: UUID) -> Pass:
        body, _, mac = token.rpartition(".")
        if not body or not hmac.compare_digest(mac.encode(), self._mac(body).encode()):
            raise PassRefusedError("this pass is not one Containr signed")
        parts = body.split(".")
        if len(parts) != 5 or parts[0] != kind:
            raise PassRefusedError("this pass is not one Containr signed")
        try:
            found = Pass(UUID(hex=parts[1]), UUID(hex=parts[2]), int(parts[3]), parts[4])
        except ValueError as e:
            raise PassRefusedError("this pass is not one Containr signed") from e
        if found.environment_id != environment_id:
            raise PassRefusedError("this pass is for another environment")
        if found.expires <= self._now():
            raise PassRefusedError("this pass has expired: open the page again")
        return found


def return_target(return_url: str, environment_domain: str) -> tuple[str, str]:
    """``(origin, path)`` of a URL on a host of the environment (``<x>.<environment_domain>``),
    or ValueError for anything else (another host, a scheme other than http(s), credentials),
    so the hop can never send a browser, or a token, elsewhere."""
    try:
        parts = urlsplit(return_url)
        port = parts.port
    except ValueError as e:
        raise ValueError("the return address is not a URL") from e
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or parts.username or parts.password:
        raise ValueError("the return address must be an http(s) URL without credentials")
    if not host.endswith(f".{environment_domain.lower()}") or "\\" in return_url:
        raise ValueError("the return address is not a host of this environment")
    origin = f"{parts.scheme}://{host}" + (f":{port}" if port else "")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return origin, safe_path(path)


def safe_path(path: str) -> str:
    """A local path to send the browser to after the hop (``/`` for anything that is not)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path
