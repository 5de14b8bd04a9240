"""Choosing a build plan: the repository's Dockerfile, or the first runtime that matches.

Runtimes are tried in Railpack's order, so a repository that looks like several (a Rails
app with a package.json for its assets) gets the more specific one: PHP, Go, Java, Rust,
Ruby, Elixir, Python, Deno, Node/Bun, then static sites.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Collection, Mapping
from dataclasses import replace

from domain.buildplan.compiled import detect_go, detect_rust
from domain.buildplan.dockerfile import render
from domain.buildplan.elixir import detect_elixir
from domain.buildplan.java import detect_java
from domain.buildplan.node import detect_deno, detect_node
from domain.buildplan.php import detect_php
from domain.buildplan.plan import DEFAULT_PORTS, BuildPlan, PlanOverrides, Runtime, describe
from domain.buildplan.python import detect_python
from domain.buildplan.recipe import Detection
from domain.buildplan.ruby import detect_ruby
from domain.buildplan.static import detect_static
from domain.buildplan.tree import SourceTree, dig, normalise_path
from domain.buildplan.validate import Instruction, parse_dockerfile, validate_dockerfile
from domain.errors import InvalidValueError

Detector = Callable[[SourceTree, str | None], Detection]

_SMALL_FILES = (
    *("package.json", ".nvmrc", ".node-version", ".tool-versions", "deno.json", "deno.jsonc"),
    *(".dvmrc", ".python-version", "runtime.txt", "pyproject.toml", "requirements.txt"),
    *("Pipfile", "manage.py", "main.py", "app.py", "app/main.py", "src/main.py", "go.mod"),
    *("rust-toolchain", "rust-toolchain.toml", "Cargo.toml", "Gemfile", ".ruby-version"),
    *("composer.json", "mix.exs", "pom.xml", "build.gradle", "build.gradle.kts"),
    *(".java-version", "Procfile", "Staticfile"),
)


def files_to_read(listing: Collection[str], dockerfile_path: str | None = None) -> list[str]:
    """The small files in ``listing`` whose text :func:`detect` needs, sorted."""
    present = {normalise_path(p) for p in listing}
    wanted = {*_SMALL_FILES, normalise_path(dockerfile_path or "Dockerfile")}
    return sorted(wanted & present)


def detect(
    listing: Collection[str],
    contents: Mapping[str, str],
    overrides: PlanOverrides | None = None,
    dockerfile_path: str | None = None,
) -> BuildPlan:
    """The build plan for a repository, given its listing and the files asked for."""
    overrides = overrides or PlanOverrides()
    overrides.check()
    tree = SourceTree.of(listing, contents)
    path = normalise_path(dockerfile_path or "Dockerfile")
    if tree.has(path):
        return _dockerfile_plan(tree, path, overrides)
    if dockerfile_path is not None:
        raise InvalidValueError(
            "build.dockerfile_path", f"{dockerfile_path!r} is not in the repository"
        )
    matches = [(name, found, d) for name, probe, d in _RUNTIMES if (found := probe(tree))]
    if not matches:
        raise InvalidValueError(
            "source", f"no Dockerfile and no runtime Containr recognises: looked for {_LOOKED_FOR}"
        )
    name, found, detector = matches[0]
    procfile_web = tree.procfile().get("web")
    detection = detector(tree, overrides.start_command or procfile_web)
    notes = [f"{detection.runtime.value}: found {found}"]
    notes += [
        f"also looks like {other} ({why}); {name} comes first" for other, why, _ in matches[1:]
    ]
    return _generated_plan(detection, overrides, procfile_web, notes)


def _generated_plan(
    detection: Detection, overrides: PlanOverrides, procfile_web: str | None, notes: list[str]
) -> BuildPlan:
    recipe = detection.recipe
    if detection.version is not None:
        notes += detection.version.notes
    notes += detection.notes
    start = overrides.start_command or procfile_web or recipe.start
    if overrides.start_command:
        notes.append(f"start command from the service settings: {start} {_detected(recipe.start)}")
    elif procfile_web:
        notes.append(f"start command from the Procfile web process: {start}")
    if start is None:
        raise InvalidValueError(
            "start_command", f"{detection.start_hint}; set a start command or a Procfile web line"
        )
    build = overrides.build_command or recipe.build
    if overrides.build_command:
        notes.append(f"build command from the service settings: {build} {_detected(recipe.build)}")
        notes += [detection.artifact_hint] if detection.artifact_hint else []
    runtime = detection.runtime
    port = overrides.port or DEFAULT_PORTS[runtime]
    origin = "from the service settings" if overrides.port else f"the default for {runtime.value}"
    notes.append(f"port {port} ({origin}); PORT={port} is set in the image")
    notes.append(f"runs as uid {recipe.uid}, not root")
    recipe = replace(recipe, start=start, build=build)
    version = detection.version
    title = describe(runtime, version.version, version.source) if version else runtime.value
    return BuildPlan(
        runtime=runtime,
        version=version.version if version else None,
        version_source=version.source if version else None,
        package_manager=detection.package_manager,
        install_command=recipe.install,
        build_command=build,
        start_command=start,
        port=port,
        base_images=recipe.images,
        dockerfile=render(recipe, port=port, title=title),
        notes=tuple(notes),
    )


def _dockerfile_plan(tree: SourceTree, path: str, overrides: PlanOverrides) -> BuildPlan:
    text = tree.text(path)
    if text is None:
        raise InvalidValueError("build.dockerfile_path", f"{path} is listed but was not read")
    problems = validate_dockerfile(text)
    errors = [f"line {p.line}: {p.message}" for p in problems if p.severity == "error"]
    if errors:
        raise InvalidValueError("dockerfile", f"{path}: " + "; ".join(errors))
    instructions, _ = parse_dockerfile(text)
    final = _final_stage(instructions)
    notes = [f"using {path}; Containr does not detect a runtime when a Dockerfile is present"]
    notes += [f"{path} line {p.line}: {p.message}" for p in problems]
    exposed = _exposed_port(final)
    port = overrides.port or exposed
    if overrides.port:
        notes.append(f"port {port} from the service settings ({_exposes(exposed, port)})")
    elif port is None:
        notes.append("the final stage exposes no port: set the service's port")
    else:
        notes.append(f"port {port}, which the Dockerfile exposes")
    start = overrides.start_command or _command(final)
    if overrides.start_command:
        notes.append(
            f"the start command in the service settings replaces the Dockerfile's CMD: {start}"
        )
    if overrides.build_command:
        notes.append(
            "the build command in the service settings is not used: "
            "the Dockerfile's RUN steps build"
        )
    return BuildPlan(
        runtime=Runtime.DOCKERFILE,
        version=None,
        version_source=None,
        package_manager=None,
        install_command=None,
        build_command=None,
        start_command=start,
        port=port,
        base_images=_base_images(instructions),
        dockerfile=text,
        notes=tuple(notes),
    )


def _detected(command: str | None) -> str:
    """What detection would have chosen, in words."""
    return f"(detected: {command})" if command else "(none detected)"


def _exposes(exposed: int | None, port: int | None) -> str:
    """What the Dockerfile says about the port, in words."""
    if exposed is None:
        return "the Dockerfile exposes no port"
    if exposed == port:
        return "the Dockerfile exposes it too"
    return f"the Dockerfile exposes {exposed}"


def _final_stage(instructions: list[Instruction]) -> list[Instruction]:
    starts = [i for i, ins in enumerate(instructions) if ins.name == "FROM"]
    return instructions[starts[-1] :] if starts else []


def _exposed_port(stage: list[Instruction]) -> int | None:
    for ins in stage:
        if ins.name == "EXPOSE":
            first = ins.arguments.split()[0].split("/")[0]
            if first.isdigit():
                return int(first)
    return None


def _command(stage: list[Instruction]) -> str | None:
    parts: dict[str, str] = {}
    for ins in stage:
        if ins.name in ("ENTRYPOINT", "CMD"):
            words = json.loads(ins.arguments) if ins.arguments.startswith("[") else None
            parts[ins.name] = shlex.join(words) if words is not None else ins.arguments
    joined = " ".join(parts[k] for k in ("ENTRYPOINT", "CMD") if k in parts)
    return joined or None


def _base_images(instructions: list[Instruction]) -> tuple[str, ...]:
    images: list[str] = []
    stages: set[str] = set()
    for ins in instructions:
        if ins.name != "FROM":
            continue
        words = [w for w in ins.arguments.split() if not w.startswith("--")]
        if words[0].lower() not in stages and words[0] not in images:
            images.append(words[0])
        if len(words) == 3:
            stages.add(words[2].lower())
    return tuple(images)


def _first(*paths: str) -> Callable[[SourceTree], str | None]:
    return lambda tree: tree.first(*paths)


def _python_probe(tree: SourceTree) -> str | None:
    found = tree.first("requirements.txt", "Pipfile", "setup.py", "manage.py", "main.py", "app.py")
    try:
        pyproject = tree.toml("pyproject.toml") or {}
    except InvalidValueError:
        pyproject = {"project": None}  # broken, but meant for Python: its detector explains
    # A pyproject.toml that only configures tools (black, ruff) does not make a Python app.
    packaged = "project" in pyproject or dig(pyproject, "tool", "poetry") is not None
    return found or ("pyproject.toml" if packaged or tree.has("uv.lock") else None)


def _static_probe(tree: SourceTree) -> str | None:
    found = tree.first("Staticfile", "index.html")
    return found or next((f"{d}/" for d in ("public", "dist") if tree.has_dir(d)), None)


_RUNTIMES: tuple[tuple[str, Callable[[SourceTree], str | None], Detector], ...] = (
    ("PHP", _first("composer.json", "index.php"), detect_php),
    ("Go", _first("go.mod"), detect_go),
    ("Java", _first("pom.xml", "build.gradle", "build.gradle.kts"), detect_java),
    ("Rust", _first("Cargo.toml"), detect_rust),
    ("Ruby", _first("Gemfile"), detect_ruby),
    ("Elixir", _first("mix.exs"), detect_elixir),
    ("Python", _python_probe, detect_python),
    ("Deno", _first("deno.json", "deno.jsonc"), detect_deno),
    ("Node", _first("package.json"), detect_node),
    ("static site", _static_probe, detect_static),
)
_LOOKED_FOR = (
    "a Dockerfile, composer.json or index.php (PHP), go.mod (Go), pom.xml or build.gradle "
    "(Java), Cargo.toml (Rust), Gemfile (Ruby), mix.exs (Elixir), requirements.txt, "
    "pyproject.toml, Pipfile or main.py (Python), deno.json (Deno), package.json (Node, Bun), "
    "index.html, Staticfile, public/ or dist/ (static site)"
)
