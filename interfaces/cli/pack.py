"""What ``containr deploy`` uploads: the directory as a gzip tar, without what ``.gitignore``
and ``.containrignore`` leave out.

The ignore files follow git's rules: one pattern a line, ``#`` comments, ``!`` re-includes,
a trailing ``/`` matches directories only, a pattern with a ``/`` elsewhere is anchored to
the file's directory (otherwise it matches a name at any depth), ``*``, ``?``, ``[…]`` and
``**``; the last matching pattern wins, and nothing inside an ignored directory comes back.
Each directory's ``.gitignore`` applies below it, then its ``.containrignore`` (which may
re-include what git ignores). ``.git`` is never uploaded. The archive is reproducible:
entries sorted, owners and times cleared, so the same files give the same sha256.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import posixpath
import re
import stat
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

IGNORE_FILES = (".gitignore", ".containrignore")
ALWAYS_LEFT_OUT = frozenset({".git", ".containr-link.json"})
FIXED_MTIME = 315532800  # 1980-01-01: some tools refuse older times


class PackError(Exception):
    """Raised when the directory cannot be packed as it is; the message says what to change."""


@dataclass(frozen=True)
class Rule:
    """One pattern of an ignore file, relative to the directory holding the file."""

    base: str
    pattern: re.Pattern[str]
    anchored: bool
    negate: bool
    directory_only: bool

    def matches(self, path: str, is_dir: bool) -> bool:
        """Whether the rule's pattern matches ``path`` (relative to the root, '/' separated)."""
        if self.directory_only and not is_dir:
            return False
        if self.base:
            if not path.startswith(self.base + "/"):
                return False
            path = path[len(self.base) + 1 :]
        if self.anchored:
            return self.pattern.fullmatch(path) is not None
        return self.pattern.fullmatch(path.rsplit("/", 1)[-1]) is not None


def parse_rules(text: str, base: str = "") -> list[Rule]:
    """The rules of one ignore file found in directory ``base``."""
    rules = []
    for raw in text.splitlines():
        line = _strip_trailing_spaces(raw)
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        elif line.startswith("\\"):
            line = line[1:] if line[1:2] in ("#", "!") else line
        directory_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        line = line.lstrip("/")
        rules.append(Rule(base, re.compile(_regex(line)), anchored, negate, directory_only))
    return rules


def _strip_trailing_spaces(line: str) -> str:
    stripped = line.rstrip(" ")
    if stripped.endswith("\\") and len(stripped) < len(line):
        return stripped[:-1] + " "  # an escaped space stays
    return stripped


def _regex(glob: str) -> str:
    """A glob of an ignore file as a regular expression over a '/' separated path."""
    out = []
    i, n = 0, len(glob)
    while i < n:
        char = glob[i]
        if char == "*" and glob[i : i + 2] == "**":
            before = i == 0 or glob[i - 1] == "/"
            after = glob[i + 2 : i + 3]
            if before and after == "/":
                out.append("(?:.*/)?")
                i += 3
                continue
            if before and after == "":
                out.append(".*")
                i += 2
                continue
            out.append("[^/]*")
            i += 2
        elif char == "*":
            out.append("[^/]*")
            i += 1
        elif char == "?":
            out.append("[^/]")
            i += 1
        elif char == "[":
            end = glob.find("]", i + 2 if glob[i + 1 : i + 2] in ("!", "^") else i + 1)
            if end == -1:
                out.append(re.escape(char))
                i += 1
                continue
            inside = glob[i + 1 : end]
            if inside[:1] in ("!", "^"):
                inside = "^" + inside[1:]
            out.append("[" + inside.replace("\\", "\\\\") + "]")
            i = end + 1
        elif char == "\\" and i + 1 < n:
            out.append(re.escape(glob[i + 1]))
            i += 2
        else:
            out.append(re.escape(char))
            i += 1
    return "".join(out)


def ignored(rules: list[Rule], path: str, is_dir: bool) -> bool:
    """Whether the last rule matching ``path`` leaves it out."""
    verdict = False
    for rule in rules:
        if rule.matches(path, is_dir):
            verdict = not rule.negate
    return verdict


@dataclass
class Listing:
    """The entries to upload, and what was left out because it cannot be source."""

    entries: list[str] = field(default_factory=list)
    """Files, directories and links, relative, '/' separated, parents before children."""
    skipped: list[str] = field(default_factory=list)


def list_directory(root: Path) -> Listing:
    """What ``containr deploy`` uploads from ``root`` (PackError for a link out of it)."""
    listing = Listing()
    _walk(root, "", [], listing)
    return listing


def _walk(root: Path, relative: str, rules: list[Rule], listing: Listing) -> None:
    directory = root / relative if relative else root
    rules = rules + _rules_in(directory, relative)
    try:
        names = sorted(os.listdir(directory))
    except OSError as e:
        raise PackError(f"cannot read {relative or '.'}: {e.strerror}") from None
    for name in names:
        path = f"{relative}/{name}" if relative else name
        if name == ".git" or (name in ALWAYS_LEFT_OUT and not relative):
            continue
        info = os.lstat(root / path)
        is_dir = stat.S_ISDIR(info.st_mode)
        if ignored(rules, path, is_dir):
            continue
        if stat.S_ISLNK(info.st_mode):
            _check_link(root, path)
            listing.entries.append(path)
        elif is_dir:
            listing.entries.append(path)
            _walk(root, path, rules, listing)
        elif stat.S_ISREG(info.st_mode):
            listing.entries.append(path)
        else:
            listing.skipped.append(path)  # sockets, pipes, devices: not source


def _rules_in(directory: Path, relative: str) -> list[Rule]:
    rules = []
    for name in IGNORE_FILES:
        file = directory / name
        if file.is_file():
            rules += parse_rules(file.read_text(errors="replace"), relative)
    return rules


def _check_link(root: Path, path: str) -> None:
    target = os.readlink(root / path)
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
    if target.startswith("/") or resolved == ".." or resolved.startswith("../"):
        raise PackError(
            f"{path} is a link to {target}, outside the directory: the server refuses it; "
            "add it to .containrignore or replace it with what it points to"
        )


@dataclass(frozen=True)
class Packed:
    """A packed directory: the archive file, its sha256, size and how many files."""

    path: Path
    digest: str
    size: int
    files: int
    skipped: list[str]


def pack(root: Path, destination: Path | None = None) -> Packed:
    """Pack ``root`` as a reproducible gzip tar (in a temporary file unless given)."""
    listing = list_directory(root)
    if destination is None:
        handle, name = tempfile.mkstemp(prefix="containr-", suffix=".tar.gz")
        os.close(handle)
        destination = Path(name)
    files = 0
    with (
        destination.open("wb") as raw,
        gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0, compresslevel=6) as zipped,
        tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        for entry in listing.entries:
            info = tar.gettarinfo(str(root / entry), arcname=entry)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.mtime = FIXED_MTIME
            executable = info.isdir() or bool(info.mode & 0o111)
            info.mode = 0o755 if executable else 0o644
            if info.isreg():
                files += 1
                with (root / entry).open("rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    digest = hashlib.sha256()
    with destination.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return Packed(
        path=destination,
        digest=digest.hexdigest(),
        size=destination.stat().st_size,
        files=files,
        skipped=listing.skipped,
    )
