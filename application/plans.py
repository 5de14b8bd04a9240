"""Previewing a service's build plan before deploying it."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from uuid import UUID

import msgspec

from application.ports import SecretBox
from application.processes.support import repository_token
from application.queries import Queries
from application.runtime_ports import SourceRepository
from domain.buildplan import PlanOverrides, detect, files_to_read, validate_dockerfile
from domain.service_spec import BuildMode


class PlanPreview(msgspec.Struct, frozen=True, kw_only=True):
    """What a deployment of the service's branch head would build, and how."""

    commit: str
    runtime: str
    summary: str
    notes: list[str]
    dockerfile: str
    problems: list[str]
    """Problems found in the Dockerfile, with line numbers (warnings included)."""


class BuildPlans:
    """Fetches a service's repository and detects its plan, without building anything."""

    def __init__(
        self, queries: Queries, source: SourceRepository, secrets: SecretBox, workspace: Path
    ) -> None:
        self._queries = queries
        self._source = source
        self._secrets = secrets
        self._workspace = workspace

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
        return PlanPreview(
            commit=checkout.commit,
            runtime=plan.runtime.value,
            summary=plan.summary,
            notes=list(plan.notes),
            dockerfile=plan.dockerfile,
            problems=problems,
        )
