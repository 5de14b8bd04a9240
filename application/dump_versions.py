"""Which dumps restore into which databases: the same engine, at the same or a newer version.

A pure rule, for checking before a restore touches anything (the backup workflow may ask it
when a restore is requested; the dump adapter asks it again), so an incompatible dump is
refused with a clear error up front.
"""

from __future__ import annotations

from application.backup_ports import IncompatibleDumpError
from domain.service_spec import DatabaseEngine, DatabaseSettings


def check_compatible(
    dump_engine: DatabaseEngine,
    dump_version: str,
    target_engine: DatabaseEngine,
    target_version: str,
) -> None:
    """Raise IncompatibleDumpError unless a dump of this engine and version restores into the
    target: the same engine, and the same or a newer major version (MariaDB and Redis: the
    first two numbers)."""
    if dump_engine is not target_engine:
        raise IncompatibleDumpError(
            f"a {dump_engine.value} dump cannot be restored into a {target_engine.value} database"
        )
    source, target = (
        major_version(DatabaseSettings(dump_engine, dump_version)),
        major_version(DatabaseSettings(target_engine, target_version)),
    )
    if source is None or target is None:
        raise IncompatibleDumpError(
            f"cannot compare versions {dump_version!r} and {target_version!r}"
        )
    if source > target:
        raise IncompatibleDumpError(
            f"a dump of {dump_engine.value} {dump_version} cannot be restored into the older "
            f"{target_version}: restore it into {'.'.join(map(str, source))} or newer"
        )


def major_version(settings: DatabaseSettings) -> tuple[int, ...] | None:
    """The major version of a version as a server reports it ("15.10 (Debian…)",
    "10.11.6-MariaDB"), or None when it does not start with a number."""
    numbers = []
    for part in settings.version.split(" ")[0].split("-")[0].split("."):
        if not part.isdigit():
            break
        numbers.append(int(part))
    if not numbers:
        return None
    if settings.engine is DatabaseEngine.REDIS:
        # Redis changes its RDB format in minor releases (7.0 writes RDB 10, 7.2 RDB 11,
        # 7.4 RDB 12) and an older server cannot load a newer file.
        return tuple(numbers[:2])
    return DatabaseSettings(settings.engine, ".".join(map(str, numbers))).major
