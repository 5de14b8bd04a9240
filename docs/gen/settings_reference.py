"""The settings table, generated from ``application/settings.py``.

Its parser table maps each ``CONTAINR_*`` variable to a field of ``Settings``; the default
comes from the field, the meaning from the field's docstring (the string right below it in
the class). The MkDocs hook renders it at build time; by hand:
``.venv/bin/python docs/gen/settings_reference.py > settings.md``.
"""

from __future__ import annotations

import ast
import inspect
import itertools
import sys
from typing import Any

import msgspec
from mdtext import cell, code, table

INTRO = """# Settings

Containr reads its settings once, at start, from `CONTAINR_*` environment variables (no other
module reads the environment). A bad value stops it at start with a message naming the
variable, and so does an unknown `CONTAINR_*` name (a typo never goes unnoticed).
Generated from `application/settings.py`.
"""


def settings_module() -> Any:
    """``application.settings`` as installed (imported here so the page follows its changes)."""
    import application.settings as module  # noqa: PLC0415 - the settings as they are at build time

    return module


def variables(module: Any = None) -> dict[str, str]:
    """Each ``CONTAINR_*`` variable and the ``Settings`` field it sets."""
    module = module or settings_module()
    parsers: dict[str, tuple[str, object]] = module._PARSERS  # the one table
    return {variable: field for variable, (field, _) in parsers.items()}


def field_docs(module: Any = None) -> dict[str, str]:
    """The docstring of each ``Settings`` field (the string literal that follows it)."""
    module = module or settings_module()
    tree = ast.parse(inspect.getsource(module.Settings))
    body = next(n for n in tree.body if isinstance(n, ast.ClassDef)).body
    docs: dict[str, str] = {}
    for statement, following in itertools.pairwise(body):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[statement.target.id] = inspect.cleandoc(following.value.value)
    return docs


def render(module: Any = None) -> str:
    """The settings page: every variable, its default and what it means."""
    module = module or settings_module()
    docs = field_docs(module)
    defaults = {f.name: f.default for f in msgspec.structs.fields(module.Settings)}
    rows = [
        (code(variable), _default(defaults.get(field)), cell(_rst(docs.get(field, ""))))
        for variable, field in sorted(variables(module).items())
    ]
    return "\n".join([INTRO, *table(("variable", "default", "meaning"), rows)])


def _default(value: object) -> str:
    if value is None or value is msgspec.NODEFAULT:
        return "unset"
    if isinstance(value, bool):
        return code("on" if value else "off")
    if value == ():
        return "empty"
    return code(str(value))


def _rst(docstring: str) -> str:
    """Docstrings quote code as ``x`` (reStructuredText); Markdown wants `x`."""
    return docstring.replace("``", "`")


if __name__ == "__main__":
    sys.stdout.write(render())
