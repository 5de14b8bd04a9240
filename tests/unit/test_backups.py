"""The Backup, BackupPlan and DatabaseRestore aggregates: given events, when a report, then
these events; and the rules that refuse a restore."""

from __future__ import annotations

import uuid

import pytest

from application.backup_ports import DumpFacts
from application.processes.backups import compare_facts
from domain.backup import Backup, BackupState, BackupTrigger
from domain.backup_plan import BackupPlan
from domain.backup_retention import RetentionPolicy
from domain.database_restore import DatabaseRestore, RestoreInto, RestoreState, check_restorable
from domain.errors import InvalidTransitionError, InvalidValueError, RuleViolatedError
from tests.unit.given import ACTOR, at, given, replayed, types

SERVICE, ENV = uuid.uuid4(), uuid.uuid4()


def requested(engine: str = "postgres", version: str = "15") -> Backup:
    return Backup.request(
        uuid.uuid4(), organization_id=uuid.uuid4(), project_id=uuid.uuid4(), service_id=SERVICE,
        environment_id=ENV, plan_id=None, trigger=BackupTrigger.MANUAL, scheduled_at=None,
        destination_id=uuid.uuid4(), engine=engine, version=version, deadline=at(120),
        actor=ACTOR, now=at(0),
    )  # fmt: skip


def stored(backup: Backup) -> Backup:
    backup.start_dump(actor=ACTOR, now=at(1))
    backup.stored(
        size_bytes=10, sha256="ab" * 32, server_version="15.10", tables={"public.t": 3},
        keys=None, actor=ACTOR, now=at(2),
    )  # fmt: skip
    return backup


def verified(engine: str = "postgres", version: str = "15") -> Backup:
    backup = stored(requested(engine, version))
    backup.start_verification(actor=ACTOR, now=at(3))
    backup.verification_ended(None, actor=ACTOR, now=at(4))
    return given(backup)


def test_a_backup_goes_from_requested_to_verified_and_replays_to_the_same_state() -> None:
    backup = stored(requested())
    backup.start_verification(actor=ACTOR, now=at(3))
    backup.verification_ended(None, actor=ACTOR, now=at(4))
    assert backup.key == f"{SERVICE}/{backup.id}.dump"
    rebuilt = replayed(backup)
    assert rebuilt.state is BackupState.VERIFIED and rebuilt.tables == {"public.t": 3}
    assert rebuilt.engine_version == "15" and rebuilt.sha256 == "ab" * 32


def test_reports_out_of_order_or_repeated_change_nothing() -> None:
    backup = given(requested())
    assert not backup.stored(
        size_bytes=1, sha256="x", server_version="", tables={}, keys=None, actor=ACTOR, now=at(1)
    )
    assert not backup.verification_ended(None, actor=ACTOR, now=at(1))
    assert types(backup) == []
    backup = verified()
    assert not backup.fail("late", actor=ACTOR, now=at(9))
    assert not backup.start_dump(actor=ACTOR, now=at(9))
    assert types(backup) == []


def test_a_dump_begun_again_after_a_crash_counts_its_attempts() -> None:
    backup = given(requested())
    backup.start_dump(actor=ACTOR, now=at(1))
    backup.start_dump(actor=ACTOR, now=at(2))
    assert types(backup) == ["DumpStarted", "DumpStarted"] and backup.dump_attempts == 2


def test_a_failed_check_says_why_and_only_an_ended_backup_is_deleted() -> None:
    backup = stored(requested())
    with pytest.raises(InvalidTransitionError):
        backup.delete("retention", actor=ACTOR, now=at(3))
    backup.start_verification(actor=ACTOR, now=at(3))
    backup.verification_ended("table public.t: 3 rows", actor=ACTOR, now=at(4))
    assert backup.state is BackupState.VERIFICATION_FAILED
    assert backup.delete("retention: old", actor=ACTOR, now=at(5))
    assert not backup.delete("retention: old", actor=ACTOR, now=at(6))
    assert backup.deleted and backup.deleted_reason == "retention: old"


def test_check_restorable_refuses_each_bad_restore() -> None:
    check_restorable(verified(), "postgres", "15", forced=False)
    check_restorable(verified(), "postgres", "16", forced=False)  # a newer major takes it
    with pytest.raises(RuleViolatedError, match="cannot go into mysql"):
        check_restorable(verified(), "mysql", "10.11", forced=False)
    with pytest.raises(RuleViolatedError, match="newer than 15"):
        check_restorable(verified(version="16"), "postgres", "15", forced=False)
    with pytest.raises(RuleViolatedError, match=r"newer than 10\.6"):
        check_restorable(verified("mysql", "10.11"), "mysql", "10.6", forced=False)
    with pytest.raises(RuleViolatedError, match="only a stored and verified backup"):
        check_restorable(stored(requested()), "postgres", "15", forced=True)
    failed = stored(requested())
    failed.start_verification(actor=ACTOR, now=at(3))
    failed.verification_ended("lost rows", actor=ACTOR, now=at(4))
    with pytest.raises(RuleViolatedError, match="failed its restore check"):
        check_restorable(failed, "postgres", "15", forced=False)
    check_restorable(failed, "postgres", "15", forced=True)
    failed.delete("retention: old", actor=ACTOR, now=at(5))
    with pytest.raises(RuleViolatedError, match="was deleted"):
        check_restorable(failed, "postgres", "15", forced=True)


def test_a_restore_is_visible_until_it_ends_once() -> None:
    restore = DatabaseRestore.request(
        uuid.uuid4(), organization_id=uuid.uuid4(), project_id=uuid.uuid4(),
        backup_id=uuid.uuid4(), service_id=SERVICE, environment_id=ENV, into=RestoreInto.SAME,
        forced=False, safety_backup_id=uuid.uuid4(), deadline=at(60), actor=ACTOR, now=at(0),
    )  # fmt: skip
    assert restore.in_progress
    assert not restore.ended(None, actor=ACTOR, now=at(1))  # not begun: cannot be restored
    restore.start(actor=ACTOR, now=at(1))
    assert restore.ended(None, actor=ACTOR, now=at(2))
    assert not restore.ended("late", actor=ACTOR, now=at(3))
    assert replayed(restore).state is RestoreState.RESTORED


def test_a_plan_is_changed_removed_and_set_again() -> None:
    plan = BackupPlan.set_up(
        organization_id=uuid.uuid4(), project_id=uuid.uuid4(), service_id=SERVICE,
        environment_id=ENV, schedule="@daily", timezone=None, destination_id=uuid.uuid4(),
        retention=RetentionPolicy(), enabled=True, actor=ACTOR, now=at(0),
    )  # fmt: skip
    assert plan.id == BackupPlan.id_for(SERVICE, ENV) and plan.since == at(0)
    same = {
        "schedule": "@daily", "timezone": None, "destination_id": plan.destination_id,
        "retention": RetentionPolicy(), "enabled": True, "actor": ACTOR,
    }  # fmt: skip
    given(plan)
    assert not plan.change(**same, now=at(1))  # type: ignore[arg-type]
    plan.remove(actor=ACTOR, now=at(2))
    with pytest.raises(InvalidTransitionError):
        plan.remove(actor=ACTOR, now=at(3))
    assert plan.change(**same, now=at(4))  # type: ignore[arg-type]
    assert plan.active and plan.since == at(4)
    with pytest.raises(InvalidValueError, match="keeps nothing"):
        plan.change(**{**same, "retention": RetentionPolicy(0, 0, 0)}, now=at(5))  # type: ignore[arg-type]


def test_facts_are_compared_table_by_table_or_by_key_count() -> None:
    at_dump = DumpFacts(server_version="15", tables={"public.a": 3, "public.b": 4})
    assert compare_facts(at_dump, at_dump, "postgres") is None
    assert (
        compare_facts(at_dump, DumpFacts(server_version="15", tables={"public.a": 2}), "postgres")
        == "table public.b is missing after the restore; table public.a: 3 rows at dump time, 2 after the restore"
    )
    assert (
        compare_facts(
            DumpFacts(server_version="7", keys=5), DumpFacts(server_version="7", keys=4), "redis"
        )
        == "Redis held 5 keys at dump time; the restored copy holds 4"
    )


def test_mysql_tables_compare_without_their_database_name() -> None:
    """A MySQL dump of ``app`` restored into a scratch database named otherwise."""
    at_dump = DumpFacts(server_version="10.11", tables={"app.visits": 5, "app.users": 2})
    scratch = DumpFacts(server_version="10.11", tables={"containr.visits": 5, "containr.users": 2})
    assert compare_facts(at_dump, scratch, "mysql") is None
    short = DumpFacts(server_version="10.11", tables={"containr.visits": 4})
    assert compare_facts(at_dump, short, "mysql") == (
        "table users is missing after the restore; table visits: 5 rows at dump time, "
        "4 after the restore"
    )
