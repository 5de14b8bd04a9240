"""The documentation's generated pages (docs/gen): the GraphQL reference covers the whole
schema, the CLI reference every command and option, the settings table every variable, and
the hand-written parts (error codes, runtimes) keep up with the code."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path
from types import ModuleType

import typer
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_schema,
)

from domain.buildplan.plan import Runtime
from interfaces.cli import app
from interfaces.graphql.errors import CODES

ROOT = Path(__file__).resolve().parents[2]
GEN = ROOT / "docs" / "gen"
ROOTS = ("Query", "Mutation", "Subscription")


def generator(name: str) -> ModuleType:
    """A module of docs/gen, imported the way the MkDocs hook imports it."""
    if str(GEN) not in sys.path:
        sys.path.insert(0, str(GEN))
    return importlib.import_module(name)


def sections(page: str) -> dict[str, str]:
    """Each heading's anchor (``{#…}``) and the text up to the next heading."""
    found: dict[str, str] = {}
    for part in re.split(r"^#{2,3} ", page, flags=re.MULTILINE)[1:]:
        heading, _, body = part.partition("\n")
        anchor = re.search(r"\{#([^}]+)\}", heading)
        if anchor:
            found[anchor.group(1)] = body
    return found


def test_the_graphql_reference_documents_every_type_field_and_argument_of_the_schema() -> None:
    reference = generator("graphql_reference")
    schema = build_schema((ROOT / "schema.graphql").read_text())
    page = sections(reference.render())
    missing: list[str] = []
    for name in ROOTS:
        root = schema.get_type(name)
        assert isinstance(root, GraphQLObjectType)
        for field_name, field in root.fields.items():
            body = page.get(f"{name}-{field_name}")
            if body is None:
                missing.append(f"{name}.{field_name}")
                continue
            missing += [
                f"{name}.{field_name}({arg})" for arg in field.args if f"| `{arg}` |" not in body
            ]
    for name in reference.type_names(schema):
        named = schema.get_type(name)
        body = page.get(name)
        if body is None:
            missing.append(name)
        elif isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in named.fields.items():
                row = next(
                    (r for r in body.splitlines() if r.startswith(f"| `{field_name}` |")), ""
                )
                if not row:
                    missing.append(f"{name}.{field_name}")
                missing += [f"{name}.{field_name}({a})" for a in field.args if f"`{a}: " not in row]
        elif isinstance(named, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f in named.fields if f"| `{f}` |" not in body]
        elif isinstance(named, GraphQLEnumType):
            missing += [f"{name}.{v}" for v in named.values if f"| `{v}` |" not in body]
    assert missing == []


def test_the_graphql_reference_shows_descriptions_defaults_deprecations_and_enums() -> None:
    reference = generator("graphql_reference")
    page = reference.render(
        '''
        """What a <pet> is."""
        type Pet { name: String! old: Int @deprecated(reason: "use age") }
        enum Size { SMALL LARGE }
        input PetInput { size: Size! = SMALL, tags: [String!] = ["a"] }
        type Query {
          """Find `<pets>` by size."""
          pets(size: Size = LARGE, first: Int! = 20, input: PetInput): [Pet!]!
        }
        '''
    )
    found = sections(page)
    assert "What a &lt;pet&gt; is." in found["Pet"]
    assert "Find `<pets>` by size." in found["Query-pets"]  # code spans stay as written
    assert "| `size` | [`Size`](#Size) | `LARGE` |" in found["Query-pets"]
    assert "| `first` | [`Int!`](#Int) | `20` |" in found["Query-pets"]
    assert "Returns [`[Pet!]!`](#Pet)." in found["Query-pets"]
    assert "*Deprecated:* use age" in found["Pet"]
    assert "| `SMALL` |" in found["Size"] and "| `LARGE` |" in found["Size"]
    assert '| `tags` | [`[String!]`](#String) | `["a"]` |' in found["PetInput"]


def test_the_cli_reference_documents_every_command_argument_and_option() -> None:
    reference = generator("cli_reference")
    root = typer.main.get_command(app)
    page = sections(reference.render(app))
    context = root.context_class(root, info_name="containr")
    missing: list[str] = []
    commands = list(reference.commands(root, context))
    assert len(commands) >= 10
    for path, command, ctx in commands:
        body = page.get(reference.anchor(path))
        if body is None:
            missing.append(" ".join(path))
            continue
        for param in command.get_params(ctx):
            if param.name == "help" or getattr(param, "hidden", False):
                continue
            names = (
                [*param.opts, *param.secondary_opts] if param.param_type_name == "option" else []
            )
            names = names or [str(param.name).upper()]
            missing += [
                f"{' '.join(path)} {n}"
                for n in names
                if not re.search(rf"`\[?{re.escape(n)}\]?`", body)  # `NAME` or `[NAME]`
            ]
            help_text = getattr(param, "help", None)
            if help_text and " ".join(help_text.split()) not in body:
                missing.append(f"{' '.join(path)} {param.name}: its help")
    assert missing == []


def test_the_cli_reference_follows_the_app_it_is_given() -> None:
    reference = generator("cli_reference")
    app = typer.Typer(help="A tool.")
    sub = typer.Typer(help="Sub-commands.")
    app.add_typer(sub, name="things")

    @app.command("hello")
    def hello(name: str = typer.Argument(..., help="Who to greet")) -> None:
        """Say hello."""

    @sub.command("count")
    def count(
        times: int = typer.Option(3, "--times", "-t", help="How many"),
        loud: bool = typer.Option(False, "--loud/--quiet", help="Shout"),
    ) -> None:
        """Count things.

        Then stop.
        """

    page = reference.render(app)
    found = sections(page)
    assert "| [`containr hello`](#containr-hello) | Say hello. |" in page
    assert "containr hello NAME" in found["containr-hello"]
    assert "| `NAME` | text | — | Who to greet |" in found["containr-hello"]
    assert "| `--times`, `-t` | number | `3` | How many |" in found["containr-things-count"]
    assert "| `--loud`, `--quiet` | flag | — | Shout |" in found["containr-things-count"]
    assert "Then stop." in found["containr-things-count"]
    assert "[`count`](#containr-things-count)" in found["containr-things"]


def test_the_settings_table_gives_every_variable_its_default_and_meaning() -> None:
    reference = generator("settings_reference")
    variables = reference.variables()
    docs = reference.field_docs()
    undocumented = sorted(v for v, field in variables.items() if not docs.get(field))
    assert undocumented == [], "give these Settings fields a docstring (the docs' settings table)"
    page = reference.render()
    for variable in variables:
        assert f"| `{variable}` |" in page
    assert "| `CONTAINR_LOG_LINES_KEPT` | `10000` |" in page
    assert "| `CONTAINR_PROCESSES` | `on` |" in page
    assert "| `CONTAINR_DATABASE_URL` | unset |" in page
    assert "| `CONTAINR_TRUSTED_PROXIES` | empty |" in page


def test_every_error_code_the_api_gives_is_described() -> None:
    reference = generator("errors_reference")
    assert sorted(set(CODES) - set(reference.MEANINGS)) == []
    page = reference.render()
    assert "(not described yet)" not in page
    assert "| `UNAVAILABLE` | 503 |" in page


def test_every_runtime_build_plans_detect_is_described() -> None:
    reference = generator("buildplan_reference")
    described = set(reference.RECOGNISED)
    assert sorted({r.value for r in Runtime} - {"dockerfile"} - described) == []
    table = reference.runtimes()
    assert "(not described yet)" not in table
    assert "| `node` |" in table and "`3000`" in table


def test_prose_escapes_html_outside_code_spans_and_tables_escape_pipes() -> None:
    mdtext = generator("mdtext")
    assert mdtext.text("a <b> & `<c>`") == "a &lt;b&gt; &amp; `<c>`"
    assert mdtext.cell("one\n  two | three") == "one two \\| three"
    assert mdtext.cell(None) == "—"
    assert mdtext.code("a`b") == "``a`b``"


def containr_invocations(markdown: str) -> list[str]:
    """The `containr …` command lines a page shows: in shell blocks and in code spans."""
    found = re.findall(r"`(?:\.venv/bin/)?containr ([^`]+)`", markdown)
    for line in markdown.splitlines():
        command = re.match(r"^\s*(?:\.venv/bin/)?containr (.+)$", line)
        if command:
            found.append(command.group(1).split(" #")[0])
    return [f.strip() for f in found]


def test_every_containr_command_and_option_the_pages_show_exists() -> None:
    """Guides quote commands by hand; when the CLI changes, this names what went stale."""
    root = typer.main.get_command(app)
    unknown: list[str] = []
    pages = sorted((ROOT / "docs").rglob("*.md"))
    assert pages
    for page in pages:
        for invocation in containr_invocations(page.read_text()):
            command, ctx = root, root.context_class(root, info_name="containr")
            words = invocation.replace("…", "").split()
            while words and hasattr(command, "list_commands") and not words[0].startswith("-"):
                sub = command.get_command(ctx, words.pop(0))
                if sub is None:
                    unknown.append(f"{page.name}: containr {invocation}")
                    break
                command, ctx = sub, sub.context_class(sub, info_name="x", parent=ctx)
            else:
                known = {o for p in command.get_params(ctx) for o in (*p.opts, *p.secondary_opts)}
                unknown += [
                    f"{page.name}: containr {invocation} ({w})"
                    for w in words
                    if w.startswith("-") and w.split("=")[0] not in known
                ]
    assert unknown == []
