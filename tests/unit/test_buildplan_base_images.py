"""Base-image mapping for air-gapped hosts (issue 18): FROM lines rewritten before a build."""

from __future__ import annotations

import pytest

from domain.buildplan.base_images import (
    check_base_images,
    map_base_images,
    mapped_image,
    parse_base_images,
)
from domain.errors import InvalidValueError

MAPPING = {
    "node:20-bookworm-slim": "registry.internal/node:20",
    "python": "registry.internal/python",
    "alpine:3.19": "registry.internal:5000/base/alpine:3.19",
}


def test_a_plain_from_is_mapped() -> None:
    text = "FROM node:20-bookworm-slim\nRUN npm ci\n"
    assert map_base_images(text, MAPPING) == "FROM registry.internal/node:20\nRUN npm ci\n"


def test_flags_stage_names_and_case_are_kept() -> None:
    text = "from --platform=$BUILDPLATFORM node:20-bookworm-slim   AS build\nRUN make\n"
    assert map_base_images(text, MAPPING) == (
        "from --platform=$BUILDPLATFORM registry.internal/node:20   AS build\nRUN make\n"
    )


def test_a_from_naming_an_earlier_stage_is_not_mapped() -> None:
    mapping = {**MAPPING, "build": "registry.internal/build:1"}
    text = (
        "FROM node:20-bookworm-slim AS build\n"
        "RUN npm run build\n"
        "FROM alpine:3.19\n"
        "COPY --from=build /app /app\n"
        "FROM Build AS again\n"
    )
    assert map_base_images(text, mapping) == (
        "FROM registry.internal/node:20 AS build\n"
        "RUN npm run build\n"
        "FROM registry.internal:5000/base/alpine:3.19\n"
        "COPY --from=build /app /app\n"
        "FROM Build AS again\n"
    )


def test_a_stage_name_only_shadows_later_froms() -> None:
    # ``alpine:3.19`` is not a stage name; a stage named later does not unmap earlier FROMs.
    mapping = {"base": "registry.internal/base:1"}
    text = "FROM base\nFROM busybox AS base\nFROM base\n"
    assert map_base_images(text, mapping) == (
        "FROM registry.internal/base:1\nFROM busybox AS base\nFROM base\n"
    )


def test_a_repository_entry_maps_every_tag_and_digest() -> None:
    digest = "sha256:" + "a" * 64
    assert mapped_image("python:3.12-slim", MAPPING) == "registry.internal/python:3.12-slim"
    assert mapped_image(f"python@{digest}", MAPPING) == f"registry.internal/python@{digest}"
    assert mapped_image("python", MAPPING) == "registry.internal/python"
    assert mapped_image("node:22", MAPPING) is None
    assert mapped_image("ubuntu", MAPPING) is None
    pinned = {"node": "registry.internal/node:20"}
    assert mapped_image("node:18", pinned) == "registry.internal/node:20"


def test_unmapped_lines_heredocs_and_continuations() -> None:
    text = (
        "# syntax=docker/dockerfile:1\n"
        "FROM \\\n"
        "    node:20-bookworm-slim \\\n"
        "    AS deps\n"
        "RUN <<EOF\n"
        "FROM node:20-bookworm-slim\n"
        "EOF\n"
        "FROM ${BASE}\n"
    )
    assert map_base_images(text, MAPPING) == (
        "# syntax=docker/dockerfile:1\n"
        "FROM \\\n"
        "    registry.internal/node:20 \\\n"
        "    AS deps\n"
        "RUN <<EOF\n"
        "FROM node:20-bookworm-slim\n"
        "EOF\n"
        "FROM ${BASE}\n"
    )


def test_no_mapping_changes_nothing() -> None:
    text = "FROM node:20-bookworm-slim\r\nRUN true"
    assert map_base_images(text, {}) == text
    assert map_base_images(text, MAPPING) == "FROM registry.internal/node:20\r\nRUN true"


def test_the_mapping_is_parsed_from_a_setting() -> None:
    assert parse_base_images(
        " node:20-bookworm-slim = registry.internal/node:20 ,\npython=registry.internal/python\n"
    ) == {
        "node:20-bookworm-slim": "registry.internal/node:20",
        "python": "registry.internal/python",
    }
    assert parse_base_images("") == {}


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"Node:20": "registry.internal/node:20"}, "'Node:20' is not an image reference"),
        ({"node:20": "registry internal/node"}, "is not an image reference"),
        ({"node:20": ""}, "is not an image reference"),
        ({"node:20": "node:20"}, "mapped to itself"),
        ({"a": "b", "b": "c"}, "which is mapped again"),
    ],
)
def test_bad_mappings_are_refused(mapping: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidValueError) as refused:
        check_base_images(mapping)
    assert refused.value.field == "base_images"
    assert message in str(refused.value)


@pytest.mark.parametrize("text", ["node:20", "node:20=", "=registry.internal/node", "a=b,a=c"])
def test_bad_settings_are_refused(text: str) -> None:
    with pytest.raises(InvalidValueError):
        parse_base_images(text)
