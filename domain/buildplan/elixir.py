"""Recognising Elixir projects: a Mix release, with Phoenix assets when there are any."""

from __future__ import annotations

import re

from domain.buildplan.plan import PackageManager, Runtime
from domain.buildplan.recipe import Detection, Recipe, RunStage
from domain.buildplan.tree import SourceTree
from domain.buildplan.versions import ELIXIR, choose_version
from domain.errors import InvalidValueError

RELEASE = "/out/release"


def detect_elixir(tree: SourceTree, explicit_start: str | None) -> Detection:
    """Plan a Mix project: dependencies, Phoenix assets, and a release run on its own."""
    del explicit_start
    mix = tree.text("mix.exs") or ""
    app = re.search(r"\bapp:\s*:(\w+)", mix)
    if app is None:
        raise InvalidValueError("source", "mix.exs names no application (app: :name)")
    requirement = re.search(r"\belixir:\s*\"([^\"]+)\"", mix)
    pinned = tree.tool_versions().get("elixir")
    version = choose_version(
        ELIXIR,
        [
            (".tool-versions", pinned.split("-otp-")[0] if pinned else None),
            ("mix.exs elixir", requirement.group(1) if requirement else None),
        ],
    )
    phoenix = re.search(r"\{:phoenix\s*,", mix) is not None
    assets = phoenix and "assets.deploy" in mix
    umbrella = tree.has_dir("apps")
    notes = [f"{'Phoenix' if phoenix else 'Mix'} release of :{app.group(1)}"]
    if phoenix:
        notes.append("Phoenix: set SECRET_KEY_BASE and DATABASE_URL; PHX_SERVER=true is set")
    image = f"elixir:{version.version}-slim"
    recipe = Recipe(
        image=image,
        packages=("build-essential", "git"),
        env=(("MIX_ENV", "prod"), ("LANG", "C.UTF-8")),
        setup=("RUN mix local.hex --force && mix local.rebar --force",),
        workdir="/src",
        manifests=(
            *(f for f in ("mix.exs", "mix.lock") if tree.has(f)),
            *(("config/",) if tree.has_dir("config") else ()),
        ),
        install="mix deps.get --only prod && mix deps.compile",
        install_needs_source=umbrella,
        build="mix assets.deploy" if assets else None,
        package=(f"mix release --overwrite --path {RELEASE}",),
        start=f"/app/bin/{app.group(1)} start",
        runtime_env=(("LANG", "C.UTF-8"), *((("PHX_SERVER", "true"),) if phoenix else ())),
        # The release carries its own Erlang runtime, linked against this image's libraries.
        run_stage=RunStage(image, artifacts=((RELEASE, "/app"),)),
    )
    hint = f"the build command must leave assets for `mix release` (written to {RELEASE})"
    return Detection(
        Runtime.ELIXIR, version, PackageManager.MIX, recipe, tuple(notes), artifact_hint=hint
    )
