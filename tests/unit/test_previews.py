"""Preview environments' pure policy: which services a pull request touches, the limit, the
time to live and the disk guard; and the Preview aggregate's life (issue 14)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidValueError, RuleViolatedError
from domain.ids import Actor
from domain.preview import (
    DiskSpace,
    Preview,
    PreviewPolicy,
    PreviewState,
    PullRequestInfo,
    ServiceSource,
    WhenFull,
    disk_too_low,
    environment_name,
    evictions,
    number_of,
    touched_services,
)

ACTOR = Actor("system:test")
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
GB = 1024**3
API, WEB, DOCS = (
    ServiceSource(uuid.uuid4(), "api"),
    ServiceSource(uuid.uuid4(), "web"),
    ServiceSource(uuid.uuid4(), "", ("docs/**",)),
)
ROOT = ServiceSource(uuid.uuid4(), "")


def ids(found: list[ServiceSource]) -> list[uuid.UUID]:
    return [s.service_id for s in found]


def test_a_pull_request_touches_the_services_whose_root_holds_a_changed_file() -> None:
    touched = touched_services([API, WEB, DOCS], ("api/main.py", "README.md"))
    assert ids(touched) == [API.service_id]


def test_watch_paths_decide_over_the_root_directory() -> None:
    assert ids(touched_services([DOCS], ("docs/guide/intro.md",))) == [DOCS.service_id]
    assert touched_services([DOCS], ("src/app.py",)) == []


def test_a_service_at_the_repository_root_is_touched_by_any_change_but_not_by_none() -> None:
    assert ids(touched_services([ROOT], ("anything.txt",))) == [ROOT.service_id]
    assert touched_services([ROOT], ()) == []


def test_unknown_changed_files_touch_every_service() -> None:
    assert ids(touched_services([API, WEB], None)) == [API.service_id, WEB.service_id]


def test_a_root_directory_is_not_a_prefix_of_a_longer_name() -> None:
    assert touched_services([API], ("apiary/x.py",)) == []


def previews(n: int) -> list[tuple[uuid.UUID, datetime]]:
    return [(uuid.uuid4(), NOW + timedelta(hours=i)) for i in range(n)]


def test_under_the_limit_nothing_is_removed() -> None:
    assert evictions(previews(2), 3, WhenFull.REMOVE_OLDEST) == []


def test_at_the_limit_the_oldest_make_way() -> None:
    active = previews(4)
    shuffled = [active[2], active[0], active[3], active[1]]
    assert evictions(shuffled, 3, WhenFull.REMOVE_OLDEST) == [active[0][0], active[1][0]]


def test_at_the_limit_refuse_new_refuses() -> None:
    assert evictions(previews(3), 3, WhenFull.REFUSE_NEW) is None
    assert evictions(previews(2), 3, WhenFull.REFUSE_NEW) == []


def test_the_disk_guard_in_gigabytes_and_percent() -> None:
    disk = DiskSpace(free_bytes=5 * GB, total_bytes=100 * GB)
    assert disk_too_low(PreviewPolicy(), disk) is None
    assert disk_too_low(PreviewPolicy(min_free_disk_gb=4), disk) is None
    assert "5.0 GB free, under the 10 GB guard" in str(
        disk_too_low(PreviewPolicy(min_free_disk_gb=10), disk)
    )
    assert "5.0% disk free" in str(disk_too_low(PreviewPolicy(min_free_disk_percent=6), disk))
    assert disk_too_low(PreviewPolicy(min_free_disk_percent=5), disk) is None


def test_the_disk_guard_refuses_when_the_free_disk_is_unknown() -> None:
    assert "could not be measured" in str(disk_too_low(PreviewPolicy(min_free_disk_gb=1), None))
    assert disk_too_low(PreviewPolicy(), None) is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ttl_days": 0}, "ttl_days"),
        ({"limit": 0}, "limit"),
        ({"min_free_disk_percent": 101}, "min_free_disk_percent"),
        ({"min_free_disk_gb": -1}, "min_free_disk_gb"),
    ],
)
def test_a_policy_out_of_bounds_is_refused(changes: dict[str, float], field: str) -> None:
    with pytest.raises(InvalidValueError) as caught:
        PreviewPolicy(**changes).check()  # type: ignore[arg-type]
    assert caught.value.field == field


def test_environment_names_carry_the_pull_request_number() -> None:
    assert environment_name(12) == "pr-12"
    assert number_of("pr-12") == 12
    assert number_of("production") is None
    assert number_of("pr-12a") is None


def info(commit: str = "a" * 40) -> PullRequestInfo:
    return PullRequestInfo(
        repository="acme/shop",
        number=7,
        title="Add a cart",
        head_branch="feature/cart",
        base_branch="main",
        head_commit=commit,
    )


def opened() -> Preview:
    project = uuid.uuid4()
    return Preview.open(
        organization_id=uuid.uuid4(),
        project_id=project,
        connection_id=uuid.uuid4(),
        pull_request=info(),
        environment_id=uuid.uuid4(),
        reason="",
        actor=ACTOR,
        now=NOW,
    )


def test_the_time_to_live_counts_from_the_last_push() -> None:
    preview = opened()
    assert preview.expires_at(3) == NOW + timedelta(days=3)
    preview.update(info("b" * 40), (), (), actor=ACTOR, now=NOW + timedelta(days=2))
    assert preview.expires_at(3) == NOW + timedelta(days=5)


def test_a_preview_is_removed_once_and_reopened_with_a_new_generation() -> None:
    preview = opened()
    assert preview.start_removal("closed", actor=ACTOR, now=NOW)
    assert not preview.start_removal("closed", actor=ACTOR, now=NOW)
    with pytest.raises(RuleViolatedError):
        preview.update(info(), (), (), actor=ACTOR, now=NOW)
    assert preview.record_removed((), (), actor=ACTOR, now=NOW)
    assert not preview.record_removed((), (), actor=ACTOR, now=NOW)
    assert preview.state is PreviewState.REMOVED
    later = NOW + timedelta(days=1)
    preview.reopen(info(), uuid.uuid4(), "", (), (), (), actor=ACTOR, now=later)
    assert (preview.state, preview.generation, preview.opened_at) == (PreviewState.ACTIVE, 2, later)


def test_a_comment_is_asked_for_and_recorded_once() -> None:
    preview = opened()
    preview.tell("op-1", "hello", actor=ACTOR, now=NOW)
    preview.tell("op-1", "hello", actor=ACTOR, now=NOW)
    assert list(preview.comments) == ["op-1"]
    assert preview.record_comment("op-1", True, "", actor=ACTOR, now=NOW)
    assert not preview.record_comment("op-1", True, "", actor=ACTOR, now=NOW)
    assert len(preview.collect_events()) == 3
