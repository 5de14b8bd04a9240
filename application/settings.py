"""Settings: read once per process from CONTAINR_* variables; bad values fail at start."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import msgspec

from application.secrets import Secret
from domain.buildplan.base_images import parse_base_images
from domain.deployment import DeadlinePolicy
from domain.errors import InvalidValueError
from domain.image_registry import check_address
from domain.node import PortRange
from domain.service_spec import check_image_reference

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
MODES = ("development", "production")
SIGNUP_MODES = ("invite", "open")


class SettingsError(ValueError):
    """Raised when a CONTAINR_* variable holds a value Containr cannot use; names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """How this Containr process is configured.

    Embedded (default): SQLite in ``data_dir``, everything in one process.
    Server: ``database_url`` points at PostgreSQL and ``redis_url`` at Redis.
    """

    # Each field's docstring is its line in the documentation's settings table.
    data_dir: str = ".containr"
    """Where the embedded store (SQLite) and the generated master key file live."""
    database_url: str | None = None
    """``postgresql://user:password@host:port/dbname`` switches the event store and the read
    models to PostgreSQL (the server setup); unset, the embedded SQLite store is used."""
    database_schema: str = "containr"
    """The PostgreSQL schema of Containr's tables (the read models use ``<schema>_rm``)."""
    database_pool_size: int = 4
    """PostgreSQL connections per process."""
    secret_key: Secret | None = None
    """The master key wrapping each organisation's data key (at least 32 characters; keep it
    safe: losing it loses the secrets). Unset and embedded: a key file generated in the data
    directory (mode 0600)."""
    redis_url: str | None = None
    """Redis (``redis://host:port/db``) for change notices and rate-limit counters shared by
    the processes of the server setup."""
    api_processes: int = 1
    """Processes ``containr serve`` answers the API with, on one address (the server setup:
    PostgreSQL and Redis); one per CPU core uses the machine."""
    log_level: str = "INFO"
    """``DEBUG``, ``INFO``, ``WARNING`` or ``ERROR``."""
    mode: str = "development"
    """``production`` turns off GraphiQL, introspection and "Did you mean …?" suggestions."""
    jwt_key_version: int = 1
    """Bump it to rotate the JWT signing key (tokens signed with the previous one stay valid)."""
    docker_host: str = "unix:///var/run/docker.sock"
    """The local node's Docker engine; defaults to ``DOCKER_HOST`` when that is set."""
    snapshot_helper_image: str = "busybox:1.36"
    """The image of the short-lived containers that archive and restore volumes (never
    started: any image with a ``true`` will do); the engine must have it."""
    postgres_image: str = "postgres:{version}"
    """The image of managed PostgreSQL databases; ``{version}`` is the version chosen."""
    mysql_image: str = "mariadb:{version}"
    """The image of managed MySQL databases (MariaDB, its drop-in, by default; an official
    ``mysql:{version}`` image works too); ``{version}`` is the version chosen."""
    redis_image: str = "redis:{version}"
    """The image of managed Redis databases; ``{version}`` is the version chosen."""
    ingress_admin: str | None = None
    """An outside Caddy's admin API (e.g. http://127.0.0.1:2019). Unset and embedded: a Caddy
    of Containr's own when ``caddy`` is on PATH; otherwise no routes are made."""
    more_ingress_admins: tuple[str, ...] = ()
    """More ingress nodes serving the same routes (issue 18): the admin APIs of other Caddys,
    each serving on ``ingress_listen``'s port on its own host. Every route change goes to
    each; one that was away is brought level when it is back. Needs ``ingress_admin``."""
    ingress_listen: str = "127.0.0.1:8080"
    """Where Caddy serves the deployed web services."""
    ingress_tls_listen: str | None = None
    """Where Caddy serves custom domains over HTTPS with certificates it obtains itself
    (e.g. 0.0.0.0:443; issue 18). Unset: custom domains are served over plain HTTP only."""
    ingress_tls_issuer: str = "acme"
    """Who issues those certificates: acme (Let's Encrypt, needs ``acme_email``) or internal
    (Caddy's own CA, for hosts no ACME server can reach)."""
    acme_email: str | None = None
    """The email of the ACME account (expiry notices go there)."""
    ingress_access_log: str | None = None
    """A file Caddy writes its access log to and Containr reads for each service's requests,
    errors and latency (an outside Caddy must be able to write it, Containr to read it).
    Unset: none with an outside Caddy; ``<data dir>/caddy/access.log`` with Containr's own."""
    ingress_domain: str = "localhost"
    """Web services answer on ``<service>.<environment>.<project>.<domain>`` (and on their
    own domains)."""
    access_dial: str | None = None
    """``host:port`` where the ingress reaches this server's ``/access/check``: needed for
    members-only environments, whose routes are made only when it is set (issue 14)."""
    dns_listen: str | None = None
    """``ipv4:port`` where the internal DNS server answers ``<service>.<environment>.<project>
    .internal`` (issue 18), e.g. ``172.17.0.1:53``, the engine's bridge gateway, which every
    container reaches. On port 53, containers get it as their resolver (Docker's embedded DNS
    forwards to it). Unset: no internal DNS."""
    queue_timeout_seconds: int = 600
    """Seconds a release may wait in the queue (and, built, for its turn to start)."""
    build_timeout_seconds: int = 1800
    """Seconds a release's build may take before it fails."""
    start_timeout_seconds: int = 300
    """How long a release's replicas may take to pass their health checks (after the grace
    period); past it the release fails."""
    failover_grace_seconds: int = 30
    """How long a Docker node's engine may not answer before the node is marked unreachable
    and its live releases' replicas are placed on other nodes (issue 17)."""
    processes: bool = True
    """Whether `serve` and `worker` run the deployer and the reconciler (CONTAINR_PROCESSES=off
    makes an API-only replica)."""
    log_lines_kept: int = 10_000
    """Build and runtime log lines kept per deployment; older ones are pruned."""
    # Push to deploy (issue 14): wait for CI.
    ci_wait_timeout_seconds: int = 3600
    """How long a pushed commit waits for its checks ("wait for CI") before it gives up."""
    ci_no_checks_grace_seconds: int = 120
    """A commit without any checks deploys after this long (CI may register its checks a
    moment after the push)."""
    # Abuse limits (issue 11).
    signup: str = "invite"
    """Who may sign up: ``invite`` (the first account, then only people holding an
    invitation) or ``open`` (anyone)."""
    signup_limit_per_client: int = 5
    """Sign-up attempts per client address per 10 minutes."""
    signup_limit_global: int = 30
    """Sign-up attempts per minute for the whole installation."""
    login_limit_per_email: int = 10
    """Login attempts per email per minute."""
    login_limit_per_client: int = 30
    """Login attempts per client address per minute."""
    login_limit_global: int = 300
    """Login attempts per minute for the whole installation."""
    hashing_concurrency: int = 2
    """Password hashes (argon2id, 64 MiB each) computed at once by one process."""
    hashing_queue: int = 8
    """Callers that may wait for a hashing slot; beyond, they are told the server is busy."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks of reverse proxies whose X-Forwarded-For header is believed."""
    read_wait_ms: int = 3000
    """Read-your-writes: how long a request carrying X-Containr-After may wait for the read
    models to reach that position before it is answered anyway, marked stale."""
    # HTTP hardening (issue 11).
    metrics_token: Secret | None = None
    """The bearer token Prometheus must send to read ``/metrics`` on the API's address."""
    metrics_listen: str | None = None
    """``host:port`` of a separate listener serving only ``/metrics`` (e.g. loopback)."""
    # Database deadlines (issue 11).
    database_connect_timeout: int = 2
    """Seconds to wait for a new PostgreSQL connection (libpq's minimum is 2)."""
    database_pool_timeout_ms: int = 2000
    """How long a request waits for a pooled connection before it answers UNAVAILABLE."""
    database_statement_timeout_ms: int = 3000
    """The longest statement of an API request, command or query (PostgreSQL's
    statement_timeout on the pools the API uses)."""
    database_batch_statement_timeout_ms: int = 60_000
    """The longest statement of batch work: projection runners, rebuilds, pruning."""
    # Source archives and start-up (issue 12).
    upload_max_bytes: int = 100 * 2**20
    """The largest source archive ``containr deploy`` may upload (gzip tar, bytes)."""
    upload_max_unpacked_bytes: int = 1024 * 2**20
    """What an uploaded archive may unpack to, at most (bytes)."""
    upload_grace_seconds: int = 24 * 3600
    """How long an uploaded archive no deployment needs is kept before it is pruned."""
    access_log: bool = False
    """uvicorn's access log: a line per request (CONTAINR_ACCESS_LOG=on)."""
    # Git providers' REST APIs (issue 14).
    git_provider_timeout_ms: int = 10_000
    """The deadline of each step (connect, send, each read) of a call to a git provider's API."""
    # Push to deploy (issue 14).
    public_url: str | None = None
    """The address people and git providers reach Containr at (``https://paas.example.com``):
    webhooks Containr registers deliver to ``<public_url>/webhooks/<connection>`` (unset:
    repositories can only be connected with a manual webhook), and sign-in providers send
    the browser back to ``<public_url>/auth/<provider>/callback`` (unset: the request's own
    address); commit statuses link to the deployment's page there (unset: no link)."""
    git_check_seconds: int = 300
    """How often every git connection's token is checked with its provider."""
    # Sign in with GitHub and GitLab (issue 14).
    github_client_id: str | None = None
    """The client id of a GitHub OAuth app; with its secret, people may sign in with GitHub."""
    github_client_secret: Secret | None = None
    """The GitHub OAuth app's client secret (never logged)."""
    github_url: str = "https://github.com"
    """GitHub's web address (a GitHub Enterprise server's, for one)."""
    github_api_url: str = "https://api.github.com"
    """GitHub's REST API (``https://<host>/api/v3`` for GitHub Enterprise)."""
    github_scopes: str = "read:user user:email"
    """The scopes asked of GitHub (space-separated); the emails need ``user:email``."""
    gitlab_client_id: str | None = None
    """The application id of a GitLab OAuth application; with its secret, people may sign in
    with GitLab."""
    gitlab_client_secret: Secret | None = None
    """The GitLab application's secret (never logged)."""
    gitlab_url: str = "https://gitlab.com"
    """GitLab's address (a self-hosted GitLab's, for one)."""
    gitlab_scopes: str = "read_user"
    """The scopes asked of GitLab (space-separated)."""
    sign_in_timeout_seconds: int = 5
    """The deadline of each call to a sign-in provider."""
    # Images on every node (issue 18).
    registry_url: str | None = None
    """The registry this installation runs for every organisation that picks it
    (``host[:port][/path]``, e.g. Debian's ``docker-registry``): built images are pushed
    there and every node pulls them by digest."""
    registry_username: str | None = None
    """The login of the installation's registry (unset: it takes anonymous pushes)."""
    registry_password: Secret | None = None
    """The password of the installation's registry (never logged)."""
    registry_timeout_seconds: int = 600
    """The deadline of each push of a built image, and of each pull of one onto a node."""
    port_range: tuple[int, int] = (20000, 29999)
    """The host ports (first, last) replicas on the local engine this installation
    registers publish on (issue 18)."""
    base_images: dict[str, str] = msgspec.field(default_factory=dict)
    """Base images replaced in every generated and user Dockerfile's ``FROM`` before a build
    (air-gapped hosts), e.g. ``node:20-bookworm-slim`` -> ``registry.internal/node:20``."""

    def deadline_policy(self) -> DeadlinePolicy:
        """How long each state of a release may last."""
        return DeadlinePolicy(
            queued=timedelta(seconds=self.queue_timeout_seconds),
            building=timedelta(seconds=self.build_timeout_seconds),
            built=timedelta(seconds=self.queue_timeout_seconds),
            starting=timedelta(seconds=self.start_timeout_seconds),
        )

    def __repr__(self) -> str:
        fields = {f: getattr(self, f) for f in self.__struct_fields__}
        for name in ("database_url", "redis_url"):
            if fields[name]:
                fields[name] = _mask_password(fields[name])
        for name in ("github_client_secret", "gitlab_client_secret", "registry_password"):
            if fields[name] is not None:
                fields[name] = "*****"
        return "Settings(" + ", ".join(f"{k}={v!r}" for k, v in fields.items()) + ")"

    @property
    def is_production(self) -> bool:
        """Production mode: no GraphiQL, no introspection."""
        return self.mode == "production"

    @property
    def is_embedded(self) -> bool:
        """Whether the event store is the embedded SQLite one."""
        return self.database_url is None

    @property
    def data_path(self) -> Path:
        """The data directory as a path."""
        return Path(self.data_dir)

    @property
    def sqlite_path(self) -> Path:
        """Where the embedded event store lives."""
        return self.data_path / "containr.sqlite3"

    @property
    def instance(self) -> str:
        """This installation's short name, from where its event store lives.

        It labels the installation's containers and names its ingress routes, so two
        installations sharing a Docker engine or a Caddy never touch each other's.
        """
        where = (
            f"sqlite:{self.sqlite_path.resolve()}"
            if self.database_url is None
            else self.describe_database()
        )
        return hashlib.sha256(where.encode()).hexdigest()[:10]

    def describe_database(self) -> str:
        """Where the event store is, with any password masked."""
        if self.database_url is None:
            return f"sqlite:{self.sqlite_path}"
        parts = urlsplit(self.database_url)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        user = parts.username or ""
        return f"postgresql://{user}@{host}{port}{parts.path} (schema {self.database_schema})"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from CONTAINR_* variables; unknown CONTAINR_* names are errors too."""
        unknown = sorted(
            k
            for k in environ
            if k.startswith("CONTAINR_")
            and k not in _PARSERS
            and not k.startswith(("CONTAINR_TEST_", "CONTAINR_BENCH_"))  # tooling, not Containr
        )
        if unknown:
            raise SettingsError(
                f"{unknown[0]}: not a Containr setting (known: {', '.join(sorted(_PARSERS))})"
            )
        values: dict[str, object] = {}
        if environ.get("DOCKER_HOST"):  # the Docker CLI's own variable, as a default
            values["docker_host"] = _docker_host(environ["DOCKER_HOST"])
        for variable, (field, parse) in _PARSERS.items():
            raw = environ.get(variable)
            if raw is not None and (raw != "" or field == "data_dir"):
                values[field] = parse(raw)
        if values.get("more_ingress_admins") and not values.get("ingress_admin"):
            raise SettingsError(
                "CONTAINR_MORE_INGRESS_ADMINS: needs CONTAINR_INGRESS_ADMIN, the first ingress"
            )
        settings = cls(**values)  # type: ignore[arg-type]  # every parser gives its type
        settings.check_api_processes(settings.api_processes, "CONTAINR_API_PROCESSES")
        return settings

    def check_api_processes(self, processes: int, name: str) -> None:
        """Several API processes share their state through PostgreSQL and Redis: refuse them
        on the embedded store (one process's SQLite) or without Redis (change notices and
        rate limits would stay in each process)."""
        if processes > 1 and (self.database_url is None or self.redis_url is None):
            raise SettingsError(
                f"{name}: {processes} API processes need the server setup: set "
                "CONTAINR_DATABASE_URL (PostgreSQL) and CONTAINR_REDIS_URL (Redis), which they "
                "share"
            )


def _mask_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":*****@", 1)
    return parts._replace(netloc=netloc).geturl()


def _absolute_file(name: str, value: str) -> str:
    path = Path(value.strip()).expanduser()
    if not path.is_absolute() or path.is_dir():
        raise SettingsError(f"{name}: must be the absolute path of a file, not {value!r}")
    return str(path)


def _data_dir(value: str) -> str:
    if not value.strip():
        raise SettingsError("CONTAINR_DATA_DIR: must not be empty")
    path = Path(value).expanduser()
    if path.exists() and not path.is_dir():
        raise SettingsError(f"CONTAINR_DATA_DIR: {path} exists and is not a directory")
    return str(path)


def _database_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("postgresql", "postgres"):
        raise SettingsError(
            "CONTAINR_DATABASE_URL: must be a postgresql://user@host:port/dbname URL "
            f"(got a {parts.scheme or 'schemeless'} URL); "
            "leave it unset for the embedded SQLite store"
        )
    try:
        parts.port  # noqa: B018 - urlsplit validates the port lazily
    except ValueError:
        raise SettingsError("CONTAINR_DATABASE_URL: the port is not a number") from None
    if not parts.hostname or not parts.path.strip("/"):
        raise SettingsError("CONTAINR_DATABASE_URL: needs a host and a database name")
    return value


def _redis_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise SettingsError("CONTAINR_REDIS_URL: must be a redis://host:port/db URL")
    return value


def _schema(value: str) -> str:
    if not _SCHEMA_NAME.match(value):
        raise SettingsError(
            "CONTAINR_DATABASE_SCHEMA: must be a lowercase SQL identifier (letters, digits, _)"
        )
    return value


def _secret_key(value: str) -> Secret:
    if len(value) < 32:
        raise SettingsError("CONTAINR_SECRET_KEY: must be at least 32 characters long")
    return Secret(value)


def _switch(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("on", "true", "1", "yes"):
        return True
    if lowered in ("off", "false", "0", "no"):
        return False
    raise SettingsError(f"{name}: must be on or off, not {value!r}")


def _one_of(name: str, choices: tuple[str, ...], value: str) -> str:
    if value not in choices:
        raise SettingsError(f"{name}: must be one of {', '.join(choices)}")
    return value


def _int_in(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(f"{name}: {value!r} is not a whole number") from None
    if not low <= number <= high:
        raise SettingsError(f"{name}: must be between {low} and {high}")
    return number


def _counter(name: str, high: int) -> Callable[[str], int]:
    return lambda value: _int_in(name, value, 1, high)


def _seconds(name: str) -> Callable[[str], int]:
    return lambda value: _int_in(name, value, 1, 7 * 24 * 3600)


def _http_url(name: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SettingsError(f"{name}: must be an http://host:port URL")
        return value.rstrip("/")

    return parse


def _http_urls(name: str) -> Callable[[str], tuple[str, ...]]:
    one = _http_url(name)

    def parse(value: str) -> tuple[str, ...]:
        return tuple(one(part.strip()) for part in value.split(",") if part.strip())

    return parse


def _networks(name: str) -> Callable[[str], tuple[str, ...]]:
    def parse(value: str) -> tuple[str, ...]:
        networks = []
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            try:
                networks.append(str(ipaddress.ip_network(part, strict=False)))
            except ValueError:
                raise SettingsError(
                    f"{name}: {part!r} is not an IP address or network (like 10.0.0.0/8)"
                ) from None
        return tuple(networks)

    return parse


def _metrics_token(value: str) -> Secret:
    if len(value.strip()) < 16:
        raise SettingsError("CONTAINR_METRICS_TOKEN: must be at least 16 characters long")
    return Secret(value.strip())


def _listen_address(name: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        try:
            parts = urlsplit(f"//{value.strip()}")
            port = parts.port
        except ValueError:
            port = None
        if not parts.hostname or port is None or port == 0:
            raise SettingsError(f"{name}: must be host:port, like 127.0.0.1:9100")
        return value.strip()

    return parse


def _ipv4_listen_address(name: str) -> Callable[[str], str]:
    """``ipv4:port``: containers are given the address as their resolver, and Docker takes
    only an IP address there."""
    parse_listen = _listen_address(name)

    def parse(value: str) -> str:
        value = parse_listen(value)
        host = value.rsplit(":", 1)[0]
        parts = host.split(".")
        if len(parts) != 4 or not all(p.isdigit() and int(p) <= 255 for p in parts):
            raise SettingsError(f"{name}: must be an IPv4 address and port, like 172.17.0.1:53")
        return value

    return parse


def _engine_image(name: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip()
        try:
            check_image_reference(value.replace("{version}", "1"))
        except InvalidValueError:
            raise SettingsError(
                f"{name}: must be an image reference, with {{version}} where the version "
                "goes (like postgres:{version})"
            ) from None
        return value

    return parse


def _registry_url(value: str) -> str:
    try:
        return check_address(value)
    except InvalidValueError as e:
        raise SettingsError(f"CONTAINR_REGISTRY_URL: {e.message}") from None


def _port_range(value: str) -> tuple[int, int]:
    start, dash, end = value.strip().partition("-")
    try:
        checked = PortRange(int(start), int(end) if dash else -1).check()
    except ValueError:
        raise SettingsError("CONTAINR_PORT_RANGE: must be start-end, like 20000-29999") from None
    except InvalidValueError as e:
        raise SettingsError(f"CONTAINR_PORT_RANGE: {e.message}") from None
    return checked.start, checked.end


def _base_images(value: str) -> dict[str, str]:
    try:
        return parse_base_images(value)
    except InvalidValueError as e:
        raise SettingsError(f"CONTAINR_BASE_IMAGES: {e.message}") from None


def _docker_host(value: str) -> str:
    if urlsplit(value).scheme not in ("unix", "tcp", "ssh", "http", "https"):
        raise SettingsError(
            "CONTAINR_DOCKER_HOST: must be a Docker engine address like "
            "unix:///var/run/docker.sock or tcp://host:2376"
        )
    return value


_PARSERS: dict[str, tuple[str, Callable[[str], object]]] = {
    "CONTAINR_DATA_DIR": ("data_dir", _data_dir),
    "CONTAINR_DATABASE_URL": ("database_url", _database_url),
    "CONTAINR_DATABASE_SCHEMA": ("database_schema", _schema),
    "CONTAINR_DATABASE_POOL_SIZE": (
        "database_pool_size",
        lambda v: _int_in("CONTAINR_DATABASE_POOL_SIZE", v, 1, 100),
    ),
    "CONTAINR_SECRET_KEY": ("secret_key", _secret_key),
    "CONTAINR_REDIS_URL": ("redis_url", _redis_url),
    "CONTAINR_API_PROCESSES": ("api_processes", _counter("CONTAINR_API_PROCESSES", 64)),
    "CONTAINR_LOG_LEVEL": (
        "log_level",
        lambda v: _one_of("CONTAINR_LOG_LEVEL", _LOG_LEVELS, v.upper()),
    ),
    "CONTAINR_MODE": ("mode", lambda v: _one_of("CONTAINR_MODE", MODES, v.lower())),
    "CONTAINR_DOCKER_HOST": ("docker_host", _docker_host),
    "CONTAINR_INGRESS_ADMIN": ("ingress_admin", _http_url("CONTAINR_INGRESS_ADMIN")),
    "CONTAINR_MORE_INGRESS_ADMINS": (
        "more_ingress_admins",
        _http_urls("CONTAINR_MORE_INGRESS_ADMINS"),
    ),
    "CONTAINR_INGRESS_LISTEN": ("ingress_listen", lambda v: v.strip()),
    "CONTAINR_INGRESS_DOMAIN": ("ingress_domain", lambda v: v.strip().lower()),
    "CONTAINR_INGRESS_TLS_LISTEN": ("ingress_tls_listen", lambda v: v.strip() or None),
    "CONTAINR_INGRESS_TLS_ISSUER": (
        "ingress_tls_issuer",
        lambda v: _one_of("CONTAINR_INGRESS_TLS_ISSUER", ("acme", "internal"), v.strip().lower()),
    ),
    "CONTAINR_ACME_EMAIL": ("acme_email", lambda v: v.strip() or None),
    "CONTAINR_INGRESS_ACCESS_LOG": (
        "ingress_access_log",
        lambda v: _absolute_file("CONTAINR_INGRESS_ACCESS_LOG", v),
    ),
    "CONTAINR_SNAPSHOT_HELPER_IMAGE": ("snapshot_helper_image", lambda v: v.strip()),
    "CONTAINR_POSTGRES_IMAGE": ("postgres_image", _engine_image("CONTAINR_POSTGRES_IMAGE")),
    "CONTAINR_MYSQL_IMAGE": ("mysql_image", _engine_image("CONTAINR_MYSQL_IMAGE")),
    "CONTAINR_REDIS_IMAGE": ("redis_image", _engine_image("CONTAINR_REDIS_IMAGE")),
    "CONTAINR_ACCESS_DIAL": ("access_dial", _listen_address("CONTAINR_ACCESS_DIAL")),
    "CONTAINR_DNS_LISTEN": ("dns_listen", _ipv4_listen_address("CONTAINR_DNS_LISTEN")),
    "CONTAINR_QUEUE_TIMEOUT": ("queue_timeout_seconds", _seconds("CONTAINR_QUEUE_TIMEOUT")),
    "CONTAINR_BUILD_TIMEOUT": ("build_timeout_seconds", _seconds("CONTAINR_BUILD_TIMEOUT")),
    "CONTAINR_START_TIMEOUT": ("start_timeout_seconds", _seconds("CONTAINR_START_TIMEOUT")),
    "CONTAINR_CI_WAIT_TIMEOUT": ("ci_wait_timeout_seconds", _seconds("CONTAINR_CI_WAIT_TIMEOUT")),
    "CONTAINR_CI_NO_CHECKS_GRACE": (
        "ci_no_checks_grace_seconds",
        _seconds("CONTAINR_CI_NO_CHECKS_GRACE"),
    ),
    "CONTAINR_FAILOVER_GRACE": ("failover_grace_seconds", _seconds("CONTAINR_FAILOVER_GRACE")),
    "CONTAINR_PROCESSES": ("processes", lambda v: _switch("CONTAINR_PROCESSES", v)),
    "CONTAINR_LOG_LINES_KEPT": (
        "log_lines_kept",
        lambda v: _int_in("CONTAINR_LOG_LINES_KEPT", v, 100, 10_000_000),
    ),
    "CONTAINR_METRICS_TOKEN": ("metrics_token", _metrics_token),
    "CONTAINR_METRICS_LISTEN": ("metrics_listen", _listen_address("CONTAINR_METRICS_LISTEN")),
    "CONTAINR_JWT_KEY_VERSION": (
        "jwt_key_version",
        lambda v: _int_in("CONTAINR_JWT_KEY_VERSION", v, 1, 1_000_000),
    ),
    "CONTAINR_SIGNUP": ("signup", lambda v: _one_of("CONTAINR_SIGNUP", SIGNUP_MODES, v.lower())),
    **{
        f"CONTAINR_{field.upper()}": (field, _counter(f"CONTAINR_{field.upper()}", 1_000_000))
        for field in (
            "signup_limit_per_client",
            "signup_limit_global",
            "login_limit_per_email",
            "login_limit_per_client",
            "login_limit_global",
        )
    },
    "CONTAINR_HASHING_CONCURRENCY": (
        "hashing_concurrency",
        _counter("CONTAINR_HASHING_CONCURRENCY", 64),
    ),
    "CONTAINR_HASHING_QUEUE": (
        "hashing_queue",
        lambda v: _int_in("CONTAINR_HASHING_QUEUE", v, 0, 10_000),
    ),
    "CONTAINR_TRUSTED_PROXIES": ("trusted_proxies", _networks("CONTAINR_TRUSTED_PROXIES")),
    "CONTAINR_READ_WAIT_MS": (
        "read_wait_ms",
        lambda v: _int_in("CONTAINR_READ_WAIT_MS", v, 0, 60_000),
    ),
    "CONTAINR_DATABASE_CONNECT_TIMEOUT": (
        "database_connect_timeout",
        lambda v: _int_in("CONTAINR_DATABASE_CONNECT_TIMEOUT", v, 2, 600),
    ),
    "CONTAINR_DATABASE_POOL_TIMEOUT_MS": (
        "database_pool_timeout_ms",
        lambda v: _int_in("CONTAINR_DATABASE_POOL_TIMEOUT_MS", v, 50, 600_000),
    ),
    "CONTAINR_DATABASE_STATEMENT_TIMEOUT_MS": (
        "database_statement_timeout_ms",
        lambda v: _int_in("CONTAINR_DATABASE_STATEMENT_TIMEOUT_MS", v, 100, 86_400_000),
    ),
    "CONTAINR_DATABASE_BATCH_STATEMENT_TIMEOUT_MS": (
        "database_batch_statement_timeout_ms",
        lambda v: _int_in("CONTAINR_DATABASE_BATCH_STATEMENT_TIMEOUT_MS", v, 1000, 86_400_000),
    ),
    "CONTAINR_UPLOAD_MAX_BYTES": (
        "upload_max_bytes",
        lambda v: _int_in("CONTAINR_UPLOAD_MAX_BYTES", v, 1024, 2**40),
    ),
    "CONTAINR_UPLOAD_MAX_UNPACKED_BYTES": (
        "upload_max_unpacked_bytes",
        lambda v: _int_in("CONTAINR_UPLOAD_MAX_UNPACKED_BYTES", v, 1024, 2**42),
    ),
    "CONTAINR_UPLOAD_GRACE": ("upload_grace_seconds", _seconds("CONTAINR_UPLOAD_GRACE")),
    "CONTAINR_ACCESS_LOG": ("access_log", lambda v: _switch("CONTAINR_ACCESS_LOG", v)),
    "CONTAINR_GIT_PROVIDER_TIMEOUT_MS": (
        "git_provider_timeout_ms",
        lambda v: _int_in("CONTAINR_GIT_PROVIDER_TIMEOUT_MS", v, 100, 120_000),
    ),
    "CONTAINR_PUBLIC_URL": ("public_url", _http_url("CONTAINR_PUBLIC_URL")),
    "CONTAINR_GIT_CHECK_INTERVAL": ("git_check_seconds", _seconds("CONTAINR_GIT_CHECK_INTERVAL")),
    "CONTAINR_GITHUB_CLIENT_ID": ("github_client_id", lambda v: v.strip()),
    "CONTAINR_GITHUB_CLIENT_SECRET": ("github_client_secret", lambda v: Secret(v.strip())),
    "CONTAINR_GITHUB_URL": ("github_url", _http_url("CONTAINR_GITHUB_URL")),
    "CONTAINR_GITHUB_API_URL": ("github_api_url", _http_url("CONTAINR_GITHUB_API_URL")),
    "CONTAINR_GITHUB_SCOPES": ("github_scopes", lambda v: " ".join(v.split())),
    "CONTAINR_GITLAB_CLIENT_ID": ("gitlab_client_id", lambda v: v.strip()),
    "CONTAINR_GITLAB_CLIENT_SECRET": ("gitlab_client_secret", lambda v: Secret(v.strip())),
    "CONTAINR_GITLAB_URL": ("gitlab_url", _http_url("CONTAINR_GITLAB_URL")),
    "CONTAINR_GITLAB_SCOPES": ("gitlab_scopes", lambda v: " ".join(v.split())),
    "CONTAINR_SIGN_IN_TIMEOUT": (
        "sign_in_timeout_seconds",
        lambda v: _int_in("CONTAINR_SIGN_IN_TIMEOUT", v, 1, 60),
    ),
    "CONTAINR_REGISTRY_URL": ("registry_url", _registry_url),
    "CONTAINR_REGISTRY_USERNAME": ("registry_username", lambda v: v.strip() or None),
    "CONTAINR_REGISTRY_PASSWORD": ("registry_password", Secret),
    "CONTAINR_REGISTRY_TIMEOUT": (
        "registry_timeout_seconds",
        lambda v: _int_in("CONTAINR_REGISTRY_TIMEOUT", v, 5, 3600),
    ),
    "CONTAINR_BASE_IMAGES": ("base_images", _base_images),
    "CONTAINR_PORT_RANGE": ("port_range", _port_range),
}
