"""Backup destinations over GraphQL (the API in this process, on PostgreSQL, with moto as the
S3 peer): a destination is saved only after a test write through its store; wrong
credentials, a missing bucket, an unreachable endpoint or an unwritable directory are coded
errors naming the setting, and record nothing; the secret is never returned, logged or
stored in clear; other organisations and non-admins are refused."""

from __future__ import annotations

import logging
import stat
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from application import commands as c
from application.backup_ports import BackupStoreError
from application.bus import Context
from application.services import Services
from application.settings import Settings
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.e2e.client import Client, GraphQLError
from tests.s3_server import S3Server

pytestmark = pytest.mark.postgres

FIELDS = "id name kind path endpointUrl region bucket prefix accessKeyId"
CREATE_S3 = f"""mutation($o: ID!, $e: String, $b: String!, $k: String!, $s: String!,
  $p: String) {{ createBackupDestination(organizationId: $o, name: "Offsite", kind: "s3",
  endpointUrl: $e, bucket: $b, prefix: $p, accessKeyId: $k, secretAccessKey: $s) {{ {FIELDS} }} }}"""
CREATE_DIRECTORY = f"""mutation($o: ID!, $path: String!) {{ createBackupDestination(
  organizationId: $o, name: "Node disk", kind: "directory", path: $path) {{ {FIELDS} }} }}"""
UPDATE = f"""mutation($d: ID!, $p: String, $s: String, $b: String, $n: String) {{
  updateBackupDestination(id: $d, prefix: $p, secretAccessKey: $s, bucket: $b, name: $n)
  {{ {FIELDS} }} }}"""
LIST = f"query($o: ID!) {{ backupDestinations(organizationId: $o) {{ {FIELDS} }} }}"
TEST = """mutation($d: ID!) { testBackupDestination(id: $d) { ok reason unavailable
  destination { name } } }"""
REMOVE = "mutation($d: ID!) { removeBackupDestination(id: $d) }"


@dataclass
class Api:
    app: Services
    settings: Settings
    owner: Client
    member: Client
    outsider: Client
    org: str
    outsider_org: str
    s3: S3Server
    bucket: str

    def s3_vars(self, **changes: Any) -> dict[str, Any]:
        values = {
            "o": self.org,
            "e": self.s3.endpoint_url,
            "b": self.bucket,
            "k": self.s3.access_key_id,
            "s": self.s3.secret_access_key,
            "p": "containr/backups",
        }
        values.update(changes)
        return values

    def listed(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.owner(LIST, o=self.org)["backupDestinations"]
        return found

    def raw_events(self) -> bytes:
        schema = self.settings.database_schema
        assert self.settings.database_url is not None
        with psycopg.connect(self.settings.database_url) as conn:
            rows = conn.execute(f'SELECT topic, state FROM "{schema}".containr_events').fetchall()
        return b"".join(topic.encode() + bytes(state) for topic, state in rows)


def refused(client: Client, query: str, **variables: Any) -> dict[str, Any]:
    """The one error a request is answered with."""
    with pytest.raises(GraphQLError) as raised:
        client(query, **variables)
    [error] = raised.value.errors
    return error


@pytest.fixture
def api(pg_settings: Settings, s3_server: S3Server, s3_bucket: str) -> Iterator[Api]:
    app = bootstrap(pg_settings, hasher=Argon2Hasher(time_cost=1, memory_cost=1024))
    with TestClient(create_app(app, run_projections=True)) as http:
        owner = Client("http://testserver", http)  # type: ignore[arg-type]
        org = owner.sign_up("owner@example.com")["organizationId"]
        member = Client("http://testserver", http)  # type: ignore[arg-type]
        member_id = member.sign_up("member@example.com")["userId"]
        app.execute(
            c.build_command(
                c.AddMember, {"organization_id": org, "user_id": member_id, "role": "member"}
            ),
            Context(actor="system:test"),  # type: ignore[arg-type]
        )
        outsider = Client("http://testserver", http)  # type: ignore[arg-type]
        outsider.sign_up("outsider@example.com")
        outsider_org = outsider('mutation { createOrganization(name: "Rivals") { id } }')[
            "createOrganization"
        ]["id"]
        yield Api(
            app, pg_settings, owner, member, outsider, org, outsider_org, s3_server, s3_bucket
        )
    app.close()


def test_an_s3_destination_is_saved_after_a_test_write_and_never_shows_its_secret(
    api: Api,
) -> None:
    made = api.owner(CREATE_S3, **api.s3_vars())["createBackupDestination"]
    assert made["kind"] == "s3"
    assert made["bucket"] == api.bucket
    assert made["prefix"] == "containr/backups"
    assert made["accessKeyId"] == api.s3.access_key_id
    assert made["region"] == "us-east-1"
    assert api.listed() == [made]
    assert api.s3.keys(api.bucket) == []  # the test object was deleted again
    body = api.owner.raw(
        "query($o: ID!) { backupDestinations(organizationId: $o) { secretAccessKey } }",
        {"o": api.org},
    )
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    assert api.s3.secret_access_key.encode() not in api.raw_events()
    assert b"BackupDestination.Created" in api.raw_events()
    api.app.wait_for(api.app.events.head(), ("history",))
    audit = api.owner(
        'query($o: ID!) { auditLog(organizationId: $o, first: 10, action: "BackupDestination.Created")'
        " { nodes { details } } }",
        o=api.org,
    )["auditLog"]["nodes"]
    [entry] = audit
    assert entry["details"]["bucket"] == api.bucket
    assert entry["details"]["secret_access_key"] == "sealed"  # said, never shown
    assert api.s3.secret_access_key not in str(audit)


def test_the_opened_store_of_a_saved_destination_round_trips_a_backup(api: Api) -> None:
    made = api.owner(CREATE_S3, **api.s3_vars())["createBackupDestination"]
    org, ident = uuid.UUID(api.org), uuid.UUID(made["id"])
    assert api.app.backup_stores is not None
    store = api.app.backup_stores.open(org, ident)
    stored = store.put("svc/one.dump", [b"COPY rows;\n" * 1000], timeout=30)
    again = api.app.backup_stores.open(org, ident)
    assert b"".join(again.get("svc/one.dump", sha256=stored.sha256, timeout=30)) == (
        b"COPY rows;\n" * 1000
    )
    assert api.s3.keys(api.bucket) == ["containr/backups/svc/one.dump"]
    with pytest.raises(BackupStoreError, match="does not exist"):
        api.app.backup_stores.open(uuid.UUID(api.outsider_org), ident)
    api.owner(REMOVE, d=made["id"])
    with pytest.raises(BackupStoreError, match="does not exist or was removed"):
        api.app.backup_stores.open(org, ident)


def test_wrong_s3_settings_are_refused_naming_the_setting_and_record_nothing(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wrong_secret = "Wr0ng+Secret/" + uuid.uuid4().hex
    cases = [
        ({"s": wrong_secret}, "secretAccessKey", "VALIDATION_FAILED", "secret access key"),
        ({"k": "AKIAUNKNOWN000000000"}, "accessKeyId", "VALIDATION_FAILED", "access key id"),
        ({"b": "no-such-bucket"}, "bucket", "VALIDATION_FAILED", "does not exist"),
        ({"b": "Not_A_Bucket"}, "bucket", "VALIDATION_FAILED", "bucket name"),
        ({"e": "ftp://storage"}, "endpointUrl", "VALIDATION_FAILED", "address"),
        ({"e": "http://user:pw@storage"}, "endpointUrl", "VALIDATION_FAILED", "credentials"),
        ({"p": "../up"}, "prefix", "VALIDATION_FAILED", "segments"),
        ({"s": ""}, "secretAccessKey", "VALIDATION_FAILED", "needs its secret"),
    ]
    for changes, argument, code, words in cases:
        error = refused(api.owner, CREATE_S3, **api.s3_vars(**changes))
        assert error["extensions"]["code"] == code, (changes, error)
        assert error["extensions"].get("argument") == argument, (changes, error)
        assert words in error["message"], (changes, error)
        assert wrong_secret not in error["message"]
        assert api.s3.secret_access_key not in error["message"]
    assert api.listed() == []
    events = api.raw_events()
    assert b"BackupDestination" not in events
    assert wrong_secret not in caplog.text
    assert api.s3.secret_access_key not in caplog.text


def test_an_unreachable_endpoint_is_unavailable_and_records_nothing(api: Api) -> None:
    error = refused(api.owner, CREATE_S3, **api.s3_vars(e="http://127.0.0.1:9"))
    assert error["extensions"]["code"] == "UNAVAILABLE"
    assert "did not take a test write" in error["message"]
    assert api.listed() == []


def test_a_directory_destination_is_made_private_and_an_unwritable_one_is_refused(
    api: Api, tmp_path: Path
) -> None:
    target = tmp_path / "node" / "backups"
    made = api.owner(CREATE_DIRECTORY, o=api.org, path=str(target))["createBackupDestination"]
    assert (made["kind"], made["path"], made["bucket"]) == ("directory", str(target), None)
    assert stat.S_IMODE(target.stat().st_mode) == 0o700
    assert list(target.iterdir()) == []
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    for path, words in (
        (str(blocker / "backups"), "cannot be created"),
        ("relative/dir", "not absolute"),
        ("/", "not / itself"),
        ("/srv/../etc", "'..'"),
    ):
        error = refused(api.owner, CREATE_DIRECTORY, o=api.org, path=path)
        assert error["extensions"]["code"] == "VALIDATION_FAILED"
        assert error["extensions"]["argument"] == "path"
        assert words in error["message"], error
    assert [d["path"] for d in api.listed()] == [str(target)]


def test_bad_kinds_and_mixed_settings_are_refused(api: Api, tmp_path: Path) -> None:
    bad_kind = refused(
        api.owner,
        'mutation($o: ID!) { createBackupDestination(organizationId: $o, name: "x", '
        'kind: "ftp") { id } }',
        o=api.org,
    )
    assert bad_kind["extensions"]["code"] == "VALIDATION_FAILED"
    mixed = refused(
        api.owner,
        'mutation($o: ID!, $path: String!) { createBackupDestination(organizationId: $o, name: "x",'
        ' kind: "directory", path: $path, bucket: "b-b-b") { id } }',
        o=api.org,
        path=str(tmp_path / "d"),
    )
    assert mixed["extensions"]["code"] == "VALIDATION_FAILED"
    assert api.listed() == []


def test_an_update_is_tested_with_the_new_settings_and_a_refusal_keeps_the_old(
    api: Api,
) -> None:
    made = api.owner(CREATE_S3, **api.s3_vars())["createBackupDestination"]
    changed = api.owner(UPDATE, d=made["id"], p="other/prefix", n="Offsite 2")[
        "updateBackupDestination"
    ]
    assert (changed["prefix"], changed["name"]) == ("other/prefix", "Offsite 2")
    error = refused(api.owner, UPDATE, d=made["id"], n="  ")
    assert error["extensions"]["argument"] == "name"
    error = refused(api.owner, UPDATE, d=made["id"], s="not-the-secret")
    assert error["extensions"]["argument"] == "secretAccessKey"
    error = refused(api.owner, UPDATE, d=made["id"], b="no-such-bucket")
    assert error["extensions"]["argument"] == "bucket"
    assert api.listed() == [changed]
    assert api.owner(TEST, d=made["id"])["testBackupDestination"]["ok"] is True
    path_on_s3 = refused(
        api.owner,
        'mutation($d: ID!) { updateBackupDestination(id: $d, path: "/srv/b") { id } }',
        d=made["id"],
    )
    assert path_on_s3["extensions"]["argument"] == "path"


def test_the_test_mutation_reports_what_the_store_says_now(api: Api) -> None:
    bucket = api.s3.create_bucket()
    made = api.owner(CREATE_S3, **api.s3_vars(b=bucket))["createBackupDestination"]
    assert api.owner(TEST, d=made["id"])["testBackupDestination"] == {
        "ok": True,
        "reason": None,
        "unavailable": False,
        "destination": {"name": "Offsite"},
    }
    api.s3.remove_bucket(bucket)
    found = api.owner(TEST, d=made["id"])["testBackupDestination"]
    assert found["ok"] is False
    assert f"the bucket '{bucket}' does not exist" in found["reason"]
    assert api.s3.secret_access_key not in found["reason"]


def test_remove_forgets_the_destination(api: Api, tmp_path: Path) -> None:
    made = api.owner(CREATE_DIRECTORY, o=api.org, path=str(tmp_path / "b"))[
        "createBackupDestination"
    ]
    assert api.owner(REMOVE, d=made["id"])["removeBackupDestination"] is True
    assert api.listed() == []
    assert refused(api.owner, REMOVE, d=made["id"])["extensions"]["code"] == "NOT_FOUND"


def test_members_and_other_organisations_are_refused(api: Api, tmp_path: Path) -> None:
    made = api.owner(CREATE_DIRECTORY, o=api.org, path=str(tmp_path / "b"))[
        "createBackupDestination"
    ]
    assert len(api.member(LIST, o=api.org)["backupDestinations"]) == 1
    for client in (api.member, api.outsider):
        for query, variables in (
            (CREATE_DIRECTORY, {"o": api.org, "path": str(tmp_path / "evil")}),
            (UPDATE, {"d": made["id"], "n": "Mine"}),
            (TEST, {"d": made["id"]}),
            (REMOVE, {"d": made["id"]}),
        ):
            error = refused(client, query, **variables)
            assert error["extensions"]["code"] == "FORBIDDEN", (query, error)
    assert refused(api.outsider, LIST, o=api.org)["extensions"]["code"] == "FORBIDDEN"
    assert not (tmp_path / "evil").exists()
    assert [d["name"] for d in api.listed()] == ["Node disk"]
