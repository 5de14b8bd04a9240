"""In-memory database engines and their dump tools: the DatabaseDumps port for tests.

A fake database is a dict of tables and row counts (or a key count for Redis), found by the
host name its target names (a replica's container name, or a scratch's). A dump is a small
JSON document of what the database holds, in several chunks; a restore replaces the
target's contents with it, after the same compatibility rule as the real tools (same
engine, same or newer major version).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from application.backup_ports import (
    DatabaseTarget,
    DumpError,
    DumpFacts,
    IncompatibleDumpError,
    StoredBackup,
)
from application.runtime_ports import ContainerRuntime
from application.secrets import Secret
from domain.service_spec import DatabaseEngine, DatabaseSettings


@dataclass
class FakeDatabase:
    """What a fake engine holds."""

    engine: DatabaseEngine
    version: str
    tables: dict[str, int] = field(default_factory=dict)
    keys: int | None = None

    def facts(self) -> DumpFacts:
        keys = (self.keys or 0) if self.engine is DatabaseEngine.REDIS else None
        return DumpFacts(server_version=self.version, tables=dict(self.tables), keys=keys)


@dataclass
class FakeScratch:
    """A throw-away fake database."""

    dumps: InMemoryDatabaseDumps
    target: DatabaseTarget
    removed: bool = False

    def remove(self) -> None:
        self.removed = True
        self.dumps.databases.pop(self.target.host, None)


class InMemoryDatabaseDumps:
    """Dumps, restores and measures fake databases; records every call."""

    def __init__(self) -> None:
        self.databases: dict[str, FakeDatabase] = {}
        self.scratches: list[FakeScratch] = []
        self.calls: list[tuple[str, str]] = []
        self.fail: dict[str, Exception] = {}
        """Raised once by the next call of that name (``dump``, ``restore``, ``scratch``)."""
        self.lose_on_restore: set[str] = set()
        """Tables a restore leaves out (a restore that silently lost data)."""
        self.on_call: Callable[[str, DatabaseTarget], None] | None = None
        """Called first by every dump and restore (a test's crash or change mid-step)."""
        self._counter = itertools.count(1)

    def _begin(self, name: str, target: DatabaseTarget) -> None:
        self.calls.append((name, target.host))
        if self.on_call is not None:
            self.on_call(name, target)
        error = self.fail.pop(name, None)
        if error is not None:
            raise error

    def _database(self, target: DatabaseTarget) -> FakeDatabase:
        database = self.databases.get(target.host)
        if database is None:
            raise DumpError(f"could not connect to {target.host}:{target.port}")
        return database

    def dump(
        self,
        runtime: ContainerRuntime,
        target: DatabaseTarget,
        sink: Callable[[Iterable[bytes]], StoredBackup],
        *,
        timeout: float,
    ) -> tuple[StoredBackup, DumpFacts]:
        self._begin("dump", target)
        database = self._database(target)
        document = json.dumps(
            {
                "engine": database.engine.value,
                "version": database.version,
                "tables": database.tables,
                "keys": database.keys,
            }
        ).encode()
        chunks = [document[i : i + 16] for i in range(0, len(document), 16)]
        return sink(iter(chunks)), database.facts()

    def restore(
        self,
        runtime: ContainerRuntime,
        target: DatabaseTarget,
        chunks: Iterable[bytes],
        *,
        timeout: float,
    ) -> None:
        self._begin("restore", target)
        database = self._database(target)
        document = json.loads(b"".join(chunks))  # a corrupt stream raises here, before a change
        engine = DatabaseEngine(document["engine"])
        newer = (
            DatabaseSettings(engine, document["version"]).major
            > DatabaseSettings(engine, database.version).major
        )
        if engine is not database.engine or newer:
            raise IncompatibleDumpError(
                f"a {engine.value} {document['version']} dump cannot go into "
                f"{database.engine.value} {database.version}"
            )
        database.tables = {
            t: n for t, n in document["tables"].items() if t not in self.lose_on_restore
        }
        database.keys = document["keys"]

    def facts(
        self, runtime: ContainerRuntime, target: DatabaseTarget, *, timeout: float
    ) -> DumpFacts:
        self.calls.append(("facts", target.host))
        return self._database(target).facts()

    def sweep(self, runtime: ContainerRuntime, labels: dict[str, str]) -> int:
        """Remove the scratches still up that carry every one of ``labels``."""
        self.calls.append(("sweep", ",".join(f"{k}={v}" for k, v in sorted(labels.items()))))
        left = [
            s for s in self.scratches if not s.removed and labels.items() <= s.target.labels.items()
        ]
        for scratch in left:
            scratch.remove()
        return len(left)

    def scratch(
        self,
        runtime: ContainerRuntime,
        engine: DatabaseEngine,
        version: str,
        image: str,
        *,
        labels: dict[str, str],
        timeout: float,
    ) -> FakeScratch:
        host = f"scratch-{next(self._counter)}"
        self.calls.append(("scratch", host))
        error = self.fail.pop("scratch", None)
        if error is not None:
            raise error
        self.databases[host] = FakeDatabase(engine, version)
        scratch = FakeScratch(
            self,
            DatabaseTarget(
                engine=engine, version=version, image=image, network="scratch", host=host,
                port=0, user="scratch", password=Secret("scratch"), labels=dict(labels),
            ),
        )  # fmt: skip
        self.scratches.append(scratch)
        return scratch
