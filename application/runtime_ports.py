"""Ports to the machinery that builds and runs services: git, a container engine, the ingress.

Every value that crosses these ports is a msgspec Struct; adapters convert the Docker, git
and Caddy payloads at their boundary.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

import msgspec

from application.secrets import Secret
from domain.preview import DiskSpace

LogLine = Callable[[str], None]
"""Receives one line of output (already redacted by whoever passes it on)."""


class ContainerEngineError(Exception):
    """Raised when a container engine refuses or fails an operation; the message says why."""


class EngineUnreachableError(ContainerEngineError):
    """Raised when a node's container engine does not answer."""


class BuildFailedError(ContainerEngineError):
    """Raised when an image build fails (the message holds the engine's error)."""


class RegistryError(ContainerEngineError):
    """Raised when a registry refuses a push or a pull (a wrong login, no such image, no room
    left) or it is not done by its deadline; the message says why, never the password."""


class SourceError(Exception):
    """Raised when a repository cannot be fetched (unreachable, no such branch or commit,
    bad credentials); the message never contains the token."""


class RepositoryNotFoundError(SourceError):
    """Raised when the server answers but has no such repository, or refuses the credentials
    (servers do not tell the two apart)."""


class BranchNotFoundError(SourceError):
    """Raised when the repository exists but has no such branch."""


class SourceUnreachableError(SourceError):
    """Raised when the repository's server cannot be reached, or does not answer in time."""


# Source


class Checkout(msgspec.Struct, frozen=True, kw_only=True):
    """A repository fetched at one commit into a workspace directory."""

    path: str
    """The service's root directory inside the checkout."""
    commit: str
    message: str
    author: str
    files: list[str]
    """Every file under ``path``, relative to it, '/' separated."""


class SourceRepository(Protocol):
    """Fetches git repositories (the git CLI in production)."""

    def fetch(
        self,
        url: str,
        workspace: Path,
        *,
        branch: str,
        commit: str | None = None,
        root_directory: str = "",
        token: Secret | None = None,
    ) -> Checkout:
        """Clone ``url`` at ``commit`` (or the head of ``branch``) into ``workspace``.

        The token, if any, is used for HTTPS authentication and never appears in a URL
        that is stored, logged or put in an error message.
        """
        ...

    def head(self, url: str, *, branch: str, token: Secret | None = None, timeout: float) -> str:
        """The commit at the head of ``branch`` (``git ls-remote``), asked within ``timeout``
        seconds, without fetching anything.

        RepositoryNotFoundError when there is no such repository (or the token is refused),
        BranchNotFoundError when it has no such branch, SourceUnreachableError when its
        server cannot be reached in time; SourceError for anything else.
        """
        ...

    def changed_paths(
        self,
        url: str,
        *,
        base_branch: str,
        head_commit: str,
        token: Secret | None = None,
        timeout: float,
    ) -> list[str]:
        """The files ``head_commit`` changes since it left ``base_branch`` (what a pull
        request changes: ``git diff --name-only base...head``), within ``timeout`` seconds.
        Raises SourceError (as ``head``) when they cannot be known."""
        ...


# Containers


class ContainerSpec(msgspec.Struct, frozen=True, kw_only=True):
    """Everything needed to create one replica's container."""

    name: str
    image: str
    labels: dict[str, str]
    environment: dict[str, str] = msgspec.field(default_factory=dict)
    command: list[str] | None = None
    network: str | None = None
    aliases: list[str] = msgspec.field(default_factory=list)
    port: int | None = None
    """A container port to publish on a host port of the node's address (127.0.0.1 for a
    local engine; issue 18)."""
    host_port: int | None = None
    """The host port ``port`` is published on, from the node's range (None: an ephemeral
    one the engine picks)."""
    cpu_limit_millis: int | None = None
    memory_limit_mb: int | None = None
    restart: Literal["no", "on-failure", "unless-stopped"] = "on-failure"
    volumes: dict[str, str] = msgspec.field(default_factory=dict)
    """Named volumes to mount: volume name -> absolute path in the container."""
    dns: list[str] = msgspec.field(default_factory=list)
    """Resolvers the engine's embedded DNS forwards to what it does not know itself
    (Containr's internal DNS server, issue 18); empty: the engine's defaults."""


class VolumeInfo(msgspec.Struct, frozen=True, kw_only=True):
    """A named volume as the engine reports it."""

    name: str
    labels: dict[str, str]
    created_at: datetime


class ContainerInfo(msgspec.Struct, frozen=True, kw_only=True):
    """A container as the engine reports it."""

    id: str
    name: str
    image: str
    labels: dict[str, str]
    state: Literal["created", "running", "restarting", "paused", "exited", "dead", "removing"]
    exit_code: int | None = None
    host_port: int | None = None
    """The host port the published container port is bound to, if any."""
    host_address: str = "127.0.0.1"
    """The address ``host_port`` is reached at: its node's (issue 18)."""

    def upstream(self) -> str | None:
        """Where the ingress reaches the published port (``address:port``), if any."""
        if not self.host_port:
            return None
        host = f"[{self.host_address}]" if ":" in self.host_address else self.host_address
        return f"{host}:{self.host_port}"

    addresses: dict[str, str] = msgspec.field(default_factory=dict)
    """Its IPv4 address on each network it is attached to (network name -> address), while
    it runs (the internal DNS answers and identifies askers by them; issue 18)."""
    started_at: float | None = None
    """When its current (or, once it stopped, its last) run started, in seconds since the
    epoch; None if it never ran. A container restarted in place keeps its id, so this tells
    its runs apart (see ``run_key``)."""


def run_key(container: ContainerInfo) -> str:
    """One run of a container: its short id, and its start time when the engine gave it (the
    operation id of what happens to that run, e.g. its death, recorded once)."""
    if container.started_at is None:
        return container.id[:12]
    return f"{container.id[:12]}.{container.started_at:.6f}"


class ContainerDeath(msgspec.Struct, frozen=True, kw_only=True):
    """A container's death (or removal) as the engine's event stream reports it, with what
    the event carries: its labels and exit code, so that the one who follows deaths need not
    look the container up before acting (issue 17: replaced within Docker's own time)."""

    id: str
    labels: dict[str, str] = msgspec.field(default_factory=dict)
    """Its labels (empty when the engine's event did not carry them)."""
    exit_code: int | None = None
    removed: bool = False
    """Removed (a destroy event), not just exited."""


class ImageInfo(msgspec.Struct, frozen=True, kw_only=True):
    """An image the engine has."""

    id: str
    tags: list[str]


class LabelledImage(msgspec.Struct, frozen=True, kw_only=True):
    """An image of an engine with its labels, as listed for collecting unreferenced images."""

    id: str
    tags: list[str]
    digests: list[str]
    """``<repository>@sha256:…``: how it was pulled or pushed by digest."""
    labels: dict[str, str]
    created: datetime
    in_use: bool
    """A container of the engine (running or not, of any installation) was made from it."""

    @property
    def references(self) -> frozenset[str]:
        """Every name the image goes by: its id, tags and digests."""
        return frozenset((self.id, *self.tags, *self.digests))


@runtime_checkable
class ImageCatalogue(Protocol):
    """An engine that lists its images by label (a Docker engine, directly or through its
    node's agent; issue 18)."""

    def labelled_images(self, labels: Mapping[str, str]) -> list[LabelledImage]:
        """The images carrying every one of ``labels``."""
        ...


class ImageAvailability(msgspec.Struct, frozen=True, kw_only=True):
    """Whether an engine can use an image: it has it, or its registry would give it."""

    reference: str
    present: bool
    """The engine has the image."""
    pullable: bool | None = None
    """The registry has it (None: not asked, because the engine has it)."""
    reason: str = ""
    """Why it cannot be pulled, in a few words (empty when it can)."""

    @property
    def usable(self) -> bool:
        """Whether a build or a container can use the image."""
        return self.present or bool(self.pullable)


class RegistryLogin(msgspec.Struct, frozen=True, kw_only=True):
    """A registry images are pushed to and pulled from, and the login to use (issue 18)."""

    address: str
    """``host[:port][/path]``: where the repositories go, as image references name it."""
    username: str | None = None
    password: Secret | None = None

    @property
    def server(self) -> str:
        """The registry's ``host[:port]`` (what an engine logs in to)."""
        return self.address.split("/", 1)[0]


NO_CONTAINER_PULLS = "Containr does not pull the images of containers yet"
"""Why an image a container needs is not pulled when the engine lacks it."""


def unavailable_image(reference: str, reason: str, *, base: bool = True) -> str:
    """What to say about an image the engine neither has nor can pull, and how to provide it
    (one wording for the plan preview, the build and the container)."""
    what = "the base image" if base else "the image"
    return (
        f"{what} {reference} is not on the engine and cannot be pulled: {reason}; import or "
        f"pull {reference} on the engine, or set a registry/base-image mapping (coming with "
        "multi-host work)"
    )


class ContainerRuntime(Protocol):
    """A Docker engine (one node): images, containers, networks, logs."""

    def ping(self) -> bool:
        """Whether the engine answers."""
        ...

    def image(self, reference: str) -> ImageInfo | None:
        """The image with this tag or id, if the engine has it."""
        ...

    def image_availability(self, reference: str, *, timeout: float) -> ImageAvailability:
        """Whether the engine has ``reference`` and, if not, whether its registry has it
        (asked through the engine, answered within ``timeout`` seconds even when no registry
        answers). EngineUnreachableError when the engine itself does not answer."""
        ...

    def build(
        self,
        context: Path,
        *,
        dockerfile: str,
        tags: list[str],
        labels: Mapping[str, str],
        on_log: LogLine,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> ImageInfo:
        """Build an image from ``context`` with the Dockerfile text ``dockerfile``.

        Each output line goes to ``on_log`` as it arrives. When ``cancelled()`` turns true
        the build is abandoned (BuildFailedError). A failed build raises BuildFailedError;
        a base image the engine cannot get fails it with ``unavailable_image``'s words.
        """
        ...

    def push(self, image: str, target: str, *, login: RegistryLogin, timeout: float) -> str:
        """Tag ``image`` (a tag or an id) as ``target`` (``<address>/<repository>:<tag>``)
        and push it with ``login``, done within ``timeout`` seconds: the pushed image by
        digest (``<address>/<repository>@sha256:…``). RegistryError when the registry
        refuses it (login, room) or it is not done in time."""
        ...

    def pull(self, reference: str, *, login: RegistryLogin | None, timeout: float) -> ImageInfo:
        """Pull ``reference`` (by digest) with ``login``, done within ``timeout`` seconds.
        RegistryError when the registry refuses it or it is not done in time."""
        ...

    def tag(self, image: str, tag: str) -> None:
        """Add a tag to an image."""
        ...

    def ensure_network(self, name: str, labels: Mapping[str, str]) -> None:
        """Create a bridge network unless it exists."""
        ...

    def remove_network(self, name: str) -> bool:
        """Remove a network; False when there was none. Raises ContainerEngineError while
        containers still use it."""
        ...

    def remove_image(self, reference: str) -> bool:
        """Remove one tag (the image goes with its last tag); False when there was no such
        image. Raises ContainerEngineError while a container still uses it."""
        ...

    def disk_space(self, *, timeout: float) -> DiskSpace | None:
        """Free and total bytes of the engine's data root, asked within ``timeout``
        seconds; None when the engine cannot tell."""
        ...

    def containers(
        self, labels: Mapping[str, str], *, all_states: bool = True
    ) -> list[ContainerInfo]:
        """Containers carrying every one of ``labels`` (running ones only unless all_states)."""
        ...

    def ensure_volume(self, name: str, labels: Mapping[str, str]) -> VolumeInfo:
        """The named volume, created with ``labels`` unless it exists (then it is kept as
        it is, data and labels)."""
        ...

    def volume(self, name: str) -> VolumeInfo | None:
        """The named volume, if the engine has it."""
        ...

    def volumes(self, labels: Mapping[str, str]) -> list[VolumeInfo]:
        """Volumes carrying every one of ``labels``."""
        ...

    def remove_volume(self, name: str) -> bool:
        """Remove a volume and its data; False when there was none. Raises
        ContainerEngineError while a container (even a stopped one) uses it."""
        ...

    def volume_sizes(self, *, timeout: float) -> dict[str, int]:
        """The bytes each volume holds, by name, asked within ``timeout`` seconds (the
        engine measures every volume at once); volumes it cannot measure are left out."""
        ...

    def export_volume(self, name: str, target: Path, *, helper_image: str, timeout: float) -> None:
        """Write the volume's files as a tar archive to ``target`` (paths relative to the
        volume's root), through a container of ``helper_image`` that is never started.
        ContainerEngineError when there is no such volume or it takes over ``timeout``."""
        ...

    def import_volume(
        self,
        name: str,
        source: Path,
        labels: Mapping[str, str],
        *,
        helper_image: str,
        timeout: float,
    ) -> VolumeInfo:
        """Create the volume ``name`` and unpack the tar archive ``source`` into it. Never
        overwrites: ContainerEngineError when a volume of that name exists."""
        ...

    def create(self, spec: ContainerSpec) -> ContainerInfo:
        """Create (not start) a container."""
        ...

    def start(self, container_id: str) -> ContainerInfo:
        """Start a container; returns it as it is now (with its host port)."""
        ...

    def inspect(self, container_id: str) -> ContainerInfo | None:
        """A container's current state, or None if it no longer exists."""
        ...

    def stop(self, container_id: str, *, timeout: float = 10) -> None:
        """Stop a container (SIGTERM, then SIGKILL after ``timeout``); no error if stopped."""
        ...

    def remove(self, container_id: str) -> None:
        """Remove a container (forcibly); no error if it is already gone."""
        ...

    def restart(self, container_id: str, *, timeout: float = 10) -> None:
        """Restart a container."""
        ...

    def exec(self, container_id: str, command: list[str], *, timeout: float) -> int:
        """Run a command inside a running container; its exit code (124 on timeout)."""
        ...

    def logs(
        self, container_id: str, *, since: float | None = None, follow: bool = False
    ) -> Iterator[str]:
        """The container's output lines (stdout and stderr), following if asked."""
        ...

    def deaths(self, labels: Mapping[str, str], *, timeout: float) -> list[ContainerDeath]:
        """Follow the engine's events for up to ``timeout`` seconds: the containers carrying
        ``labels`` that died or were removed meanwhile, as soon as one did (empty when none
        did in time)."""
        ...

    def exec_output(
        self, container_id: str, command: list[str], *, timeout: float
    ) -> tuple[int, bytes]:
        """Run a command inside a running container and return its exit code with what it
        printed (stdout and stderr, at most 1 MiB); 124 and the output so far when it
        outlives ``timeout`` seconds."""
        ...

    # Issue 15 (database dumps): helpers with attached streams. Kept apart to ease merging.

    def run_streamed(
        self,
        spec: ContainerSpec,
        *,
        stdin: Iterable[bytes] | None = None,
        on_stderr: Callable[[bytes], None] = lambda chunk: None,
        timeout: float,
    ) -> StreamedContainer:
        """Create and start ``spec`` with its streams attached: ``stdin`` (when given) is
        fed to it from another thread and closed at its end; after ``timeout`` seconds the
        container is killed. It is never restarted and removes itself when it ends (even
        when its caller died); the engine keeps no log of its streams. The caller closes
        the result, which kills it and waits until it is gone."""
        ...


# Ingress


class Route(msgspec.Struct, frozen=True, kw_only=True):
    """Where requests for some host names go."""

    id: str
    """A stable id, e.g. containr-<service id>-<environment id>."""
    hosts: list[str]
    upstreams: list[str]
    """host:port addresses of the healthy replicas."""
    policy: Literal["round_robin", "least_conn", "ip_hash", "random"] = "round_robin"
    health_path: str | None = None
    """An HTTP path the proxy checks on each upstream (unhealthy ones drop out)."""
    auth_dial: str | None = None
    """``host:port`` of Containr's API when only members and share links may pass: the
    proxy asks ``auth_uri`` there before each request (issue 14)."""
    auth_uri: str | None = None
    """The check to ask, e.g. ``/access/check?environment=<id>``."""
    wake: str | None = None
    """The service sleeps (issue 16): ``upstreams`` is Containr's wake handler, asked with
    this token (which names the service and proves the ingress sent the request)."""


class Ingress(Protocol):
    """The front door (Caddy, configured only through its admin API)."""

    def routes(self) -> list[Route]:
        """The routes the proxy has now."""
        ...

    def apply(self, route: Route) -> None:
        """Create or replace one route in a single configuration change."""
        ...

    def remove(self, route_id: str) -> None:
        """Remove a route (no error if it is absent)."""
        ...

    def replace_all(self, routes: list[Route]) -> None:
        """Make the proxy's routes exactly these (after a proxy restart, say)."""
        ...


class CertificateState(msgspec.Struct, frozen=True, kw_only=True):
    """A custom domain's certificate as the HTTPS listener serves it now (issue 18)."""

    domain: str
    state: Literal["pending", "issued", "failed"]
    not_after: str | None = None
    """When the certificate expires (ISO 8601, UTC), once issued."""
    issuer: str | None = None
    reason: str | None = None
    """Why it is pending or failed."""


class CertificateReader(Protocol):
    """Reads which certificate the ingress serves for a custom domain (issue 18)."""

    def state(self, domain: str) -> CertificateState:
        """The certificate served for ``domain`` now (within a deadline)."""
        ...


class Certificates(CertificateReader, Protocol):
    """Certificates for custom domains, obtained and renewed by the ingress (issue 18)."""

    def apply(self, domains: list[str]) -> None:
        """Have certificates obtained, renewed and served for exactly these domains."""
        ...


class EngineTls(msgspec.Struct, frozen=True, kw_only=True):
    """The client certificates a tcp:// engine is reached with (PEM; the key revealed, for
    the adapter only)."""

    ca_cert: str
    client_cert: str
    client_key: Secret


class EngineAccess(msgspec.Struct, frozen=True, kw_only=True):
    """How a node's engine is reached: the address its published ports are reached at, and
    its TLS material, if any. ``version`` changes whenever the material does."""

    address: str = "127.0.0.1"
    tls: EngineTls | None = None
    version: str = ""


class EngineAccessLookup(Protocol):
    """How to reach the engine at an endpoint, from the nodes registered there."""

    def __call__(self, endpoint: str) -> EngineAccess:
        """The access of the node at ``endpoint`` (the defaults when none is known)."""
        ...


class NodeRuntimes(Protocol):
    """The container engine of each node, by its endpoint (unix://, tcp://, ssh://)."""

    def for_endpoint(self, endpoint: str) -> ContainerRuntime:
        """The engine at ``endpoint`` (clients are kept and reused)."""
        ...


class ProbeResult(msgspec.Struct, frozen=True):
    """The outcome of one health probe."""

    ok: bool
    detail: str
    status: int | None = None
    """The HTTP status the replica answered (HTTP probes that got an answer)."""


class Prober(Protocol):
    """Health probes from the control plane to a replica's published port."""

    def http(self, url: str, *, timeout: float) -> ProbeResult:
        """GET ``url``: healthy on a 2xx or 3xx answer."""
        ...

    def tcp(self, host: str, port: int, *, timeout: float) -> ProbeResult:
        """Healthy when a TCP connection opens."""
        ...


# Helper containers with attached standard streams (issue 15: database dumps and restores).
# Kept in one block at the end of the module to ease merging with other additions.


class StreamedContainer(Protocol):
    """A started helper container whose stdin, stdout and stderr are attached to the caller."""

    @property
    def id(self) -> str: ...

    def stdout(self) -> Iterator[bytes]:
        """Its stdout, chunk by chunk as it comes (bounded memory), until it closes it; the
        stderr chunks meanwhile go to ``on_stderr``. Ends early when the deadline passes
        (the container is killed then)."""
        ...

    def wait(self) -> int:
        """Its exit code, once it ended. Raises what iterating ``stdin`` raised (the
        container was killed then), or ContainerEngineError when the deadline passed."""
        ...

    def close(self) -> None:
        """Kill and remove the container (idempotent); a caller that stops reading early
        calls this, and so does every caller in a ``finally``."""
        ...
