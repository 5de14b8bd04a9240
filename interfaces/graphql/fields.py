"""Declarative GraphQL fields: a query or a mutation is a few lines naming what it reads or
which command it sends; the arguments, their checks and the read gate come from here.

Every ``ID`` argument names an entity, and is resolved through the caller's read gate before
anything else happens: an id of another organisation is refused the same way, whichever
field it is passed to, and a command is only sent about entities the caller can see (the
write gate in the command bus then checks the permission the command needs).
"""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
import strawberry
from strawberry.types import Info
from strawberry.types.field import StrawberryField

from application import commands as c
from application.bus import CommandResult
from application.errors import ApplicationError, DomainError, InvalidValueError, NotFoundError
from application.reads import Reads
from interfaces.graphql.context import GqlContext
from interfaces.graphql.errors import NOT_ARGUMENTS, argument_error, graphql_name
from interfaces.graphql.rows import graphql_hint, plain_input
from interfaces.graphql.types import ctx

CLIENT_MUTATION_ID = (
    "Optional client mutation id: re-sending it returns the first result, records nothing."
)

Loader = Callable[[Reads, UUID], Any]
ENTITIES: dict[str, Loader] = {
    "organization": lambda r, i: r.dashboard.organization(i),
    "project": lambda r, i: r.dashboard.project(i),
    "environment": lambda r, i: r.dashboard.environment(i),
    "service": lambda r, i: r.dashboard.service(i),
    "deployment": lambda r, i: r.dashboard.deployment(i),
    "node": lambda r, i: r.dashboard.node(i),
    "cluster": lambda r, i: r.dashboard.cluster(i),
    "guest": lambda r, i: r.dashboard.guest(i),
    "git_connection": lambda r, i: r.dashboard.git_connection(i),
    "preview": lambda r, i: r.dashboard.preview(i),
    "user": lambda r, i: _one(r.dashboard.users([i]), "user", i),
    "invitation": lambda r, i: r.dashboard.invitation(i),
    "token": lambda r, i: r.dashboard.api_token(i),
    "archive": lambda r, i: r.archive(i),
    "cron_run": lambda r, i: r.dashboard.cron_run(i),
    "snapshot": lambda r, i: r.dashboard.snapshot(i),
    "backup": lambda r, i: r.dashboard.backup(i),
    "backup_destination": lambda r, i: r.dashboard.backup_destination(i),
    "alert_rule": lambda r, i: r.dashboard.alert_rule(i),
    "incident": lambda r, i: r.dashboard.incident(i),
    "silence": lambda r, i: r.dashboard.silence(i),
    "notifier": lambda r, i: r.dashboard.notifier(i),
}
"""How each kind of entity an id can name is read (through the read gate)."""

ID_FIELDS: dict[str, str] = {
    "organization_id": "organization",
    "project_id": "project",
    "environment_id": "environment",
    "service_id": "service",
    "deployment_id": "deployment",
    "node_id": "node",
    "node_ids": "node",
    "cluster_id": "cluster",
    "guest_id": "guest",
    "connection_id": "git_connection",
    "preview_id": "preview",
    "base_environment_id": "environment",
    "user_id": "user",
    "invitation_id": "invitation",
    "token_id": "token",
    "source_archive_id": "archive",
    "snapshot_id": "snapshot",
    "backup_id": "backup",
    "destination_id": "backup_destination",
    "rule_id": "alert_rule",
    "incident_id": "incident",
    "silence_id": "silence",
    "notifier_id": "notifier",
}
"""The entity each id field of a command names. A mutation whose command holds ids in a
field not listed here fails to build: every id passes the read gate."""


def uuid_of(value: object, name: str) -> UUID:
    """A UUID argument, or VALIDATION_FAILED naming the argument."""
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidValueError(name, f"{value!r} is not an id") from None


def entity(reads: Reads, kind: str, value: object, argument: str) -> Any:
    """The row an id argument names, read through the gate (FORBIDDEN, NOT_FOUND naming the
    argument…)."""
    ident = uuid_of(value, argument)
    try:
        return ENTITIES[kind](reads, ident)
    except NotFoundError:
        raise NotFoundError(kind, ident, field=argument) from None


def lookup(kind: str, graphql_type: Any, description: str | None = None) -> StrawberryField:
    """A query for one entity by id: ``project(id: ID!): Project!``."""

    def resolve(info: Info[GqlContext, None], id: strawberry.ID) -> Any:
        return entity(ctx(info).reads, kind, id, "id")

    found: StrawberryField = strawberry.field(
        resolver=resolve, graphql_type=graphql_type, description=description
    )
    return found


# Mutations


@dataclass(frozen=True)
class Arg:
    """A GraphQL argument of a mutation and the command field it fills.

    ``spread``: an input object whose fields fill several command fields (service settings).
    """

    name: str
    field: str
    hint: Any = None
    default: Any = inspect.Parameter.empty
    spread: bool = False
    entity: str | None = None
    """The kind of entity an id argument names (read through the gate before anything)."""


def args(spec: str, command: type[c.Command], inputs: Mapping[type, type]) -> list[Arg]:
    """Arguments from a spec like ``"id=project_id name slug"``: each word is a command field,
    optionally given another argument name; types and defaults come from the command."""
    hints = typing.get_type_hints(command)
    fields = {f.name: f for f in msgspec.structs.fields(command)}
    result = []
    for word in spec.split():
        name, _, field_name = word.partition("=")
        field_name = field_name or name
        hint = graphql_hint(hints[field_name], inputs)
        declared = fields[field_name]
        default: Any = inspect.Parameter.empty
        if declared.default is not msgspec.NODEFAULT:
            default = getattr(declared.default, "value", declared.default)  # enums: their value
            if default is msgspec.UNSET:
                default = None
        elif declared.default_factory is not msgspec.NODEFAULT:
            default = None  # left out: the command's own default
        if default is None and type(None) not in typing.get_args(hint):
            hint = hint | None
        kind = None
        if _holds_ids(hint):
            kind = ID_FIELDS.get(field_name)
            if kind is None:
                raise TypeError(f"{command.__name__}.{field_name}: declare the entity it names")
        result.append(Arg(name, field_name, hint, default, entity=kind))
    return result


def mutation(
    command: type[c.Command],
    spec: str,
    returns: Any,
    *,
    result: Callable[[GqlContext, CommandResult, c.Command], Any] | None = None,
    description: str | None = None,
    inputs: Mapping[type, type] | None = None,
    extra: Sequence[Arg] = (),
    fixed: Mapping[str, Callable[[GqlContext], Any]] | None = None,
    wait: tuple[str, ...] = ("dashboard",),
    idempotent: bool = True,
    derived: Mapping[str, Callable[[GqlContext, dict[str, Any]], Any]] | None = None,
) -> StrawberryField:
    """A mutation that sends one command: its arguments are command fields (``spec``, see
    ``args``) plus ``extra`` ones (e.g. a settings input spread into the command), ``fixed``
    fields come from the caller, not the arguments, and ``derived`` ones from the server's
    reads given the other fields (never from the caller). It answers ``result`` (by default
    True), read after the read models in ``wait`` show the command."""
    arguments = [*args(spec, command, inputs or {}), *extra]
    if idempotent:
        arguments.append(Arg("client_mutation_id", "", str | None, None))

    def resolve(info: Info[GqlContext, None], **values: Any) -> Any:
        context = ctx(info)
        try:
            data = _command_data(context, arguments, values)
            for name, source in (fixed or {}).items():
                data[name] = source(context)
            for name, derive in (derived or {}).items():
                data[name] = derive(context, data)
            sent = c.build_command(command, data)
            outcome = context.execute(sent, values.get("client_mutation_id"), wait)
        except (DomainError, ApplicationError) as error:
            if error.field is None:
                raise
            raise argument_error(error, argument_path(error.field, arguments)) from None
        return True if result is None else result(context, outcome, sent)

    return _field(resolve, arguments, returns, description)


COMMAND_FIELDS = {"command_id": "client_mutation_id"}
"""Fields the command bus names that a mutation takes under another name."""


def argument_path(field: str | None, arguments: Sequence[Arg]) -> str | None:
    """The argument a command field's error is about, as the client wrote it: ``project_id``
    → ``projectId``, ``service_id`` → ``id`` (when the mutation calls it so), ``git.branch``
    → ``settings.git.branch`` (a field of an input spread into the command); None when the
    error names no argument of this mutation. A field that is no argument of its own, of a
    mutation with a spread input, is about that input as a whole (``settings``)."""
    if not field or field in NOT_ARGUMENTS:
        return None
    field = COMMAND_FIELDS.get(field, field)
    head, rest = _split_path(field)
    for argument in arguments:
        named = _camel(argument.name) == head  # named as the client wrote it already
        taken = argument.name == head and not argument.field  # not a command field
        fills = argument.field == head and not argument.spread
        if named or taken or fills:
            return _camel(argument.name) + graphql_name(rest)
    spread = next((a for a in arguments if a.spread), None)
    if spread is None:
        return None
    if head in _input_fields(spread.hint):
        return f"{_camel(spread.name)}.{graphql_name(field)}"
    return _camel(spread.name)


def _input_fields(hint: Any) -> frozenset[str]:
    """The (Python) field names of the input type in ``hint`` (``ServiceInput | None``)."""
    for option in typing.get_args(hint) or (hint,):
        definition = getattr(option, "__strawberry_definition__", None)
        if definition is not None:
            return frozenset(f.python_name for f in definition.fields)
    return frozenset()


def _split_path(field: str) -> tuple[str, str]:
    """``git.branch`` → (``git``, ``.branch``); ``domains[2]`` → (``domains``, ``[2]``)."""
    for index, char in enumerate(field):
        if char in ".[":
            return field[:index], field[index:]
    return field, ""


def _command_data(
    context: GqlContext, arguments: Sequence[Arg], values: Mapping[str, Any]
) -> dict[str, Any]:
    """Command fields from argument values; every id goes through the read gate first."""
    data: dict[str, Any] = {}
    for argument in arguments:
        value = values.get(argument.name)
        if value is None:
            continue
        if argument.spread:
            data.update(plain_input(value))
            continue
        if not argument.field:
            continue  # not a command field (the client mutation id)
        kind = argument.entity
        if kind is not None:
            name = _camel(argument.name)
            ids = value if isinstance(value, list) else [value]
            rows = [entity(context.reads, kind, v, name) for v in ids]
            value = [row_id(r) for r in rows] if isinstance(value, list) else row_id(rows[0])
        data[argument.field] = plain_input(_gated(context, _camel(argument.name), value))
    return data


def _gated(context: GqlContext, name: str, value: Any) -> Any:
    """``value`` once every id field of the input objects in it (``triggers[].environmentId``)
    passed the read gate too, as top-level ids do. Free-form JSON (a variable named
    ``service_id``) is data, not an id: only input objects' declared fields are looked at."""
    if isinstance(value, list):
        for item in value:
            _gated(context, name, item)
    elif hasattr(value, "__strawberry_definition__"):
        for key, item in vars(value).items():
            kind = ID_FIELDS.get(key)
            if kind is not None and isinstance(item, str):
                entity(context.reads, kind, item, f"{name}.{_camel(key)}")
            elif item is not None:
                _gated(context, f"{name}.{_camel(key)}", item)
    return value


def row_id(row: Any) -> UUID:
    """The id of an entity's row."""
    return row.id  # type: ignore[no-any-return]


def _field(
    resolve: Callable[..., Any], arguments: Sequence[Arg], returns: Any, description: str | None
) -> StrawberryField:
    parameters = [
        inspect.Parameter("info", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Info)
    ]
    parameters += [
        inspect.Parameter(
            a.name, inspect.Parameter.KEYWORD_ONLY, default=a.default, annotation=a.hint
        )
        for a in arguments
    ]
    resolve.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
    resolve.__annotations__ = {p.name: p.annotation for p in parameters[1:]} | {"return": returns}
    found: StrawberryField = strawberry.mutation(
        resolver=resolve, graphql_type=returns, description=description
    )
    return found


def _holds_ids(hint: Any) -> bool:
    names = {strawberry.ID}
    return hint in names or any(_holds_ids(a) for a in typing.get_args(hint))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _one(rows: list[Any], kind: str, ident: UUID) -> Any:
    if not rows:
        raise NotFoundError(kind, ident)
    return rows[0]
