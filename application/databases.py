"""The managed database engines: what each runs, where it keeps its data, how it is reached.

One profile per engine. The managed-database handlers, the deployer and the backup process
read the same profile, so a throw-away container for a restore check runs exactly what the
database runs (image, data directory, port).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from application.errors import InvalidValueError
from application.settings import Settings
from domain.service_spec import DatabaseEngine, DatabaseSettings, HealthCheck, HealthCheckKind

# DatabaseEngine and DatabaseSettings are re-exported: the interfaces name them from here.
__all__ = [
    "DATA_VOLUME",
    "ENGINES",
    "PASSWORD_BYTES",
    "SECRET_VARIABLES",
    "DatabaseEngine",
    "DatabaseSettings",
    "EngineProfile",
    "connection_url",
    "credentials",
    "database_images",
    "default_image",
    "engine_named",
    "health_check",
    "parse_figures",
    "profile",
]


@dataclass(frozen=True)
class EngineProfile:
    """How one engine is run: its image setting, versions, port and data directory."""

    engine: DatabaseEngine
    label: str
    versions: tuple[str, ...]
    """The versions offered in the dashboard, newest first; others are accepted as typed."""
    port: int
    data_path: str
    """Where the engine keeps its data inside the container: the volume's mount path."""
    image_setting: str
    """The Settings field holding this engine's image template (``{version}`` in it)."""
    user: str = ""
    """The user apps connect as (generated credentials are this user's)."""
    database: str = ""
    """The database apps use (empty: the engine has none, as Redis)."""
    url_scheme: str = ""
    """The scheme of the connection URL (``postgresql``, ``mysql``, ``redis``)."""
    probe: str = ""
    """The engine's own readiness check, a shell command run in the replica."""
    figures: str = ""
    """A shell command printing ``size=<bytes>`` and ``connections=<n>``, measured by the
    engine (run in the replica, with the credentials of its variables)."""
    start_command: str | None = None
    """The command the engine runs with (None: the image's own)."""

    @property
    def default_version(self) -> str:
        return self.versions[0]

    def image(self, version: str, settings: Settings) -> str:
        """The image reference for this version, from the configured template."""
        template: str = getattr(settings, self.image_setting)
        return template.replace("{version}", version)


# The probes and figures run through ``sh -c`` in the replica: its environment holds the
# generated credentials, so no secret is ever part of a command Containr records or logs.
# PostgreSQL and MariaDB listen on TCP only once their first-start set-up is done (the
# set-up server of the official images listens on a socket), so probing 127.0.0.1 says
# "ready" only for the real server.
_POSTGRES_PROBE = 'pg_isready -q -h 127.0.0.1 -p 5432 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'
_POSTGRES_FIGURES = (
    'PGPASSWORD="$POSTGRES_PASSWORD" psql -X -q -A -t -h 127.0.0.1 -p 5432 '
    '-U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "'
    "SELECT 'size=' || (SELECT sum(pg_database_size(datname)) FROM pg_database) "
    "UNION ALL SELECT 'connections=' || (SELECT count(*) FROM pg_stat_activity "
    "WHERE backend_type = 'client backend')\""
)
# Official MariaDB 11 images have only the mariadb-* tools, MySQL images only mysql*: use
# whichever the image has.
_MYSQL_TOOL = (
    "if command -v {new} >/dev/null 2>&1; then tool={new}; else tool={old}; fi; "
    'MYSQL_PWD="$MYSQL_ROOT_PASSWORD" "$tool" -h 127.0.0.1 -P 3306 -uroot '
)
_MYSQL_PROBE = _MYSQL_TOOL.format(new="mariadb-admin", old="mysqladmin") + "--silent ping"
_MYSQL_FIGURES = _MYSQL_TOOL.format(new="mariadb", old="mysql") + (
    "-N -B -e \"SELECT CONCAT('size=', COALESCE(SUM(data_length + index_length), 0)) "
    "FROM information_schema.tables UNION ALL SELECT CONCAT('connections=', COUNT(*)) "
    "FROM information_schema.processlist WHERE command <> 'Daemon'\""
)
_REDIS_CLI = 'REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p 6379 '
_REDIS_PROBE = _REDIS_CLI + "ping | grep -q PONG"
_REDIS_FIGURES = (
    _REDIS_CLI + "INFO clients | sed -n 's/^connected_clients:\\([0-9]*\\).*/connections=\\1/p'; "
    "echo size=$(( $(du -sk /data | cut -f1) * 1024 ))"
)
_REDIS_START = (
    'exec docker-entrypoint.sh redis-server --requirepass "$REDIS_PASSWORD" --appendonly yes'
)

ENGINES: dict[DatabaseEngine, EngineProfile] = {
    DatabaseEngine.POSTGRES: EngineProfile(
        engine=DatabaseEngine.POSTGRES,
        label="PostgreSQL",
        versions=("17", "16", "15", "14", "13"),
        port=5432,
        data_path="/var/lib/postgresql/data",
        image_setting="postgres_image",
        user="postgres",
        database="app",
        url_scheme="postgresql",
        probe=_POSTGRES_PROBE,
        figures=_POSTGRES_FIGURES,
    ),
    DatabaseEngine.MYSQL: EngineProfile(
        engine=DatabaseEngine.MYSQL,
        label="MySQL (MariaDB)",
        versions=("11.4", "10.11", "10.6"),
        port=3306,
        data_path="/var/lib/mysql",
        image_setting="mysql_image",
        user="app",
        database="app",
        url_scheme="mysql",
        probe=_MYSQL_PROBE,
        figures=_MYSQL_FIGURES,
    ),
    DatabaseEngine.REDIS: EngineProfile(
        engine=DatabaseEngine.REDIS,
        label="Redis",
        versions=("7.4", "7.2", "7.0"),
        port=6379,
        data_path="/data",
        image_setting="redis_image",
        user="default",
        url_scheme="redis",
        probe=_REDIS_PROBE,
        figures=_REDIS_FIGURES,
        start_command=_REDIS_START,
    ),
}


def profile(database: DatabaseSettings) -> EngineProfile:
    """The profile of a managed database's engine."""
    return ENGINES[database.engine]


DATA_VOLUME = "data"
"""The name of a managed database's volume (mounted at its engine's data directory)."""
PASSWORD_BYTES = 24
"""Generated passwords: 24 random bytes as 48 hex digits (safe in a URL unescaped)."""


def engine_named(name: str, field: str = "engine") -> DatabaseEngine:
    """The engine a caller names (``postgres``, ``mysql`` or ``mariadb``, ``redis``; any
    case), or InvalidValueError on ``field``."""
    wanted = name.strip().lower()
    wanted = {"mariadb": "mysql", "postgresql": "postgres"}.get(wanted, wanted)
    for engine in DatabaseEngine:
        if engine.value == wanted:
            return engine
    raise InvalidValueError(
        field,
        f"{name!r} is not a database engine; choose postgres, mysql (MariaDB) or redis",
    )


def health_check(engine: DatabaseEngine) -> HealthCheck:
    """The engine's own readiness probe: generous, since a first start initialises the data
    directory (MariaDB's takes a while on a busy node)."""
    return HealthCheck(
        kind=HealthCheckKind.COMMAND,
        command=("sh", "-c", ENGINES[engine].probe),
        interval_seconds=2.0,
        timeout_seconds=10.0,
        retries=90,
        grace_period_seconds=1.0,
    )


def connection_url(engine: DatabaseEngine, host: str, password: str) -> str:
    """The URL apps connect with, from inside the environment's network."""
    found = ENGINES[engine]
    path = f"/{found.database}" if found.database else ""
    return f"{found.url_scheme}://{found.user}:{password}@{host}:{found.port}{path}"


def credentials(
    engine: DatabaseEngine, host: str, token: Callable[[], str] | None = None
) -> dict[str, str]:
    """The variables of a new database: generated passwords, the names apps connect with,
    and the engine's own first-start contract (POSTGRES_*, MYSQL_*, a Redis password).
    ``host`` is the service's name: its address on the environment's network."""
    new = token or (lambda: secrets.token_hex(PASSWORD_BYTES))
    found = ENGINES[engine]
    password = new()
    url = connection_url(engine, host, password)
    port = str(found.port)
    if engine is DatabaseEngine.POSTGRES:
        return {
            # A subdirectory of the volume, as the official image recommends: the volume's
            # root may hold lost+found, and initdb wants an empty directory.
            "PGDATA": f"{found.data_path}/pgdata",
            "POSTGRES_USER": found.user,
            "POSTGRES_PASSWORD": password,
            "POSTGRES_DB": found.database,
            "PGUSER": found.user,
            "PGPASSWORD": password,
            "PGDATABASE": found.database,
            "PGHOST": host,
            "PGPORT": port,
            "DATABASE_URL": url,
        }
    if engine is DatabaseEngine.MYSQL:
        return {
            "MYSQL_ROOT_PASSWORD": new(),
            "MYSQL_USER": found.user,
            "MYSQL_PASSWORD": password,
            "MYSQL_DATABASE": found.database,
            "MYSQL_URL": url,
            "DATABASE_URL": url,
        }
    return {"REDIS_PASSWORD": password, "REDIS_URL": url}


SECRET_VARIABLES = {
    DatabaseEngine.POSTGRES: ("POSTGRES_PASSWORD", "DATABASE_URL"),
    DatabaseEngine.MYSQL: ("MYSQL_PASSWORD", "DATABASE_URL"),
    DatabaseEngine.REDIS: ("REDIS_PASSWORD", "REDIS_URL"),
}
"""Per engine: the variables holding the password and the connection URL (admins only)."""


def parse_figures(output: bytes) -> dict[str, int]:
    """``size`` and ``connections`` from what a profile's ``figures`` command printed."""
    found: dict[str, int] = {}
    for line in output.decode(errors="replace").splitlines():
        key, _, value = line.strip().partition("=")
        if key in ("size", "connections") and value.strip().isdigit():
            found[key] = int(value.strip())
    return found


def default_image(database: DatabaseSettings) -> str:
    """The image of a database with the default image settings (the official images)."""
    return profile(database).image(database.version, Settings())


def database_images(settings: Settings) -> Callable[[DatabaseSettings], str]:
    """The image of a database of an engine and version, from the configured settings."""
    return lambda database: profile(database).image(database.version, settings)
