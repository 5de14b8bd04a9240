"""Small value objects and the validation rules for names, slugs, hosts and labels."""

from __future__ import annotations

import re
import unicodedata
from enum import Enum
from typing import NewType

from domain.errors import InvalidValueError

SealedValue = NewType("SealedValue", str)
"""A secret after the SecretBox sealed it: safe to store in an event."""

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_HOST_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$)(?:\*\.)?{_HOST_LABEL}(?:\.{_HOST_LABEL})+$")
_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
_LABEL_KEY = re.compile(r"^(?:[a-z0-9.-]{1,253}/)?[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$")
_LABEL_VALUE = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$")
MAX_NAME_LENGTH = 100


class Role(Enum):
    """A member's role in an organisation; each role can do what the ones below it can."""

    VIEWER = "viewer"
    MEMBER = "member"
    ADMIN = "admin"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        """Position in the order viewer < member < admin < owner."""
        return list(Role).index(self)

    def at_least(self, other: Role) -> bool:
        """Whether this role includes everything ``other`` may do."""
        return self.rank >= other.rank


def validate_name(field: str, value: str) -> str:
    """A display name: trimmed, 1 to 100 printable characters."""
    name = value.strip()
    if not name:
        raise InvalidValueError(field, "must not be empty")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidValueError(field, f"must be at most {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise InvalidValueError(field, "must not contain control characters")
    return name


def validate_slug(field: str, value: str) -> str:
    """A slug: lowercase letters, digits and inner hyphens, at most 63 characters (a DNS label)."""
    if not _SLUG.match(value):
        raise InvalidValueError(
            field,
            f"{value!r} is not a valid slug: use 1-63 lowercase letters, digits and hyphens, "
            "starting and ending with a letter or digit",
        )
    return value


def slugify(name: str) -> str:
    """The slug a display name suggests, e.g. 'My Shop (EU)' -> 'my-shop-eu'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:63].rstrip("-")


def validate_hostname(field: str, value: str) -> str:
    """A fully qualified host name such as ``app.example.com`` (lowercased)."""
    host = value.strip().lower().rstrip(".")
    if not _HOSTNAME.match(host):
        raise InvalidValueError(field, f"{value!r} is not a valid host name")
    return host


def validate_variable_name(field: str, value: str) -> str:
    """An environment variable name: letters, digits and underscores, not starting with a digit."""
    if not _VARIABLE_NAME.match(value):
        raise InvalidValueError(
            field, f"{value!r} is not a valid variable name (letters, digits, underscore)"
        )
    return value


def validate_labels(field: str, labels: dict[str, str]) -> dict[str, str]:
    """Node labels in the Kubernetes style: ``[prefix/]name`` keys and short plain values."""
    for key, value in labels.items():
        if not _LABEL_KEY.match(key):
            raise InvalidValueError(field, f"label key {key!r} is not valid")
        if not _LABEL_VALUE.match(value):
            raise InvalidValueError(field, f"label value {value!r} for {key!r} is not valid")
    return dict(sorted(labels.items()))
