"""The GraphQL reference, generated from the committed ``schema.graphql``.

Every type, field, argument, default and description of the schema, on one page. The MkDocs
hook (``docs/gen/hooks.py``) renders it at build time; it is never committed. By hand:
``.venv/bin/python docs/gen/graphql_reference.py > graphql.md``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    build_schema,
    get_named_type,
    print_ast,
)
from graphql.utilities.get_default_value_ast import get_default_value_ast
from mdtext import cell, code, table, text

SCHEMA = Path(__file__).resolve().parents[2] / "schema.graphql"
OPERATIONS = (
    ("Query", "Queries", "Read what the read models hold; every row is checked by the read gate."),
    (
        "Mutation",
        "Mutations",
        "Each mutation is one command. Those taking `clientMutationId` are idempotent: "
        "re-sending one with the same id answers the first result and records nothing twice.",
    ),
    (
        "Subscription",
        "Subscriptions",
        "Over WebSocket (`graphql-transport-ws`). `after: <position>` replays what happened "
        "after that log position, then follows live.",
    ),
)
INTRO = """# GraphQL reference

Generated from `schema.graphql`, the schema `containr graphql-schema` prints (CI checks that the
committed file is current). The API answers at `/graphql`: queries and mutations as HTTP
`POST` (JSON `{"query", "variables", "operationName"}`), subscriptions over WebSocket with the
`graphql-transport-ws` protocol. Send a token as `Authorization: Bearer <token>` (over
WebSocket, in the `connection_init` payload). Errors carry `extensions.code`: see
[Error codes](errors.md). In development mode `/graphql` in a browser opens GraphiQL.
"""


def render(schema_text: str | None = None) -> str:
    """The reference page for a schema (``schema.graphql`` when none is given)."""
    schema = build_schema(schema_text if schema_text is not None else SCHEMA.read_text())
    lines = [INTRO]
    for name, title, about in OPERATIONS:
        root = schema.get_type(name)
        if isinstance(root, GraphQLObjectType):
            lines += _operations(root, title, about)
    named = [t for n, t in sorted(schema.type_map.items()) if _documented(n)]
    sections: tuple[tuple[str, type[GraphQLNamedType] | tuple[type, ...]], ...] = (
        ("Object types", GraphQLObjectType),
        ("Interfaces and unions", (GraphQLInterfaceType, GraphQLUnionType)),
        ("Input types", GraphQLInputObjectType),
        ("Enums", GraphQLEnumType),
        ("Scalars", GraphQLScalarType),
    )
    for title, kind in sections:
        chosen = [t for t in named if isinstance(t, kind)]
        if chosen:
            lines += [f"## {title}", ""]
            for named_type in chosen:
                lines += _type(named_type)
    return "\n".join(lines)


def type_names(schema: GraphQLSchema) -> list[str]:
    """The names of the types the page documents (the tests check each is there)."""
    return [n for n in sorted(schema.type_map) if _documented(n)]


def _documented(name: str) -> bool:
    return not name.startswith("__") and name not in {op for op, _, _ in OPERATIONS}


def anchor(type_name: str) -> str:
    """The anchor of a type's section."""
    return type_name


def operation_anchor(root: str, field: str) -> str:
    """The anchor of a query, mutation or subscription field."""
    return f"{root}-{field}"


def _link(graphql_type: GraphQLType) -> str:
    named = get_named_type(graphql_type)
    return f"[{code(str(graphql_type))}](#{anchor(named.name)})"


def _operations(root: GraphQLObjectType, title: str, about: str) -> list[str]:
    lines = [f"## {title} {{#{root.name}}}", "", about, ""]
    for name, field in root.fields.items():
        lines += [f"### {code(name)} {{#{operation_anchor(root.name, name)}}}", ""]
        lines += [f"Returns {_link(field.type)}.", ""]
        if field.description:
            lines += [text(field.description), ""]
        if field.deprecation_reason:
            lines += [f"*Deprecated:* {text(field.deprecation_reason)}", ""]
        if field.args:
            lines += _arguments(field.args.items())
    return lines


def _arguments(args: Iterable[tuple[str, GraphQLArgument]]) -> list[str]:
    rows = [
        (code(name), _link(arg.type), _default(arg), cell(arg.description)) for name, arg in args
    ]
    return table(("argument", "type", "default", "description"), rows)


def _default(value: GraphQLArgument | GraphQLInputField) -> str:
    literal = get_default_value_ast(value)
    return code(print_ast(literal)) if literal is not None else "—"


def _type(named: GraphQLNamedType) -> list[str]:
    lines = [f"### {named.name} {{#{anchor(named.name)}}}", ""]
    if named.description:
        lines += [text(named.description), ""]
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        if named.interfaces:
            lines += ["Implements " + ", ".join(_link(i) for i in named.interfaces) + ".", ""]
        lines += table(
            ("field", "type", "description"),
            [(code(n), _link(f.type), _field_cell(f)) for n, f in named.fields.items()],
        )
    elif isinstance(named, GraphQLUnionType):
        lines += ["One of " + ", ".join(_link(t) for t in named.types) + ".", ""]
    elif isinstance(named, GraphQLInputObjectType):
        lines += table(
            ("field", "type", "default", "description"),
            [
                (code(n), _link(f.type), _default(f), cell(f.description))
                for n, f in named.fields.items()
            ],
        )
    elif isinstance(named, GraphQLEnumType):
        lines += table(
            ("value", "description"),
            [(code(n), cell(v.description)) for n, v in named.values.items()],
        )
    elif isinstance(named, GraphQLScalarType) and named.specified_by_url:
        lines += [f"Specified by <{named.specified_by_url}>.", ""]
    return lines


def _field_cell(field: GraphQLField) -> str:
    parts = [cell(field.description)] if field.description else []
    if field.args:
        args = ", ".join(code(_signature(n, a)) for n, a in field.args.items())
        parts.append(f"Arguments: {args}.")
    if field.deprecation_reason:
        parts.append(f"*Deprecated:* {cell(field.deprecation_reason)}")
    return " ".join(parts) or "—"


def _signature(name: str, arg: GraphQLArgument) -> str:
    literal = get_default_value_ast(arg)
    return f"{name}: {arg.type}" + ("" if literal is None else f" = {print_ast(literal)}")


if __name__ == "__main__":
    sys.stdout.write(render())
