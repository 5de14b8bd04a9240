"""Recognising Go and Rust projects, built in one stage and run from a slim Debian image."""

from __future__ import annotations

import re

from domain.buildplan.plan import PackageManager, Runtime
from domain.buildplan.recipe import Detection, Recipe, RunStage
from domain.buildplan.tree import SourceTree, first_line, mapping_at, string_at
from domain.buildplan.versions import GO, RUST, ChosenVersion, choose_version
from domain.errors import InvalidValueError

RUN_IMAGE = "debian:bookworm-slim"
_TARGET_TABLES = ("bin", "lib", "bench", "example", "test")


def detect_go(tree: SourceTree, explicit_start: str | None) -> Detection:
    """Plan a Go module: the toolchain from go.mod and the main package to build."""
    del explicit_start
    gomod = tree.text("go.mod") or ""
    toolchain = re.search(r"^toolchain\s+go(\S+)", gomod, re.MULTILINE)
    directive = re.search(r"^go\s+(\S+)", gomod, re.MULTILINE)
    version = choose_version(
        GO,
        [
            ("go.mod toolchain", toolchain.group(1) if toolchain else None),
            ("go.mod go directive", directive.group(1) if directive else None),
        ],
    )
    module = re.search(r"^module\s+(\S+)", gomod, re.MULTILINE)
    target, notes = _go_main(tree, module.group(1) if module else "")
    vendored = tree.has_dir("vendor")
    if vendored:
        notes.append("vendor/ is present: dependencies come from it, nothing is downloaded")
    recipe = Recipe(
        image=f"golang:{version.version}-bookworm",
        env=(("CGO_ENABLED", "0"),),
        workdir="/src",
        manifests=tuple(f for f in ("go.mod", "go.sum") if tree.has(f)),
        install=None if vendored else "go mod download",
        build=f'go build -trimpath -ldflags="-s -w" -o /out/server {target}',
        start="/app/server",
        run_stage=RunStage(
            RUN_IMAGE, packages=("ca-certificates",), artifacts=(("/out/server", "/app/server"),)
        ),
    )
    hint = "the build command must write the program to /out/server"
    return Detection(
        Runtime.GO, version, PackageManager.GO, recipe, tuple(notes), artifact_hint=hint
    )


def _go_main(tree: SourceTree, module: str) -> tuple[str, list[str]]:
    root = [f for f in tree.files if "/" not in f and f.endswith(".go")]
    if any(not f.endswith("_test.go") for f in root):
        return ".", ["build: the main package at the repository root"]
    commands = sorted(
        {f.split("/")[1] for f in tree.under("cmd") if re.fullmatch(r"cmd/[^/]+/[^/]+\.go", f)}
    )
    if not commands:
        raise InvalidValueError(
            "source", "go.mod found but no main package at the root or under cmd/<name>/"
        )
    preferred = module.rsplit("/", 1)[-1]
    chosen = preferred if preferred in commands else commands[0]
    notes = [f"build: ./cmd/{chosen}"]
    if len(commands) > 1:
        notes.append(f"several commands under cmd/ ({', '.join(commands)}): built {chosen}")
    return f"./cmd/{chosen}", notes


def detect_rust(tree: SourceTree, explicit_start: str | None) -> Detection:
    """Plan a Cargo package: toolchain, release build and the binary to run."""
    del explicit_start
    cargo = tree.toml("Cargo.toml") or {}
    package = mapping_at(cargo, "package")
    if not package:
        raise InvalidValueError(
            "source", "Cargo.toml has no [package] (a workspace?); add a Dockerfile for it"
        )
    binary, notes = _rust_binary(tree, cargo, string_at(package, "name") or "app")
    version, channel_notes = _rust_version(tree, package)
    locked = " --locked" if tree.has("Cargo.lock") else ""
    # A stand-in main.rs lets `cargo fetch` run before the source is copied; the real one
    # replaces it. Custom target paths would not resolve, so those projects fetch later.
    simple = tree.has("src/main.rs") and not any(t in cargo for t in _TARGET_TABLES)
    if not simple:
        notes.append("custom targets in Cargo.toml: dependencies download during the build")
    manifests = ("Cargo.toml", "Cargo.lock", "rust-toolchain", "rust-toolchain.toml")
    recipe = Recipe(
        image=f"rust:{version.version}-slim-bookworm",
        packages=("pkg-config", "libssl-dev"),
        setup=("RUN mkdir -p /src/src && echo 'fn main() {}' > /src/src/main.rs",)
        if simple
        else (),
        workdir="/src",
        manifests=(
            *(f for f in manifests if tree.has(f)),
            *((".cargo/",) if tree.has_dir(".cargo") else ()),
        ),
        install=f"cargo fetch{locked}" if simple else None,
        build=f"cargo build --release{locked}",
        package=(f"mkdir -p /out && cp target/release/{binary} /out/{binary}",),
        start=f"/app/{binary}",
        run_stage=RunStage(
            RUN_IMAGE,
            packages=("ca-certificates", "libssl3"),
            artifacts=((f"/out/{binary}", f"/app/{binary}"),),
        ),
    )
    hint = f"the build command must leave the program at target/release/{binary}"
    return Detection(
        Runtime.RUST,
        version,
        PackageManager.CARGO,
        recipe,
        (*channel_notes, *notes),
        artifact_hint=hint,
    )


def _rust_binary(tree: SourceTree, cargo: dict[str, object], name: str) -> tuple[str, list[str]]:
    bins = cargo.get("bin")
    entries: list[object] = list(bins) if isinstance(bins, list) else []
    names = [str(b["name"]) for b in entries if isinstance(b, dict) and "name" in b]
    if not names and tree.has("src/main.rs"):
        names = [name]
    if not names:
        bin_dir = [f for f in tree.under("src/bin") if re.fullmatch(r"src/bin/[^/]+\.rs", f)]
        names = [f.removeprefix("src/bin/").removesuffix(".rs") for f in bin_dir]
    if not names:
        raise InvalidValueError(
            "source", "Cargo.toml describes no binary (no src/main.rs or [[bin]])"
        )
    chosen = name if name in names else names[0]
    notes = [f"start: the binary '{chosen}'"]
    if len(names) > 1:
        notes.append(f"several binaries ({', '.join(names)}): running {chosen}")
    return chosen, notes


def _rust_version(tree: SourceTree, package: dict[str, object]) -> tuple[ChosenVersion, list[str]]:
    found: list[tuple[str, str | None]] = []
    notes: list[str] = []
    for path in ("rust-toolchain.toml", "rust-toolchain"):
        text = tree.text(path)
        if text is None:
            continue
        channel = (
            string_at(tree.toml(path), "toolchain", "channel")
            if "[toolchain]" in text
            else first_line(text)
        )
        if channel and re.match(r"^(nightly|beta)", channel):
            notes.append(f"{path} asks for {channel}: rustup installs it during the build")
            channel = None
        found.append((path, channel))
    found.append(("Cargo.toml package.rust-version", string_at(package, "rust-version")))
    return choose_version(RUST, found), notes
