"""The error codes page, generated from the codes the API gives (``interfaces.graphql.errors``)
and the HTTP statuses of the ``/auth/*`` endpoints (``interfaces.http.session``).

What each code means and what to do about it is written here, beside the generator; a code
the API gains without a line here shows as undescribed (and the docs tests fail). By hand:
``.venv/bin/python docs/gen/errors_reference.py > errors.md``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from mdtext import cell, code, table

MEANINGS: dict[str, tuple[str, str]] = {
    "UNAUTHENTICATED": (
        "No valid token: none was sent, it expired, it was revoked, or its session ended.",
        "Log in again or refresh the session (`refreshSession`, or `POST /auth/refresh` from the"
        " dashboard); an open subscription ends with it at a logout or revocation.",
    ),
    "FORBIDDEN": (
        "The caller may not do this: their role or the token's scopes do not allow it, or what "
        "they name belongs to another organisation (or is mixed from two).",
        "Ask an admin of the organisation for a role that allows it, or use a token with the "
        "scope it needs (`read`, `deploy`, `write`, `admin`). Sign-up by invitation answers it "
        "without an invitation. With `extensions.reason` `PROVIDER_SIGN_IN_REQUIRED`, the "
        "organisation requires signing in with GitHub or GitLab: sign out and sign in with a "
        "provider.",
    ),
    "NOT_FOUND": (
        "What the request names does not exist (or no longer does).",
        "Check the id; lists such as `viewer.organizations` or a project's `services` give the "
        "current ones.",
    ),
    "CONFLICT": (
        "The request clashes with the current state: a name already taken, a transition the "
        "thing cannot make now, changes that kept conflicting, sealed values that cannot be "
        "opened, or a git provider refusing a connection's token (its reason is given).",
        "Read the message: it names what clashes. Choose another name, or read the current state "
        "and try again.",
    ),
    "VALIDATION_FAILED": (
        "The request is malformed or a value is not acceptable: a bad argument (the message "
        "names it as you wrote it, like `healthCheck.gracePeriodSeconds`), a document over a "
        "limit (depth, aliases, cost, size), or a bad header.",
        "Fix the argument the message names; nothing was changed.",
    ),
    "RATE_LIMITED": (
        "Too many attempts (sign-up, login) or the server is busy hashing passwords.",
        "Wait as long as the message says, then try again; nothing was changed.",
    ),
    "UNAVAILABLE": (
        "A dependency (PostgreSQL, Redis) did not answer in time.",
        "Try again shortly. A mutation that met it may or may not have been recorded: re-send it"
        " with the same arguments and the same `clientMutationId` to learn which (see "
        "[When the database is away](../guides/database-outages.md)).",
    ),
    "INTERNAL": (
        "Something failed inside Containr. The message shows only a reference.",
        "Give the operator the `extensions.reference`: the server's log line about the error "
        "carries it.",
    ),
}

INTRO = """# Error codes

Every error the API answers carries a code in `extensions.code`, and `extensions.reference`,
the id of the server's log line about it (logs never carry the query, variables or secrets).
The message says what went wrong, naming the argument as the client wrote it. The
`/auth/*` endpoints of the dashboard answer `{"error": {"code", "message"}}` with the HTTP
status below. Generated from the codes the API gives.

```json
{"errors": [{"message": "healthCheck.path: an HTTP check needs a path like /health",
             "path": ["updateService"],
             "extensions": {"code": "VALIDATION_FAILED", "reference": "3f2a9c1b7d4e"}}]}
```
"""


def codes() -> Sequence[str]:
    """The codes the API gives, as they are when the site is built."""
    from interfaces.graphql.errors import CODES  # noqa: PLC0415 - the API as it is at build time

    return CODES


def statuses() -> Mapping[str, int]:
    """The HTTP status each code gets on ``/auth/*``."""
    from interfaces.http.session import STATUS  # noqa: PLC0415 - as it is at build time

    return STATUS


def render() -> str:
    """The error codes page."""
    status = statuses()
    rows = []
    for name in codes():
        meaning, remedy = MEANINGS.get(name, ("(not described yet)", ""))
        rows.append((code(name), str(status.get(name, 500)), cell(meaning), cell(remedy)))
    return "\n".join([INTRO, *table(("code", "HTTP (`/auth/*`)", "meaning", "what to do"), rows)])


if __name__ == "__main__":
    sys.stdout.write(render())
