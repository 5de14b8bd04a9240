"""``python -m adapters.readstore.rebuild_child MODEL``: one model of ``rebuild_many``.

Reads the settings from standard input and writes its reports (progress, then the new
generation or the error) to standard output, one JSON array a line.
"""

from __future__ import annotations

import sys
from typing import Any

import msgspec

from adapters.readstore.host import rebuild_child


def main() -> None:
    """Rebuild the model named on the command line."""
    encoded = sys.stdin.buffer.read()
    out = sys.stdout.buffer

    def report(message: tuple[Any, ...]) -> None:
        out.write(msgspec.json.encode(message) + b"\n")
        out.flush()

    rebuild_child(sys.argv[1], encoded, report)


if __name__ == "__main__":
    main()
