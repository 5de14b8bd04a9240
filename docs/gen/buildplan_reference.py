"""The runtimes table of the builds guide: what build-plan detection recognises.

The versions each runtime has images for, its default version and its default port come from
the domain (``domain.buildplan``); how a runtime is recognised and where its version is read
from are written here. A runtime the domain gains without a line here shows as undescribed
(and the docs tests fail).
"""

from __future__ import annotations

import sys

from mdtext import cell, code, table

RECOGNISED: dict[str, tuple[str, str]] = {
    "php": ("`composer.json` or `index.php`", "`composer.json` `require.php`"),
    "go": ("`go.mod`", "`go.mod` (`toolchain`, then the `go` directive)"),
    "java": ("`pom.xml`, `build.gradle` or `build.gradle.kts`", "Maven or Gradle settings"),
    "rust": ("`Cargo.toml`", "`rust-toolchain.toml` or `rust-toolchain`"),
    "ruby": ("`Gemfile`", "`.ruby-version`, the `Gemfile`'s `ruby`, `.tool-versions`"),
    "elixir": ("`mix.exs`", "`.tool-versions`, then `mix.exs` `elixir:`"),
    "python": (
        "`requirements.txt`, `Pipfile`, `setup.py`, `manage.py`, `main.py`, `app.py`, or a"
        " `pyproject.toml` with a project (pip, Poetry, uv or Pipenv installs)",
        "`.python-version`, `runtime.txt`, `.tool-versions`, `requires-python`, Poetry, Pipfile",
    ),
    "deno": ("`deno.json` or `deno.jsonc`", "`.dvmrc`, `.tool-versions`"),
    "node": (
        "`package.json` (npm, Yarn or pnpm from the lock file)",
        "`.nvmrc`, `.node-version`, `.tool-versions`, `engines.node`",
    ),
    "bun": ("`package.json` with a Bun lock file", "`engines.bun`, `.tool-versions`"),
    "static": (
        "`Staticfile`, `index.html`, `public/` or `dist/` (served by busybox httpd)",
        "(none)",
    ),
}
"""How each runtime is recognised and where its version comes from, by ``Runtime`` value."""


def runtimes() -> str:
    """The table of the runtimes detection knows (the guide says in which order they are tried)."""
    from domain.buildplan import versions  # noqa: PLC0415 - the domain as it is at build time
    from domain.buildplan.plan import DEFAULT_PORTS, Runtime  # noqa: PLC0415

    languages = {v.name: v for v in vars(versions).values() if isinstance(v, versions.Language)}
    rows = []
    for runtime in Runtime:
        if runtime is Runtime.DOCKERFILE:
            continue
        found, version_from = RECOGNISED.get(runtime.value, ("(not described yet)", ""))
        language = languages.get(runtime.value)
        series = ", ".join(language.series) if language else "—"
        default = code(language.default) if language else "—"
        port = DEFAULT_PORTS.get(runtime)
        rows.append(
            (
                code(runtime.value),
                cell(found),
                cell(version_from),
                series,
                default,
                code(str(port)) if port else "—",
            )
        )
    header = ("runtime", "recognised by", "version from", "versions", "default", "port")
    return "\n".join(table(header, rows))


if __name__ == "__main__":
    sys.stdout.write(runtimes())
