"""How the guest process manager spreads its work: a bounded executor and a retry backoff.

Guest operations run concurrently, at most ``per_cluster`` at once on a cluster and
``per_node`` on one of its nodes, and never two for the same guest: a Proxmox task that never
ends holds up its own guest (and one slot of its node) only. Work that does not get a slot is
offered again on the next tick.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta

log = logging.getLogger(__name__)


class BoundedExecutor:
    """Runs jobs on their own threads, bounded per cluster and per node, one per key."""

    def __init__(
        self,
        *,
        per_cluster: int = 4,
        per_node: int = 2,
        on_done: Callable[[], None] | None = None,
        name: str = "containr-guest-op",
    ) -> None:
        if per_cluster < 1 or per_node < 1:
            raise ValueError("the bounds must be at least 1")
        self.per_cluster, self.per_node = per_cluster, per_node
        self._on_done, self._name = on_done, name
        self._lock = threading.Condition()
        self._running: dict[Hashable, tuple[Hashable, str]] = {}
        self._clusters: Counter[Hashable] = Counter()
        self._nodes: Counter[tuple[Hashable, str]] = Counter()

    def submit(self, key: Hashable, cluster: Hashable, node: str, job: Callable[[], None]) -> bool:
        """Start ``job`` if ``key`` has none running and its cluster and node have a slot."""
        with self._lock:
            if key in self._running:
                return False
            if self._clusters[cluster] >= self.per_cluster:
                return False
            if self._nodes[(cluster, node)] >= self.per_node:
                return False
            self._running[key] = (cluster, node)
            self._clusters[cluster] += 1
            self._nodes[(cluster, node)] += 1
        thread = threading.Thread(
            target=self._run, args=(key, job), name=f"{self._name}-{key}", daemon=True
        )
        try:
            thread.start()
        except BaseException:
            self._release(key)
            raise
        return True

    def running(self) -> frozenset[Hashable]:
        """The keys whose jobs have not ended."""
        with self._lock:
            return frozenset(self._running)

    def is_running(self, key: Hashable) -> bool:
        """Whether ``key``'s job has not ended."""
        with self._lock:
            return key in self._running

    def wait_done(self, key: Hashable, timeout: float) -> bool:
        """Wait until ``key``'s job (if any) ended, at most ``timeout`` s; whether it did."""
        with self._lock:
            return self._lock.wait_for(lambda: key not in self._running, timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no job runs (or ``timeout`` seconds passed); whether none runs."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._running, timeout)

    def _run(self, key: Hashable, job: Callable[[], None]) -> None:
        try:
            job()
        except Exception:
            log.exception("guest work %s failed", key)
        finally:
            self._release(key)
            if self._on_done is not None:
                self._on_done()

    def _release(self, key: Hashable) -> None:
        with self._lock:
            cluster, node = self._running.pop(key)
            self._clusters[cluster] -= 1
            self._nodes[(cluster, node)] -= 1
            self._lock.notify_all()


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff: ``first`` after the first failure, doubling up to ``cap``."""

    first: timedelta = timedelta(seconds=5)
    cap: timedelta = timedelta(minutes=5)

    def delay(self, failures: int) -> timedelta:
        """How long to wait after ``failures`` failures in a row (0: none, try now)."""
        if failures <= 0:
            return timedelta(0)
        delay: timedelta = self.first * 2 ** min(failures - 1, 30)
        return min(self.cap, delay)


class Retries:
    """Per-key failure counts and when each key may be tried again (thread-safe)."""

    def __init__(self, backoff: Backoff) -> None:
        self.backoff = backoff
        self._lock = threading.Lock()
        self._failures: dict[Hashable, tuple[int, datetime]] = {}

    def due(self, key: Hashable, now: datetime) -> bool:
        """Whether ``key`` may be tried at ``now``."""
        with self._lock:
            entry = self._failures.get(key)
        return entry is None or now >= entry[1]

    def failed(self, key: Hashable, now: datetime) -> timedelta:
        """Count a failure; the wait before the next try."""
        with self._lock:
            failures = self._failures.get(key, (0, now))[0] + 1
            delay = self.backoff.delay(failures)
            self._failures[key] = (failures, now + delay)
        return delay

    def succeeded(self, key: Hashable) -> None:
        """Forget ``key``'s failures."""
        with self._lock:
            self._failures.pop(key, None)

    def failures(self, key: Hashable) -> int:
        """How many times in a row ``key`` failed."""
        with self._lock:
            return self._failures.get(key, (0, None))[0]
