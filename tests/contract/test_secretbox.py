"""The SecretBox contract, run against the in-memory fake and the real AES-GCM adapter."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest

from adapters.fakes import InMemorySecretBox
from application.errors import SecretUnavailableError
from application.ports import SecretBox
from application.secrets import Secret
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap


@pytest.fixture(
    params=["memory", "aesgcm-sqlite", pytest.param("aesgcm-postgres", marks=pytest.mark.postgres)]
)
def box(request: pytest.FixtureRequest) -> Iterator[SecretBox]:
    if request.param == "memory":
        yield InMemorySecretBox()
        return
    name = "sqlite_settings" if request.param == "aesgcm-sqlite" else "pg_settings"
    settings: Settings = request.getfixturevalue(name)
    services: Services = bootstrap(settings)
    yield services.secrets
    services.close()


ORG = uuid.uuid4()


def test_a_sealed_value_opens_to_the_same_value(box: SecretBox) -> None:
    for text in ["", "s3cret", "ünïcödé ✓", "x" * 10_000]:
        sealed = box.seal(ORG, "ctx", Secret(text))
        assert box.open(ORG, "ctx", sealed).reveal() == text


def test_sealed_values_hide_the_plaintext_and_differ_each_time(box: SecretBox) -> None:
    a, b = box.seal(ORG, "ctx", Secret("same")), box.seal(ORG, "ctx", Secret("same"))
    assert a != b and "same" not in a and a.startswith("v1:")


def test_a_value_does_not_open_in_another_context_or_organisation(box: SecretBox) -> None:
    sealed = box.seal(ORG, "variable:A", Secret("v"))
    with pytest.raises(SecretUnavailableError):
        box.open(ORG, "variable:B", sealed)
    other = uuid.uuid4()
    box.seal(other, "variable:A", Secret("other org has a key too"))
    with pytest.raises(SecretUnavailableError):
        box.open(other, "variable:A", sealed)


def test_destroying_the_key_makes_every_value_unreadable(box: SecretBox) -> None:
    org = uuid.uuid4()
    sealed = [box.seal(org, f"c{i}", Secret(f"v{i}")) for i in range(3)]
    box.destroy_key(org)
    for i, value in enumerate(sealed):
        with pytest.raises(SecretUnavailableError, match="destroyed"):
            box.open(org, f"c{i}", value)
    with pytest.raises(SecretUnavailableError, match="destroyed"):
        box.seal(org, "c", Secret("new"))


def test_destroying_one_organisations_key_leaves_others_readable(box: SecretBox) -> None:
    doomed, kept = uuid.uuid4(), uuid.uuid4()
    box.seal(doomed, "c", Secret("a"))
    sealed = box.seal(kept, "c", Secret("b"))
    box.destroy_key(doomed)
    assert box.open(kept, "c", sealed).reveal() == "b"


def test_concurrent_first_seals_agree_on_one_key(box: SecretBox) -> None:
    org = uuid.uuid4()
    sealed: list[object] = []
    barrier = threading.Barrier(4)

    def seal(i: int) -> None:
        barrier.wait()
        sealed.append((i, box.seal(org, "c", Secret(f"value {i}"))))

    threads = [threading.Thread(target=seal, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, value in sealed:  # type: ignore[misc]
        assert box.open(org, "c", value).reveal() == f"value {i}"


def test_an_organisation_without_a_key_says_so(box: SecretBox) -> None:
    with pytest.raises(SecretUnavailableError):
        box.open(uuid.uuid4(), "c", box.seal(ORG, "c", Secret("x")))


def test_a_file_key_is_the_same_for_an_organisation_and_context_and_differs_otherwise(
    box: SecretBox,
) -> None:
    org, other = uuid.uuid4(), uuid.uuid4()
    key = box.file_key(org, "backup-files")
    assert len(key) == 32
    assert box.file_key(org, "backup-files") == key
    assert box.file_key(org, "other-files") != key
    assert box.file_key(other, "backup-files") != key


def test_a_file_key_dies_with_the_organisations_data_key(box: SecretBox) -> None:
    org = uuid.uuid4()
    box.file_key(org, "backup-files")
    box.destroy_key(org)
    with pytest.raises(SecretUnavailableError, match="destroyed"):
        box.file_key(org, "backup-files")
