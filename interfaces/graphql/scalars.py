"""The schema's DateTime and JSON scalars, stricter than strawberry's defaults."""

from __future__ import annotations

from datetime import UTC, datetime

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition, scalar

MAX_JSON_DEPTH = 16
"""How deeply a JSON input may nest arrays and objects (labels and variables are flat maps)."""


def parse_datetime(value: object) -> datetime:
    """An instant from ISO 8601 text; one without a zone or offset is taken as UTC."""
    if not isinstance(value, str):
        raise StrawberryInputCoercionError(f"DateTime must be ISO 8601 text, not {value!r}")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise StrawberryInputCoercionError(
            f'"{value}" is not an ISO 8601 date and time (for example 2024-05-01T12:00:00Z)'
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def serialize_datetime(value: datetime) -> str:
    """ISO 8601 with an offset, always (a zone-less instant is UTC)."""
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).isoformat()


def nesting_exceeds(value: object, limit: int) -> bool:
    """Whether a JSON value nests objects and lists more than ``limit`` deep (``{}`` is 1)."""
    pending: list[tuple[object, int]] = [(value, 1)]
    while pending:  # iterative: the depth is what is being checked
        item, depth = pending.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, depth + 1) for child in children)
    return False


def parse_json(value: object) -> object:
    """A JSON input, refused when it nests deeper than ``MAX_JSON_DEPTH``."""
    if nesting_exceeds(value, MAX_JSON_DEPTH):
        raise StrawberryInputCoercionError(
            f"JSON nested too deeply (objects and lists at most {MAX_JSON_DEPTH} deep)"
        )
    return value


DATETIME: ScalarDefinition = scalar(
    name="DateTime",
    description=(
        "An instant in ISO 8601 (for example 2024-05-01T12:00:00Z). Answers always carry an "
        "offset; an input without a zone or offset is taken as UTC."
    ),
    serialize=serialize_datetime,
    parse_value=parse_datetime,
)

JSON_VALUE: ScalarDefinition = scalar(
    name="JSON",
    description=(
        "A JSON value (ECMA-404); inputs nest arrays and objects at most "
        f"{MAX_JSON_DEPTH} levels deep."
    ),
    specified_by_url=(
        "https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf"
    ),
    serialize=lambda v: v,
    parse_value=parse_json,
)

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {datetime: DATETIME, JSON: JSON_VALUE}
