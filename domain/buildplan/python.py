"""Recognising Python projects: pip, Poetry, uv or Pipenv, and the usual web entry points."""

from __future__ import annotations

import re
from dataclasses import dataclass

from domain.buildplan.dockerfile import run_steps
from domain.buildplan.plan import PackageManager, Runtime
from domain.buildplan.recipe import APP_UID, Detection, Recipe
from domain.buildplan.tree import SourceTree, dig, first_line, mapping_at, string_at
from domain.buildplan.versions import PYTHON, ChosenVersion, choose_version

VENV = "/opt/venv"
_PIP = "/usr/local/bin/pip install --no-cache-dir"  # the image's pip, not the app's venv
_BASE_ENV = (
    ("PYTHONDONTWRITEBYTECODE", "1"),
    ("PYTHONUNBUFFERED", "1"),
    ("PIP_DISABLE_PIP_VERSION_CHECK", "1"),
    ("PIP_ROOT_USER_ACTION", "ignore"),
    ("VIRTUAL_ENV", VENV),
    ("PATH", f"{VENV}/bin:$PATH"),
)
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?")
_ENTRY_FILES = ("main.py", "app.py", "server.py", "bot.py", "start.py")
_APP_FILES = ("main.py", "app.py", "app/main.py", "src/main.py")
_DJANGO_SETTINGS = re.compile(r"DJANGO_SETTINGS_MODULE[\"']\s*,\s*[\"']([\w.]+)\.settings")


@dataclass(frozen=True)
class _Installer:
    manager: PackageManager
    install: str | None
    manifests: tuple[str, ...] = ()
    tool: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    needs_source: bool = False
    note: str = ""


def detect_python(tree: SourceTree, explicit_start: str | None) -> Detection:
    """Plan a Python project: interpreter version, dependency installer and web server."""
    del explicit_start
    pyproject = tree.toml("pyproject.toml") or {}
    pipfile = tree.toml("Pipfile") or {}
    version = _python_version(tree, pyproject, pipfile)
    installer = _installer(tree, pyproject)
    dependencies = _dependencies(tree, pyproject, pipfile)
    start, start_note = _start(tree, dependencies)
    setup: tuple[str, ...] = (f"RUN {_PIP} {installer.tool}",) if installer.tool else ()
    setup += (run_steps(f"python -m venv {VENV}", f"chown -R {APP_UID}:{APP_UID} {VENV}"),)
    recipe = Recipe(
        image=f"python:{version.version}-slim",
        env=_BASE_ENV + installer.env,
        setup=setup,
        manifests=installer.manifests,
        install=installer.install,
        install_needs_source=installer.needs_source,
        start=start,
    )
    notes = tuple(n for n in (installer.note, start_note) if n)
    hint = "no Procfile web process, Django manage.py, FastAPI/Flask app or main.py was found"
    return Detection(Runtime.PYTHON, version, installer.manager, recipe, notes, start_hint=hint)


def _python_version(
    tree: SourceTree, pyproject: dict[str, object], pipfile: dict[str, object]
) -> ChosenVersion:
    pinned = first_line(tree.text(".python-version"))
    runtime_txt = first_line(tree.text("runtime.txt"))
    requires = string_at(pyproject, "project", "requires-python")
    poetry_python = string_at(pyproject, "tool", "poetry", "dependencies", "python")
    pipfile_python = string_at(pipfile, "requires", "python_full_version") or string_at(
        pipfile, "requires", "python_version"
    )
    return choose_version(
        PYTHON,
        [
            (".python-version", pinned.split("/")[0] if pinned else None),
            ("runtime.txt", runtime_txt.removeprefix("python-") if runtime_txt else None),
            (".tool-versions", tree.tool_versions().get("python")),
            ("pyproject.toml project.requires-python", requires),
            ("pyproject.toml tool.poetry.dependencies.python", poetry_python),
            ("Pipfile requires", pipfile_python),
        ],
    )


def _installer(tree: SourceTree, pyproject: dict[str, object]) -> _Installer:
    pm = PackageManager
    if tree.has("uv.lock"):
        return _Installer(
            pm.UV,
            "uv sync --frozen --no-dev --no-install-project",
            _present(tree, "pyproject.toml", "uv.lock", ".python-version"),
            tool="uv",
            env=(("UV_PROJECT_ENVIRONMENT", VENV), ("UV_PYTHON_DOWNLOADS", "never")),
            note="uv because uv.lock is present",
        )
    if tree.has("poetry.lock") or dig(pyproject, "tool", "poetry") is not None:
        return _Installer(
            pm.POETRY,
            "poetry install --only main --no-root --no-interaction --no-ansi",
            _present(tree, "pyproject.toml", "poetry.lock"),
            tool="poetry",
            env=(("POETRY_VIRTUALENVS_CREATE", "false"),),
            note="poetry because of poetry.lock or [tool.poetry] in pyproject.toml",
        )
    if tree.has("Pipfile"):
        locked = tree.has("Pipfile.lock")
        return _Installer(
            pm.PIPENV,
            "pipenv install --deploy" if locked else "pipenv install --skip-lock",
            _present(tree, "Pipfile", "Pipfile.lock"),
            tool="pipenv",
            note="pipenv because Pipfile is present",
        )
    if tree.has("requirements.txt"):
        text = tree.text("requirements.txt") or ""
        # "-r other.txt", "-c constraints.txt" and "-e ." need files beyond the manifest.
        local = re.search(r"^\s*(-r|-c|-e|--requirement|--constraint)\b", text, re.MULTILINE)
        return _Installer(
            pm.PIP,
            "pip install --no-cache-dir -r requirements.txt",
            ("requirements.txt",),
            needs_source=local is not None,
            note="pip because requirements.txt is present",
        )
    if tree.has("setup.py") or dig(pyproject, "project") is not None:
        return _Installer(
            pm.PIP,
            "pip install --no-cache-dir .",
            needs_source=True,
            note="pip installs the project itself (pyproject.toml [project] or setup.py)",
        )
    return _Installer(pm.PIP, None, note="no dependency file found: nothing to install")


def _present(tree: SourceTree, *paths: str) -> tuple[str, ...]:
    return tuple(p for p in paths if tree.has(p))


def _dependencies(
    tree: SourceTree, pyproject: dict[str, object], pipfile: dict[str, object]
) -> set[str]:
    lines = (tree.text("requirements.txt") or "").splitlines()
    declared = dig(pyproject, "project", "dependencies")
    lines += [d for d in declared if isinstance(d, str)] if isinstance(declared, list) else []
    lines += list(mapping_at(pyproject, "tool", "poetry", "dependencies"))
    lines += list(mapping_at(pipfile, "packages"))
    names: set[str] = set()
    for line in lines:
        match = _REQUIREMENT.match(line)
        if match is None:
            continue
        name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        names.add(name)
        if name == "fastapi" and "standard" in (match.group(2) or ""):
            names.add("uvicorn")  # fastapi[standard] brings uvicorn
    return names


def _start(tree: SourceTree, dependencies: set[str]) -> tuple[str | None, str | None]:
    if tree.has("manage.py") and "django" in dependencies:
        return _django(tree, dependencies)
    for framework, cls in (("fastapi", "FastAPI"), ("flask", "Flask")):
        if framework in dependencies and (found := _app_object(tree, cls)) is not None:
            module, name = found
            return _web_server(framework, f"{module}:{name}", dependencies)
    entry = tree.first(*_ENTRY_FILES)
    if entry is not None:
        return f"python {entry}", f"start: python {entry}"
    return None, None


def _django(tree: SourceTree, dependencies: set[str]) -> tuple[str, str]:
    match = _DJANGO_SETTINGS.search(tree.text("manage.py") or "")
    wsgi = [f.rsplit("/", 1)[0] for f in sorted(tree.files) if re.fullmatch(r"\w+/wsgi\.py", f)]
    project = match.group(1) if match else (wsgi[0] if len(wsgi) == 1 else None)
    if project is not None and "gunicorn" in dependencies:
        command = f"gunicorn {project}.wsgi --bind 0.0.0.0:$PORT"
        return command, f"start: Django served by gunicorn ({project}.wsgi)"
    command = "python manage.py runserver 0.0.0.0:$PORT"
    why = "gunicorn is not a dependency" if project else "the settings module was not found"
    return command, f"start: Django's development server because {why}; add gunicorn"


def _app_object(tree: SourceTree, cls: str) -> tuple[str, str] | None:
    pattern = re.compile(rf"^(\w+)\s*(?::[^=\n]+)?=\s*(?:\w+\.)?{cls}\(", re.MULTILINE)
    for path in _APP_FILES:
        text = tree.text(path)
        match = pattern.search(text or "")
        if match is not None:
            return path.removesuffix(".py").replace("/", "."), match.group(1)
    fallback = tree.first(*_APP_FILES)
    return (fallback.removesuffix(".py").replace("/", "."), "app") if fallback else None


def _web_server(framework: str, target: str, dependencies: set[str]) -> tuple[str, str]:
    if framework == "fastapi":
        note = f"start: FastAPI app {target} served by uvicorn"
        if "uvicorn" not in dependencies:
            note += " (uvicorn is not a declared dependency; add it)"
        return f"uvicorn {target} --host 0.0.0.0 --port $PORT", note
    if "gunicorn" in dependencies:
        return f"gunicorn {target} --bind 0.0.0.0:$PORT", f"start: Flask app {target} on gunicorn"
    module = target.partition(":")[0]
    note = f"start: Flask's development server for {target} because gunicorn is not a dependency"
    return f"flask --app {module} run --host 0.0.0.0 --port $PORT", note
