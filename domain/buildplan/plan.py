"""What Containr builds from a repository: runtime, version, commands, port and Dockerfile."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.errors import InvalidValueError
from domain.service_spec import check_port


class Runtime(Enum):
    """The language runtime a repository was recognised as, or its own Dockerfile."""

    DOCKERFILE = "dockerfile"
    NODE = "node"
    BUN = "bun"
    DENO = "deno"
    PYTHON = "python"
    GO = "go"
    RUST = "rust"
    RUBY = "ruby"
    PHP = "php"
    ELIXIR = "elixir"
    JAVA = "java"
    STATIC = "static"


class PackageManager(Enum):
    """The tool that installs a project's dependencies."""

    NPM = "npm"
    PNPM = "pnpm"
    YARN = "yarn"
    BUN = "bun"
    DENO = "deno"
    PIP = "pip"
    POETRY = "poetry"
    UV = "uv"
    PIPENV = "pipenv"
    GO = "go"
    CARGO = "cargo"
    BUNDLER = "bundler"
    COMPOSER = "composer"
    MIX = "mix"
    MAVEN = "maven"
    GRADLE = "gradle"


DEFAULT_PORTS: dict[Runtime, int] = {
    Runtime.NODE: 3000,
    Runtime.BUN: 3000,
    Runtime.DENO: 8000,
    Runtime.PYTHON: 8000,
    Runtime.GO: 8080,
    Runtime.RUST: 8080,
    Runtime.RUBY: 3000,
    Runtime.PHP: 8080,
    Runtime.ELIXIR: 4000,
    Runtime.JAVA: 8080,
    Runtime.STATIC: 8080,
}
"""The port a service of each runtime listens on unless the plan says otherwise."""


@dataclass(frozen=True)
class PlanOverrides:
    """Commands and port the user set by hand; they win over anything detected."""

    build_command: str | None = None
    start_command: str | None = None
    port: int | None = None

    def check(self) -> None:
        """Raise InvalidValueError for a blank command or a port outside 1-65535."""
        for name, command in (
            ("build_command", self.build_command),
            ("start_command", self.start_command),
        ):
            if command is not None and not command.strip():
                raise InvalidValueError(name, "must not be blank")
            if command is not None and ("\n" in command or "\r" in command):
                raise InvalidValueError(name, "must be a single line; join steps with &&")
        if self.port is not None:
            check_port("port", self.port)


@dataclass(frozen=True)
class BuildPlan:
    """How a service's image will be built and started, and why each choice was made."""

    runtime: Runtime
    version: str | None
    version_source: str | None
    package_manager: PackageManager | None
    install_command: str | None
    build_command: str | None
    start_command: str | None
    port: int | None
    base_images: tuple[str, ...]
    dockerfile: str
    notes: tuple[str, ...]

    @property
    def summary(self) -> str:
        """One line for people, e.g. ``node 20 (from .nvmrc)``."""
        return describe(self.runtime, self.version, self.version_source)


def describe(runtime: Runtime, version: str | None, source: str | None) -> str:
    """A runtime and where its version came from, e.g. ``node 20 (from .nvmrc)``."""
    if version is None:
        return runtime.value
    origin = "default" if source in (None, "default") else f"from {source}"
    return f"{runtime.value} {version} ({origin})"
