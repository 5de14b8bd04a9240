"""Recognising static sites, and serving built front-ends, with busybox httpd."""

from __future__ import annotations

import re
from dataclasses import replace

from domain.buildplan.plan import Runtime
from domain.buildplan.recipe import Detection, OsFamily, Recipe, RunStage
from domain.buildplan.tree import SourceTree

STATIC_SERVER_IMAGE = "busybox:1.37"
STATIC_ROOT = "/srv/www"
STATIC_START = f"busybox httpd -f -v -p $PORT -h {STATIC_ROOT}"


def detect_static(tree: SourceTree, explicit_start: str | None) -> Detection:
    """Plan a static site: files served as they are by busybox httpd."""
    del explicit_start
    configured = re.search(r"^\s*root\s*:\s*(\S+)", tree.text("Staticfile") or "", re.MULTILINE)
    if configured:
        root, why = configured.group(1).strip("/") or ".", "Staticfile root"
    elif tree.has("index.html"):
        root, why = ".", "index.html at the root"
    else:
        root = "public" if tree.has_dir("public") else "dist"
        why = f"{root}/ folder"
    notes = [f"static site: serving {'the repository' if root == '.' else root + '/'} ({why})"]
    recipe = Recipe(
        image=STATIC_SERVER_IMAGE,
        family=OsFamily.BUSYBOX,
        workdir=STATIC_ROOT,
        source="." if root == "." else f"{root}/",
        package=("rm -rf .git",) if root == "." else (),
        start=STATIC_START,
    )
    return Detection(Runtime.STATIC, None, None, recipe, tuple(notes))


def serve_static(recipe: Recipe, output: str) -> Recipe:
    """The recipe with a small static-file server stage that serves ``output``."""
    stage = RunStage(
        STATIC_SERVER_IMAGE,
        OsFamily.BUSYBOX,
        artifacts=((output, STATIC_ROOT),),
        workdir=STATIC_ROOT,
    )
    return replace(recipe, start=STATIC_START, run_stage=stage, runtime_env=())
