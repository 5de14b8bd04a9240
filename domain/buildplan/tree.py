"""A repository as detection sees it: the file listing and the few files that were read."""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from domain.errors import InvalidValueError

_JSONC_TOKENS = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/|,(?=\s*[}\]])', re.DOTALL)
_PROCFILE_LINE = re.compile(r"^([A-Za-z0-9_-]+)\s*:\s*(.*?)\s*$")


def normalise_path(path: str) -> str:
    """A listing path without a leading ``./`` or ``/`` and without a trailing ``/``."""
    while path.startswith("./"):
        path = path[2:]
    return path.strip("/")


@dataclass(frozen=True)
class SourceTree:
    """The files of a service's root directory and the text of those the caller read."""

    files: frozenset[str]
    contents: Mapping[str, str]

    @classmethod
    def of(cls, listing: Collection[str], contents: Mapping[str, str]) -> SourceTree:
        """Build a tree from a listing and contents keyed by the same relative paths."""
        files = frozenset(normalise_path(p) for p in listing if normalise_path(p))
        texts = {normalise_path(k): v for k, v in contents.items()}
        return cls(files, texts)

    def has(self, path: str) -> bool:
        """Whether the file is in the listing."""
        return path in self.files

    def has_any(self, *paths: str) -> bool:
        """Whether any of the files is in the listing."""
        return any(p in self.files for p in paths)

    def first(self, *paths: str) -> str | None:
        """The first of ``paths`` that is in the listing."""
        return next((p for p in paths if p in self.files), None)

    def has_dir(self, directory: str) -> bool:
        """Whether any listed file lies below ``directory``."""
        prefix = directory.rstrip("/") + "/"
        return any(f.startswith(prefix) for f in self.files)

    def under(self, directory: str) -> list[str]:
        """The listed files below ``directory``, sorted."""
        prefix = directory.rstrip("/") + "/" if directory else ""
        return sorted(f for f in self.files if f.startswith(prefix))

    def text(self, path: str) -> str | None:
        """The file's text, or None when it is not listed or was not read."""
        return self.contents.get(path) if path in self.files else None

    def json(self, path: str) -> dict[str, object] | None:
        """The file parsed as JSON (comments and trailing commas allowed), or None."""
        text = self.text(path)
        if text is None:
            return None
        try:
            data = json.loads(_JSONC_TOKENS.sub(_keep_strings, text))
        except json.JSONDecodeError as error:
            raise InvalidValueError("source", f"{path} is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise InvalidValueError("source", f"{path} must hold a JSON object")
        return data

    def toml(self, path: str) -> dict[str, object] | None:
        """The file parsed as TOML, or None."""
        text = self.text(path)
        if text is None:
            return None
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise InvalidValueError("source", f"{path} is not valid TOML: {error}") from None

    def tool_versions(self) -> dict[str, str]:
        """Tool name to version from asdf/mise ``.tool-versions`` (first version per line)."""
        versions: dict[str, str] = {}
        for line in (self.text(".tool-versions") or "").splitlines():
            words = line.split("#", 1)[0].split()
            if len(words) >= 2:
                versions.setdefault(words[0], words[1])
        return versions

    def procfile(self) -> dict[str, str]:
        """Process type to command from a Heroku-style ``Procfile``."""
        processes: dict[str, str] = {}
        for line in (self.text("Procfile") or "").splitlines():
            match = _PROCFILE_LINE.match(line)
            if match and match.group(2) and not line.lstrip().startswith("#"):
                processes.setdefault(match.group(1), match.group(2))
        return processes


def _keep_strings(match: re.Match[str]) -> str:
    token = match.group(0)
    return token if token.startswith('"') else ""


def first_line(text: str | None) -> str | None:
    """The first line of a version file that is neither blank nor a comment."""
    for line in (text or "").splitlines():
        stripped = line.split("#", 1)[0].strip()
        if stripped:
            return stripped
    return None


def dig(data: object, *keys: str) -> object:
    """The value at ``keys`` inside nested mappings, or None when any key is missing."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def string_at(data: object, *keys: str) -> str | None:
    """The string at ``keys`` inside nested mappings, or None."""
    value = dig(data, *keys)
    return value.strip() if isinstance(value, str) and value.strip() else None


def mapping_at(data: object, *keys: str) -> dict[str, object]:
    """The mapping at ``keys`` inside nested mappings, or an empty one."""
    value = dig(data, *keys)
    return {str(k): v for k, v in value.items()} if isinstance(value, dict) else {}
