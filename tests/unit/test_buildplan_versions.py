"""Build plans: which version file wins, and how version ranges become image tags."""

from __future__ import annotations

import json

import pytest

from domain.buildplan.versions import ELIXIR, NODE, PHP, PYTHON, RUBY, Language, resolve
from domain.errors import InvalidValueError
from tests.unit.test_buildplan import plan_for

NODE_BASE = {"package.json": json.dumps({"scripts": {"start": "node ."}})}


def node_with(engines: str | None = None, **files: str) -> dict[str, str]:
    manifest = {"scripts": {"start": "node ."}}
    if engines is not None:
        manifest["engines"] = {"node": engines}
    return {"package.json": json.dumps(manifest), **files}


# Each row: the repository, the version the plan uses, and the file it came from.
PRECEDENCE = {
    "nvmrc_wins_over_package_json_engines": (
        node_with(">=18 <21", **{".nvmrc": "22.3.0\n"}),
        ("22.3.0", ".nvmrc"),
    ),
    "nvmrc_wins_over_node_version": (
        node_with(**{".nvmrc": "v20\n", ".node-version": "18\n"}),
        ("20", ".nvmrc"),
    ),
    "node_version_wins_over_tool_versions": (
        node_with(**{".node-version": "18.19.0", ".tool-versions": "nodejs 20.1.0\n"}),
        ("18.19.0", ".node-version"),
    ),
    "tool_versions_wins_over_engines": (
        node_with("^18", **{".tool-versions": "python 3.12\nnodejs 20.11.1 # pinned\n"}),
        ("20.11.1", ".tool-versions"),
    ),
    "engines_node_range_picks_a_release_line": (node_with(">=18 <21"), ("20", "package.json engines.node")),
    "node_defaults_to_the_current_lts": (node_with(), ("22", "default")),
    "nvmrc_lts_alias": (node_with(**{".nvmrc": "lts/iron\n"}), ("20", ".nvmrc")),
    "bun_package_manager_wins_over_engines_bun": (
        {"package.json": json.dumps({"packageManager": "bun@1.1.8", "engines": {"bun": "1.0.0"}, "main": "a.ts"}), "a.ts": ""},
        ("1.1.8", "package.json packageManager"),
    ),
    "deno_dvmrc_wins_over_tool_versions": (
        {"deno.json": "{}", "main.ts": "", ".dvmrc": "2.1.4\n", ".tool-versions": "deno 1.46.0\n"},
        ("2.1.4", ".dvmrc"),
    ),
    "python_version_file_wins_over_runtime_txt": (
        {"requirements.txt": "", "main.py": "", ".python-version": "3.11.9\n", "runtime.txt": "python-3.10.4\n"},
        ("3.11.9", ".python-version"),
    ),
    "runtime_txt_wins_over_tool_versions": (
        {"requirements.txt": "", "main.py": "", "runtime.txt": "python-3.10.4\n", ".tool-versions": "python 3.13.0\n"},
        ("3.10.4", "runtime.txt"),
    ),
    "tool_versions_wins_over_requires_python": (
        {"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.12"\n', "main.py": "", ".tool-versions": "python 3.11.4 3.10.0\n"},
        ("3.11.4", ".tool-versions"),
    ),
    "requires_python_range_picks_a_release_line": (
        {"pyproject.toml": '[project]\nname = "x"\nrequires-python = ">=3.9,<3.12"\n', "main.py": ""},
        ("3.11", "pyproject.toml project.requires-python"),
    ),
    "python_defaults_to_3_12": ({"requirements.txt": "", "main.py": ""}, ("3.12", "default")),
    "go_toolchain_wins_over_go_directive": (
        {"go.mod": "module x\n\ngo 1.21\n\ntoolchain go1.22.5\n", "main.go": ""},
        ("1.22.5", "go.mod toolchain"),
    ),
    "go_directive": ({"go.mod": "module x\n\ngo 1.22\n", "main.go": ""}, ("1.22", "go.mod go directive")),
    "rust_toolchain_toml_wins_over_rust_version": (
        {"Cargo.toml": '[package]\nname = "a"\nrust-version = "1.70"\n', "src/main.rs": "", "rust-toolchain.toml": '[toolchain]\nchannel = "1.79.0"\n'},
        ("1.79.0", "rust-toolchain.toml"),
    ),
    "plain_rust_toolchain_file_wins_over_rust_version": (
        {"Cargo.toml": '[package]\nname = "a"\nrust-version = "1.70"\n', "src/main.rs": "", "rust-toolchain": "1.78.0\n"},
        ("1.78.0", "rust-toolchain"),
    ),
    "cargo_rust_version": (
        {"Cargo.toml": '[package]\nname = "a"\nrust-version = "1.74"\n', "src/main.rs": ""},
        ("1.74", "Cargo.toml package.rust-version"),
    ),
    "rust_stable_channel_is_the_latest_release": (
        {"Cargo.toml": '[package]\nname = "a"\n', "src/main.rs": "", "rust-toolchain": "stable\n"},
        ("1", "rust-toolchain"),
    ),
    "ruby_version_file_wins_over_gemfile": (
        {"Gemfile": "ruby '3.2.2'\ngem 'rails'\n", ".ruby-version": "ruby-3.3.1\n"},
        ("3.3.1", ".ruby-version"),
    ),
    "gemfile_ruby_wins_over_tool_versions": (
        {"Gemfile": "ruby '~> 3.1.0'\ngem 'rails'\n", ".tool-versions": "ruby 3.3.0\n"},
        ("3.1", "Gemfile ruby"),
    ),
    "ruby_tool_versions": ({"Gemfile": "gem 'rails'\n", ".tool-versions": "ruby 3.2.2\n"}, ("3.2.2", ".tool-versions")),
    "php_composer_require": (
        {"composer.json": json.dumps({"require": {"php": "~8.2.0"}})},
        ("8.2", "composer.json require.php"),
    ),
    "php_composer_alternatives": (
        {"composer.json": json.dumps({"require": {"php": "^7.4 || ^8.0"}})},
        ("8.3", "composer.json require.php"),
    ),
    "java_version_file_wins_over_pom": (
        {"pom.xml": "<maven.compiler.release>17</maven.compiler.release>", ".java-version": "21.0.2\n"},
        ("21", ".java-version"),
    ),
    "pom_release_wins_over_pom_source": (
        {"pom.xml": "<maven.compiler.source>1.8</maven.compiler.source><maven.compiler.release>11</maven.compiler.release>"},
        ("11", "pom.xml maven.compiler.release"),
    ),
    "pom_java_version_property": (
        {"pom.xml": "<properties><java.version>1.8</java.version></properties>"},
        ("8", "pom.xml java.version"),
    ),
    "gradle_toolchain_language_version": (
        {"build.gradle": "java { toolchain { languageVersion = JavaLanguageVersion.of(17) } }\n"},
        ("17", "build.gradle toolchain languageVersion"),
    ),
    "java_defaults_to_21": ({"pom.xml": "<project/>"}, ("21", "default")),
    "elixir_tool_versions_wins_over_mix_exs": (
        {"mix.exs": 'app: :a, elixir: "~> 1.14"', ".tool-versions": "erlang 26.2\nelixir 1.16.2-otp-26\n"},
        ("1.16.2", ".tool-versions"),
    ),
    "mix_exs_elixir_requirement": ({"mix.exs": 'app: :a, elixir: "~> 1.15.0"'}, ("1.15", "mix.exs elixir")),
}  # fmt: skip


@pytest.mark.parametrize(("files", "expected"), PRECEDENCE.values(), ids=PRECEDENCE.keys())
def test_the_documented_version_file_wins(files: dict[str, str], expected: tuple[str, str]) -> None:
    plan = plan_for(files)
    assert (plan.version, plan.version_source) == expected


def test_nvmrc_wins_over_package_json_engines_and_the_loser_is_noted() -> None:
    plan = plan_for(node_with(">=18 <21", **{".nvmrc": "22\n"}))
    assert plan.version == "22"
    assert "node 22 (from .nvmrc)" in plan.notes
    assert "ignored package.json engines.node '>=18 <21': .nvmrc comes first" in plan.notes


def test_agreeing_version_files_are_not_reported_as_ignored() -> None:
    plan = plan_for(node_with("20", **{".nvmrc": "20\n"}))
    assert not any(n.startswith("ignored") for n in plan.notes)


def test_the_version_is_in_the_image_tag() -> None:
    plan = plan_for(node_with(**{".nvmrc": "v20.11.1\n"}))
    assert plan.base_images == ("node:20.11.1-bookworm-slim",)
    assert "FROM node:20.11.1-bookworm-slim\n" in plan.dockerfile


def test_a_rust_nightly_channel_keeps_the_default_image_and_says_rustup_installs_it() -> None:
    files = {"Cargo.toml": '[package]\nname = "a"\n', "src/main.rs": ""}
    plan = plan_for(
        {**files, "rust-toolchain.toml": '[toolchain]\nchannel = "nightly-2024-05-01"\n'}
    )
    assert plan.version == "1"
    assert any("rustup installs it" in n for n in plan.notes)


def test_an_unreadable_version_is_an_error_naming_the_file() -> None:
    with pytest.raises(InvalidValueError) as error:
        plan_for(node_with(**{".nvmrc": "banana\n"}))
    assert error.value.field == "source"
    assert error.value.message == ".nvmrc: 'banana' is not a node version Containr understands"


RANGES: list[tuple[Language, str, str]] = [
    (NODE, "^18", "18"),
    (NODE, "^18.17.0", "18"),
    (NODE, "~20.11.1", "20"),
    (NODE, ">=18 <21", "20"),
    (NODE, ">= 18", "22"),
    (NODE, ">=16", "22"),
    (NODE, "20.x", "20"),
    (NODE, "18 || 20", "20"),
    (NODE, "16 - 18", "18"),
    (NODE, "*", "22"),
    (NODE, "v20.11.1", "20.11.1"),
    (NODE, "20", "20"),
    (NODE, "lts/*", "22"),
    (NODE, "LTS/Hydrogen", "18"),
    (NODE, ">=26", "26"),
    (PYTHON, ">=3.8", "3.12"),
    (PYTHON, ">=3.13", "3.13"),
    (PYTHON, "~=3.10", "3.12"),
    (PYTHON, "~=3.10.2", "3.10"),
    (PYTHON, "==3.11.*", "3.11"),
    (PYTHON, "==3.11.4", "3.11.4"),
    (PYTHON, "^3.9,<3.11", "3.10"),
    (PYTHON, "<=3.11", "3.11"),
    (PYTHON, "3.13.0rc1", "3.13.0rc1"),
    (RUBY, "~> 3.2", "3.3"),
    (RUBY, "~> 3.2.0", "3.2"),
    (RUBY, ">= 3.0, < 3.3", "3.2"),
    (ELIXIR, "~> 1.15", "1.17"),
    (ELIXIR, "~> 1.15.4", "1.15"),
    (PHP, "~8.1", "8.3"),
    (PHP, ">=8.1 <8.3", "8.2"),
    (PHP, "8.2.*", "8.2"),
    (PHP, "^7.4|^8.0", "8.3"),
]


@pytest.mark.parametrize(
    ("language", "raw", "tag"), RANGES, ids=[f"{lang.name} {raw}" for lang, raw, _ in RANGES]
)
def test_version_ranges_become_a_concrete_image_tag(language: Language, raw: str, tag: str) -> None:
    assert resolve(language, raw, "test") == tag


@pytest.mark.parametrize("raw", ["banana", "", ">=", "<14", "1.2.3.4.5", "^"])
def test_nonsense_versions_are_rejected(raw: str) -> None:
    with pytest.raises(InvalidValueError):
        resolve(NODE, raw, ".nvmrc")
