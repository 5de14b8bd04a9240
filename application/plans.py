"""Previewing a service's build plan before deploying it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import msgspec

from application.ports import SecretBox
from application.processes.support import repository_token
from application.queries import Queries
from application.readmodels import DashboardQueries
from application.runtime_ports import (
    ContainerEngineError,
    ContainerRuntime,
    NodeRuntimes,
    SourceRepository,
    unavailable_image,
)
from domain.buildplan import (
    BuildPlan,
    PlanOverrides,
    base_image_lines,
    detect,
    files_to_read,
    validate_dockerfile,
)
from domain.node import NodeState
from domain.service_spec import BuildMode

IMAGE_CHECK_SECONDS = 5.0
"""How long the engine has to say whether it has, or can pull, each base image."""
BuildEngine = Callable[[UUID], ContainerRuntime | None]
"""The engine an organisation's builds run on (None when it has none)."""


class PlanPreview(msgspec.Struct, frozen=True, kw_only=True):
    """What a deployment of the service's branch head would build, and how."""

    commit: str
    runtime: str
    summary: str
    notes: list[str]
    dockerfile: str
    problems: list[str]
    """Problems found in the Dockerfile, with line numbers (warnings included), and each
    base image the build engine neither has nor can pull."""


class BuildPlans:
    """Fetches a service's repository and detects its plan, without building anything."""

    def __init__(
        self,
        queries: Queries,
        source: SourceRepository,
        secrets: SecretBox,
        workspace: Path,
        *,
        engine: BuildEngine = lambda _organization: None,
        image_timeout: float = IMAGE_CHECK_SECONDS,
    ) -> None:
        self._queries = queries
        self._source = source
        self._secrets = secrets
        self._workspace = workspace
        self._engine = engine
        self._image_timeout = image_timeout

    def preview(self, service_id: UUID) -> PlanPreview:
        """The plan for the head of the service's branch (SourceError if it cannot fetch)."""
        service = self._queries.service(service_id)
        spec = service.spec
        if spec.git is None:
            raise ValueError("this service runs a ready-made image: there is nothing to build")
        self._workspace.mkdir(parents=True, exist_ok=True)
        directory = Path(tempfile.mkdtemp(prefix="plan-", dir=self._workspace))
        try:
            token = repository_token(self._secrets, service) if service.repository_token else None
            checkout = self._source.fetch(
                spec.git.repository_url,
                directory / "src",
                branch=spec.git.branch,
                root_directory=spec.git.root_directory,
                token=token,
            )
            dockerfile = (
                spec.build.dockerfile_path if spec.build.mode is BuildMode.DOCKERFILE else None
            )
            contents = {}
            for name in files_to_read(checkout.files, dockerfile):
                path = Path(checkout.path) / name
                if path.is_file():
                    contents[name] = path.read_text(errors="replace")
            plan = detect(
                checkout.files,
                contents,
                PlanOverrides(
                    build_command=spec.build.build_command,
                    start_command=spec.start_command,
                    port=spec.port,
                ),
                dockerfile,
            )
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        problems = [
            f"line {p.line}: {p.severity}: {p.message}"
            for p in validate_dockerfile(plan.dockerfile)
        ]
        problems += self._base_image_problems(plan, self._engine(service.organization_id))
        return PlanPreview(
            commit=checkout.commit,
            runtime=plan.runtime.value,
            summary=plan.summary,
            notes=list(plan.notes),
            dockerfile=plan.dockerfile,
            problems=problems,
        )

    def _base_image_problems(self, plan: BuildPlan, engine: ContainerRuntime | None) -> list[str]:
        """A warning for each base image the build engine neither has nor can pull."""
        if engine is None:
            return []
        lines = base_image_lines(plan.dockerfile)
        problems: list[str] = []
        for image in plan.base_images:
            if image == "scratch" or "$" in image:
                continue  # nothing to get, or named by a build argument
            try:
                found = engine.image_availability(image, timeout=self._image_timeout)
            except ContainerEngineError as e:
                return [*problems, f"warning: the base images could not be checked: {e}"]
            if not found.usable:
                where = f"line {lines[image]}: " if image in lines else ""
                problems.append(f"{where}warning: {unavailable_image(image, found.reason)}")
        return problems


def build_engine(
    dashboard: DashboardQueries, runtimes: NodeRuntimes, local_endpoint: str
) -> BuildEngine:
    """The engine an organisation's builds run on, chosen as the deployer chooses it: its
    first node that answers, or the local engine while it has no node yet."""

    def engine(organization_id: UUID) -> ContainerRuntime | None:
        nodes = dashboard.nodes(organization_id)
        if not nodes:
            return runtimes.for_endpoint(local_endpoint)
        for node in nodes:
            if node.state != NodeState.UNREACHABLE.value:
                return runtimes.for_endpoint(node.endpoint)
        return None

    return engine
