"""The command-line reference, generated from the `containr` command itself.

It walks the Typer application ``interfaces.cli.app`` as it is when the site is built (its
sub-applications too) through Click's introspection: every command, argument and option with
its help text, so the page follows the CLI as it changes. The MkDocs hook renders it at build
time; by hand: ``.venv/bin/python docs/gen/cli_reference.py > cli.md``.
"""

from __future__ import annotations

import enum
import inspect
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from mdtext import cell, code, table, text
from typer.core import TyperArgument, TyperGroup, TyperOption

# Typer (0.29 and later) carries its own copy of Click, so the walk goes through Typer's
# classes and the commands' own context classes, never ``import click``.
Command = Any
Context = Any

INTRO = """# Command-line reference

Generated from the `containr` command itself (`containr --help` and each command's `--help`
say the same). Every command reads its settings from `CONTAINR_*` variables: see
[Settings](settings.md).
"""


def render(app: typer.Typer | None = None) -> str:
    """The reference page for ``app`` (the installed ``interfaces.cli.app`` when none is given)."""
    root = typer.main.get_command(app if app is not None else _the_app())
    context = root.context_class(root, info_name="containr")
    lines = [INTRO]
    overview = [
        (f"[{code(' '.join(path))}](#{anchor(path)})", cell(_summary(command)))
        for path, command, _ in commands(root, context)
        if not isinstance(command, TyperGroup)
    ]
    lines += table(("command", "what it does"), overview)
    for path, command, ctx in commands(root, context):
        lines += _command(path, command, ctx)
    return "\n".join(lines)


def _the_app() -> typer.Typer:
    from interfaces.cli import app  # noqa: PLC0415 - the CLI as it is at build time

    assert isinstance(app, typer.Typer)
    return app


def commands(
    command: Command, ctx: Context, path: tuple[str, ...] = ("containr",)
) -> Iterator[tuple[tuple[str, ...], Command, Context]]:
    """Every visible command and group under ``command``, depth first, in the CLI's order."""
    if len(path) > 1:
        yield path, command, ctx
    if isinstance(command, TyperGroup):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            sub_ctx = sub.context_class(sub, info_name=name, parent=ctx)
            yield from commands(sub, sub_ctx, (*path, name))


def anchor(path: tuple[str, ...]) -> str:
    """The anchor of a command's section: ``containr-events-tail``."""
    return "-".join(path)


def _summary(command: Command) -> str:
    return _paragraphs(command.help or command.short_help or "")[0] if command.help else ""


def _paragraphs(raw: str) -> list[str]:
    """A docstring's paragraphs, each on one line (Click's ``\\b`` markers dropped)."""
    cleaned = inspect.cleandoc(raw).replace("\b", "")
    found = [" ".join(p.split()) for p in cleaned.split("\n\n")]
    return [p for p in found if p] or [""]


def _command(path: tuple[str, ...], command: Command, ctx: Context) -> list[str]:
    lines = [f"## {code(' '.join(path))} {{#{anchor(path)}}}", ""]
    lines += [f"{text(p)}" + "\n" for p in _paragraphs(command.help or "")]
    if isinstance(command, TyperGroup):
        subs = [n for n in command.list_commands(ctx) if not _hidden(command, ctx, n)]
        listed = ", ".join(f"[{code(n)}](#{anchor((*path, n))})" for n in subs)
        return [*lines, f"Commands: {listed}.", ""]
    params = [p for p in command.get_params(ctx) if not _skipped(p)]
    usage = [*path, *(["[OPTIONS]"] if any(isinstance(p, TyperOption) for p in params) else [])]
    usage += [_argument_name(p) for p in params if isinstance(p, TyperArgument)]
    lines += ["```", " ".join(usage), "```", ""]
    rows = [_row(p) for p in params]
    if rows:
        lines += table(("argument or option", "type", "default", "what it does"), rows)
    return lines


def _hidden(group: TyperGroup, ctx: Context, name: str) -> bool:
    sub = group.get_command(ctx, name)
    return sub is None or sub.hidden


def _skipped(param: Any) -> bool:
    return bool(getattr(param, "hidden", False)) or param.name == "help"


def _argument_name(param: Any) -> str:
    name = str(param.metavar or param.name or "").upper()
    return name if param.required else f"[{name}]"


def _row(param: Any) -> tuple[str, str, str, str]:
    if isinstance(param, TyperArgument):
        name = code(_argument_name(param))
    else:
        name = ", ".join(code(o) for o in [*param.opts, *param.secondary_opts])
    return name, _type(param), _default(param), cell(getattr(param, "help", None) or "")


def _type(param: Any) -> str:
    """What a parameter takes, from its annotation: text, number, flag, path, or the choices."""
    if getattr(param, "is_flag", False):
        return "flag"
    descriptor = getattr(param, "type_descriptor", None)
    annotation = _unwrap(getattr(descriptor, "annotation", str))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return " \\| ".join(code(str(m.value)) for m in annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return " \\| ".join(code(str(v)) for v in typing.get_args(annotation))
    names = {int: "number", float: "number", bool: "flag", Path: "path"}
    return names.get(annotation, "text") if isinstance(annotation, type) else "text"


def _unwrap(annotation: Any) -> Any:
    """``X | None`` and ``Optional[X]`` as ``X``; ``Annotated[X, …]`` as ``X``."""
    if typing.get_origin(annotation) is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(rest[0]) if len(rest) == 1 else annotation
    return annotation


def _default(param: Any) -> str:
    value = param.default
    if param.required or value is None or callable(value) or value in ((), False, ""):
        return "—"
    if "Sentinel" in type(value).__name__:  # "no default" markers of newer Clicks
        return "—"
    if isinstance(value, enum.Enum):
        value = value.value
    return code(str(value).lower() if isinstance(value, bool) else str(value))


if __name__ == "__main__":
    sys.stdout.write(render())
