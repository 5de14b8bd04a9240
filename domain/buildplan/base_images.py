"""Base-image mapping for air-gapped hosts (issue 18): every ``FROM`` of a generated or user
Dockerfile that names a mapped image is rewritten to the image it maps to before the build,
e.g. ``node:20-bookworm-slim`` -> ``registry.internal/node:20``.

A ``FROM`` that names an earlier stage of the same file (``FROM build``) is left alone, and
so are its flags (``--platform=...``) and its stage name (``AS name``)."""

from __future__ import annotations

import re
from collections.abc import Mapping

from domain.buildplan.validate import parse_dockerfile
from domain.errors import InvalidValueError

# A Docker image reference: [registry[:port]/]path[:tag][@digest], lower-case path.
_REFERENCE = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?/)?"
    r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
    r"(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$"
)
_MAX_ENTRIES = 500


def check_base_images(mapping: Mapping[str, str]) -> dict[str, str]:
    """The mapping, checked: every key and value an image reference, no key mapped to itself,
    and no value that is itself a key (a chain). Raises InvalidValueError naming the entry."""
    if len(mapping) > _MAX_ENTRIES:
        raise InvalidValueError("base_images", f"at most {_MAX_ENTRIES} entries")
    checked: dict[str, str] = {}
    for raw_source, raw_target in mapping.items():
        source, target = raw_source.strip(), raw_target.strip()
        for name, value in (("image", source), ("replacement", target)):
            if len(value) > 255 or not _REFERENCE.match(value):
                raise InvalidValueError(
                    "base_images",
                    f"{name} {value!r} is not an image reference like node:20-bookworm-slim "
                    "or registry.internal/node:20",
                )
        if source == target:
            raise InvalidValueError("base_images", f"{source!r} is mapped to itself")
        if source in checked:
            raise InvalidValueError("base_images", f"{source!r} is mapped twice")
        checked[source] = target
    for source, target in checked.items():
        if target in checked:
            raise InvalidValueError(
                "base_images",
                f"{source!r} maps to {target!r}, which is mapped again; map it to the last one",
            )
    return checked


def parse_base_images(text: str) -> dict[str, str]:
    """A mapping written ``image=replacement`` separated by commas or new lines, checked."""
    mapping: dict[str, str] = {}
    for raw in re.split(r"[,\n]", text):
        entry = raw.strip()
        if not entry:
            continue
        source, equals, target = entry.partition("=")
        if not equals or not source.strip() or not target.strip():
            raise InvalidValueError(
                "base_images",
                f"{entry!r} is not image=replacement, e.g. "
                "node:20-bookworm-slim=registry.internal/node:20",
            )
        if source.strip() in mapping:
            raise InvalidValueError("base_images", f"{source.strip()!r} is mapped twice")
        mapping[source.strip()] = target.strip()
    return check_base_images(mapping)


def _split_tag(image: str) -> tuple[str, str]:
    """``(repository, rest)`` where rest is ``:tag``, ``@digest``, both, or empty."""
    at = image.find("@")
    head, digest = (image[:at], image[at:]) if at >= 0 else (image, "")
    colon = head.rfind(":")
    if colon > head.rfind("/"):
        return head[:colon], head[colon:] + digest
    return head, digest


def mapped_image(image: str, mapping: Mapping[str, str]) -> str | None:
    """What ``image`` maps to: an exact entry first, then an entry for its repository alone
    (``node`` -> ``registry.internal/node`` maps ``node:20`` to ``registry.internal/node:20``);
    None when nothing maps it."""
    if image in mapping:
        return mapping[image]
    repository, rest = _split_tag(image)
    if rest and repository in mapping:
        target = mapping[repository]
        if _split_tag(target)[1]:
            return target  # the entry pins a tag of its own
        return target + rest
    return None


def map_base_images(dockerfile: str, mapping: Mapping[str, str]) -> str:
    """``dockerfile`` with the image of each ``FROM`` that ``mapping`` maps replaced; stage
    references, flags, stage names and every other line kept byte for byte."""
    if not mapping:
        return dockerfile
    instructions, _ = parse_dockerfile(dockerfile)
    lines = dockerfile.splitlines(keepends=True)
    stages: set[str] = set()
    for instruction in instructions:
        if instruction.name != "FROM":
            continue
        tokens = instruction.arguments.split()
        words = [t for t in tokens if not t.startswith("--")]
        if not words:
            continue
        image = words[0]
        named = len(words) >= 3 and words[1].lower() == "as"
        stage = words[2].lower() if named else None
        target = None if image.lower() in stages else mapped_image(image, mapping)
        if stage is not None:
            stages.add(stage)
        if target is None:
            continue
        _replace_token(lines, instruction.line - 1, image, target)
    return "".join(lines)


def _replace_token(lines: list[str], start: int, token: str, replacement: str) -> None:
    """Replace the first whitespace-bounded ``token`` from line ``start`` on (the instruction
    may continue over lines)."""
    pattern = re.compile(r"(?<=\s)" + re.escape(token) + r"(?=\s|\\|`|$)")
    for index in range(start, len(lines)):
        line = lines[index]
        found = pattern.search(line)
        if found is not None:
            lines[index] = line[: found.start()] + replacement + line[found.end() :]
            return
