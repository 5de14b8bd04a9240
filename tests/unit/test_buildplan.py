"""Build plans: which runtime a repository is, and the commands Containr runs for it."""

from __future__ import annotations

import json
from typing import NamedTuple

import pytest

from domain.buildplan import (
    BuildPlan,
    PackageManager,
    PlanOverrides,
    Runtime,
    detect,
    files_to_read,
)
from domain.errors import InvalidValueError

PM = PackageManager


def plan_for(
    files: dict[str, str],
    overrides: PlanOverrides | None = None,
    dockerfile_path: str | None = None,
) -> BuildPlan:
    """Detect a plan the way the application does: list, read the asked files, detect."""
    wanted = files_to_read(files, dockerfile_path)
    return detect(list(files), {p: files[p] for p in wanted}, overrides, dockerfile_path)


def package_json(**fields: object) -> str:
    return json.dumps(fields)


class Expected(NamedTuple):
    runtime: Runtime
    manager: PackageManager | None
    install: str | None
    build: str | None
    start: str
    images: tuple[str, ...]


NODE_IMAGE = ("node:22-bookworm-slim",)
PY_IMAGE = ("python:3.12-slim",)
DJANGO_MANAGE = "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n"
MIX_PHOENIX = (
    'def project, do: [app: :shop, version: "0.1.0", elixir: "~> 1.15", deps: deps()]\n'
    'defp deps, do: [{:phoenix, "~> 1.7"}]\n'
    'defp aliases, do: ["assets.deploy": ["esbuild default --minify", "phx.digest"]]\n'
)
SAMPLES: dict[str, tuple[dict[str, str], Expected]] = {
    "node_npm_lockfile": (
        {
            "package.json": package_json(scripts={"start": "node server.js"}),
            "package-lock.json": "{}",
            "server.js": "",
        },
        Expected(Runtime.NODE, PM.NPM, "npm ci", None, "npm start", NODE_IMAGE),
    ),
    "node_npm_main_without_lockfile": (
        {"package.json": package_json(main="app.js"), "app.js": ""},
        Expected(Runtime.NODE, PM.NPM, "npm install", None, "node app.js", NODE_IMAGE),
    ),
    "node_server_js_fallback": (
        {"package.json": package_json(name="x"), "server.js": ""},
        Expected(Runtime.NODE, PM.NPM, "npm install", None, "node server.js", NODE_IMAGE),
    ),
    "node_pnpm": (
        {
            "package.json": package_json(scripts={"build": "tsc", "start": "node dist/main.js"}),
            "pnpm-lock.yaml": "lockfileVersion: '9.0'\n",
        },
        Expected(
            Runtime.NODE,
            PM.PNPM,
            "pnpm install --frozen-lockfile",
            "pnpm run build",
            "pnpm start",
            NODE_IMAGE,
        ),
    ),
    "node_yarn_classic": (
        {"package.json": package_json(scripts={"start": "next start"}), "yarn.lock": ""},
        Expected(
            Runtime.NODE, PM.YARN, "yarn install --frozen-lockfile", None, "yarn start", NODE_IMAGE
        ),
    ),
    "node_yarn_berry": (
        {
            "package.json": package_json(scripts={"start": "node ."}),
            "yarn.lock": "",
            ".yarnrc.yml": "nodeLinker: node-modules\n",
        },
        Expected(Runtime.NODE, PM.YARN, "yarn install --immutable", None, "yarn start", NODE_IMAGE),
    ),
    "node_vite_spa_served_static": (
        {
            "package.json": package_json(
                scripts={"build": "vite build"}, devDependencies={"vite": "^5"}
            ),
            "package-lock.json": "{}",
            "index.html": "",
        },
        Expected(
            Runtime.NODE,
            PM.NPM,
            "npm ci",
            "npm run build",
            "busybox httpd -f -v -p $PORT -h /srv/www",
            ("node:22-bookworm-slim", "busybox:1.37"),
        ),
    ),
    "bun_lockfile": (
        {"package.json": package_json(scripts={"start": "bun src/index.ts"}), "bun.lockb": ""},
        Expected(
            Runtime.BUN,
            PM.BUN,
            "bun install --frozen-lockfile",
            None,
            "bun run start",
            ("oven/bun:1-slim",),
        ),
    ),
    "bun_package_manager_field": (
        {"package.json": package_json(packageManager="bun@1.1.30"), "index.ts": ""},
        Expected(
            Runtime.BUN, PM.BUN, "bun install", None, "bun index.ts", ("oven/bun:1.1.30-slim",)
        ),
    ),
    "deno_start_task": (
        {"deno.json": json.dumps({"tasks": {"start": "deno run -A main.ts"}}), "main.ts": ""},
        Expected(
            Runtime.DENO, PM.DENO, "deno install", None, "deno task start", ("denoland/deno:2",)
        ),
    ),
    "deno_jsonc_main_module": (
        {"deno.jsonc": '{\n  // no tasks\n  "imports": {},\n}\n', "deno.lock": "", "main.ts": ""},
        Expected(
            Runtime.DENO,
            PM.DENO,
            "deno install --frozen",
            None,
            "deno run --allow-net --allow-env --allow-read main.ts",
            ("denoland/deno:2",),
        ),
    ),
    "python_pip_main_py": (
        {"requirements.txt": "requests==2.32\n", "main.py": "print('hi')\n"},
        Expected(
            Runtime.PYTHON,
            PM.PIP,
            "pip install --no-cache-dir -r requirements.txt",
            None,
            "python main.py",
            PY_IMAGE,
        ),
    ),
    "python_django_gunicorn": (
        {
            "requirements.txt": "Django>=5\ngunicorn\n",
            "manage.py": DJANGO_MANAGE,
            "shop/wsgi.py": "",
            "shop/settings.py": "",
        },
        Expected(
            Runtime.PYTHON,
            PM.PIP,
            "pip install --no-cache-dir -r requirements.txt",
            None,
            "gunicorn shop.wsgi --bind 0.0.0.0:$PORT",
            PY_IMAGE,
        ),
    ),
    "python_fastapi_uvicorn": (
        {"requirements.txt": "fastapi\nuvicorn[standard]\n", "main.py": "api = FastAPI()\n"},
        Expected(
            Runtime.PYTHON,
            PM.PIP,
            "pip install --no-cache-dir -r requirements.txt",
            None,
            "uvicorn main:api --host 0.0.0.0 --port $PORT",
            PY_IMAGE,
        ),
    ),
    "python_flask_gunicorn": (
        {"requirements.txt": "flask\ngunicorn\n", "app.py": "application = Flask(__name__)\n"},
        Expected(
            Runtime.PYTHON,
            PM.PIP,
            "pip install --no-cache-dir -r requirements.txt",
            None,
            "gunicorn app:application --bind 0.0.0.0:$PORT",
            PY_IMAGE,
        ),
    ),
    "python_poetry": (
        {
            "pyproject.toml": '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\n'
            'python = "^3.11"\nfastapi = "*"\n',
            "poetry.lock": "",
            "app/main.py": "app = FastAPI()\n",
        },
        Expected(
            Runtime.PYTHON,
            PM.POETRY,
            "poetry install --only main --no-root --no-interaction --no-ansi",
            None,
            "uvicorn app.main:app --host 0.0.0.0 --port $PORT",
            ("python:3.12-slim",),
        ),
    ),
    "python_uv": (
        {
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["flask"]\n',
            "uv.lock": "",
            "app.py": "app = Flask(__name__)\n",
        },
        Expected(
            Runtime.PYTHON,
            PM.UV,
            "uv sync --frozen --no-dev --no-install-project",
            None,
            "flask --app app run --host 0.0.0.0 --port $PORT",
            PY_IMAGE,
        ),
    ),
    "python_pipenv": (
        {"Pipfile": "[packages]\nrequests = '*'\n", "Pipfile.lock": "{}", "bot.py": ""},
        Expected(
            Runtime.PYTHON, PM.PIPENV, "pipenv install --deploy", None, "python bot.py", PY_IMAGE
        ),
    ),
    "go_root_main_package": (
        {"go.mod": "module example.com/api\n\ngo 1.22\n", "go.sum": "", "main.go": ""},
        Expected(
            Runtime.GO,
            PM.GO,
            "go mod download",
            'go build -trimpath -ldflags="-s -w" -o /out/server .',
            "/app/server",
            ("golang:1.22-bookworm", "debian:bookworm-slim"),
        ),
    ),
    "go_cmd_named_like_the_module": (
        {
            "go.mod": "module github.com/acme/shop\n\ngo 1.23.2\n",
            "cmd/migrate/main.go": "",
            "cmd/shop/main.go": "",
        },
        Expected(
            Runtime.GO,
            PM.GO,
            "go mod download",
            'go build -trimpath -ldflags="-s -w" -o /out/server ./cmd/shop',
            "/app/server",
            ("golang:1.23.2-bookworm", "debian:bookworm-slim"),
        ),
    ),
    "rust_package_binary": (
        {
            "Cargo.toml": '[package]\nname = "api"\nversion = "0.1.0"\n',
            "Cargo.lock": "",
            "src/main.rs": "",
        },
        Expected(
            Runtime.RUST,
            PM.CARGO,
            "cargo fetch --locked",
            "cargo build --release --locked",
            "/app/api",
            ("rust:1-slim-bookworm", "debian:bookworm-slim"),
        ),
    ),
    "rust_bin_table": (
        {
            "Cargo.toml": '[package]\nname = "api"\n[[bin]]\nname = "server"\npath = "src/server.rs"\n',
            "src/server.rs": "",
        },
        Expected(
            Runtime.RUST,
            PM.CARGO,
            None,
            "cargo build --release",
            "/app/server",
            ("rust:1-slim-bookworm", "debian:bookworm-slim"),
        ),
    ),
    "ruby_rails": (
        {
            "Gemfile": "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\ngem 'pg'\n",
            "Gemfile.lock": "",
            "config/application.rb": "",
            "app/assets/stylesheets/app.css": "",
        },
        Expected(
            Runtime.RUBY,
            PM.BUNDLER,
            "bundle install",
            "SECRET_KEY_BASE_DUMMY=1 bundle exec rails assets:precompile",
            "bundle exec rails server -b 0.0.0.0 -p $PORT",
            ("ruby:3.3-slim",),
        ),
    ),
    "ruby_rack_on_puma": (
        {"Gemfile": 'gem "sinatra"\ngem "puma"\n', "config.ru": "run App\n"},
        Expected(
            Runtime.RUBY,
            PM.BUNDLER,
            "bundle install",
            None,
            "bundle exec puma -b tcp://0.0.0.0:$PORT",
            ("ruby:3.3-slim",),
        ),
    ),
    "ruby_rack_with_rackup": (
        {"Gemfile": 'gem "roda"\n', "config.ru": ""},
        Expected(
            Runtime.RUBY,
            PM.BUNDLER,
            "bundle install",
            None,
            "bundle exec rackup --host 0.0.0.0 --port $PORT",
            ("ruby:3.3-slim",),
        ),
    ),
    "php_composer_laravel": (
        {
            "composer.json": json.dumps({"require": {"php": "^8.2", "laravel/framework": "^11"}}),
            "composer.lock": "{}",
            "public/index.php": "",
            "artisan": "",
        },
        Expected(
            Runtime.PHP,
            PM.COMPOSER,
            "composer install --no-dev --no-interaction --prefer-dist --no-scripts --no-autoloader",
            None,
            "apache2-foreground",
            ("php:8.3-apache",),
        ),
    ),
    "php_plain_index": (
        {"index.php": "<?php echo 'hi';"},
        Expected(Runtime.PHP, None, None, None, "apache2-foreground", ("php:8.3-apache",)),
    ),
    "static_index_html": (
        {"index.html": "<h1>hi</h1>", "style.css": ""},
        Expected(
            Runtime.STATIC,
            None,
            None,
            None,
            "busybox httpd -f -v -p $PORT -h /srv/www",
            ("busybox:1.37",),
        ),
    ),
    "static_public_folder": (
        {"public/index.html": "", "README.md": ""},
        Expected(
            Runtime.STATIC,
            None,
            None,
            None,
            "busybox httpd -f -v -p $PORT -h /srv/www",
            ("busybox:1.37",),
        ),
    ),
    "elixir_phoenix": (
        {"mix.exs": MIX_PHOENIX, "mix.lock": "", "config/config.exs": "", "assets/app.js": ""},
        Expected(
            Runtime.ELIXIR,
            PM.MIX,
            "mix deps.get --only prod && mix deps.compile",
            "mix assets.deploy",
            "/app/bin/shop start",
            ("elixir:1.17-slim",),
        ),
    ),
    "elixir_plain_mix": (
        {"mix.exs": "def project, do: [app: :worker, deps: []]\n"},
        Expected(
            Runtime.ELIXIR,
            PM.MIX,
            "mix deps.get --only prod && mix deps.compile",
            None,
            "/app/bin/worker start",
            ("elixir:1.17-slim",),
        ),
    ),
    "java_maven": (
        {"pom.xml": "<project></project>", "src/main/java/App.java": ""},
        Expected(
            Runtime.JAVA,
            PM.MAVEN,
            "mvn -B -q dependency:go-offline",
            "mvn -B -DskipTests package",
            "java -Dserver.port=$PORT -jar /app/app.jar",
            ("maven:3-eclipse-temurin-21", "eclipse-temurin:21-jre"),
        ),
    ),
    "java_gradle_wrapper": (
        {
            "build.gradle.kts": "plugins { java }\n",
            "settings.gradle.kts": "",
            "gradlew": "",
            "gradle/wrapper/gradle-wrapper.properties": "",
        },
        Expected(
            Runtime.JAVA,
            PM.GRADLE,
            "./gradlew --no-daemon dependencies",
            "./gradlew --no-daemon build -x test",
            "java -Dserver.port=$PORT -jar /app/app.jar",
            ("eclipse-temurin:21-jdk", "eclipse-temurin:21-jre"),
        ),
    ),
}


@pytest.mark.parametrize(("files", "expected"), SAMPLES.values(), ids=SAMPLES.keys())
def test_each_sample_repository_gets_its_runtime_and_commands(
    files: dict[str, str], expected: Expected
) -> None:
    plan = plan_for(files)
    got = Expected(
        plan.runtime,
        plan.package_manager,
        plan.install_command,
        plan.build_command,
        plan.start_command or "",
        plan.base_images,
    )
    assert got == expected


# --- precedence between runtimes -------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "runtime", "also"),
    [
        ({"go.mod": "module x\n", "main.go": "", "package.json": "{}"}, Runtime.GO, "Node"),
        ({"Gemfile": "gem 'rails'\n", "package.json": "{}"}, Runtime.RUBY, "Node"),
        ({"composer.json": "{}", "package.json": "{}"}, Runtime.PHP, "Node"),
        ({"requirements.txt": "", "main.py": "", "package.json": "{}"}, Runtime.PYTHON, "Node"),
        ({"deno.json": "{}", "main.ts": "", "package.json": "{}"}, Runtime.DENO, "Node"),
        ({"package.json": package_json(main="index.js"), "index.js": "", "index.html": ""},
         Runtime.NODE, "static site"),
    ],
    ids=["go_beats_node", "ruby_beats_node", "php_beats_node", "python_beats_node",
         "deno_beats_node", "node_beats_static"],
)  # fmt: skip
def test_the_more_specific_runtime_wins_and_the_loser_is_noted(
    files: dict[str, str], runtime: Runtime, also: str
) -> None:
    plan = plan_for(files)
    assert plan.runtime is runtime
    assert any(n.startswith(f"also looks like {also}") for n in plan.notes)


def test_a_pyproject_that_only_configures_tools_does_not_make_a_python_app() -> None:
    files = {
        "pyproject.toml": "[tool.ruff]\nline-length = 100\n",
        "package.json": package_json(scripts={"start": "node index.js"}),
    }
    assert plan_for(files).runtime is Runtime.NODE


def test_a_broken_pyproject_does_not_stop_a_go_repository_being_detected() -> None:
    plan = plan_for({"go.mod": "module x\n", "main.go": "", "pyproject.toml": "[oops"})
    assert plan.runtime is Runtime.GO
    assert any(n.startswith("also looks like Python (pyproject.toml)") for n in plan.notes)


def test_a_broken_pyproject_in_a_python_repository_names_the_file() -> None:
    with pytest.raises(InvalidValueError, match=r"pyproject\.toml is not valid TOML"):
        plan_for({"pyproject.toml": "[oops", "main.py": ""})


def test_staticfile_root_chooses_what_is_served() -> None:
    plan = plan_for({"Staticfile": "root: site\n", "site/index.html": "", "notes.txt": ""})
    assert "COPY --chown=10001:10001 site/ .\n" in plan.dockerfile
    assert "static site: serving site/ (Staticfile root)" in plan.notes


def test_a_static_site_at_the_root_does_not_serve_the_git_directory() -> None:
    assert "RUN rm -rf .git\n" in plan_for({"index.html": ""}).dockerfile


def test_yarn_berry_enables_corepack_without_prompting() -> None:
    files, _ = SAMPLES["node_yarn_berry"]
    dockerfile = plan_for(files).dockerfile
    assert "RUN corepack enable\n" in dockerfile
    assert "ENV COREPACK_ENABLE_DOWNLOAD_PROMPT=0\n" in dockerfile


def test_pnpm_is_installed_at_the_declared_version() -> None:
    files = {"package.json": package_json(packageManager="pnpm@9.12.1+sha512.abc", main="a.js")}
    plan = plan_for({**files, "a.js": ""})
    assert "RUN npm install -g pnpm@9.12.1\n" in plan.dockerfile


def test_several_lock_files_are_resolved_and_explained() -> None:
    files = {
        "package.json": package_json(main="a.js"),
        "a.js": "",
        "yarn.lock": "",
        "package-lock.json": "{}",
    }
    plan = plan_for(files)
    assert plan.package_manager is PM.YARN
    assert (
        "yarn because yarn.lock is present (also found package-lock.json; yarn.lock comes first)"
        in plan.notes
    )


def test_django_without_gunicorn_falls_back_to_runserver_and_says_why() -> None:
    plan = plan_for({"requirements.txt": "django\n", "manage.py": DJANGO_MANAGE})
    assert plan.start_command == "python manage.py runserver 0.0.0.0:$PORT"
    assert any("add gunicorn" in n for n in plan.notes)


def test_unknown_repository_says_what_was_looked_for() -> None:
    with pytest.raises(InvalidValueError) as error:
        plan_for({"README.md": "# hi", "docs/guide.md": ""})
    assert error.value.field == "source"
    assert error.value.message.startswith("no Dockerfile and no runtime Containr recognises")
    for looked_for in ("package.json", "go.mod", "requirements.txt", "Gemfile", "index.html"):
        assert looked_for in error.value.message


def test_node_project_without_any_start_asks_for_a_start_command() -> None:
    with pytest.raises(InvalidValueError) as error:
        plan_for({"package.json": package_json(name="lib")})
    assert error.value.field == "start_command"
    assert "scripts.start" in error.value.message


def test_go_module_without_main_package_is_rejected() -> None:
    with pytest.raises(InvalidValueError, match="no main package"):
        plan_for({"go.mod": "module x\n", "pkg/lib.go": ""})


def test_cargo_workspace_without_package_is_rejected() -> None:
    with pytest.raises(InvalidValueError, match="workspace"):
        plan_for({"Cargo.toml": '[workspace]\nmembers = ["a"]\n'})


def test_invalid_package_json_names_the_file() -> None:
    with pytest.raises(InvalidValueError, match=r"package\.json is not valid JSON"):
        plan_for({"package.json": "{"})


# --- Procfile and overrides ------------------------------------------------------------

NODE_APP = {
    "package.json": package_json(scripts={"build": "tsc", "start": "node dist/index.js"}),
    "package-lock.json": "{}",
}


def test_procfile_web_wins_over_the_detected_start() -> None:
    plan = plan_for({**NODE_APP, "Procfile": "release: npm run migrate\nweb: node dist/web.js\n"})
    assert plan.start_command == "node dist/web.js"
    assert "start command from the Procfile web process: node dist/web.js" in plan.notes


def test_start_command_override_wins_over_procfile_and_detection() -> None:
    files = {**NODE_APP, "Procfile": "web: node dist/web.js\n"}
    plan = plan_for(files, PlanOverrides(start_command="node dist/other.js"))
    assert plan.start_command == "node dist/other.js"
    assert any(
        n.startswith("start command from the service settings: node dist/other.js")
        for n in plan.notes
    )
    assert 'CMD ["node", "dist/other.js"]' in plan.dockerfile


def test_build_command_override_wins_over_scripts_build_and_says_so() -> None:
    plan = plan_for(NODE_APP, PlanOverrides(build_command="npm run build:prod"))
    assert plan.build_command == "npm run build:prod"
    assert "RUN npm run build:prod\n" in plan.dockerfile
    assert "RUN npm run build\n" not in plan.dockerfile
    assert any(
        "build command from the service settings" in n and "npm run build" in n for n in plan.notes
    )


def test_port_override_is_exposed_and_set_as_port_variable() -> None:
    plan = plan_for(NODE_APP, PlanOverrides(port=8081))
    assert plan.port == 8081
    assert "EXPOSE 8081\n" in plan.dockerfile and "ENV PORT=8081\n" in plan.dockerfile
    assert any("port 8081 (from the service settings)" in n for n in plan.notes)


def test_go_build_override_says_where_the_binary_must_go() -> None:
    files = {"go.mod": "module x\n", "main.go": ""}
    plan = plan_for(files, PlanOverrides(build_command="make build"))
    assert "the build command must write the program to /out/server" in plan.notes


def test_start_override_rescues_a_project_without_a_start() -> None:
    plan = plan_for({"package.json": "{}"}, PlanOverrides(start_command="node worker.js"))
    assert plan.start_command == "node worker.js"


def test_a_start_override_stops_a_front_end_being_served_as_static_files() -> None:
    files, _ = SAMPLES["node_vite_spa_served_static"]
    plan = plan_for(files, PlanOverrides(start_command="npx vite preview --port $PORT"))
    assert plan.base_images == ("node:22-bookworm-slim",)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (PlanOverrides(build_command="  "), "build_command"),
        (PlanOverrides(start_command=""), "start_command"),
        (PlanOverrides(start_command="a\nb"), "start_command"),
        (PlanOverrides(build_command="a\rb"), "build_command"),
        (PlanOverrides(port=0), "port"),
        (PlanOverrides(port=70000), "port"),
    ],
)
def test_bad_overrides_are_rejected(overrides: PlanOverrides, field: str) -> None:
    with pytest.raises(InvalidValueError) as error:
        plan_for(NODE_APP, overrides)
    assert error.value.field == field


# --- a repository's own Dockerfile -----------------------------------------------------

USER_DOCKERFILE = """\
FROM node:20-alpine AS build
WORKDIR /app
COPY . .
RUN npm ci && npm run build

FROM node:20-alpine
COPY --from=build /app/dist /app
USER 1000
EXPOSE 4000
CMD ["node", "/app/server.js"]
"""


def test_root_dockerfile_is_used_instead_of_detection() -> None:
    plan = plan_for({**NODE_APP, "Dockerfile": USER_DOCKERFILE})
    assert plan.runtime is Runtime.DOCKERFILE
    assert plan.dockerfile == USER_DOCKERFILE
    assert (plan.port, plan.start_command) == (4000, "node /app/server.js")
    assert plan.base_images == ("node:20-alpine",)
    assert plan.version is None and plan.package_manager is None


def test_configured_dockerfile_path_is_used() -> None:
    files = {**NODE_APP, "docker/web.Dockerfile": USER_DOCKERFILE}
    plan = plan_for(files, dockerfile_path="docker/web.Dockerfile")
    assert plan.runtime is Runtime.DOCKERFILE
    assert any(n.startswith("using docker/web.Dockerfile") for n in plan.notes)


def test_missing_configured_dockerfile_path_is_an_error_naming_the_path() -> None:
    with pytest.raises(InvalidValueError) as error:
        plan_for({**NODE_APP, "Dockerfile": USER_DOCKERFILE}, dockerfile_path="deploy/Dockerfile")
    assert error.value.field == "build.dockerfile_path"
    assert "'deploy/Dockerfile'" in error.value.message


def test_dockerfile_with_errors_is_rejected_with_their_lines() -> None:
    with pytest.raises(InvalidValueError) as error:
        plan_for({"Dockerfile": "FROM node:20\nRUN npm ci\nFORM x\n"})
    assert error.value.field == "dockerfile"
    assert "line 3: unknown instruction 'FORM'" in error.value.message


def test_dockerfile_warnings_become_notes() -> None:
    plan = plan_for({"Dockerfile": "FROM node\nCMD node server.js\n"})
    assert any("Dockerfile line 1: base image 'node' has no tag" in n for n in plan.notes)
    assert any("sets no USER" in n for n in plan.notes)
    assert plan.port is None


def test_overrides_on_a_dockerfile_plan_are_explained() -> None:
    overrides = PlanOverrides(build_command="make", start_command="node other.js", port=8080)
    plan = plan_for({"Dockerfile": USER_DOCKERFILE}, overrides)
    assert (plan.port, plan.start_command, plan.build_command) == (8080, "node other.js", None)
    assert any("build command in the service settings is not used" in n for n in plan.notes)
    assert "port 8080 from the service settings (the Dockerfile exposes 4000)" in plan.notes


@pytest.mark.parametrize(
    ("dockerfile", "port", "note"),
    [
        (
            "FROM node:20\nUSER 1000\nCMD node s.js\n",
            8080,
            "port 8080 from the service settings (the Dockerfile exposes no port)",
        ),
        (
            "FROM node:20\nUSER 1000\nEXPOSE 8080\nCMD node s.js\n",
            8080,
            "port 8080 from the service settings (the Dockerfile exposes it too)",
        ),
        (
            "FROM node:20\nUSER 1000\nEXPOSE 3000\nCMD node s.js\n",
            None,
            "port 3000, which the Dockerfile exposes",
        ),
        (
            "FROM node:20\nUSER 1000\nCMD node s.js\n",
            None,
            "the final stage exposes no port: set the service's port",
        ),
    ],
)
def test_the_port_note_of_a_dockerfile_plan_reads_as_a_sentence(
    dockerfile: str, port: int | None, note: str
) -> None:
    plan = plan_for({"Dockerfile": dockerfile}, PlanOverrides(port=port))
    assert note in plan.notes
    assert not any("None" in n or "overrides" in n for n in plan.notes)


def test_a_start_command_set_where_none_is_detected_says_so_without_none() -> None:
    plan = plan_for({"index.html": "<h1>hi</h1>"}, PlanOverrides(start_command="caddy run"))
    assert not any("None" in n for n in plan.notes), plan.notes


def test_a_listed_dockerfile_that_was_not_read_is_an_error() -> None:
    with pytest.raises(InvalidValueError, match="was not read"):
        detect(["Dockerfile"], {})


# --- what the caller must read ---------------------------------------------------------


def test_files_to_read_lists_the_known_small_files_present_sorted() -> None:
    listing = [
        "./package.json",
        ".nvmrc",
        "src/index.js",
        "node_modules/x/package.json",
        "Procfile",
    ]
    assert files_to_read(listing) == [".nvmrc", "Procfile", "package.json"]


def test_files_to_read_includes_the_configured_dockerfile() -> None:
    listing = ["docker/api.Dockerfile", "Dockerfile", "go.mod"]
    assert files_to_read(listing, "docker/api.Dockerfile") == ["docker/api.Dockerfile", "go.mod"]
    assert files_to_read(listing) == ["Dockerfile", "go.mod"]


def test_the_plan_summary_says_where_the_version_came_from() -> None:
    plan = plan_for({**NODE_APP, ".nvmrc": "20\n"})
    assert plan.summary == "node 20 (from .nvmrc)"
    assert plan_for(NODE_APP).summary == "node 22 (default)"
