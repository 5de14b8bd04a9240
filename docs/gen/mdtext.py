"""Small helpers the reference generators share: escaping text for Markdown pages and tables."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)


def text(value: str | None) -> str:
    """Prose from a docstring or a schema description, safe in a Markdown paragraph.

    Backtick code spans are kept as they are (Markdown escapes them); outside them ``<``, ``>``
    and ``&`` become entities, since Python-Markdown passes raw HTML through and a
    description saying ``<service>`` must not turn into a tag.
    """
    if not value:
        return ""
    out: list[str] = []
    last = 0
    for match in _CODE_SPAN.finditer(value):
        out.append(html.escape(value[last : match.start()], quote=False))
        out.append(match.group(0))
        last = match.end()
    out.append(html.escape(value[last:], quote=False))
    return "".join(out)


def cell(value: str | None) -> str:
    """Prose for one table cell: on one line, with ``|`` escaped; a dash when empty."""
    flat = " ".join((value or "").split())
    return text(flat).replace("|", "\\|") or "—"


def code(value: str) -> str:
    """``value`` as an inline code span, whatever backticks it holds."""
    fence = "``" if "`" in value else "`"
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """A Markdown table (no column alignment: aligned cells carry inline styles, which the
    documentation's Content-Security-Policy does not allow)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]
