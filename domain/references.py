"""Reference variables: ``${{service.VAR}}`` and ``${{shared.VAR}}`` inside a variable's value.

A value is literal text and references, in any number and order
(``postgres://${{db.USER}}:${{db.PASSWORD}}@${{db.HOST}}:5432/app``). ``$${{`` stands for a
literal ``${{``. Parsing, resolving and finding cycles are pure: the application layer
brings the values and says what a reference points to.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from domain.errors import InvalidValueError

SHARED = "shared"
"""The owner that names the environment's shared variables."""

OPEN = "${{"
ESCAPED_OPEN = "$${{"
_REFERENCE = re.compile(r"\$\{\{\s*([A-Za-z0-9][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Reference:
    """A reference to variable ``name`` of service ``owner`` (or of ``shared``)."""

    owner: str
    name: str

    def __str__(self) -> str:
        return f"{self.owner}.{self.name}"


Part = str | Reference
"""A piece of a value: literal text, or a reference."""


def parse(value: str, *, field: str = "values") -> tuple[Part, ...]:
    """The parts of ``value`` (adjacent literal text joined); an opened ``${{`` that is not
    a well-formed reference is refused, naming ``field``."""
    parts: list[Part] = []
    text: list[str] = []
    i = 0
    while i < len(value):
        if value.startswith(ESCAPED_OPEN, i):
            text.append(OPEN)
            i += len(ESCAPED_OPEN)
            continue
        if value.startswith(OPEN, i):
            match = _REFERENCE.match(value, i)
            if match is None:
                raise InvalidValueError(
                    field,
                    f"{value[i : i + 40]!r} is not a reference: write ${{{{service.VARIABLE}}}} "
                    "or ${{shared.VARIABLE}}, or $${{ for a literal ${{",
                )
            if text:
                parts.append("".join(text))
                text = []
            parts.append(Reference(match.group(1), match.group(2)))
            i = match.end()
            continue
        text.append(value[i])
        i += 1
    if text:
        parts.append("".join(text))
    return tuple(parts)


def render(parts: Iterable[Part]) -> str:
    """The value that parses into ``parts`` (literal ``${{`` escaped). Literal text that
    ends in ``$`` right before a reference cannot be written: ``$${{`` is the escape."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, Reference):
            out.append(f"${{{{{part.owner}.{part.name}}}}}")
        else:
            out.append(part.replace(OPEN, ESCAPED_OPEN))
    return "".join(out)


def references_in(parts: Iterable[Part]) -> tuple[Reference, ...]:
    """The distinct references among ``parts``, in the order they first appear."""
    seen: dict[Reference, None] = {}
    for part in parts:
        if isinstance(part, Reference):
            seen.setdefault(part)
    return tuple(seen)


def is_templated(value: str) -> bool:
    """Whether ``value`` holds a reference or an escape (anything to resolve)."""
    return OPEN in value


def resolve(parts: Iterable[Part], lookup: Callable[[Reference], str]) -> str:
    """The value with each reference replaced by what ``lookup`` gives for it."""
    return "".join(lookup(part) if isinstance(part, Reference) else part for part in parts)


Node = TypeVar("Node", bound=Hashable)


def find_cycle(
    starts: Iterable[Node], edges: Callable[[Node], Iterable[Node]]
) -> list[Node] | None:
    """A cycle reachable from ``starts`` (its nodes, first repeated at the end), or None."""
    done: set[Node] = set()
    for start in starts:
        if start in done:
            continue
        path: list[Node] = [start]
        on_path = {start}
        stack = [iter(edges(start))]
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                stack.pop()
                node = path.pop()
                on_path.discard(node)
                done.add(node)
                continue
            if nxt in on_path:
                return [*path[path.index(nxt) :], nxt]
            if nxt in done:
                continue
            path.append(nxt)
            on_path.add(nxt)
            stack.append(iter(edges(nxt)))
    return None
