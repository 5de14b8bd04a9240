"""The DatabaseDumps port on a Docker engine: the engines' own tools in short-lived helpers.

Every helper runs the TARGET'S OWN IMAGE (its client tools match its server) on the
target's network, carries the target's labels plus ``containr.helper``, and is removed when
the call ends, whatever happens. Dumps stream from the helper's stdout to the sink and
restores stream from the caller into the helper's stdin, through the runtime's attached
streams: nothing is held whole in memory or written to the Containr host's disk.

Passwords reach the tools through their environment (PGPASSWORD, MYSQL_PWD, REDISCLI_AUTH),
never a command line; the tail of a tool's stderr that goes into a DumpError has the
password masked anyway.

Consistency of the facts with the dump:

- PostgreSQL: one psql session opens a REPEATABLE READ transaction, exports its snapshot
  (``pg_export_snapshot()``), counts the rows of every table in it, and runs
  ``pg_dump -Fc --snapshot=<id>`` from inside that session (``\\!``) while the transaction
  is held: the dump and the counts see the very same snapshot.
- MySQL/MariaDB: one session takes FLUSH TABLES WITH READ LOCK and opens its consistent
  snapshot; then ``mysqldump --single-transaction`` starts, and the lock is released as soon
  as the dump has written its first table (its own snapshot is open by then). Writes wait
  only for that moment (lock_wait_timeout bounds getting the lock); the counts are taken
  afterwards in the first session's snapshot, which equals the dump's.
- Redis: writes are paused (``CLIENT PAUSE <30 s at most> WRITE``, which pauses expiry too),
  the keys are counted (``INFO keyspace``), ``redis-cli --rdb -`` starts, and the pause
  ends as soon as the RDB's first bytes arrive (the server has forked its snapshot then).
  Writes wait up to the server's ``repl-diskless-sync-delay`` (5 s by default) meanwhile.
"""

from __future__ import annotations

import collections
import math
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress

from adapters import database_scripts as scripts
from adapters.database_scratch import SCRATCH_LABEL, DockerScratchDatabase, start_scratch
from application.backup_ports import (
    DatabaseTarget,
    DumpError,
    DumpFacts,
    StoredBackup,
)
from application.dump_versions import check_compatible
from application.runtime_ports import (
    ContainerEngineError,
    ContainerRuntime,
    ContainerSpec,
    StreamedContainer,
)
from application.secrets import MASK, Secret
from domain.service_spec import DatabaseEngine

HELPER_LABEL = "containr.helper"
# The helper ends itself a little after the deadline even when its caller died (kill -9 of
# the worker): coreutils' or busybox's timeout where the image has one. Being AutoRemove,
# it is then gone with the password in its environment.
_WITHIN = (
    'if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL "$1" sh -c "$0"; fi; '
    'exec sh -c "$0"'
)
_GRACE_SECONDS = 10
_FACT = b"containr-fact\t"
_TAIL_BYTES = 2048


class _Output:
    """What a helper says on stderr: fact lines parsed, the rest kept as a short tail."""

    def __init__(self, password: Secret) -> None:
        self._password = password
        self._pending = b""
        self._tail: collections.deque[bytes] = collections.deque()
        self._tail_size = 0
        self.facts: list[list[str]] = []

    def __call__(self, chunk: bytes) -> None:
        *lines, self._pending = (self._pending + chunk).split(b"\n")
        for line in lines:
            self._line(line)
        if len(self._pending) > _TAIL_BYTES:  # a line without an end: keep its last part
            self._line(self._pending[-_TAIL_BYTES:])
            self._pending = b""

    def _line(self, line: bytes) -> None:
        if line.startswith(_FACT):
            self.facts.append(line[len(_FACT) :].decode(errors="replace").split("\t"))
            return
        self._tail.append(line)
        self._tail_size += len(line) + 1
        while self._tail_size > _TAIL_BYTES and len(self._tail) > 1:
            self._tail_size -= len(self._tail.popleft()) + 1

    def tail(self) -> str:
        """The last lines of stderr, the password masked."""
        if self._pending:
            self._line(self._pending)
            self._pending = b""
        text = b"\n".join(self._tail).decode(errors="replace").strip()
        password = self._password.reveal()
        return text.replace(password, MASK) if password else text

    def dump_facts(self) -> DumpFacts:
        """The facts the helper printed (a version line, table or keys lines)."""
        version, tables, keys = "", {}, None
        for fact in self.facts:
            if fact[0] == "version" and len(fact) >= 2:
                version = fact[1].strip()
            elif fact[0] == "table" and len(fact) >= 3:
                tables[fact[1]] = int(fact[2])
            elif fact[0] == "keys" and len(fact) >= 2:
                keys = int(fact[1])
        if not version:
            raise DumpError("the database did not report its version")
        return DumpFacts(server_version=version, tables=tables, keys=keys)


class DockerDatabaseDumps:
    """The engines' own dump, restore and count tools, run in helpers on the target's network."""

    def dump(
        self,
        runtime: ContainerRuntime,
        target: DatabaseTarget,
        sink: Callable[[Iterable[bytes]], StoredBackup],
        *,
        timeout: float,
    ) -> tuple[StoredBackup, DumpFacts]:
        """Stream the engine's dump into ``sink``; facts consistent with it (see the module)."""
        output = _Output(target.password)
        script = scripts.dump_script(target)
        env = scripts.environment(target, seconds=timeout)
        failure: list[DumpError] = []

        def chunks(helper: StreamedContainer) -> Iterator[bytes]:
            # The stream only ends cleanly when the dump succeeded: a sink never sees a
            # failed or cut-off dump as complete.
            yield from helper.stdout()
            code = _wait(helper, "the dump", timeout, failure)
            if code != 0:
                failure.append(DumpError(_failed("the dump", code, output)))
                raise failure[-1]

        with self._helper(runtime, target, "dump", script, env, None, output, timeout) as helper:
            try:
                stored = sink(chunks(helper))
            except Exception:
                if failure:
                    raise failure[-1] from None
                raise
            if not failure:  # a sink that stopped reading early
                code = _wait(helper, "the dump", timeout, failure)
                if code != 0:
                    raise DumpError(_failed("the dump", code, output))
        return stored, output.dump_facts()

    def restore(
        self,
        runtime: ContainerRuntime,
        target: DatabaseTarget,
        chunks: Iterable[bytes],
        *,
        timeout: float,
        dump_facts: DumpFacts | None = None,
        dump_engine: DatabaseEngine | None = None,
    ) -> None:
        """Replace ``target``'s contents with the dump. With ``dump_facts`` (and the dump's
        engine) the dump is first checked against the target's version: an incompatible one
        raises IncompatibleDumpError before anything is touched.

        PostgreSQL restores in one transaction (pg_restore's script played by psql, committed
        only when the whole dump was read): a failure or a corrupt stream leaves the
        database as it was. Redis checks and loads the whole RDB in the helper before the
        target copies it. MySQL cannot do either: a failure half-way raises, and the caller
        must treat the target as failed.
        """
        deadline = time.monotonic() + timeout
        if dump_facts is not None:
            current = self.facts(runtime, target, timeout=timeout)
            timeout = max(1.0, deadline - time.monotonic())
            check_compatible(
                dump_engine or target.engine,
                dump_facts.server_version,
                target.engine,
                current.server_version,
            )
        output = _Output(target.password)
        script = scripts.restore_script(target)
        env = scripts.environment(target, seconds=timeout)
        with self._helper(
            runtime, target, "restore", script, env, chunks, output, timeout
        ) as helper:
            for _ in helper.stdout():  # the tools say little on stdout; drain it
                pass
            code = _wait(helper, "the restore", timeout)
        if code != 0:
            raise DumpError(_failed("the restore", code, output))

    def facts(
        self, runtime: ContainerRuntime, target: DatabaseTarget, *, timeout: float
    ) -> DumpFacts:
        """The target's version and rows per table (or keys), measured now."""
        output = _Output(target.password)
        script = scripts.facts_script(target)
        env = scripts.environment(target)
        with self._helper(runtime, target, "facts", script, env, None, output, timeout) as helper:
            for _ in helper.stdout():
                pass
            code = _wait(helper, "measuring the database", timeout)
        if code != 0:
            raise DumpError(_failed("measuring the database", code, output))
        return output.dump_facts()

    def scratch(
        self,
        runtime: ContainerRuntime,
        engine: DatabaseEngine,
        version: str,
        image: str,
        *,
        labels: dict[str, str],
        timeout: float,
    ) -> DockerScratchDatabase:
        """A throw-away database (random credentials, no volume) that answers its probe."""
        return start_scratch(runtime, engine, version, image, labels=labels, timeout=timeout)

    def sweep(self, runtime: ContainerRuntime, labels: dict[str, str]) -> int:
        """Remove the helpers and scratch databases a dead attempt left (a scratch database's
        network is named after it)."""
        if not labels:
            raise ValueError("sweep needs labels: it would remove every container")
        left = runtime.containers(labels, all_states=True)
        for container in left:
            with suppress(ContainerEngineError):
                runtime.remove(container.id)
            if SCRATCH_LABEL in container.labels:
                with suppress(ContainerEngineError):
                    runtime.remove_network(container.name)
        return len(left)

    @staticmethod
    @contextmanager
    def _helper(
        runtime: ContainerRuntime,
        target: DatabaseTarget,
        purpose: str,
        script: str,
        environment: dict[str, str],
        stdin: Iterable[bytes] | None,
        on_stderr: Callable[[bytes], None],
        timeout: float,
    ) -> Iterator[StreamedContainer]:
        """A started helper, killed and removed when the block ends (whatever happened)."""
        spec = ContainerSpec(
            name=f"containr-{purpose}-{secrets.token_hex(6)}",
            image=target.image,
            labels={**target.labels, HELPER_LABEL: f"database-{purpose}"},
            environment=environment,
            command=["sh", "-c", _WITHIN, script, str(math.ceil(timeout) + _GRACE_SECONDS)],
            network=target.network,
            restart="no",
        )
        try:
            helper = runtime.run_streamed(spec, stdin=stdin, on_stderr=on_stderr, timeout=timeout)
        except ContainerEngineError as e:
            raise DumpError(f"could not start the {purpose} helper: {e}") from None
        try:
            yield helper
        finally:
            helper.close()


def _wait(
    helper: StreamedContainer, doing: str, timeout: float, failure: list[DumpError] | None = None
) -> int:
    try:
        return helper.wait()
    except ContainerEngineError:
        error = DumpError(f"{doing} did not finish within {timeout:g} s")
        if failure is not None:
            failure.append(error)
        raise error from None


def _failed(doing: str, code: int, output: _Output) -> str:
    tail = output.tail()
    return f"{doing} failed (exit {code})" + (f": {tail}" if tail else "")
