"""The response cache: a query's answer, kept per caller until a change notice touches what
it read.

An entry records the entities its resolvers read (``(kind, id)``) and is evicted by any
change notice naming one of them. A response computed while such a change arrived is not
stored (an epoch per entity tells), so the cache never serves an answer older than a
change that was announced before the request began. Keys include the caller (user and
token scopes), so one caller's answer is never served to another.

An entry also records the log position its read models had at least reached when it was
computed. A request that must see a given position (read-your-writes, X-Containr-After) is
served only an entry computed at or past it, whether or not this process has heard the change
notices in between (they may be late, or on another process's feed): staleness is decided by
positions, not by the order in which change listeners happen to run.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from typing import NamedTuple

from application.changes import ChangeBatch, ChangeFeed

Dependency = tuple[str, str]


class _Entry(NamedTuple):
    response: bytes
    dependencies: frozenset[Dependency]
    position: int
    """The log position every read model had applied when the response was computed."""


class ResponseCache:
    """Responses (encoded JSON) by query, variables and caller."""

    def __init__(self, feed: ChangeFeed, *, max_entries: int = 5000) -> None:
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._by_dependency: dict[Dependency, set[str]] = defaultdict(set)
        self._invalidated: dict[Dependency, int] = {}
        self._epoch = 0
        self._lock = threading.Lock()
        self._max = max_entries
        self.hits = 0
        self.misses = 0
        self._stop: Callable[[], None] = feed.listen(self._heard)

    @staticmethod
    def key(scope: str, query: str, operation: str | None, variables: bytes) -> str:
        """The cache key of a request."""
        digest = hashlib.sha256()
        for part in (scope.encode(), query.encode(), (operation or "").encode(), variables):
            digest.update(len(part).to_bytes(4, "big") + part)
        return digest.hexdigest()

    def epoch(self) -> int:
        """The current invalidation epoch (take it before executing a query)."""
        with self._lock:
            return self._epoch

    def get(self, key: str, *, at_least: int = 0) -> bytes | None:
        """A cached response, if one was computed at log position ``at_least`` or later."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry.position < at_least:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry.response

    def put(
        self,
        key: str,
        response: bytes,
        dependencies: set[Dependency],
        since: int,
        position: int = 0,
    ) -> bool:
        """Keep a response unless something it read changed after epoch ``since``;
        ``position`` is where the read models were (at least) when it was computed."""
        with self._lock:
            if any(self._invalidated.get(d, -1) > since for d in dependencies):
                return False
            old = self._entries.get(key)
            if old is not None:
                if old.position > position:  # a newer answer is already kept
                    return False
                del self._entries[key]
                self._forget(key, old.dependencies)
            self._entries[key] = _Entry(response, frozenset(dependencies), position)
            for dependency in dependencies:
                self._by_dependency[dependency].add(key)
            while len(self._entries) > self._max:
                old_key, evicted = self._entries.popitem(last=False)
                self._forget(old_key, evicted.dependencies)
            return True

    def _heard(self, batch: ChangeBatch) -> None:
        with self._lock:
            self._epoch += 1
            for change in batch.changes:
                dependency = (change.kind, change.id)
                self._invalidated[dependency] = self._epoch
                for key in self._by_dependency.pop(dependency, set()):
                    entry = self._entries.pop(key, None)
                    if entry is not None:
                        self._forget(key, entry.dependencies)
            if len(self._invalidated) > 200_000:  # old epochs only matter for running queries
                floor = self._epoch - 1000
                self._invalidated = {d: e for d, e in self._invalidated.items() if e > floor}

    def _forget(self, key: str, dependencies: frozenset[Dependency]) -> None:
        for dependency in dependencies:
            keys = self._by_dependency.get(dependency)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_dependency[dependency]

    def close(self) -> None:
        """Stop listening."""
        self._stop()
