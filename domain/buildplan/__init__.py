"""Build plans: how Containr turns a repository into an image, decided without any I/O.

The caller lists the service's files, reads those :func:`files_to_read` names, and passes
both to :func:`detect`, which returns a :class:`BuildPlan` with the Dockerfile to build.
"""

from __future__ import annotations

from domain.buildplan.detect import detect, files_to_read
from domain.buildplan.plan import DEFAULT_PORTS, BuildPlan, PackageManager, PlanOverrides, Runtime
from domain.buildplan.validate import (
    DockerfileProblem,
    base_image_lines,
    check_dockerfile,
    validate_dockerfile,
)

__all__ = [
    "DEFAULT_PORTS",
    "BuildPlan",
    "DockerfileProblem",
    "PackageManager",
    "PlanOverrides",
    "Runtime",
    "base_image_lines",
    "check_dockerfile",
    "detect",
    "files_to_read",
    "validate_dockerfile",
]
