"""The build-plan preview warns about each base image the build engine neither has nor can
pull, naming the image, the line and how to provide it (with the in-memory source and
engine; tests/e2e/test_plan_preview.py asks the real engine)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.fake_runtime import InMemoryRuntime
from adapters.fake_source import InMemorySource
from application.plans import BuildPlans, PlanPreview
from application.runtime_ports import ContainerRuntime
from tests.integration.conftest import World

REPOSITORY = "https://git.example.com/shop.git"  # the world's service builds from it
NODE_APP = {
    "package.json": '{"name": "shop", "scripts": {"start": "node server.js"}}',
    ".nvmrc": "20\n",
    "server.js": "require('http').createServer((q, s) => s.end('hi')).listen(3000)\n",
}
HINT = "on the engine, or set a registry/base-image mapping (coming with multi-host work)"
OFFLINE = "cannot reach the registry registry-1.docker.io (no such host)"


def preview(
    world: World, tmp_path: Path, files: dict[str, str], engine: ContainerRuntime | None
) -> PlanPreview:
    source = InMemorySource({REPOSITORY: {"main": [{"files": files}]}})
    plans = BuildPlans(
        world.app.queries,
        source,
        world.app.secrets,
        tmp_path / "plans",
        engine=lambda _organization: engine,
    )
    return plans.preview(world.service)


@pytest.fixture
def offline() -> InMemoryRuntime:
    """An engine with no images and no registry it can reach, like this machine's."""
    runtime = InMemoryRuntime()
    runtime.registry_error = OFFLINE
    return runtime


def test_a_base_image_the_engine_cannot_get_is_a_warning_naming_it_and_the_fix(
    world: World, tmp_path: Path, offline: InMemoryRuntime
) -> None:
    plan = preview(world, tmp_path, NODE_APP, offline)

    image = "node:20-bookworm-slim"
    line = plan.dockerfile.splitlines().index(f"FROM {image}") + 1
    assert plan.problems[-1] == (
        f"line {line}: warning: the base image {image} is not on the engine and cannot be "
        f"pulled: {OFFLINE}; import or pull {image} {HINT}"
    )
    assert offline.calls == [("image_availability", image)]


@pytest.mark.parametrize("how", ["present", "pullable"])
def test_a_base_image_the_engine_has_or_can_pull_gets_no_warning(
    world: World, tmp_path: Path, how: str
) -> None:
    engine = InMemoryRuntime()
    if how == "present":
        engine.add_image("node:20-bookworm-slim")
    else:
        engine.registry.add("node:20-bookworm-slim")

    plan = preview(world, tmp_path, NODE_APP, engine)

    assert not any("base image" in p for p in plan.problems), plan.problems


def test_each_base_image_of_a_multi_stage_dockerfile_is_checked_once_and_stages_are_not(
    world: World, tmp_path: Path, offline: InMemoryRuntime
) -> None:
    offline.add_image("alpine:3.20")
    dockerfile = (
        "FROM golang:1.22 AS build\n"
        "RUN go build -o /out/app .\n"
        "FROM build AS test\n"
        "RUN go test ./...\n"
        "FROM --platform=linux/amd64 golang:1.22 AS again\n"
        "FROM scratch AS empty\n"
        "FROM alpine:3.20\n"
        "COPY --from=build /out/app /app\n"
        "USER 1000\n"
        'CMD ["/app"]\n'
    )

    plan = preview(world, tmp_path, {"Dockerfile": dockerfile, "main.go": ""}, offline)

    assert offline.calls == [
        ("image_availability", "golang:1.22"),
        ("image_availability", "alpine:3.20"),
    ]
    warnings = [p for p in plan.problems if "base image" in p]
    assert warnings == [
        f"line 1: warning: the base image golang:1.22 is not on the engine and cannot be "
        f"pulled: {OFFLINE}; import or pull golang:1.22 {HINT}"
    ]


def test_an_engine_that_does_not_answer_is_one_warning(world: World, tmp_path: Path) -> None:
    down = InMemoryRuntime()
    down.reachable = False

    plan = preview(world, tmp_path, NODE_APP, down)

    assert plan.problems[-1].startswith("warning: the base images could not be checked: ")


def test_without_a_build_engine_nothing_is_checked(world: World, tmp_path: Path) -> None:
    plan = preview(world, tmp_path, NODE_APP, None)

    assert not any("base image" in p for p in plan.problems)
