"""Image registries (issue 18): where an organisation's built images are pushed so that every
node can pull them by digest. The organisation's own registry (an address, and a login
whose password arrives sealed) or the one the installation runs for everybody."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.errors import InvalidValueError
from domain.values import SealedValue

MAX_ADDRESS_LENGTH = 255
MAX_USERNAME_LENGTH = 128
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = rf"{_LABEL}(?:\.{_LABEL})*"
_ADDRESS = re.compile(
    rf"^(?P<host>{_HOST}(?::(?P<port>[0-9]{{1,5}}))?)(?P<path>(?:/{_COMPONENT})*)$"
)
_USERNAME = re.compile(r"^[^\s:]{1,128}$")


@dataclass(frozen=True)
class ImageRegistry:
    """An organisation's registry: its own (``address``) or the installation's (None)."""

    address: str | None
    """``host[:port][/path]``, as image references name it (no scheme)."""
    username: str | None = None
    password: SealedValue | None = None

    @property
    def is_installation(self) -> bool:
        """Whether the organisation uses the registry Containr runs for the installation."""
        return self.address is None


def check_address(address: str | None) -> str:
    """A registry address as image references name it: ``host[:port][/path]``."""
    if address is None or not address.strip():
        raise InvalidValueError("url", "give the registry's address, like registry.example.com")
    value = address.strip().rstrip("/")
    if "://" in value:
        scheme, value = value.split("://", 1)
        if scheme not in ("https", "http"):
            raise InvalidValueError("url", f"{scheme!r} is not a registry scheme")
    match = _ADDRESS.match(value) if len(value) <= MAX_ADDRESS_LENGTH else None
    if match is None:
        raise InvalidValueError(
            "url",
            f"{address[:80]!r} is not a registry address: host[:port][/path] with a lowercase "
            "path, like registry.example.com:5000/team",
        )
    port = match["port"]
    if port is not None and not 0 < int(port) < 65536:
        raise InvalidValueError("url", "has a port that is not a number 1-65535")
    return value


def check_username(username: str | None) -> str | None:
    """A registry login name (None: the registry takes anonymous pushes and pulls)."""
    if username is None or username == "":
        return None
    if not _USERNAME.match(username):
        raise InvalidValueError(
            "username", f"must be 1-{MAX_USERNAME_LENGTH} characters without spaces or ':'"
        )
    return username
