"""What a runtime detector decides: the image recipe and the facts behind a build plan."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.buildplan.plan import PackageManager, Runtime
from domain.buildplan.versions import ChosenVersion

APP_UID = 10001
"""The numeric user generated images run as, unless the base image brings its own."""


class OsFamily(Enum):
    """How to add packages and users to a base image."""

    DEBIAN = "debian"  # apt-get, groupadd/useradd (Debian and Ubuntu images)
    BUSYBOX = "busybox"  # addgroup/adduser applets, no package manager


@dataclass(frozen=True)
class RunStage:
    """A slim final stage that receives only the build's artifacts."""

    image: str
    family: OsFamily = OsFamily.DEBIAN
    packages: tuple[str, ...] = ()
    artifacts: tuple[tuple[str, str], ...] = ()  # (path in the build stage, path here)
    workdir: str = "/app"


@dataclass(frozen=True)
class Recipe:
    """The phases of a generated Dockerfile, from base image to start command.

    ``setup`` holds whole instructions run as root before the working directory is entered
    (installing a package manager, editing server config). In a single-stage image the app
    user then owns the working directory and runs install and build; in a multi-stage one
    the build stage runs as root and only ``run_stage`` runs as the app user.
    """

    image: str
    family: OsFamily = OsFamily.DEBIAN
    packages: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    setup: tuple[str, ...] = ()
    workdir: str = "/app"
    manifests: tuple[str, ...] = ()
    install: str | None = None
    install_needs_source: bool = False
    source: str = "."  # what of the repository is copied into the working directory
    build: str | None = None
    package: tuple[str, ...] = ()
    start: str | None = None
    runtime_env: tuple[tuple[str, str], ...] = ()  # set in the final image, e.g. NODE_ENV
    uid: int = APP_UID
    create_user: bool = True
    run_stage: RunStage | None = None

    @property
    def images(self) -> tuple[str, ...]:
        """The base images, build stage first."""
        if self.run_stage is None or self.run_stage.image == self.image:
            return (self.image,)
        return (self.image, self.run_stage.image)


@dataclass(frozen=True)
class Detection:
    """A runtime detector's answer: runtime, version, package manager, recipe and reasons."""

    runtime: Runtime
    version: ChosenVersion | None
    package_manager: PackageManager | None
    recipe: Recipe
    notes: tuple[str, ...] = ()
    start_hint: str = "set a start command"
    artifact_hint: str | None = None  # where an overriding build command must leave its output
