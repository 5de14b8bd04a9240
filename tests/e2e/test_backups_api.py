"""Backups over GraphQL: a plan with a bad schedule or a destination that refuses a test
write is refused with a coded error and nothing saved; a backup is listed with its
verification state; restores that may not happen are refused (issue 15)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from adapters.auth import Argon2Hasher
from adapters.fake_backup_store import InMemoryBackupStores
from application import commands as c
from application.bus import Context
from application.services import Services
from application.settings import Settings
from domain.ids import Actor, OrganizationId, ProjectId, ServiceId
from domain.service import Service
from domain.service_spec import DatabaseEngine, DatabaseSettings, ServiceKind, ServiceSpec
from interfaces.bootstrap import bootstrap
from interfaces.http.app import create_app
from tests.e2e.client import Client, GraphQLError

SYSTEM = Context(actor=Actor("system:test"))
PLAN = (
    "mutation($s: ID!, $e: ID!, $d: ID!, $cron: String!, $tz: String) { setBackupPlan("
    "serviceId: $s, environmentId: $e, destinationId: $d, schedule: $cron, timezone: $tz, "
    "daily: 3) { id schedule daily weekly monthly active } }"
)
PLAN_OF = "query($s: ID!) { service(id: $s) { backupPlan { schedule } } }"


@pytest.fixture
def api(sqlite_settings: Settings) -> Iterator[tuple[Services, Client, InMemoryBackupStores]]:
    stores = InMemoryBackupStores()
    app = bootstrap(
        sqlite_settings,
        hasher=Argon2Hasher(time_cost=1, memory_cost=1024),
        opened_backup_stores=stores,
    )
    with TestClient(create_app(app, run_projections=True)) as http:
        client = Client("http://testserver", http)
        client.sign_up("owner@example.com")
        yield app, client, stores
    app.close()


def database(app: Services, client: Client) -> dict[str, Any]:
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    created = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id environments { id } } }',
        o=org,
    )["createProject"]
    service = Service.create(  # as createDatabase records one
        ServiceId(uuid.uuid4()),
        OrganizationId(uuid.UUID(org)),
        ProjectId(uuid.UUID(created["id"])),
        "postgres",
        ServiceSpec(
            kind=ServiceKind.DATABASE,
            image="postgres:15",
            database=DatabaseSettings(DatabaseEngine.POSTGRES, "15"),
        ),
        actor=Actor("system:test"),
        now=datetime.now(UTC),
    )
    app.store.record([service], {service.id: 0}, since=time.monotonic())
    app.wait_for(app.events.head())
    return {"o": org, "s": str(service.id), "e": created["environments"][0]["id"]}


def destination(
    client: Client, ids: dict[str, Any], stores: InMemoryBackupStores, root: Path, **kw: Any
) -> str:
    """A directory destination of the organisation (saved through the API), whose store the
    backups open from ``stores`` (``writable=False`` refuses the next test writes)."""
    path = root / uuid.uuid4().hex
    made = client(
        'mutation($o: ID!, $p: String!) { createBackupDestination(organizationId: $o, name: "disk", '
        'kind: "directory", path: $p) { id } }',
        o=ids["o"],
        p=str(path),
    )["createBackupDestination"]["id"]
    stores.add(uuid.UUID(ids["o"]), uuid.UUID(made), **kw)
    return str(made)


def refused(client: Client, document: str, **variables: Any) -> dict[str, Any]:
    with pytest.raises(GraphQLError) as raised:
        client(document, **variables)
    return raised.value.errors[0]


@pytest.mark.parametrize(
    ("cron", "tz", "says", "path"),
    [
        ("0 0 31 2 *", None, "never fires", "schedule"),
        ("every day", None, "is not a valid cron schedule", "schedule"),
        ("0 3 * * *", "Mars/Olympus", "is not a known time zone", "timezone"),
    ],
)
def test_a_bad_schedule_is_refused_with_a_code_and_nothing_is_saved(
    api: tuple[Services, Client, InMemoryBackupStores], cron: str, tz: str | None, says: str,
    path: str, tmp_path: Path,
) -> None:  # fmt: skip
    app, client, stores = api
    ids = database(app, client)
    error = refused(
        client,
        PLAN,
        s=ids["s"],
        e=ids["e"],
        d=destination(client, ids, stores, tmp_path),
        cron=cron,
        tz=tz,
    )
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert says in error["message"] and error["extensions"].get("argument") in (path, None)
    assert client(PLAN_OF, s=ids["s"])["service"]["backupPlan"] is None


def test_a_destination_that_refuses_a_test_write_or_is_unknown_is_refused(
    api: tuple[Services, Client, InMemoryBackupStores], tmp_path: Path
) -> None:
    app, client, stores = api
    ids = database(app, client)
    broken = destination(
        client, ids, stores, tmp_path, writable=False, reason="the bucket does not exist"
    )
    error = refused(client, PLAN, s=ids["s"], e=ids["e"], d=broken, cron="@daily", tz=None)
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert "the bucket does not exist" in error["message"]
    error = refused(
        client, PLAN, s=ids["s"], e=ids["e"], d=str(uuid.uuid4()), cron="@daily", tz=None
    )
    assert error["extensions"]["code"] == "NOT_FOUND"  # not a destination of the organisation
    assert client(PLAN_OF, s=ids["s"])["service"]["backupPlan"] is None


def test_a_plan_is_saved_and_a_backup_listed_with_its_verification(
    api: tuple[Services, Client, InMemoryBackupStores], tmp_path: Path
) -> None:
    app, client, stores = api
    ids = database(app, client)
    plan = client(
        PLAN,
        s=ids["s"],
        e=ids["e"],
        d=destination(client, ids, stores, tmp_path),
        cron="0  3 * * *",
        tz="Europe/Paris",
    )["setBackupPlan"]
    assert plan == {
        "id": plan["id"], "schedule": "0 3 * * *", "daily": 3, "weekly": 4, "monthly": 6,
        "active": True,
    }  # fmt: skip
    backup = client(
        "mutation($s: ID!, $e: ID!) { backupNow(serviceId: $s, environmentId: $e) { id state } }",
        s=ids["s"],
        e=ids["e"],
    )["backupNow"]
    assert backup["state"] == "requested"
    run = app.execute
    backup_id = uuid.UUID(backup["id"])
    for step in ("dumping", "stored", "verifying"):
        run(
            c.ReportBackupStep(
                backup_id=backup_id, step=step, sha256="ab" * 32, size_bytes=99,
                tables={"public.users": 3, "public.orders": 4},
            ),
            SYSTEM,
        )  # fmt: skip
    run(
        c.ReportBackupStep(
            backup_id=backup_id, step="verification_failed", reason="table public.orders: 4 "
            "rows at dump time, 0 after the restore",
        ),
        SYSTEM,
    )  # fmt: skip
    app.wait_for(app.events.head())
    [listed] = client(
        "query($s: ID!) { service(id: $s) { backups { state reason sizeBytes factsSummary } } }",
        s=ids["s"],
    )["service"]["backups"]
    assert listed == {
        "state": "verification_failed",
        "reason": "table public.orders: 4 rows at dump time, 0 after the restore",
        "sizeBytes": 99,
        "factsSummary": "2 tables, 7 rows",
    }
    restore = (
        'mutation($b: ID!, $c: String!) { restoreBackup(backupId: $b, into: "same", '
        "confirm: $c) { id state } }"
    )
    error = refused(client, restore, b=backup["id"], c="postgres")
    assert (
        error["extensions"]["code"] == "CONFLICT" and "failed its restore check" in error["message"]
    )
    error = refused(
        client,
        'mutation($b: ID!) { restoreBackup(backupId: $b, into: "same", confirm: "nope", force: true) { id } }',
        b=backup["id"],
    )
    assert error["extensions"]["code"] == "VALIDATION_FAILED" and "confirm" in error["message"]
    assert client(
        "query($s: ID!) { service(id: $s) { restoring databaseRestores { id } } }", s=ids["s"]
    )["service"] == {"restoring": False, "databaseRestores": []}
    client(
        "mutation($s: ID!, $e: ID!) { removeBackupPlan(serviceId: $s, environmentId: $e) }",
        s=ids["s"],
        e=ids["e"],
    )
    assert client(PLAN_OF, s=ids["s"])["service"]["backupPlan"] is None
