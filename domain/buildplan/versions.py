"""Turning version files and ranges (``^18``, ``>=3.9,<3.13``, ``~> 1.15``) into image tags."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import InvalidValueError

Triple = tuple[int, int, int]
Interval = tuple[Triple, Triple | None]  # [low, high); None means unbounded
_ZERO: Triple = (0, 0, 0)
_SUFFIX = r"(?:[-+][0-9A-Za-z.+-]+|(?:a|b|rc|alpha|beta)\.?\d*)?"  # "-otp-26", "rc1"
_VERSION = rf"v?(?:\d+|[xX*])(?:\.(?:\d+|[xX*])){{0,2}}{_SUFFIX}"
_COMPARATOR = re.compile(rf"(\^|~>|~=|~|>=|<=|>|<|===|==|=|!=)?({_VERSION})?")
_EXACT = re.compile(rf"^(?:v|===?|=)?\s*(\d+(?:\.\d+){{0,2}}{_SUFFIX})$")
_HYPHEN = re.compile(r"^\s*(\S+)\s+-\s+(\S+)\s*$")
_NUMBERS = re.compile(r"^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?")


@dataclass(frozen=True)
class Language:
    """A runtime's version vocabulary: the release lines it has images for and its default."""

    name: str
    series: tuple[str, ...]
    default: str
    pessimistic_tilde: bool = False  # composer's ``~1.2`` means ``>=1.2 <2``, npm's ``<1.3``
    aliases: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ChosenVersion:
    """The version a plan uses, the file (or default) it came from, and why."""

    version: str
    source: str
    notes: tuple[str, ...]


NODE = Language(
    "node",
    ("18", "20", "22", "24"),
    "22",
    aliases=(
        ("lts/*", "22"),
        ("lts", "22"),
        ("node", "22"),
        ("stable", "22"),
        ("latest", "22"),
        ("current", "22"),
        ("lts/hydrogen", "18"),
        ("lts/iron", "20"),
        ("lts/jod", "22"),
        ("lts/krypton", "24"),
    ),
)
BUN = Language("bun", ("1",), "1", aliases=(("latest", "1"),))
DENO = Language("deno", ("1", "2"), "2")
PYTHON = Language("python", ("3.9", "3.10", "3.11", "3.12", "3.13", "3.14"), "3.12")
GO = Language("go", ("1.21", "1.22", "1.23", "1.24", "1.25"), "1.23")
RUST = Language("rust", ("1",), "1", aliases=(("stable", "1"),))
RUBY = Language("ruby", ("3.1", "3.2", "3.3", "3.4"), "3.3", pessimistic_tilde=True)
PHP = Language("php", ("8.1", "8.2", "8.3", "8.4"), "8.3", pessimistic_tilde=True)
JAVA = Language("java", ("8", "11", "17", "21", "25"), "21")
ELIXIR = Language(
    "elixir", ("1.14", "1.15", "1.16", "1.17", "1.18"), "1.17", pessimistic_tilde=True
)


def resolve(language: Language, raw: str, source: str) -> str:
    """The image tag for a version or range: node ``^18`` → ``18``, ``v20.1.0`` → ``20.1.0``."""
    text = raw.strip()
    alias = dict(language.aliases).get(text.lower())
    if alias is not None:
        return alias
    exact = _EXACT.match(text)
    if exact:
        return exact.group(1)
    try:
        intervals = _parse_range(text, language.pessimistic_tilde)
    except ValueError:
        raise InvalidValueError(
            "source", f"{source}: {raw!r} is not a {language.name} version Containr understands"
        ) from None
    return _pick(language, intervals, raw, source)


def choose_version(language: Language, found: Sequence[tuple[str, str | None]]) -> ChosenVersion:
    """The first version found in precedence order, with notes on those it overrode."""
    present = [(source, raw.strip()) for source, raw in found if raw and raw.strip()]
    if not present:
        note = f"{language.name} {language.default} (default: no version file found)"
        return ChosenVersion(language.default, "default", (note,))
    source, raw = present[0]
    version = resolve(language, raw, source)
    shown = "" if raw == version else f" {raw!r}"
    notes = [f"{language.name} {version} (from {source}{shown})"]
    for other_source, other_raw in present[1:]:
        try:
            other = resolve(language, other_raw, other_source)
        except InvalidValueError:
            other = None
        if other != version:
            notes.append(f"ignored {other_source} {other_raw!r}: {source} comes first")
    return ChosenVersion(version, source, tuple(notes))


def _parse_range(text: str, pessimistic_tilde: bool) -> list[Interval]:
    alternatives = [a for a in re.split(r"\|\|?", text)]
    if not text or any(not a.strip() for a in alternatives):
        raise ValueError(text)
    return [_alternative(a, pessimistic_tilde) for a in alternatives]


def _alternative(text: str, pessimistic_tilde: bool) -> Interval:
    hyphen = _HYPHEN.match(text)
    if hyphen:
        low, _ = _interval(">=", hyphen.group(1), pessimistic_tilde)
        _, high = _interval("<=", hyphen.group(2), pessimistic_tilde)
        return low, high
    low, high = _ZERO, None
    for op, version in _comparators(text):
        lo, hi = _interval(op, version, pessimistic_tilde)
        low = max(low, lo)
        high = hi if high is None else (high if hi is None else min(high, hi))
    return low, high


def _comparators(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    pending = ""
    for token in text.replace(",", " ").split():
        match = _COMPARATOR.fullmatch(token)
        if match is None or not token:
            raise ValueError(token)
        op, version = match.group(1) or "", match.group(2) or ""
        if not version:
            if pending or not op:
                raise ValueError(token)
            pending = op
            continue
        if pending and op:
            raise ValueError(token)
        found.append((pending or op, version))
        pending = ""
    if pending or not found:
        raise ValueError(text)
    return found


def _numbers(version: str) -> tuple[int, ...]:
    match = _NUMBERS.match(version)
    if match is None:
        raise ValueError(version)
    parts: list[int] = []
    for group in match.groups():
        if group is None or not group.isdigit():
            break
        parts.append(int(group))
    return tuple(parts)


def _pad(parts: tuple[int, ...]) -> Triple:
    a, b, c = (*parts, 0, 0, 0)[:3]
    return a, b, c


def _bump(parts: tuple[int, ...], index: int) -> Triple | None:
    if index < 0:
        return None
    return _pad((*parts[:index], parts[index] + 1))


def _interval(op: str, version: str, pessimistic_tilde: bool) -> Interval:
    parts = _numbers(version)
    n = len(parts)
    if op == "~" and pessimistic_tilde:
        op = "~>"
    if n == 0 or op == "!=":  # "*", "x" and exclusions constrain nothing we choose between
        return _ZERO, None
    low: Triple = _pad(parts)
    high: Triple | None = None
    series_end = _bump(parts, n - 1)
    if op in ("", "=", "==", "==="):
        high = series_end
    elif op == ">":
        low = series_end or low
    elif op in ("<", "<="):
        low, high = _ZERO, (_pad(parts) if op == "<" else series_end)
    elif op == "^":
        high = _bump(parts, next((i for i, p in enumerate(parts) if p), n - 1))
    elif op == "~":
        high = _bump(parts, 0 if n == 1 else 1)
    elif op in ("~>", "~="):
        high = _bump(parts, 0 if n == 1 else n - 2)
    return low, high  # ">=" keeps the open top


def _satisfies(series: str, intervals: list[Interval]) -> bool:
    parts = tuple(int(p) for p in series.split("."))
    low, high = _pad(parts), _bump(parts, len(parts) - 1)
    for lo, hi in intervals:
        top = high if hi is None else (hi if high is None else min(hi, high))
        if top is None or max(lo, low) < top:
            return True
    return False


def _pick(language: Language, intervals: list[Interval], raw: str, source: str) -> str:
    def key(series: str) -> tuple[int, ...]:
        return tuple(int(p) for p in series.split("."))

    matching = [s for s in language.series if _satisfies(s, intervals)]
    if language.default in matching:
        return language.default
    newer = [s for s in matching if key(s) > key(language.default)]
    if newer:
        return min(newer, key=key)
    if matching:
        return max(matching, key=key)
    lows = [lo for lo, _ in intervals if lo != _ZERO]
    if lows:
        width = len(language.default.split("."))
        return ".".join(str(p) for p in min(lows)[:width])
    raise InvalidValueError(
        "source", f"{source}: no {language.name} version Containr knows satisfies {raw!r}"
    )
