"""Commit statuses and wait for CI in the domain: which reports a deployment's history calls
for, each recorded once; a trigger that waits for the checks; a wait that ends once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from application.processes.providers import Backoff
from domain.commit_checks import CommitChecks
from domain.commit_status import MAX_DESCRIPTION, CommitStatus, describe, reports_for
from domain.errors import InvalidValueError
from domain.triggers import PushTrigger, check_triggers, decide_push
from tests.unit.given import ACTOR, at, given, replayed, then, types

PROD = uuid.uuid4()


def test_a_deployment_that_goes_live_reports_pending_running_success() -> None:
    history = ["queued", "building", "built", "starting", "healthy"]
    assert reports_for(history) == ["pending", "running", "success"]


def test_a_deployment_that_fails_or_is_superseded_ends_with_failure_or_canceled() -> None:
    assert reports_for(["queued", "building", "failed"]) == ["pending", "running", "failure"]
    assert reports_for(["queued", "superseded"]) == ["pending", "canceled"]
    assert reports_for(["queued", "cancelled"]) == ["pending", "canceled"]


def test_nothing_is_reported_after_a_final_report() -> None:
    """A live release that is later rolled back, or replaced, stays a success for its commit."""
    assert reports_for(["queued", "built", "starting", "healthy", "rolled_back"]) == [
        "pending",
        "running",
        "success",
    ]
    assert reports_for(["queued", "healthy", "superseded"]) == ["pending", "success"]


def test_descriptions_fit_the_providers_limit_and_carry_the_reason() -> None:
    long = describe("failure", "the build failed:\n" + "x" * 500)
    assert len(long) == MAX_DESCRIPTION and "\n" not in long and long.endswith("…")
    assert describe("failure", "exit 1") == "Deployment failed: exit 1"


def _status() -> CommitStatus:
    return CommitStatus.follow(
        organization_id=uuid.uuid4(),
        deployment_id=uuid.uuid4(),
        connection_id=uuid.uuid4(),
        repository="acme/shop",
        commit="c0ffee" * 6 + "abcd",
        context="containr/web/production",
        actor=ACTOR,
        now=at(),
    )


def test_each_report_is_recorded_once_and_in_order() -> None:
    status = given(_status())
    assert status.report(1, "pending", "queued", actor=ACTOR, now=at(1))
    assert not status.report(1, "pending", "queued", actor=ACTOR, now=at(2))  # a repeat
    assert not status.report(3, "success", "live", actor=ACTOR, now=at(2))  # not the next
    assert status.report(2, "running", "building", actor=ACTOR, now=at(3))
    assert types(status) == ["Reported", "Reported"]
    assert status.reported == ["pending", "running"]


def test_stopped_reports_record_no_more() -> None:
    status = _status()
    assert status.stop("Bad credentials", actor=ACTOR, now=at(1))
    assert not status.stop("again", actor=ACTOR, now=at(2))
    assert not status.report(1, "pending", "queued", actor=ACTOR, now=at(3))
    rebuilt = replayed(status)
    assert rebuilt.stopped == "Bad credentials" and rebuilt.reported == []


def test_a_trigger_that_waits_for_ci_records_the_commit_as_waiting_for_checks() -> None:
    triggers = (PushTrigger("main", PROD, wait_for_ci=True),)
    [decision] = decide_push(triggers, branch="main", message="fix", paths=(), paths_complete=False)
    assert decision.action == "checks" and "checks pass" in decision.reason
    [skipped] = decide_push(
        triggers, branch="main", message="fix [skip deploy]", paths=(), paths_complete=False
    )
    assert skipped.action == "skip"


def test_wait_for_ci_is_refused_on_a_manual_trigger() -> None:
    with pytest.raises(InvalidValueError) as refused:
        check_triggers((PushTrigger("main", PROD, automatic=False, wait_for_ci=True),))
    assert refused.value.field == "triggers.wait_for_ci"


def _waiting() -> CommitChecks:
    return CommitChecks.wait(
        organization_id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        service_id=uuid.uuid4(),
        environment_id=PROD,
        connection_id=uuid.uuid4(),
        delivery_id=uuid.uuid4(),
        repository="acme/shop",
        branch="main",
        commit="ab" * 20,
        reason="branch matches 'main'; deploys once the checks pass",
        actor=ACTOR,
        now=at(),
    )


def test_a_wait_for_checks_ends_once() -> None:
    checks = given(_waiting())
    deployment = uuid.uuid4()
    assert checks.end("passed", "ci: 3 passed", deployment_id=deployment, actor=ACTOR, now=at(1))
    assert not checks.end("failed", "late", actor=ACTOR, now=at(2))
    [ended] = then(checks)
    assert (ended.outcome, ended.deployment_id) == ("passed", deployment)
    assert not checks.waiting


def test_the_same_delivery_service_and_environment_wait_under_one_id() -> None:
    delivery, service = uuid.uuid4(), uuid.uuid4()
    assert CommitChecks.id_for(delivery, service, PROD) == CommitChecks.id_for(
        delivery, service, PROD
    )
    assert CommitChecks.id_for(delivery, service, PROD) != CommitChecks.id_for(
        uuid.uuid4(), service, PROD
    )


def test_backoff_doubles_up_to_its_cap_and_clears_on_success() -> None:
    backoff = Backoff(first=timedelta(seconds=5), cap=timedelta(seconds=30))
    key, now = uuid.uuid4(), datetime(2026, 1, 1, tzinfo=UTC)
    delays = [backoff.failed(key, now).total_seconds() for _ in range(5)]
    assert delays == [5, 10, 20, 30, 30]
    assert not backoff.due(key, now + timedelta(seconds=29))
    assert backoff.due(key, now + timedelta(seconds=30))
    backoff.clear(key)
    assert backoff.due(key, now) and not backoff.failing(key)
