"""What a service is: its kind, source, build, runtime, resources, health check and domains."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum
from urllib.parse import urlsplit

from domain.errors import InvalidValueError, RuleViolatedError
from domain.values import validate_hostname, validate_slug

_IMAGE_REFERENCE = re.compile(
    r"^(?:[a-z0-9.-]+(?::[0-9]+)?/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)
_SCP_LIKE = re.compile(r"^[A-Za-z0-9_.-]+@[A-Za-z0-9.-]+:[^\s]+$")
_BAD_REF_CHARS = re.compile(r"[\s~^:?*\[\\]|\.\.|@\{|//")
_GIT_SCHEMES = {"https", "http", "ssh", "git", "file"}
MAX_REPLICAS = 100
MAX_VOLUMES = 8
_MOUNT_PATH = re.compile(r"^(/[A-Za-z0-9._@+-]+)+$")
LOAD_BALANCING = ("round_robin", "least_conn", "ip_hash", "random")
CRON_OVERLAP = ("skip", "queue", "replace")
_ENGINE_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+){0,2}$")


class ServiceKind(Enum):
    """How a service runs: a web server, a background worker, a database or a cron job."""

    WEB = "web"
    WORKER = "worker"
    DATABASE = "database"
    CRON = "cron"


class BuildMode(Enum):
    """How an image is made from source: detect the runtime, or use a Dockerfile."""

    AUTO = "auto"
    DOCKERFILE = "dockerfile"


class HealthCheckKind(Enum):
    """How a replica proves it is healthy."""

    HTTP = "http"
    TCP = "tcp"
    COMMAND = "command"


@dataclass(frozen=True)
class GitSource:
    """Build from a git repository: URL, branch and the directory the app lives in."""

    repository_url: str
    branch: str = "main"
    root_directory: str = ""

    def check(self) -> None:
        """Raise InvalidValueError unless this is a usable, credential-free git source."""
        check_repository_url(self.repository_url)
        if not self.branch or _BAD_REF_CHARS.search(self.branch) or self.branch.startswith("-"):
            raise InvalidValueError(
                "git.branch",
                f"{self.branch!r} is not a valid branch name (no spaces, '..', '~^:?*[' or a "
                "leading '-'); give the branch as git shows it, e.g. main",
            )
        parts = [p for p in self.root_directory.split("/") if p not in ("", ".")]
        if self.root_directory.startswith("/") or ".." in parts:
            raise InvalidValueError(
                "git.root_directory", "must be a path inside the repository, without '..'"
            )


def check_image_reference(reference: str) -> None:
    """Raise InvalidValueError unless ``reference`` is an image reference like ``postgres:16``."""
    if not _IMAGE_REFERENCE.match(reference):
        raise InvalidValueError(
            "image",
            f"{reference!r} is not a valid image reference; write it like postgres:16 or "
            "registry.example.com/team/app:1.2",
        )


@dataclass(frozen=True)
class BuildSettings:
    """How to build a git source: detected plan or a Dockerfile, and an optional build command."""

    mode: BuildMode = BuildMode.AUTO
    dockerfile_path: str | None = None
    build_command: str | None = None

    def check(self) -> None:
        """Raise InvalidValueError when the settings contradict each other."""
        if self.mode is BuildMode.DOCKERFILE:
            path = self.dockerfile_path or "Dockerfile"
            if path.startswith("/") or ".." in path.split("/"):
                raise InvalidValueError(
                    "build.dockerfile_path",
                    "must be a path inside the repository, relative to its root (no '..')",
                )
        elif self.dockerfile_path:
            raise InvalidValueError(
                "build.dockerfile_path",
                "is only used when the build mode is 'dockerfile'; set the mode or leave it out",
            )


@dataclass(frozen=True)
class Resources:
    """CPU in millicores and memory in MiB that a replica requests and may use at most."""

    cpu_request_millis: int = 0
    cpu_limit_millis: int | None = None
    memory_request_mb: int = 0
    memory_limit_mb: int | None = None

    def check(self) -> None:
        """Raise InvalidValueError for negative amounts or a request above its limit."""
        pairs = (
            ("cpu", "millis", self.cpu_request_millis, self.cpu_limit_millis),
            ("memory", "mb", self.memory_request_mb, self.memory_limit_mb),
        )
        for name, unit, request, limit in pairs:
            if request < 0:
                raise InvalidValueError(
                    f"resources.{name}_request_{unit}", "must not be negative (0 asks for none)"
                )
            if limit is not None and limit <= 0:
                raise InvalidValueError(
                    f"resources.{name}_limit_{unit}", "must be positive, or left out for no limit"
                )
            if limit is not None and request > limit:
                raise InvalidValueError(
                    f"resources.{name}_request_{unit}",
                    f"{request} is above the limit {limit}; raise the limit or lower the request",
                )


@dataclass(frozen=True)
class HealthCheck:
    """A probe of a replica, as Kubernetes defines them: run every ``interval_seconds``
    (none before ``grace_period_seconds``, the start period), each within
    ``timeout_seconds``; ``retries`` failures in a row fail it (the failure threshold),
    ``success_threshold`` passes in a row pass it again."""

    kind: HealthCheckKind
    path: str | None = None
    command: tuple[str, ...] = ()
    port: int | None = None
    interval_seconds: float = 5.0
    timeout_seconds: float = 2.0
    retries: int = 3
    grace_period_seconds: float = 0.0
    success_threshold: int = 1
    expected_status: int | None = None
    """The HTTP status a healthy replica answers (None: any 2xx or 3xx)."""

    def check(self) -> None:
        """Raise InvalidValueError for an incomplete probe or impossible timings."""
        if self.kind is HealthCheckKind.HTTP and not (self.path or "").startswith("/"):
            raise InvalidValueError(
                "health_check.path", "an HTTP check needs a path starting with /, like /health"
            )
        if self.kind is HealthCheckKind.COMMAND and not self.command:
            raise InvalidValueError(
                "health_check.command", "a command check needs a command, like ['pg_isready']"
            )
        if self.port is not None:
            check_port("health_check.port", self.port)
        if not 0 < self.interval_seconds <= 3600:
            raise InvalidValueError(
                "health_check.interval_seconds", "must be between 0 and 3600 seconds"
            )
        if not 0 < self.timeout_seconds <= 600:
            raise InvalidValueError(
                "health_check.timeout_seconds", "must be between 0 and 600 seconds"
            )
        if not 1 <= self.retries <= 100:
            raise InvalidValueError("health_check.retries", "must be between 1 and 100")
        if not 0 <= self.grace_period_seconds <= 3600:
            raise InvalidValueError(
                "health_check.grace_period_seconds", "must be 0 to 3600 seconds"
            )
        if not 1 <= self.success_threshold <= 100:
            raise InvalidValueError("health_check.success_threshold", "must be between 1 and 100")
        if self.expected_status is not None and not 100 <= self.expected_status <= 599:
            raise InvalidValueError(
                "health_check.expected_status", "must be an HTTP status, 100 to 599"
            )
        if self.expected_status is not None and self.kind is not HealthCheckKind.HTTP:
            raise InvalidValueError(
                "health_check.expected_status", "only an HTTP check answers a status"
            )

    def named(self, name: str) -> HealthCheck:
        """This check, its errors naming the spec field ``name`` (e.g. liveness_check)."""
        try:
            self.check()
        except InvalidValueError as e:
            raise InvalidValueError(
                (e.field or name).replace("health_check", name, 1), e.message
            ) from None
        return self


@dataclass(frozen=True)
class VolumeMount:
    """A named volume of a service and where its replicas see it; its data outlives releases."""

    name: str
    mount_path: str

    def check(self, index: int) -> None:
        """Raise InvalidValueError unless the name is a slug and the path an absolute one."""
        validate_slug(f"volumes.{index}.name", self.name)
        path = self.mount_path
        if (
            not _MOUNT_PATH.match(path)
            or any(p in (".", "..") for p in path.split("/"))
            or len(path) > 255
        ):
            raise InvalidValueError(
                f"volumes.{index}.mount_path",
                f"{path!r} is not an absolute path inside the container (like /data, without "
                "'..', a trailing '/' or spaces); '/' itself cannot be a volume",
            )


@dataclass(frozen=True)
class MetricsEndpoint:
    """Where a service's replicas expose metrics of their own (Prometheus text format);
    Containr scrapes each replica there every 10 s."""

    path: str = "/metrics"
    port: int = 9090

    def check(self) -> None:
        """Raise InvalidValueError unless the path is an absolute URL path and the port a port."""
        if (
            not self.path.startswith("/")
            or len(self.path) > 255
            or any(ch.isspace() or ch in "#?" for ch in self.path)
        ):
            raise InvalidValueError(
                "metrics_endpoint.path",
                f"{self.path!r} is not a URL path (like /metrics: no spaces, query or fragment)",
            )
        check_port("metrics_endpoint.port", self.port)


class DatabaseEngine(Enum):
    """The engines of managed databases (MySQL's engine may be MariaDB, its drop-in)."""

    POSTGRES = "postgres"
    MYSQL = "mysql"
    REDIS = "redis"


@dataclass(frozen=True)
class DatabaseSettings:
    """What makes a database service a managed one: its engine and the engine's version."""

    engine: DatabaseEngine
    version: str

    @property
    def major(self) -> tuple[int, ...]:
        """The version's leading number (MariaDB's first two): what dump compatibility
        follows; a dump restores into the same or a newer major, never an older one."""
        parts = tuple(int(p) for p in self.version.split("."))
        return parts[:2] if self.engine is DatabaseEngine.MYSQL else parts[:1]

    def check(self) -> None:
        """Raise InvalidValueError unless the version is a plain version number."""
        if not _ENGINE_VERSION.match(self.version):
            raise InvalidValueError(
                "database.version",
                f"{self.version!r} is not an engine version (like 16, 10.11 or 7.2)",
            )

    def check_change(self, new: DatabaseSettings) -> None:
        """Raise RuleViolatedError unless a running database may move to ``new``: the same
        engine, and a version of the same major (its data directory only opens there)."""
        if new.engine is not self.engine:
            raise RuleViolatedError(
                f"a database's engine cannot change ({self.engine.value} -> "
                f"{new.engine.value}); create a new {new.engine.value} database and move the "
                "data with a backup and a restore"
            )
        if new.major > self.major:
            raise RuleViolatedError(
                f"{self.engine.value} {self.version} cannot be upgraded in place to "
                f"{new.version}: a new major version does not open the old data directory. "
                f"Create a new {new.version} database, back this one up and restore the backup "
                "into it"
            )
        if new.major < self.major:
            raise RuleViolatedError(
                f"{self.engine.value} {self.version} cannot go back to {new.version}: an "
                "older major version does not open a newer data directory"
            )


class SharedVolumeReplicasError(InvalidValueError):
    """Raised when a service whose replicas share a volume is asked to run more than one."""


def _check_replica_range(replicas: int) -> None:
    if not 0 <= replicas <= MAX_REPLICAS:
        raise InvalidValueError("replicas", f"{replicas} is not between 0 and {MAX_REPLICAS}")


@dataclass(frozen=True)
class ServiceSpec:
    """Everything that defines how a service is built and run: from git, from an image, or
    (neither given) from source archives uploaded with ``containr deploy``."""

    kind: ServiceKind
    git: GitSource | None = None
    image: str | None = None
    build: BuildSettings = field(default_factory=BuildSettings)
    start_command: str | None = None
    port: int | None = None
    resources: Resources = field(default_factory=Resources)
    replicas: int = 1
    health_check: HealthCheck | None = None
    """The readiness probe: checked before a release takes traffic and then continuously;
    a replica failing it is out of the route until it passes again."""
    liveness_check: HealthCheck | None = None
    """A replica failing it is restarted (with backoff)."""
    startup_check: HealthCheck | None = None
    """Holds the readiness and liveness probes until it passes once; failing it restarts."""
    cron_schedule: str | None = None
    cron_timezone: str | None = None
    """The time zone the schedule is read in (an IANA name); None is UTC."""
    cron_overlap: str = "skip"
    """What a run does while the previous one still goes: skip, queue or replace it."""
    cron_deadline_seconds: int | None = None
    """A run still going after this many seconds is killed (None: no deadline)."""
    cron_starting_deadline_seconds: int = 300
    """A scheduled time missed by more than this (Containr was down) is skipped."""
    domains: tuple[str, ...] = ()
    load_balancing: str = "round_robin"
    """How the ingress spreads requests over replicas: round_robin, least_conn, ip_hash, random."""
    volumes: tuple[VolumeMount, ...] = ()
    """Named volumes, created on the first deploy and kept across releases."""
    volume_per_replica: bool = False
    """Each replica gets its own instance of each volume; otherwise (Railway's rule) a
    service with volumes runs at most one replica, which owns them."""
    metrics_endpoint: MetricsEndpoint | None = None
    """Where replicas expose their own Prometheus metrics (None: they do not)."""
    database: DatabaseSettings | None = None
    """Set on a managed database (kind database): Containr runs the engine's image, with
    generated credentials, a volume and the engine's own health probe."""

    @property
    def from_uploads(self) -> bool:
        """Built from directories uploaded with ``containr deploy`` (no git, no image)."""
        return self.git is None and self.image is None

    def check(self) -> ServiceSpec:
        """Return the spec with normalised domains, or raise InvalidValueError."""
        if self.git is not None and self.image is not None:
            raise InvalidValueError(
                "source", "give either a git repository (git) or an image (image), not both"
            )
        if self.git is not None:
            self.git.check()
        if self.image is not None:
            check_image_reference(self.image)
        self.build.check()
        self.resources.check()
        self._check_probes()
        if self.port is not None:
            check_port("port", self.port)
        if self.kind is ServiceKind.WEB and self.port is None:
            raise InvalidValueError(
                "port", "a web service needs the port it listens on; set it (e.g. 8080)"
            )
        _check_replica_range(self.replicas)
        if self.kind is ServiceKind.CRON and not self.cron_schedule:
            raise InvalidValueError(
                "cron_schedule", "a cron service needs a schedule, e.g. '*/15 * * * *'"
            )
        if self.kind is not ServiceKind.CRON and self.cron_schedule:
            raise InvalidValueError(
                "cron_schedule",
                f"only cron services have a schedule; leave it out for a {self.kind.value} service",
            )
        self._check_cron_settings()
        if self.domains and self.kind is not ServiceKind.WEB:
            raise InvalidValueError(
                "domains",
                f"only web services have domains; leave them out for a {self.kind.value} service",
            )
        if self.load_balancing not in LOAD_BALANCING:
            raise InvalidValueError("load_balancing", f"must be one of {', '.join(LOAD_BALANCING)}")
        if self.start_command is not None and not self.start_command.strip():
            raise InvalidValueError(
                "start_command", "must not be blank; leave it out to use the detected command"
            )
        self._check_volumes()
        self._check_database()
        self._check_metrics_endpoint()
        domains = tuple(dict.fromkeys(validate_hostname("domains", d) for d in self.domains))
        return replace(self, domains=domains, volumes=tuple(self.volumes))

    def check_replicas(self, replicas: int) -> None:
        """Raise InvalidValueError unless this (checked) spec may run ``replicas`` replicas:
        the rules of ``check`` that the number of replicas decides, and only those."""
        _check_replica_range(replicas)
        self._check_shared_volumes(replicas)

    def with_replicas(self, replicas: int) -> ServiceSpec:
        """This spec with another number of replicas: ``replace(self, replicas=replicas)``
        without running ``__init__`` over every field (scaling is the most frequent change,
        and replaying it the most frequent step of loading a service)."""
        scaled: ServiceSpec = object.__new__(type(self))
        scaled.__dict__.update(self.__dict__)
        object.__setattr__(scaled, "replicas", replicas)
        return scaled

    def _check_probes(self) -> None:
        for name in ("health_check", "liveness_check", "startup_check"):
            probe: HealthCheck | None = getattr(self, name)
            if probe is not None:
                probe.named(name)

    def _check_metrics_endpoint(self) -> None:
        if self.metrics_endpoint is not None:
            self.metrics_endpoint.check()

    def _check_database(self) -> None:
        if self.database is None:
            return
        if self.kind is not ServiceKind.DATABASE:
            raise InvalidValueError(
                "database",
                f"only database services run a managed engine; this is a {self.kind.value} service",
            )
        self.database.check()

    def _check_volumes(self) -> None:
        if len(self.volumes) > MAX_VOLUMES:
            raise InvalidValueError("volumes", f"a service has at most {MAX_VOLUMES} volumes")
        names: set[str] = set()
        paths: list[str] = []
        for index, volume in enumerate(self.volumes):
            volume.check(index)
            if volume.name in names:
                raise InvalidValueError(
                    f"volumes.{index}.name", f"the service already has a volume {volume.name!r}"
                )
            for other in paths:
                if (
                    volume.mount_path == other
                    or volume.mount_path.startswith(other + "/")
                    or (other.startswith(volume.mount_path + "/"))
                ):
                    raise InvalidValueError(
                        f"volumes.{index}.mount_path",
                        f"{volume.mount_path} overlaps the mount path {other} of another volume",
                    )
            names.add(volume.name)
            paths.append(volume.mount_path)
        if self.volume_per_replica and not self.volumes:
            raise InvalidValueError(
                "volume_per_replica", "only a service with volumes can have one per replica"
            )
        self._check_shared_volumes(self.replicas)

    def _check_shared_volumes(self, replicas: int) -> None:
        if self.volumes and not self.volume_per_replica and replicas > 1:
            raise SharedVolumeReplicasError(
                "replicas",
                f"a service whose replicas share its volumes runs at most 1 replica (asked "
                f"{replicas}); choose a volume per replica (volume_per_replica) to run more",
            )

    def _check_cron_settings(self) -> None:
        if self.cron_overlap not in CRON_OVERLAP:
            raise InvalidValueError(
                "cron_overlap", f"must be one of {', '.join(CRON_OVERLAP)} (skip is the default)"
            )
        if self.cron_deadline_seconds is not None and not 0 < self.cron_deadline_seconds <= 604800:
            raise InvalidValueError(
                "cron_deadline_seconds", "must be between 1 and 604800 seconds, or left out"
            )
        if not 0 <= self.cron_starting_deadline_seconds <= 604800:
            raise InvalidValueError(
                "cron_starting_deadline_seconds", "must be between 0 and 604800 seconds"
            )
        if self.kind is not ServiceKind.CRON and self.cron_timezone:
            raise InvalidValueError(
                "cron_timezone",
                "only cron services have a time zone; leave it out for a "
                f"{self.kind.value} service",
            )


def check_port(field_name: str, port: int) -> None:
    """Raise InvalidValueError unless ``port`` is a TCP port number."""
    if not 1 <= port <= 65535:
        raise InvalidValueError(field_name, f"{port} is not a TCP port (1-65535)")


def check_repository_url(url: str) -> None:
    """Raise InvalidValueError unless ``url`` is a git URL without embedded credentials."""
    if _SCP_LIKE.match(url):
        return
    parts = urlsplit(url)
    if parts.scheme not in _GIT_SCHEMES or not (parts.netloc or parts.scheme == "file"):
        raise InvalidValueError(
            "git.repository_url", "must be an https://, ssh://, git:// or file:// git URL"
        )
    if parts.password is not None or (parts.username and parts.scheme in ("http", "https")):
        # Never echo the URL: it may hold a token.
        raise InvalidValueError(
            "git.repository_url",
            "must not contain credentials; give the token separately so it is stored encrypted",
        )
