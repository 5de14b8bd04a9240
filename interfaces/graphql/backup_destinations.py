"""GraphQL types, queries and mutations of backup destinations (issue 15). Only an
organisation's admins and owners add, change, test or remove them; the S3 secret access
key is write-only (never returned), the access key id may be shown."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from application import commands as c
from application.authz import Permission
from application.backup_destinations import CHECK_SECONDS
from application.backup_ports import BackupStoreError, BackupStoreUnavailableError
from application.bus import CommandResult
from application.readmodels import BackupDestinationRow
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, mutation
from interfaces.graphql.rows import object_type
from interfaces.graphql.types import ctx

if TYPE_CHECKING:
    BackupDestination = BackupDestinationRow
else:
    BackupDestination = object_type(
        BackupDestinationRow,
        "BackupDestination",
        "A place an organisation's backups are written to, encrypted with its key: a "
        "directory on the node, or S3-compatible storage (its secret is never shown).",
        hide=("removed",),
        descriptions={
            "kind": "directory or s3.",
            "path": "directory: the absolute path on the node.",
            "endpoint_url": "s3: the storage's address (null: AWS S3).",
            "prefix": "s3: the key prefix backups go under ('' : the bucket's top).",
            "access_key_id": "s3: the access key id (the secret is write-only).",
        },
    )


def backup_destinations(
    info: Info[GqlContext, None], organization_id: strawberry.ID
) -> list[BackupDestination]:
    reads = ctx(info).reads
    org = entity(reads, "organization", organization_id, "organizationId")
    return reads.dashboard.backup_destinations(org.id)


@strawberry.type(description="What a test write to a backup destination found.")
class BackupDestinationTest:
    ok: bool = strawberry.field(description="The test object was written and deleted.")
    reason: str | None = strawberry.field(description="Why not, in the store's words.")
    unavailable: bool = strawberry.field(
        description="The store did not answer in time (try again), as opposed to refusing."
    )
    tested_at: datetime
    destination: BackupDestination


def run_backup_destination_test(
    info: Info[GqlContext, None], id: strawberry.ID
) -> BackupDestinationTest:
    context = ctx(info)
    destination = entity(context.reads, "backup_destination", id, "id")
    context.reads.gate.require(destination.organization_id, Permission.MANAGE, "backup destination")
    context.cacheable = False  # the store's answer: no change notice covers it
    reason, unavailable = None, False
    try:
        store = context.backup_stores.open(destination.organization_id, destination.id)
        store.check_writable(timeout=CHECK_SECONDS)
    except BackupStoreError as e:
        reason = str(e)
        unavailable = isinstance(e, BackupStoreUnavailableError)
    return BackupDestinationTest(
        ok=reason is None,
        reason=reason,
        unavailable=unavailable,
        tested_at=context.clock.now(),
        destination=destination,
    )


test_backup_destination_field = strawberry.mutation(
    resolver=run_backup_destination_test,
    description="Write and delete a small test object at a saved backup destination now "
    "(admins and owners); nothing is recorded.",
)


def _destination(context: GqlContext, result: CommandResult, command: Any) -> Any:
    ident = result.ids.get("destination_id") or command.destination_id
    return entity(context.reads, "backup_destination", ident, "destination_id")


create_backup_destination = mutation(
    c.CreateBackupDestination,
    "organization_id name kind path endpoint_url region bucket prefix access_key_id "
    "secret_access_key",
    BackupDestination,
    result=_destination,
    description="Add a backup destination: kind directory (path: an absolute path on the "
    "node, made with mode 0700 if missing) or s3 (bucket, prefix, region, accessKeyId, "
    "secretAccessKey; endpointUrl for MinIO, R2, B2...). It is saved only after a test "
    "write and delete succeed; a refusal names the setting and the store's reason.",
)
update_backup_destination = mutation(
    c.UpdateBackupDestination,
    "id=destination_id name path endpoint_url region bucket prefix access_key_id secret_access_key",
    BackupDestination,
    result=_destination,
    description="Change a backup destination's settings (those left out keep their value; "
    "its kind stays). Saved only after a test write with the new settings succeeds.",
)
remove_backup_destination = mutation(
    c.RemoveBackupDestination,
    "id=destination_id",
    bool,
    description="Stop using a backup destination (the backups in it stay where they are).",
)
