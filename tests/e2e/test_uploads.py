"""Source archives over the API: POST /uploads (authenticated, capped, checked, per
organisation), deployService(sourceArchive:), what the events keep, and pruning."""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import msgspec
import pytest

from application import commands as c
from application.bus import Context
from application.services import Services
from application.settings import Settings
from domain.ids import Actor
from interfaces.bootstrap import Pruning
from tests.e2e.client import Client, GraphQLError
from tests.e2e.conftest import in_process

SYSTEM = Context(actor=Actor("system:test"))
DEPLOY = """mutation($s: ID!, $e: ID!, $a: ID) {
  deployService(serviceId: $s, environmentId: $e, sourceArchive: $a) {
    id state reason sourceArchive sourceArchiveSize } }"""


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


APP = tarball({"Dockerfile": b"FROM busybox\n", "www/index.html": b"hello\n"})


def upload(client: Client, org: str, body: bytes, token: str | None = None) -> Any:
    bearer = client.token if token is None else token
    headers = {"content-type": "application/gzip"}
    if bearer:
        headers["authorization"] = f"Bearer {bearer}"
    return client.http.post(
        "/uploads", params={"organizationId": org}, content=body, headers=headers
    )


@pytest.fixture
def world(sqlite_settings: Settings) -> Iterator[tuple[Services, Client, dict[str, str]]]:
    with in_process(sqlite_settings) as (app, client):
        org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
        project = client(
            'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") '
            "{ id environments { id name } } }",
            o=org,
        )["createProject"]
        service = client(
            'mutation($p: ID!) { createService(projectId: $p, name: "web", kind: "web", '
            "settings: {port: 8080}) { id source } }",
            p=project["id"],
        )["createService"]
        assert service["source"] == "uploaded directories (containr deploy)"
        ids = {
            "org": org,
            "project": project["id"],
            "env": project["environments"][0]["id"],
            "service": service["id"],
        }
        yield app, client, ids


def test_an_upload_answers_the_archives_id_digest_and_size_once_per_content(
    world: tuple[Services, Client, dict[str, str]],
) -> None:
    _, client, ids = world
    first = upload(client, ids["org"], APP)
    assert first.status_code == 201, first.text
    answer = first.json()
    assert answer["digest"] == hashlib.sha256(APP).hexdigest()
    assert answer["size"] == len(APP) and answer["files"] == 2
    assert answer["organizationId"] == ids["org"]
    assert upload(client, ids["org"], APP).json()["id"] == answer["id"]
    larger = tarball({"big.bin": os.urandom(600_000)})  # above the API's 256 KiB body limit
    assert upload(client, ids["org"], larger).status_code == 201


def test_deploying_an_archive_records_its_digest_and_size_never_its_content(
    world: tuple[Services, Client, dict[str, str]],
) -> None:
    app, client, ids = world
    archive = upload(client, ids["org"], APP).json()
    deployed = client(DEPLOY, s=ids["service"], e=ids["env"], a=archive["id"])["deployService"]
    assert deployed["sourceArchive"] == archive["digest"]
    assert deployed["sourceArchiveSize"] == len(APP)
    assert f"uploaded archive {archive['digest'][:12]}" in deployed["reason"]
    [requested] = [e for e in app.events.tail(50) if e.type == "Deployment.Requested"]
    assert msgspec.to_builtins(requested.fields["source_archive"]) == {
        "archive_id": archive["id"],
        "digest": archive["digest"],
        "size": len(APP),
    }
    assert b"hello" not in msgspec.json.encode(requested)


def test_a_service_built_from_uploads_needs_an_archive_and_an_image_service_refuses_one(
    world: tuple[Services, Client, dict[str, str]],
) -> None:
    _, client, ids = world
    with pytest.raises(GraphQLError) as missing:
        client(DEPLOY, s=ids["service"], e=ids["env"], a=None)
    assert missing.value.codes == ["VALIDATION_FAILED"]
    assert "sourceArchive" in str(missing.value) and "containr deploy" in str(missing.value)
    image = client(
        'mutation($p: ID!) { createService(projectId: $p, name: "db", kind: "worker", '
        'settings: {image: "busybox:1"}) { id } }',
        p=ids["project"],
    )["createService"]["id"]
    archive = upload(client, ids["org"], APP).json()
    with pytest.raises(GraphQLError) as refused:
        client(DEPLOY, s=image, e=ids["env"], a=archive["id"])
    assert refused.value.codes == ["VALIDATION_FAILED"] and "busybox:1" in str(refused.value)


def test_uploads_need_a_caller_who_may_deploy_in_that_organisation(
    world: tuple[Services, Client, dict[str, str]],
) -> None:
    app, client, ids = world
    assert upload(client, ids["org"], APP, token="").status_code == 401
    assert upload(client, ids["org"], APP, token="not-a-token").status_code == 401
    stranger = Client("http://testserver", client.http)  # type: ignore[arg-type]
    stranger.sign_up("stranger@example.com")
    refused = upload(stranger, ids["org"], APP)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "FORBIDDEN"
    viewer = Client("http://testserver", client.http)  # type: ignore[arg-type]
    signed = viewer.sign_up("viewer@example.com")
    app.execute(
        c.build_command(
            c.AddMember,
            {"organization_id": ids["org"], "user_id": signed["userId"], "role": "viewer"},
        ),
        SYSTEM,
        wait_for=["dashboard"],
    )
    assert upload(viewer, ids["org"], APP).status_code == 403
    read_only = client('mutation { createApiToken(name: "ro", scopes: ["read"]) { token } }')
    assert (
        upload(client, ids["org"], APP, token=read_only["createApiToken"]["token"]).status_code
        == 403
    )
    assert upload(client, "not-an-id", APP).status_code == 400


def test_an_unsafe_or_broken_archive_is_refused_with_what_is_wrong(
    world: tuple[Services, Client, dict[str, str]],
) -> None:
    _, client, ids = world
    escape = upload(client, ids["org"], tarball({"../outside.txt": b"x"}))
    assert escape.status_code == 400
    assert "leaves the archive's directory" in escape.json()["error"]["message"]
    garbage = upload(client, ids["org"], gzip.compress(b"not a tar" * 100))
    assert garbage.status_code == 400 and "not a gzip tar" in garbage.json()["error"]["message"]


def test_an_upload_over_the_limit_is_refused_with_the_setting_to_raise(
    sqlite_settings: Settings,
) -> None:
    small = msgspec.structs.replace(sqlite_settings, upload_max_bytes=4096)
    with in_process(small) as (_, client):
        org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
        big = tarball({"noise.bin": b"".join(uuid.uuid4().bytes for _ in range(400))})
        assert len(big) > 4096
        refused = upload(client, org, big)
        assert refused.status_code == 413
        assert "CONTAINR_UPLOAD_MAX_BYTES" in refused.json()["error"]["message"]
        assert upload(client, org, APP).status_code == 201


def test_archives_no_active_or_live_release_needs_are_pruned_after_the_grace_period(
    world: tuple[Services, Client, dict[str, str]],
) -> None:
    app, client, ids = world
    needed = upload(client, ids["org"], APP).json()
    client(DEPLOY, s=ids["service"], e=ids["env"], a=needed["id"])  # queued: still needed
    unused = upload(client, ids["org"], tarball({"Dockerfile": b"FROM other\n"})).json()
    app.wait_for(app.events.head())
    pruning = Pruning(app.archives, app.dashboard, app.clock, app.settings)
    assert pruning.prune() == 0  # both are within the grace period
    later = msgspec.structs.replace(app.settings, upload_grace_seconds=1)

    class Later:
        def now(self) -> Any:
            return app.clock.now() + timedelta(minutes=5)

    assert Pruning(app.archives, app.dashboard, Later(), later).prune() == 1
    assert app.archives.info(uuid.UUID(needed["id"])) is not None
    assert app.archives.info(uuid.UUID(unused["id"])) is None
