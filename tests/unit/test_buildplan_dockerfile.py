"""Build plans: the Dockerfiles Containr writes, and the checks on Dockerfiles users write."""

from __future__ import annotations

import json

import pytest

from domain.buildplan import (
    DockerfileProblem,
    PlanOverrides,
    check_dockerfile,
    detect,
    files_to_read,
    validate_dockerfile,
)
from domain.buildplan.dockerfile import cmd_arguments
from domain.buildplan.validate import Severity
from domain.errors import InvalidValueError
from tests.unit.test_buildplan import SAMPLES, plan_for

SAMPLE_FILES = {name: files for name, (files, _) in SAMPLES.items()}
MULTI_STAGE = {
    "go_root_main_package",
    "go_cmd_named_like_the_module",
    "rust_package_binary",
    "rust_bin_table",
    "java_maven",
    "java_gradle_wrapper",
    "elixir_phoenix",
    "elixir_plain_mix",
    "node_vite_spa_served_static",
}
each_sample = pytest.mark.parametrize("files", SAMPLE_FILES.values(), ids=SAMPLE_FILES.keys())


def final_stage(dockerfile: str) -> list[str]:
    lines = dockerfile.splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("FROM "))
    return lines[start:]


@each_sample
def test_generated_dockerfiles_pass_our_own_validation(files: dict[str, str]) -> None:
    assert validate_dockerfile(plan_for(files).dockerfile) == []


@each_sample
def test_generated_dockerfiles_run_as_a_numeric_non_root_user(files: dict[str, str]) -> None:
    users = [line for line in final_stage(plan_for(files).dockerfile) if line.startswith("USER ")]
    uid = users[-1].removeprefix("USER ")
    assert uid.isdigit() and int(uid) > 0


@each_sample
def test_generated_dockerfiles_expose_the_service_port_and_set_port(files: dict[str, str]) -> None:
    plan = plan_for(files)
    tail = final_stage(plan.dockerfile)
    assert f"EXPOSE {plan.port}" in tail and f"ENV PORT={plan.port}" in tail


@each_sample
def test_generated_dockerfiles_are_deterministic(files: dict[str, str]) -> None:
    reversed_listing = list(reversed(files))
    wanted = files_to_read(reversed_listing)
    contents = {p: files[p] for p in reversed(wanted)}
    assert detect(reversed_listing, contents).dockerfile == plan_for(files).dockerfile


@each_sample
def test_the_app_user_owns_what_it_copies(files: dict[str, str]) -> None:
    plan = plan_for(files)
    copies = [line for line in final_stage(plan.dockerfile) if line.startswith("COPY ")]
    uid = plan.dockerfile.rsplit("\nUSER ", 1)[1].split("\n", 1)[0]
    assert all(f"--chown={uid}:{uid}" in line for line in copies if "composer:2" not in line)


@each_sample
def test_the_start_command_is_the_exec_form_cmd(files: dict[str, str]) -> None:
    plan = plan_for(files)
    cmd = plan.dockerfile.splitlines()[-1]
    assert cmd.startswith("CMD ")
    assert json.loads(cmd.removeprefix("CMD ")) == json.loads(
        cmd_arguments(plan.start_command or "")
    )


@pytest.mark.parametrize("name", sorted(MULTI_STAGE))
def test_compiled_runtimes_and_front_end_builds_use_a_slim_final_stage(name: str) -> None:
    plan = plan_for(SAMPLE_FILES[name])
    froms = [line for line in plan.dockerfile.splitlines() if line.startswith("FROM ")]
    assert len(froms) == 2 and froms[0].endswith(" AS build")
    assert any(line.startswith("COPY --from=build ") for line in final_stage(plan.dockerfile))


@pytest.mark.parametrize(
    ("name", "manifest_copy"),
    [
        ("node_pnpm", "COPY --chown=10001:10001 package.json pnpm-lock.yaml ./"),
        ("python_uv", "COPY --chown=10001:10001 pyproject.toml uv.lock ./"),
        ("python_django_gunicorn", "COPY --chown=10001:10001 requirements.txt ./"),
        ("go_root_main_package", "COPY go.mod go.sum ./"),
        ("rust_package_binary", "COPY Cargo.toml Cargo.lock ./"),
        ("ruby_rails", "COPY --chown=10001:10001 Gemfile Gemfile.lock ./"),
        ("php_composer_laravel", "COPY --chown=33:33 composer.json composer.lock ./"),
        ("java_maven", "COPY pom.xml ./"),
        ("elixir_phoenix", "COPY config/ ./config/"),
    ],
)
def test_dependency_manifests_are_installed_before_the_source_is_copied(
    name: str, manifest_copy: str
) -> None:
    plan = plan_for(SAMPLE_FILES[name])
    lines = plan.dockerfile.splitlines()
    install = lines.index(f"RUN {plan.install_command}")
    source = next(
        i for i, line in enumerate(lines) if line.startswith("COPY") and line.endswith(" . .")
    )
    assert lines.index(manifest_copy) < install < source


def test_an_install_hook_copies_the_whole_source_before_installing() -> None:
    files = {
        "package.json": json.dumps(
            {"scripts": {"postinstall": "prisma generate", "start": "node ."}}
        )
    }
    plan = plan_for(files)
    lines = plan.dockerfile.splitlines()
    assert lines.index("COPY --chown=10001:10001 . .") < lines.index("RUN npm install")
    assert any("scripts.postinstall runs on install" in n for n in plan.notes)


def test_a_node_image_sets_node_env_only_after_the_build() -> None:
    lines = plan_for(SAMPLE_FILES["node_pnpm"]).dockerfile.splitlines()
    assert lines.index("RUN pnpm run build") < lines.index("ENV NODE_ENV=production")


def test_the_header_names_the_plan() -> None:
    plan = plan_for({**SAMPLE_FILES["node_pnpm"], ".nvmrc": "20\n"})
    assert plan.dockerfile.startswith("# Generated by Containr: node 20 (from .nvmrc).\n")


def test_a_port_override_changes_only_the_port_lines() -> None:
    files = SAMPLE_FILES["go_root_main_package"]
    default, custom = plan_for(files), plan_for(files, PlanOverrides(port=9000))
    changed = [
        (a, b)
        for a, b in zip(
            default.dockerfile.splitlines(), custom.dockerfile.splitlines(), strict=True
        )
        if a != b
    ]
    assert changed == [("ENV PORT=8080", "ENV PORT=9000"), ("EXPOSE 8080", "EXPOSE 9000")]


@pytest.mark.parametrize(
    ("command", "cmd"),
    [
        ("npm start", '["npm", "start"]'),
        ("/app/server", '["/app/server"]'),
        ("gunicorn a.wsgi --bind 0.0.0.0:$PORT", '["sh", "-c", "exec gunicorn a.wsgi --bind 0.0.0.0:$PORT"]'),
        ("python manage.py migrate && gunicorn a.wsgi", '["sh", "-c", "python manage.py migrate && gunicorn a.wsgi"]'),
        ("NODE_OPTIONS=--max-old-space-size=512 node server.js", '["sh", "-c", "NODE_OPTIONS=--max-old-space-size=512 node server.js"]'),
    ],
)  # fmt: skip
def test_start_commands_use_a_shell_only_when_they_need_one(command: str, cmd: str) -> None:
    assert cmd_arguments(command) == cmd


# --- validating a user's Dockerfile ----------------------------------------------------

GOOD = 'FROM node:20-slim\nUSER 1000\nCMD ["node", "server.js"]\n'

VALIDATION = {
    "empty_file": ("", [(1, "error", "the Dockerfile is empty")]),
    "only_comments": ("# nothing\n\n", [(1, "error", "the Dockerfile has comments but no instructions")]),
    "a_clean_file_has_no_problems": (GOOD, []),
    "first_instruction_not_from": (
        "# build\nRUN echo hi\nFROM node:20\nUSER 1\nCMD x\n",
        [(2, "error", "the first instruction must be FROM, not RUN")],
    ),
    "args_and_directives_may_precede_from": (
        "# syntax=docker/dockerfile:1\n# comment\nARG NODE=20\nFROM node:${NODE}\nUSER 1\nCMD x\n",
        [],
    ),
    "unknown_instruction": (
        "FROM node:20\nUSER 1\nFORM x\nCMD x\n",
        [(3, "error", "unknown instruction 'FORM' (did you mean FROM?)")],
    ),
    "instruction_missing_arguments": ("FROM node:20\nUSER 1\nWORKDIR\nCMD x\n", [(3, "error", "WORKDIR is missing its arguments")]),
    "invalid_expose_ports": (
        "FROM node:20\nUSER 1\nEXPOSE 80 http 70000 3000/tcp 5000-5010/udp $PORT 9/xyz\nCMD x\n",
        [
            (3, "error", "EXPOSE 'http' is not a port like 8080 or 8080/udp"),
            (3, "error", "EXPOSE '70000' is outside the ports 1-65535"),
            (3, "error", "EXPOSE '9/xyz' is not a port like 8080 or 8080/udp"),
        ],
    ),
    "malformed_exec_form_cmd": (
        "FROM node:20\nUSER 1\nCMD ['npm', 'start']\n",
        [(3, "error", 'CMD exec form is not a JSON list of strings; write it as ["a", "b"]')],
    ),
    "malformed_exec_form_entrypoint": (
        'FROM node:20\nUSER 1\nENTRYPOINT ["node", "server.js"\n',
        [(3, "error", 'ENTRYPOINT exec form is not a JSON list of strings; write it as ["a", "b"]')],
    ),
    "malformed_exec_form_run": (
        'FROM node:20\nRUN ["npm", 1]\nRUN [ -f package.json ] && npm ci\nUSER 1\nCMD x\n',
        [(2, "error", 'RUN exec form is not a JSON list of strings; write it as ["a", "b"]')],
    ),
    "continuation_reports_the_line_the_instruction_starts_on": (
        "FROM node:20\nRUN apt-get update \\\n    # a comment inside\n    && apt-get install -y curl \\\n\n    && true\nFORM x \\\n  y\nUSER 1\nCMD x\n",
        [(7, "error", "unknown instruction 'FORM' (did you mean FROM?)")],
    ),
    "continuation_at_end_of_file": (
        "FROM node:20\nUSER 1\nCMD x\nRUN echo \\\n  done \\\n",
        [(5, "error", "the file ends with a line continuation; remove the last backslash")],
    ),
    "escape_directive_changes_the_continuation_character": (
        "# escape=`\nFROM node:20\nRUN echo `\n  hi\nUSER 1\nCMD x\n",
        [],
    ),
    "heredoc_bodies_are_not_instructions": (
        "FROM alpine:3.20\nRUN <<EOF\nset -e\nFORM not an instruction\nEOF\nUSER 1\nCMD x\n",
        [],
    ),
    "no_cmd_or_entrypoint": (
        "FROM node:20 AS build\nCMD x\nFROM node:20\nUSER 1\n",
        [(3, "warning", "the final stage has no CMD or ENTRYPOINT; the base image's command runs")],
    ),
    "untagged_and_latest_base_images": (
        "FROM node AS deps\nFROM ghcr.io/acme/base:latest\nFROM localhost:5000/app\nFROM deps\nFROM scratch\nUSER 1\nCMD x\n",
        [
            (1, "warning", "base image 'node' has no tag; pin a version like node:<x.y>"),
            (2, "warning", "base image 'ghcr.io/acme/base:latest' uses the moving 'latest' tag; pin a version"),
            (3, "warning", "base image 'localhost:5000/app' has no tag; pin a version like localhost:5000/app:<x.y>"),
        ],
    ),
    "digest_pinned_base_image": ("FROM node@sha256:" + "a" * 64 + "\nUSER 1\nCMD x\n", []),
    "add_from_a_url": (
        "FROM node:20\nADD https://example.com/x.tgz /x\nADD --checksum=sha256:abc https://example.com/y.tgz /y\nUSER 1\nCMD x\n",
        [(2, "warning", "ADD downloads a URL without --checksum; the build is not pinned")],
    ),
    "user_root": ("FROM node:20\nUSER root:root\nCMD x\n", [(2, "warning", "USER root: the container runs as root; switch to a numeric non-root uid")]),
    "no_user": ("FROM node:20\nCMD x\n", [(1, "warning", "the final stage sets no USER; the container runs as root")]),
    "user_only_in_an_earlier_stage": (
        "FROM node:20 AS build\nUSER 1000\nFROM node:20\nCMD x\n",
        [(3, "warning", "the final stage sets no USER; the container runs as root")],
    ),
    "copy_from_unknown_stage": (
        "FROM golang:1.23 AS builder\nRUN go build\nFROM debian:12\nCOPY --from=buidler /out /app\nCOPY --from=builder /out /app\nCOPY --from=0 /a /b\nCOPY --from=1 /a /b\nCOPY --from=busybox:1.36 /bin/sh /sh\nUSER 1\nCMD x\n",
        [
            (4, "error", "COPY --from=buidler names no earlier build stage"),
            (7, "error", "COPY --from=1 names no earlier build stage"),
        ],
    ),
    "copy_needs_a_destination": ("FROM node:20\nCOPY package.json\nUSER 1\nCMD x\n", [(2, "error", "COPY needs a source and a destination")]),
    "duplicate_stage_name": (
        "FROM node:20 AS build\nFROM node:20 AS Build\nUSER 1\nCMD x\n",
        [(2, "error", "stage name 'Build' is already used")],
    ),
    "shell_needs_json": ("FROM node:20\nSHELL /bin/bash -c\nUSER 1\nCMD x\n", [(2, "error", 'SHELL must use the JSON form, e.g. ["/bin/bash", "-c"]')]),
    "healthcheck_needs_cmd_or_none": (
        "FROM node:20\nHEALTHCHECK --interval=5s curl -f localhost\nHEALTHCHECK NONE\nUSER 1\nCMD x\n",
        [(2, "error", "HEALTHCHECK needs 'CMD <command>' or 'NONE'")],
    ),
    "lowercase_instructions_are_fine": ("from node:20\nuser 1\ncmd x\n", []),
    "crlf_line_endings": ("FROM node:20\r\nRUN a \\\r\n  b\r\nUSER 1\r\nCMD x\r\n", []),
}  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), VALIDATION.values(), ids=VALIDATION.keys())
def test_dockerfile_validation(text: str, expected: list[tuple[int, Severity, str]]) -> None:
    assert validate_dockerfile(text) == [DockerfileProblem(*p) for p in expected]


def test_check_dockerfile_lists_errors_with_their_line_numbers() -> None:
    text = "FROM node:20\nRUN npm ci\nFORM x\nEXPOSE abc\n"
    with pytest.raises(InvalidValueError) as error:
        check_dockerfile(text)
    assert error.value.field == "dockerfile"
    assert error.value.message == (
        "line 3: unknown instruction 'FORM' (did you mean FROM?); "
        "line 4: EXPOSE 'abc' is not a port like 8080 or 8080/udp"
    )


def test_check_dockerfile_accepts_warnings() -> None:
    check_dockerfile("FROM node\nCMD node server.js\n")
