"""Plaintext secrets in memory: a wrapper that never shows its value by accident."""

from __future__ import annotations

import hmac
from typing import Any

MASK = "*****"


class Secret:
    """A secret value; its repr, str and msgspec encoding are masked. Call reveal() to read it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("a secret value must be a string")
        self._value = value

    def reveal(self) -> str:
        """The plaintext; only adapters that must use it (and the owner who asks) call this."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and hmac.compare_digest(
            self._value.encode(), other._value.encode()
        )

    def __hash__(self) -> int:
        return hash(("secret", len(self._value)))

    def __reduce__(self) -> Any:
        raise TypeError("secrets are not picklable")


def secret_dec_hook(type_: type, obj: Any) -> Any:
    """A msgspec dec_hook that builds Secret values from JSON strings."""
    if type_ is Secret:
        if not isinstance(obj, str):
            raise TypeError("expected a string")
        return Secret(obj)
    raise NotImplementedError(f"cannot decode {type_}")


def secret_enc_hook(obj: Any) -> Any:
    """A msgspec enc_hook that masks Secret values."""
    if isinstance(obj, Secret):
        return MASK
    raise NotImplementedError(f"cannot encode {type(obj)}")
