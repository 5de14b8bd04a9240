"""Promotion of a release's image to another environment, and the fork policy (issue 14)."""

from __future__ import annotations

import uuid

import pytest

from domain.deployment import DeadlinePolicy, Deployment, DeploymentState, DeploymentTrigger
from domain.errors import InvalidValueError
from domain.ids import DeploymentId, OrganizationId, UserId
from domain.organization import Organization
from domain.service_spec import GitSource, ServiceKind, ServiceSpec
from domain.variables import variables_withheld
from tests.unit.given import ACTOR, T0, at

POLICY = DeadlinePolicy()
GIT = ServiceSpec(kind=ServiceKind.WEB, git=GitSource("https://git.example.com/a.git"), port=80)


def promoted(source: uuid.UUID, image: str | None = "containr/web:abc") -> Deployment:
    return Deployment.request(
        DeploymentId(uuid.uuid4()),
        organization_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        service_id=uuid.uuid4(),
        environment_id=uuid.uuid4(),
        trigger=DeploymentTrigger.PROMOTION,
        spec=GIT,
        image=image,
        promoted_from=source,
        policy=POLICY,
        actor=ACTOR,
        now=T0,
    )


def test_a_promotion_of_a_built_service_is_not_built_again() -> None:
    source = uuid.uuid4()
    deployment = promoted(source)
    assert deployment.is_promotion and deployment.reuses_image
    assert deployment.history[0].reason == f"promotion from {source}"
    deployment.record_built(
        "sha256:" + "a" * 64, policy=POLICY, operation_id="x:image", actor=ACTOR, now=at(1)
    )
    assert deployment.state is DeploymentState.BUILT
    assert deployment.image == "sha256:" + "a" * 64
    assert deployment.reason == (
        f"image sha256:{'a' * 64} of release {source} promoted (not rebuilt)"
    )


def test_a_promotion_without_an_image_is_refused() -> None:
    with pytest.raises(InvalidValueError):
        promoted(uuid.uuid4(), image=None)


def test_a_release_of_git_is_built_unless_it_restores_or_promotes() -> None:
    plain = Deployment.request(
        DeploymentId(uuid.uuid4()),
        organization_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        service_id=uuid.uuid4(),
        environment_id=uuid.uuid4(),
        trigger=DeploymentTrigger.MANUAL,
        spec=GIT,
        policy=POLICY,
        actor=ACTOR,
        now=T0,
    )
    assert not plain.reuses_image and not plain.untrusted_source and not plain.is_promotion


def test_releases_requested_before_promotion_read_as_neither_promoted_nor_untrusted() -> None:
    state: dict[str, object] = {"source_archive": None}
    Deployment.Requested.upcast_v2_v3(state)
    assert state == {"source_archive": None, "promoted_from": None, "untrusted_source": False}


@pytest.mark.parametrize(
    ("untrusted", "exposed", "withheld"),
    [(False, False, False), (False, True, False), (True, False, True), (True, True, False)],
)
def test_only_untrusted_code_loses_the_variables_and_only_unless_the_organisation_allows_it(
    untrusted: bool, exposed: bool, withheld: bool
) -> None:
    assert variables_withheld(untrusted_source=untrusted, exposed_to_forks=exposed) is withheld


def test_an_organisation_exposes_no_secrets_to_forks_until_it_says_so() -> None:
    org = Organization.create(
        OrganizationId(uuid.uuid4()), "Acme", "acme", UserId(uuid.uuid4()), actor=ACTOR, now=T0
    )
    assert org.expose_secrets_to_forks is False
    org.set_fork_secrets_policy(False, actor=ACTOR, now=at(1))
    assert [type(e).__name__ for e in org.collect_events()] == ["Created"]  # no change
    org.set_fork_secrets_policy(True, actor=ACTOR, now=at(2))
    assert org.expose_secrets_to_forks is True
    assert [type(e).__name__ for e in org.collect_events()] == ["ForkSecretsPolicyChanged"]


def test_the_audit_log_says_a_promotions_request_is_a_promotion_from_its_source() -> None:
    from interfaces.graphql.naming import _entry_text  # noqa: PLC0415 - the words under test
    from projections.history import AuditRow  # noqa: PLC0415

    source = uuid.uuid4()
    row = AuditRow(
        position=1,
        at=T0,
        actor="user:x",
        action="Deployment.Requested",
        aggregate_type="Deployment",
        aggregate_id=uuid.uuid4(),
        organization_id=None,
        project_id=None,
        scope_id=None,
        summary="deployment requested",
        details={"promoted_from": str(source), "rollback_of": None},
        internal=False,
    )
    assert _entry_text(row, {source: "abc1234"}) == "promotion from abc1234 requested"
    assert _entry_text(row, {}) == "promotion from a release requested"
