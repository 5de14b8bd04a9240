"""Backup destinations: their settings' checks, and the events of adding, changing and
removing one (the S3 secret only ever arrives sealed)."""

from __future__ import annotations

import uuid

import pytest

from domain.backup_destination import (
    BackupDestination,
    BackupDestinationRemovedError,
    DestinationKind,
    DestinationPlace,
)
from domain.errors import InvalidValueError
from domain.values import SealedValue
from tests.unit.given import ACTOR, at, given, replayed, then, types

S3 = DestinationPlace(
    kind=DestinationKind.S3,
    endpoint_url="http://minio.local:9000/",
    bucket="team-backups",
    prefix="/containr/prod/",
    access_key_id="AKIAEXAMPLE",
)
SEALED = SealedValue("v1:sealed-secret")


def destination(place: DestinationPlace = S3) -> BackupDestination:
    return BackupDestination.create(
        uuid.uuid4(),
        organization_id=uuid.uuid4(),
        name="Offsite",
        place=place,
        secret_access_key=SEALED if place.kind is DestinationKind.S3 else None,
        actor=ACTOR,
        now=at(),
    )


def test_an_s3_place_is_normalised() -> None:
    checked = S3.checked()
    assert checked.endpoint_url == "http://minio.local:9000"
    assert checked.prefix == "containr/prod"
    assert checked.region == "us-east-1"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"bucket": None}, "bucket"),
        ({"bucket": "UPPER"}, "bucket"),
        ({"bucket": "a..b"}, "bucket"),
        ({"bucket": "ab"}, "bucket"),
        ({"endpoint_url": "s3.example.com"}, "endpoint_url"),
        ({"endpoint_url": "https://k:s@s3.example.com"}, "endpoint_url"),
        ({"endpoint_url": "https://s3.example.com:99999"}, "endpoint_url"),
        ({"region": "EU West"}, "region"),
        ({"prefix": "a/../b"}, "prefix"),
        ({"prefix": "a//b"}, "prefix"),
        ({"access_key_id": None}, "access_key_id"),
        ({"access_key_id": "has space"}, "access_key_id"),
        ({"path": "/srv"}, "path"),
    ],
)
def test_bad_s3_settings_name_their_field(changes: dict[str, object], field: str) -> None:
    values = {
        "kind": S3.kind,
        "endpoint_url": S3.endpoint_url,
        "bucket": S3.bucket,
        "prefix": S3.prefix,
        "access_key_id": S3.access_key_id,
        **changes,
    }
    with pytest.raises(InvalidValueError) as e:
        DestinationPlace(**values).checked()  # type: ignore[arg-type]
    assert e.value.field == field


@pytest.mark.parametrize("path", [None, "", "backups", "/", "/srv/../etc", "/srv/./b", "/a\0b"])
def test_bad_directory_paths_are_refused(path: str | None) -> None:
    with pytest.raises(InvalidValueError) as e:
        DestinationPlace(kind=DestinationKind.DIRECTORY, path=path).checked()
    assert e.value.field == "path"


def test_a_directory_takes_no_s3_settings() -> None:
    with pytest.raises(InvalidValueError):
        DestinationPlace(kind=DestinationKind.DIRECTORY, path="/srv/b", bucket="b-b-b").checked()


def test_creating_records_the_place_and_only_the_sealed_secret() -> None:
    made = destination()
    [created] = then(made)
    assert created.secret_access_key == SEALED
    assert created.bucket == "team-backups"
    assert created.prefix == "containr/prod"


def test_an_s3_destination_needs_its_sealed_secret() -> None:
    with pytest.raises(InvalidValueError) as e:
        BackupDestination.create(
            uuid.uuid4(),
            organization_id=uuid.uuid4(),
            name="Offsite",
            place=S3,
            secret_access_key=None,
            actor=ACTOR,
            now=at(),
        )
    assert e.value.field == "secret_access_key"


def test_a_change_is_recorded_once_and_replays_to_the_same_state() -> None:
    made = given(destination())
    new_place = DestinationPlace(
        kind=DestinationKind.S3,
        bucket="team-backups",
        prefix="other",
        access_key_id="AKIAEXAMPLE",
        endpoint_url="http://minio.local:9000",
    )
    assert made.change(
        name="Offsite", place=new_place, secret_access_key=None, actor=ACTOR, now=at(1)
    )
    assert types(made) == ["Changed"]
    assert made.place.prefix == "other"
    assert made.secret_access_key == SEALED  # kept
    assert not made.change(
        name="Offsite", place=new_place, secret_access_key=None, actor=ACTOR, now=at(2)
    )
    assert types(made) == []


def test_replaying_the_events_gives_the_same_destination() -> None:
    made = destination()
    made.change(
        name="Renamed",
        place=S3,
        secret_access_key=SealedValue("v1:new"),
        actor=ACTOR,
        now=at(1),
    )
    made.remove(actor=ACTOR, now=at(2))
    rebuilt = replayed(made)
    assert (rebuilt.name, rebuilt.secret_access_key, rebuilt.removed) == (
        "Renamed",
        SealedValue("v1:new"),
        True,
    )


def test_a_destination_keeps_its_kind() -> None:
    made = given(destination())
    with pytest.raises(InvalidValueError) as e:
        made.change(
            name="x",
            place=DestinationPlace(kind=DestinationKind.DIRECTORY, path="/srv/b"),
            secret_access_key=None,
            actor=ACTOR,
            now=at(1),
        )
    assert e.value.field == "kind"


def test_a_removed_destination_cannot_change() -> None:
    made = given(destination())
    made.remove(actor=ACTOR, now=at(1))
    with pytest.raises(BackupDestinationRemovedError):
        made.remove(actor=ACTOR, now=at(2))
