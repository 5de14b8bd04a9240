"""Which backups a retention policy keeps: N daily, N weekly and N monthly (grandfather,
father, son), counted in calendar days, ISO weeks and months of UTC."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from domain.errors import InvalidValueError

K = TypeVar("K", bound=Hashable)
MAX_KEPT = 1000


@dataclass(frozen=True)
class RetentionPolicy:
    """Keep the newest backup of each of the last ``daily`` days, ``weekly`` ISO weeks and
    ``monthly`` months that have one; a backup kept by any rule stays."""

    daily: int = 7
    weekly: int = 4
    monthly: int = 6

    def check(self) -> RetentionPolicy:
        for name in ("daily", "weekly", "monthly"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_KEPT:
                raise InvalidValueError(
                    f"retention.{name}", f"{value} is not between 0 and {MAX_KEPT}"
                )
        if self.daily + self.weekly + self.monthly == 0:
            raise InvalidValueError(
                "retention", "a policy that keeps nothing would delete every backup; keep some"
            )
        return self

    def kept(self, backups: Sequence[tuple[K, datetime]]) -> set[K]:
        """The keys of the backups this policy keeps, given each one's time (aware, UTC)."""
        newest_first = sorted(backups, key=lambda b: b[1], reverse=True)
        kept: set[K] = set()
        for count, period in (
            (self.daily, lambda t: (t.year, t.month, t.day)),
            (self.weekly, lambda t: t.isocalendar()[:2]),
            (self.monthly, lambda t: (t.year, t.month)),
        ):
            seen: set[object] = set()
            for key, taken_at in newest_first:
                if len(seen) >= count:
                    break
                slot = period(taken_at)
                if slot not in seen:
                    seen.add(slot)
                    kept.add(key)
        return kept

    def expired(self, backups: Sequence[tuple[K, datetime]]) -> list[K]:
        """The keys this policy deletes, oldest first."""
        kept = self.kept(backups)
        return [key for key, _ in sorted(backups, key=lambda b: b[1]) if key not in kept]
