"""Each GraphQL error is coded and logged once: a coded error is one INFO line, an internal
one a traceback with the reference the client was given; neither logs what the client sent."""

from __future__ import annotations

import logging

import pytest
from graphql import GraphQLError, parse

from application import commands as c
from application.errors import InvalidValueError
from interfaces.graphql.errors import coded, graphql_name, without_suggestions
from interfaces.graphql.fields import Arg, args, argument_path
from interfaces.graphql.mutation import INPUTS, REQUIRED_SETTINGS

DOCUMENT = (
    'mutation LogIn { logIn(email: "a@example.com", password: "inline-secret") { accessToken } }'
)


def located(original: Exception | None, message: str = "boom") -> GraphQLError:
    document = parse(DOCUMENT)
    return GraphQLError(
        message,
        nodes=[document.definitions[0]],
        path=["logIn"],
        original_error=original,
    )


def test_a_coded_error_is_one_info_line_without_the_document(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    error = coded(
        located(InvalidValueError("password", "must be at least 12 characters")),
        operation="LogIn",
        variables={"p": "variable-secret"},
    )
    assert error.extensions == {
        "code": "VALIDATION_FAILED",
        "reference": error.extensions["reference"],  # type: ignore[index]
        "argument": "password",
    }
    assert error.message == "password: must be at least 12 characters"
    (record,) = caplog.records
    line = record.getMessage()
    assert record.levelno == logging.INFO and record.exc_info is None
    assert "VALIDATION_FAILED" in line and "LogIn" in line and "logIn" in line
    assert error.extensions["reference"] in line  # type: ignore[index]
    assert "\n" not in line and "secret" not in caplog.text and "must be" not in caplog.text


def test_an_internal_error_is_logged_with_its_traceback_and_reference_and_no_values(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    try:
        raise RuntimeError("the disk is on fire")
    except RuntimeError as e:
        original = e
    error = coded(located(original), operation="LogIn", variables={"password": "variable-secret"})
    reference = error.extensions["reference"]  # type: ignore[index]
    assert error.extensions["code"] == "INTERNAL"  # type: ignore[index]
    assert reference in error.message and "fire" not in error.message
    (record,) = caplog.records
    assert record.levelno == logging.ERROR and record.exc_info is not None
    assert reference in record.getMessage() and "password" in record.getMessage()
    assert "Traceback" in caplog.text and "the disk is on fire" in caplog.text
    assert "variable-secret" not in caplog.text and "inline-secret" not in caplog.text


def test_an_error_is_coded_and_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    once = coded(located(None, "Cannot query field 'x' on type 'Query'."))
    assert coded(once) is once
    assert len(caplog.records) == 1


def test_an_error_raised_with_its_code_keeps_it_and_gets_a_reference() -> None:
    raised = GraphQLError("slow down", extensions={"code": "RATE_LIMITED"})
    error = coded(raised)
    assert error.extensions is not None
    assert error.extensions["code"] == "RATE_LIMITED" and error.extensions["reference"]


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("cron_schedule", "cronSchedule"),
        ("expires_in_days", "expiresInDays"),
        ("health_check.grace_period_seconds", "healthCheck.gracePeriodSeconds"),
        ("git.repository_url", "git.repositoryUrl"),
        ("domains[2]", "domains[2]"),
        ("organizationId", "organizationId"),
        ("DB_PASSWORD", "DB_PASSWORD"),
    ],
)
def test_fields_are_named_as_graphql_spells_them(field: str, name: str) -> None:
    assert graphql_name(field) == name


def test_suggestions_are_cut_from_messages() -> None:
    for message in (
        "Cannot query field 'viewr' on type 'Query'. Did you mean 'viewer'?",
        "Value 'WEBB' does not exist in 'Kind' enum. Did you mean the enum value 'WEB'?",
        "Unknown argument 'frist' on field 'Organization.projects'. Did you mean 'first', 'after', or 'search'?",
    ):
        cut = without_suggestions(GraphQLError(message)).message
        assert "Did you mean" not in cut and cut.endswith(("'Query'.", "enum.", "projects'."))


def at_field(original: Exception) -> GraphQLError:
    """``original`` raised by the logIn field's resolver (located at its field node)."""
    field = parse(DOCUMENT).definitions[0].selection_set.selections[0]  # type: ignore[attr-defined]
    return GraphQLError("x", nodes=[field], path=["logIn"], original_error=original)


def test_an_error_about_an_argument_of_the_field_names_it_in_extensions() -> None:
    error = coded(at_field(InvalidValueError("password", "must be at least 12 characters")))

    assert error.extensions is not None and error.extensions["argument"] == "password"
    assert error.message == "password: must be at least 12 characters"


def test_an_error_about_a_setting_that_is_no_argument_of_the_field_names_none() -> None:
    error = coded(at_field(InvalidValueError("start_command", "must not be blank")))

    assert error.extensions is not None and "argument" not in error.extensions
    assert error.message == "startCommand: must not be blank"


def test_an_error_raised_with_its_argument_keeps_it() -> None:
    raised = GraphQLError(
        "settings.git.branch: branch 'x' does not exist",
        extensions={"code": "VALIDATION_FAILED", "argument": "settings.git.branch"},
    )

    error = coded(raised)

    assert error.extensions is not None
    assert error.extensions["argument"] == "settings.git.branch"
    assert error.extensions["code"] == "VALIDATION_FAILED" and error.extensions["reference"]


@pytest.mark.parametrize(
    ("field", "argument"),
    [
        ("service_id", "id"),
        ("git.branch", "settings.git.branch"),
        ("git.repository_url", "settings.git.repositoryUrl"),
        ("health_check.grace_period_seconds", "settings.healthCheck.gracePeriodSeconds"),
        ("domains[2]", "settings.domains[2]"),
        ("source", "settings"),  # a setting that is no field of its own: the whole input
        ("command_id", "clientMutationId"),
        ("id", "id"),
        ("input", None),
    ],
)
def test_a_command_field_is_named_as_the_mutation_takes_it(
    field: str, argument: str | None
) -> None:
    arguments = [
        *args("id=service_id", c.UpdateService, INPUTS),
        REQUIRED_SETTINGS,
        Arg("client_mutation_id", "", str | None, None),
    ]

    assert argument_path(field, arguments) == argument
