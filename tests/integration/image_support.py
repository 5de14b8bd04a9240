"""What the image test needs: local stand-ins for the compose file's images, the Containr
image built through the engine's API under a deadline, the compose stack started from
docker-compose.yml with those images, and the removal of everything one run made.

No registry is reachable here, so postgres:15, redis:7 and caddy:2 are stood in for by
Debian bookworm images made locally (tests/integration/debian_images.py), each offering
what the compose file uses of the official image (the postgres one initialises its data
directory from POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB, as the official one does).

Everything a run makes carries ``containr-test.image-run=<pid>-<random>``; the deployed
app's containers and networks carry the worker's ``containr.instance``, which the worker's
container carries too. A run whose process is gone is a crashed run: its leftovers are
removed before the next run starts. Runs of live processes are never touched.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import time
import uuid
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docker
import docker.errors
import yaml

from tests.integration.debian_images import DebianImage
from tests.integration.deploy_support import remove_containers

ROOT = Path(__file__).resolve().parents[2]
RUN_LABEL = "containr-test.image-run"
INSTANCE_LABEL = "containr-test.instance"
"""On the worker's container: the ``containr.instance`` of the apps it deployed."""
BUILDS = Path(tempfile.gettempdir()) / "containr-image-builds"
"""Per run, the images its build made, as it makes them: a build's intermediate images
carry no label, and a crashed run's are found here."""
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

PYTHON = DebianImage(
    "python",
    ("python3.11", "python3-pip", "ca-certificates", "git"),
    changes=("ENV LANG=C.UTF-8", 'CMD ["python3.11"]'),
    trust_host_cas=True,  # the build stage fetches uv.lock's packages over TLS
)
"""PYTHON_IMAGE of the Dockerfile (and its NODE_IMAGE when the dashboard is prebuilt)."""

POSTGRES_ENTRYPOINT = """#!/bin/sh
# Stands in for the official postgres image's entrypoint: the first start initialises
# $PGDATA (UTF8, as the official one) for POSTGRES_USER (password POSTGRES_PASSWORD) and
# creates POSTGRES_DB; then
# PostgreSQL listens on every address and asks for the password over TCP.
set -eu
bin=/usr/lib/postgresql/15/bin
user=${POSTGRES_USER:-postgres}
db=${POSTGRES_DB:-$user}
[ "${1:-postgres}" = postgres ] || exec "$@"
mkdir -p "$PGDATA" /var/run/postgresql
chown postgres:postgres "$PGDATA" /var/run/postgresql
chmod 0700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\\n' "${POSTGRES_PASSWORD:?the official image needs it too}" >"$pwfile"
  chown postgres "$pwfile"
  runuser -u postgres -- "$bin/initdb" -D "$PGDATA" -U "$user" --pwfile="$pwfile" \\
    --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    echo "CREATE DATABASE \\"$db\\" OWNER \\"$user\\";" |
      runuser -u postgres -- "$bin/postgres" --single -D "$PGDATA" postgres >/dev/null
  fi
fi
[ $# -eq 0 ] || shift
exec runuser -u postgres -- "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
"""

REDIS_ENTRYPOINT = """#!/bin/sh
# Stands in for the official redis image, whose redis-server is built with protected mode
# off: it is reached over the container's network, without a password.
set -eu
if [ "${1:-redis-server}" = redis-server ]; then
  [ $# -eq 0 ] || shift
  exec redis-server --protected-mode no "$@"
fi
exec "$@"
"""

STAND_INS = {
    "postgres:15": DebianImage(
        "postgres",
        ("postgresql-15",),
        files=(("/usr/local/bin/docker-entrypoint.sh", POSTGRES_ENTRYPOINT, 0o755),),
        changes=(
            f"ENV PATH=/usr/lib/postgresql/15/bin:{DEFAULT_PATH}",
            "ENV PGDATA=/var/lib/postgresql/data",
            'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
            'CMD ["postgres"]',
        ),
    ),
    "redis:7": DebianImage(
        "redis",
        ("redis-server",),
        files=(("/usr/local/bin/docker-entrypoint.sh", REDIS_ENTRYPOINT, 0o755),),
        changes=('ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]', 'CMD ["redis-server"]'),
    ),
    "caddy:2": DebianImage(
        "caddy",
        ("caddy", "wget"),  # the official image has busybox's wget: the health checks use it
        changes=(
            "ENV XDG_CONFIG_HOME=/config",
            "ENV XDG_DATA_HOME=/data",
            'CMD ["caddy", "run"]',
        ),
    ),
}
"""The compose file's third-party images and their local stand-ins."""


class BuildError(AssertionError):
    """Raised when the engine fails a build or the build outlives its deadline (with the log)."""


def new_run() -> str:
    """A run's label value: this process's id (to tell a crashed run) and a random part."""
    return f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


def run_is_alive(run: str) -> bool:
    """Whether the process that made ``run`` still runs (on this machine)."""
    try:
        pid = int(run.split("-", 1)[0])
    except ValueError:
        return False  # not one of ours: nothing tells, so never touch it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_labels(engine: docker.APIClient) -> set[str]:
    """The runs that have anything on the engine (or a build's record)."""
    label = {"label": RUN_LABEL}
    found: Iterable[dict[str, Any]] = [
        *engine.containers(all=True, filters=label),
        *engine.networks(filters=label),
        *(engine.volumes(filters=label).get("Volumes") or []),
        *engine.images(filters=label),
    ]
    labelled = {(item.get("Labels") or {}).get(RUN_LABEL, "") for item in found} - {""}
    recorded = {path.name for path in BUILDS.glob("*")} if BUILDS.is_dir() else set()
    return labelled | recorded


def remove_crashed_runs(engine: docker.APIClient) -> list[str]:
    """Remove the leftovers of runs whose process is gone; the runs removed."""
    crashed = sorted(run for run in run_labels(engine) if not run_is_alive(run))
    for run in crashed:
        remove_run(engine, run)
    return crashed


def remove_run(engine: docker.APIClient, run: str) -> None:
    """Remove what one run made: its containers (and the apps its worker deployed), its
    networks, volumes and images."""
    filters = {"label": f"{RUN_LABEL}={run}"}
    containers = engine.containers(all=True, filters=filters)
    instances = {c["Labels"].get(INSTANCE_LABEL) for c in containers} - {None}
    for container in containers:
        with suppress(docker.errors.APIError):
            engine.remove_container(container["Id"], force=True, v=True)
    for instance in instances:
        remove_containers(engine, {"containr.instance": instance})
    for network in engine.networks(filters=filters):
        with suppress(docker.errors.APIError):
            engine.remove_network(network["Id"])
    for volume in engine.volumes(filters=filters).get("Volumes") or []:
        with suppress(docker.errors.APIError):
            engine.remove_volume(volume["Name"], force=True)
    for image in engine.images(filters=filters):
        with suppress(docker.errors.APIError):
            engine.remove_image(image["Id"], force=True)
    record = BUILDS / run
    if record.is_file():
        Build("", made=record.read_text().split(), record=record).remove(engine)


@dataclass
class Build:
    """An image built by the engine, and every image the build made (for their removal)."""

    tag: str
    log: list[str] = field(default_factory=list)
    made: list[str] = field(default_factory=list)
    record: Path | None = None
    """Where the images made are noted as they are made (see BUILDS)."""

    def made_image(self, image: str) -> None:
        self.made.append(image)
        if self.record is not None:
            with self.record.open("a") as file:
                file.write(image + "\n")

    def tail(self, lines: int = 60) -> str:
        """The end of the build's output."""
        return "".join(self.log[-lines:])

    def remove(self, engine: docker.APIClient) -> None:
        """Remove the image and the intermediate images of every stage; never an image that
        has another name (the base images)."""
        if self.tag:
            with suppress(docker.errors.APIError):
                engine.remove_image(self.tag, force=True)
        children: dict[str, list[dict[str, Any]]] = {}
        for image in engine.images(all=True):
            children.setdefault(image.get("ParentId") or "", []).append(image)
        for image in reversed(self.made):
            try:
                found = engine.inspect_image(image)
            except docker.errors.NotFound:
                continue
            if any(tag not in (self.tag, "<none>:<none>") for tag in found.get("RepoTags") or []):
                continue  # a base image (FROM), or something someone named since
            # A step that finished after the build's client went away (a crashed run) left
            # an image no one noted: the unnamed images made from this one go first.
            for orphan in _unnamed_descendants(found["Id"], children):
                with suppress(docker.errors.APIError):
                    engine.remove_image(orphan)
            with suppress(docker.errors.APIError):
                engine.remove_image(image)
        if self.record is not None:
            self.record.unlink(missing_ok=True)


def _unnamed_descendants(image: str, children: dict[str, list[dict[str, Any]]]) -> list[str]:
    """The images made from ``image`` that have no name, the deepest first."""
    found: list[str] = []
    for child in children.get(image, []):
        if any(tag != "<none>:<none>" for tag in child.get("RepoTags") or []):
            continue
        found += [*_unnamed_descendants(child["Id"], children), child["Id"]]
    return found


_STEP_IMAGE = re.compile(r"^ ---> ([0-9a-f]{12})\s*$")


def build_image(
    engine: docker.APIClient,
    *,
    tag: str,
    buildargs: dict[str, str],
    labels: dict[str, str],
    deadline: float,
    run: str,
    context: Path = ROOT,
) -> Build:
    """Build ``context``'s Dockerfile through the engine's API, without the cache (so every
    image it makes is this build's own), within ``deadline`` seconds."""
    BUILDS.mkdir(exist_ok=True)
    build = Build(tag, record=BUILDS / run)
    started = time.monotonic()
    stream = engine.build(
        path=str(context),
        tag=tag,
        buildargs=buildargs,
        labels=labels,
        rm=True,
        forcerm=True,
        nocache=True,
        decode=True,
        timeout=deadline,
    )
    try:
        for chunk in stream:
            text = str(chunk.get("stream", ""))
            if text:
                build.log.append(text)
                step = _STEP_IMAGE.match(text)
                if step:
                    build.made_image(step[1])
            if "error" in chunk:
                raise BuildError(f"the build failed: {chunk['error']}\n{build.tail()}")
            if time.monotonic() - started > deadline:
                raise BuildError(f"the build took more than {deadline}s\n{build.tail()}")
    except BaseException:
        stream.close()  # the engine stops a build whose client went away
        build.remove(engine)
        raise
    return build


def app_image(
    engine: docker.APIClient, base: str, tag: str, body: str, labels: dict[str, str]
) -> str:
    """The deployed sample app: busybox httpd on 8080 serving ``body`` at / and /healthz."""
    dockerfile = f'FROM {base}\nCOPY www /www\nCMD ["httpd", "-f", "-p", "8080", "-h", "/www"]\n'
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, content in (
            ("Dockerfile", dockerfile),
            ("www/index.html", body),
            ("www/healthz", "ok\n"),
        ):
            data = content.encode()
            entry = tarfile.TarInfo(name)
            entry.size = len(data)
            tar.addfile(entry, io.BytesIO(data))
    buffer.seek(0)
    for chunk in engine.build(
        fileobj=buffer, custom_context=True, tag=tag, labels=labels, rm=True, decode=True
    ):
        if "error" in chunk:
            raise BuildError(f"the sample app did not build: {chunk['error']}")
    return tag


def compose_command() -> list[str] | None:
    """`docker compose` (v2) when the Docker CLI has it, else `docker-compose` (v1), else None."""
    docker_cli = shutil.which("docker")
    if docker_cli is not None:
        done = subprocess.run(
            [docker_cli, "compose", "version"], capture_output=True, timeout=30, check=False
        )
        if done.returncode == 0:
            return [docker_cli, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def compose_images(compose_file: Path) -> dict[str, str]:
    """Each service's image, as docker-compose.yml names it."""
    services = yaml.safe_load(compose_file.read_text())["services"]
    return {name: str(service["image"]) for name, service in services.items()}


@dataclass
class Stack:
    """The compose file's services, started by compose as project ``project``, with an
    override file mapping its images to local ones and labelling everything with the run."""

    command: list[str]
    project: str
    compose_file: Path
    override: Path
    environment: dict[str, str]

    def compose(self, *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *self.command,
                "--project-name",
                self.project,
                "--project-directory",
                str(self.compose_file.parent),
                "-f",
                str(self.compose_file),
                "-f",
                str(self.override),
                *args,
            ],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def up(self, *args: str, timeout: float = 300) -> None:
        done = self.compose("up", "-d", "--no-build", *args, timeout=timeout)
        if done.returncode != 0:
            raise AssertionError(
                f"compose up failed ({done.returncode}):\n{done.stderr[-4000:]}\n{self.logs()}"
            )

    def logs(self) -> str:
        try:
            done = self.compose("logs", "--no-color", "--tail", "60", timeout=60)
        except subprocess.TimeoutExpired:
            return "(compose logs took too long)"
        return done.stdout[-12000:] + done.stderr[-2000:]

    def down(self) -> None:
        with suppress(subprocess.TimeoutExpired):
            self.compose("down", "--volumes", "--remove-orphans", "--timeout", "5", timeout=120)


def write_override(
    path: Path,
    compose_file: Path,
    images: dict[str, str],
    labels: dict[str, str],
    worker_labels: dict[str, str],
) -> None:
    """An override file: every service's image mapped to a local one, every container,
    network and volume labelled. Fails when the compose file uses an image not mapped."""
    config = yaml.safe_load(compose_file.read_text())
    services: dict[str, Any] = {}
    for name, image in compose_images(compose_file).items():
        if image not in images:
            raise AssertionError(f"service {name}: no local stand-in for image {image}")
        services[name] = {
            "image": images[image],
            "labels": {**labels, **(worker_labels if name == "worker" else {})},
        }
    override = {
        "services": services,
        "networks": {"default": {"labels": labels}},
        "volumes": {name: {"labels": labels} for name in config.get("volumes") or {}},
    }
    path.write_text(yaml.safe_dump(override, sort_keys=False))
