"""Recognising JavaScript projects: Node (npm, pnpm, yarn), Bun, Deno and built front-ends."""

from __future__ import annotations

from domain.buildplan.plan import PackageManager, Runtime
from domain.buildplan.recipe import Detection, Recipe
from domain.buildplan.static import serve_static
from domain.buildplan.tree import SourceTree, first_line, mapping_at, normalise_path, string_at
from domain.buildplan.versions import BUN, DENO, NODE, ChosenVersion, choose_version

_PM = PackageManager
_LOCKS = (
    ("bun.lock", _PM.BUN),
    ("bun.lockb", _PM.BUN),
    ("pnpm-lock.yaml", _PM.PNPM),
    ("yarn.lock", _PM.YARN),
    ("package-lock.json", _PM.NPM),
    ("npm-shrinkwrap.json", _PM.NPM),
)
_CONFIGS = (".npmrc", ".yarnrc", ".yarnrc.yml", "bunfig.toml")
_RUN = {_PM.NPM: "npm run", _PM.PNPM: "pnpm run", _PM.YARN: "yarn run", _PM.BUN: "bun run"}
_START = {_PM.NPM: "npm start", _PM.PNPM: "pnpm start", _PM.YARN: "yarn start"}
_INSTALL_SCRIPTS = ("preinstall", "install", "postinstall", "prepare")
_SPA_TOOLS = (
    ("react-scripts", "build"),
    ("vite", "dist"),
    ("astro", "dist"),
    ("@vue/cli-service", "dist"),
    ("parcel", "dist"),
)
_ENTRY_FILES = ("server.js", "index.js", "app.js", "main.js", "server.mjs", "index.mjs")
_BUN_ENTRY_FILES = ("index.ts", "server.ts", "src/index.ts", *_ENTRY_FILES)
_DENO_ENTRY_FILES = ("main.ts", "main.js", "mod.ts", "server.ts", "index.ts", "src/main.ts")


def detect_node(tree: SourceTree, explicit_start: str | None) -> Detection:
    """Plan a package.json project: Node with npm/pnpm/yarn, or Bun."""
    pkg = tree.json("package.json") or {}
    manager, manager_version, notes = _package_manager(tree, pkg)
    bun = manager is _PM.BUN
    version = _bun_version(tree, pkg) if bun else _node_version(tree, pkg)
    scripts = {k: v for k, v in mapping_at(pkg, "scripts").items() if isinstance(v, str)}
    build = f"{_RUN[manager]} build" if "build" in scripts else None
    start, start_note = _start(tree, pkg, manager, scripts, has_build=build is not None)
    notes += [start_note] if start_note else []
    setup: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    if manager is _PM.PNPM:
        setup = (f"RUN npm install -g pnpm@{manager_version or '9'}",)
        notes += [] if manager_version else ["pnpm 9 (no version in package.json packageManager)"]
    elif manager is _PM.YARN and _yarn_berry(tree, manager_version):
        setup = ("RUN corepack enable",)
        env = (("COREPACK_ENABLE_DOWNLOAD_PROMPT", "0"),)
    manifests = _manifests(tree)
    needs_source, reason = _install_needs_source(tree, pkg, scripts)
    notes += [reason] if reason else []
    recipe = Recipe(
        image=f"oven/bun:{version.version}-slim"
        if bun
        else f"node:{version.version}-bookworm-slim",
        env=env,
        setup=setup,
        manifests=manifests,
        install=_install(tree, manager, manager_version),
        install_needs_source=needs_source,
        build=build,
        start=start,
        runtime_env=(("NODE_ENV", "production"),),
    )
    spa_dir = _spa_output(pkg) if start is None and explicit_start is None and build else None
    if spa_dir is not None:
        notes.append(
            f"no start script or server file: serving the build output {spa_dir}/ as a static "
            f"site with busybox httpd (set a start command to run a server instead)"
        )
        recipe = serve_static(recipe, f"/app/{spa_dir}")
    hint = "package.json has no scripts.start or main, and no server.js or index.js was found"
    runtime = Runtime.BUN if bun else Runtime.NODE
    return Detection(runtime, version, manager, recipe, tuple(notes), start_hint=hint)


def detect_deno(tree: SourceTree, explicit_start: str | None) -> Detection:
    """Plan a Deno project from deno.json(c): tasks, entry module and cache."""
    del explicit_start  # Deno has no fallback that depends on it
    config_file = tree.first("deno.json", "deno.jsonc") or "deno.json"
    config = tree.json(config_file) or {}
    tasks = mapping_at(config, "tasks")
    version = choose_version(
        DENO,
        [
            (".dvmrc", first_line(tree.text(".dvmrc"))),
            (".tool-versions", tree.tool_versions().get("deno")),
        ],
    )
    entry = tree.first(*_DENO_ENTRY_FILES)
    start, notes = None, []
    if "start" in tasks:
        start = "deno task start"
        notes.append(f"start: the 'start' task in {config_file}")
    elif entry is not None:
        start = f"deno run --allow-net --allow-env --allow-read {entry}"
        notes.append(f"start: {entry} with network, environment and read permissions")
    modern = version.version.split(".")[0] != "1"
    recipe = Recipe(
        image=f"denoland/deno:{version.version}",
        manifests=tuple(
            f for f in ("deno.json", "deno.jsonc", "deno.lock", "package.json") if tree.has(f)
        ),
        install=("deno install --frozen" if tree.has("deno.lock") else "deno install")
        if modern
        else None,
        build="deno task build" if "build" in tasks else None,
        package=(f"deno cache {entry}",) if entry else (),
        start=start,
        uid=1993,  # the image's own "deno" user, which owns DENO_DIR
        create_user=False,
    )
    hint = f"{config_file} has no 'start' task and no main.ts, mod.ts or server.ts was found"
    return Detection(Runtime.DENO, version, _PM.DENO, recipe, tuple(notes), start_hint=hint)


def _node_version(tree: SourceTree, pkg: dict[str, object]) -> ChosenVersion:
    tools = tree.tool_versions()
    return choose_version(
        NODE,
        [
            (".nvmrc", first_line(tree.text(".nvmrc"))),
            (".node-version", first_line(tree.text(".node-version"))),
            (".tool-versions", tools.get("nodejs") or tools.get("node")),
            ("package.json engines.node", string_at(pkg, "engines", "node")),
        ],
    )


def _bun_version(tree: SourceTree, pkg: dict[str, object]) -> ChosenVersion:
    declared = string_at(pkg, "packageManager") or ""
    pinned = declared[4:].split("+")[0] if declared.startswith("bun@") else None
    return choose_version(
        BUN,
        [
            ("package.json packageManager", pinned),
            ("package.json engines.bun", string_at(pkg, "engines", "bun")),
            (".tool-versions", tree.tool_versions().get("bun")),
        ],
    )


def _package_manager(
    tree: SourceTree, pkg: dict[str, object]
) -> tuple[PackageManager, str | None, list[str]]:
    declared = string_at(pkg, "packageManager")
    if declared:
        name, _, version = declared.partition("@")
        manager = {m.value: m for m in (_PM.NPM, _PM.PNPM, _PM.YARN, _PM.BUN)}.get(name)
        if manager is not None:
            note = f"{name} from package.json packageManager {declared!r}"
            return manager, version.split("+")[0] or None, [note]
    locks = [(path, manager) for path, manager in _LOCKS if tree.has(path)]
    if locks:
        path, manager = locks[0]
        note = f"{manager.value} because {path} is present"
        others = [other for other, m in locks if m is not manager]
        if others:
            note += f" (also found {', '.join(others)}; {path} comes first)"
        return manager, None, [note]
    if tree.has("bunfig.toml"):
        return _PM.BUN, None, ["bun because bunfig.toml is present"]
    return _PM.NPM, None, ["npm: no lock file or packageManager field found"]


def _yarn_berry(tree: SourceTree, version: str | None) -> bool:
    return tree.has(".yarnrc.yml") or bool(version and not version.startswith("1."))


def _install(tree: SourceTree, manager: PackageManager, version: str | None) -> str:
    locked = {
        _PM.NPM: tree.has_any("package-lock.json", "npm-shrinkwrap.json"),
        _PM.PNPM: tree.has("pnpm-lock.yaml"),
        _PM.YARN: tree.has("yarn.lock"),
        _PM.BUN: tree.has_any("bun.lock", "bun.lockb"),
    }[manager]
    if manager is _PM.NPM:
        return "npm ci" if locked else "npm install"
    if manager is _PM.YARN and _yarn_berry(tree, version):
        return "yarn install --immutable" if locked else "yarn install"
    return f"{manager.value} install --frozen-lockfile" if locked else f"{manager.value} install"


def _manifests(tree: SourceTree) -> tuple[str, ...]:
    files = ["package.json", *(p for p, _ in _LOCKS), *_CONFIGS]
    present = [f for f in files if tree.has(f)]
    return (*present, *(f"{d}/" for d in (".yarn", "patches") if tree.has_dir(d)))


def _install_needs_source(
    tree: SourceTree, pkg: dict[str, object], scripts: dict[str, str]
) -> tuple[bool, str | None]:
    if "workspaces" in pkg or tree.has("pnpm-workspace.yaml"):
        return True, "workspaces: dependencies install after the whole source is copied"
    hooks = [s for s in _INSTALL_SCRIPTS if s in scripts]
    if hooks:
        return True, f"scripts.{hooks[0]} runs on install, so the whole source is copied first"
    return False, None


def _start(
    tree: SourceTree,
    pkg: dict[str, object],
    manager: PackageManager,
    scripts: dict[str, str],
    *,
    has_build: bool,
) -> tuple[str | None, str | None]:
    runner = "bun" if manager is _PM.BUN else "node"
    if "start" in scripts:
        command = _START.get(manager, f"{_RUN[manager]} start")
        return command, f"start: package.json scripts.start ({scripts['start']!r})"
    main = string_at(pkg, "main")
    if main and (tree.has(normalise_path(main)) or has_build):
        return f"{runner} {main}", f"start: package.json main ({main})"
    entry = tree.first(*(_BUN_ENTRY_FILES if runner == "bun" else _ENTRY_FILES))
    if entry is not None:
        return f"{runner} {entry}", f"start: {entry}"
    return None, None


def _spa_output(pkg: dict[str, object]) -> str | None:
    dependencies = {**mapping_at(pkg, "dependencies"), **mapping_at(pkg, "devDependencies")}
    return next((out for tool, out in _SPA_TOOLS if tool in dependencies), None)
