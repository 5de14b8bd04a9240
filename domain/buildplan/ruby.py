"""Recognising Ruby projects: Bundler, then Rails, a Rack app or a plain script."""

from __future__ import annotations

import re

from domain.buildplan.plan import PackageManager, Runtime
from domain.buildplan.recipe import Detection, Recipe
from domain.buildplan.tree import SourceTree, first_line
from domain.buildplan.versions import RUBY, ChosenVersion, choose_version

_GEM = re.compile(r"^\s*gem\s+[\"']([^\"']+)[\"']", re.MULTILINE)
_RUBY_DIRECTIVE = re.compile(r"^\s*ruby\s+[\"']([^\"']+)[\"']", re.MULTILINE)
_NATIVE_LIBRARIES = {"pg": "libpq-dev", "mysql2": "default-libmysqlclient-dev"}
_SCRIPTS = ("app.rb", "main.rb", "server.rb")


def detect_ruby(tree: SourceTree, explicit_start: str | None) -> Detection:
    """Plan a Gemfile project: Ruby version, bundle install, assets and server."""
    del explicit_start
    gemfile = tree.text("Gemfile") or ""
    gems = set(_GEM.findall(gemfile))
    version = _ruby_version(tree, gemfile)
    rails = "rails" in gems or tree.has("config/application.rb")
    start, start_note = _start(tree, gems, rails=rails)
    build = None
    if rails and (tree.has_dir("app/assets") or tree.has_dir("app/javascript")):
        build = "SECRET_KEY_BASE_DUMMY=1 bundle exec rails assets:precompile"
    # "gemspec" and path: gems make bundle read files beyond the Gemfile and its lock.
    local = re.search(r"^\s*gemspec\b|path:", gemfile, re.MULTILINE) is not None
    recipe = Recipe(
        image=f"ruby:{version.version}-slim",
        packages=(
            "build-essential",
            "git",
            "pkg-config",
            "libyaml-dev",
            *(lib for gem, lib in sorted(_NATIVE_LIBRARIES.items()) if gem in gems),
        ),
        env=_env(tree, rails=rails),
        manifests=tuple(f for f in ("Gemfile", "Gemfile.lock", ".ruby-version") if tree.has(f)),
        install="bundle install",
        install_needs_source=local,
        build=build,
        start=start,
    )
    notes = [f"Rails app{', assets precompiled' if build else ''}"] if rails else []
    notes += [start_note] if start_note else []
    hint = "no Rails app, config.ru or app.rb was found"
    return Detection(
        Runtime.RUBY, version, PackageManager.BUNDLER, recipe, tuple(notes), start_hint=hint
    )


def _env(tree: SourceTree, *, rails: bool) -> tuple[tuple[str, str], ...]:
    env = [("BUNDLE_PATH", "/usr/local/bundle"), ("BUNDLE_WITHOUT", "development:test")]
    if tree.has("Gemfile.lock"):
        env.append(("BUNDLE_DEPLOYMENT", "1"))
    if rails:
        env += [("RAILS_ENV", "production"), ("RAILS_LOG_TO_STDOUT", "1")]
        env.append(("RAILS_SERVE_STATIC_FILES", "1"))
    else:
        env.append(("RACK_ENV", "production"))
    return tuple(env)


def _ruby_version(tree: SourceTree, gemfile: str) -> ChosenVersion:
    pinned = first_line(tree.text(".ruby-version"))
    directive = _RUBY_DIRECTIVE.search(gemfile)
    return choose_version(
        RUBY,
        [
            (".ruby-version", pinned.removeprefix("ruby-").split("@")[0] if pinned else None),
            ("Gemfile ruby", directive.group(1) if directive else None),
            (".tool-versions", tree.tool_versions().get("ruby")),
        ],
    )


def _start(tree: SourceTree, gems: set[str], *, rails: bool) -> tuple[str | None, str | None]:
    if rails:
        return "bundle exec rails server -b 0.0.0.0 -p $PORT", "start: rails server"
    if tree.has("config.ru"):
        if "puma" in gems:
            return "bundle exec puma -b tcp://0.0.0.0:$PORT", "start: config.ru on puma"
        return "bundle exec rackup --host 0.0.0.0 --port $PORT", "start: config.ru with rackup"
    script = tree.first(*_SCRIPTS)
    if script is not None:
        return f"bundle exec ruby {script}", f"start: {script}"
    return None, None
