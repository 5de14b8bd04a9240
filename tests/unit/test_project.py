"""Projects: environments, renames, and the 30-day soft delete."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import InvalidValueError, NameTakenError, RuleViolatedError
from domain.ids import EnvironmentId, OrganizationId, ProjectId
from domain.project import EnvironmentKind, Project, ProjectDeletedError
from tests.unit.given import ACTOR, at, given, replayed, then, types

PROD = EnvironmentId(uuid.uuid4())


def project() -> Project:
    return Project.create(
        ProjectId(uuid.uuid4()),
        OrganizationId(uuid.uuid4()),
        "Shop",
        "shop",
        PROD,
        actor=ACTOR,
        now=at(),
    )


def test_a_new_project_has_its_production_environment() -> None:
    p = project()
    assert types(p) == ["Created"]
    assert p.environment(PROD).kind is EnvironmentKind.PRODUCTION


@pytest.mark.parametrize(
    ("name", "slug", "message"),
    [
        ("", "shop", "must not be empty"),
        ("Shop", "Shop", "not a valid slug"),
        ("Shop", "-shop", "not a valid slug"),
        ("x" * 101, "shop", "at most 100"),
        ("Shop", "a" * 64, "not a valid slug"),
        ("Sh\x00op", "shop", "control characters"),
    ],
)
def test_creation_rejects_bad_names_and_slugs(name: str, slug: str, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        Project.create(
            ProjectId(uuid.uuid4()),
            OrganizationId(uuid.uuid4()),
            name,
            slug,
            PROD,
            actor=ACTOR,
            now=at(),
        )


def test_preview_and_development_environments_can_be_added() -> None:
    p = given(project())
    preview, dev = EnvironmentId(uuid.uuid4()), EnvironmentId(uuid.uuid4())
    p.add_environment(preview, "pr-12", EnvironmentKind.PREVIEW, actor=ACTOR, now=at(1))
    p.add_environment(dev, "dev", EnvironmentKind.DEVELOPMENT, actor=ACTOR, now=at(1))
    assert types(p) == ["EnvironmentAdded", "EnvironmentAdded"]
    assert {e.name for e in p.environments.values()} == {"production", "pr-12", "dev"}


def test_a_second_production_environment_is_refused() -> None:
    p = given(project())
    with pytest.raises(InvalidValueError, match="exactly one production") as error:
        p.add_environment(
            EnvironmentId(uuid.uuid4()), "prod2", EnvironmentKind.PRODUCTION, actor=ACTOR, now=at()
        )
    assert then(p) == []
    assert error.value.field == "kind" and "add a preview or development" in str(error.value)


def test_environment_names_are_unique_in_a_project() -> None:
    p = given(project())
    with pytest.raises(NameTakenError, match="already has an environment 'production'") as error:
        p.add_environment(
            EnvironmentId(uuid.uuid4()),
            "production",
            EnvironmentKind.PREVIEW,
            actor=ACTOR,
            now=at(),
        )
    assert error.value.code == "VALIDATION_FAILED" and error.value.field == "name"
    assert str(error.value).endswith("choose another name")


def test_production_cannot_be_removed_but_others_can() -> None:
    p = project()
    dev = EnvironmentId(uuid.uuid4())
    p.add_environment(dev, "dev", EnvironmentKind.DEVELOPMENT, actor=ACTOR, now=at())
    given(p)
    with pytest.raises(RuleViolatedError, match="production environment cannot be removed"):
        p.remove_environment(PROD, actor=ACTOR, now=at(1))
    p.remove_environment(dev, actor=ACTOR, now=at(1))
    assert types(p) == ["EnvironmentRemoved"]


def test_delete_is_restorable_for_thirty_days() -> None:
    p = given(project())
    p.delete(actor=ACTOR, now=at())
    [deleted] = then(p)
    assert deleted.restorable_until == at(30 * 24 * 60)
    assert p.is_restorable(at(30 * 24 * 60 - 1))
    p.restore(actor=ACTOR, now=at(30 * 24 * 60 - 1))
    assert types(p) == ["Restored"] and not p.is_deleted


def test_restore_after_thirty_days_is_refused() -> None:
    p = project()
    p.delete(actor=ACTOR, now=at())
    given(p)
    with pytest.raises(RuleViolatedError, match="can no longer be restored"):
        p.restore(actor=ACTOR, now=at(30 * 24 * 60))
    assert then(p) == []


def test_a_deleted_project_cannot_change() -> None:
    p = project()
    p.delete(actor=ACTOR, now=at())
    given(p)
    with pytest.raises(ProjectDeletedError):
        p.rename("New", "new", actor=ACTOR, now=at(1))
    with pytest.raises(ProjectDeletedError):
        p.delete(actor=ACTOR, now=at(1))
    with pytest.raises(ProjectDeletedError):
        p.add_environment(
            EnvironmentId(uuid.uuid4()), "dev", EnvironmentKind.DEVELOPMENT, actor=ACTOR, now=at()
        )


def test_restoring_a_live_project_is_refused() -> None:
    p = given(project())
    with pytest.raises(RuleViolatedError, match="is not deleted"):
        p.restore(actor=ACTOR, now=at())


def test_rename_to_the_same_name_records_nothing_and_history_replays() -> None:
    p = project()
    p.rename("Shop", "shop", actor=ACTOR, now=at(1))
    p.rename("Web Shop", "web-shop", actor=ACTOR, now=at(2))
    p.delete(actor=ACTOR, now=at(3))
    copy = replayed(p)
    assert (copy.name, copy.slug, copy.version) == ("Web Shop", "web-shop", 3)
    assert copy.is_deleted and copy.restorable_until is not None
