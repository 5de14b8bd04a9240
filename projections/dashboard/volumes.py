"""The dashboard's service volumes: which exist in which environment, and the kept orphans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.service import Service
from projections.base import handles
from projections.schema import Table
from projections.store import RowStore


@dataclass(frozen=True)
class ServiceVolumesRow:
    """A service's volumes on the engines: one entry per environment and volume, made when a
    release of the service first went live there (its volumes are created then)."""

    service_id: UUID
    organization_id: UUID
    project_id: UUID
    service_name: str
    volumes: list[dict[str, Any]]
    """Each ``{"environment_id", "name", "mount_path", "created_at"}``."""
    orphaned: bool
    """The service was deleted and kept its volumes (until removeVolume)."""
    updated_at: datetime
    position: int = 0


SERVICE_VOLUMES = Table(
    "service_volumes",
    ServiceVolumesRow,
    ("service_id",),
    notices=(("service", "service_id"), ("project", "project_id")),
    indexes=(("project_id", "orphaned"),),
)


def volumes_went_live(
    store: RowStore, e: Service.ReleasePromoted, service: dict[str, Any] | None
) -> None:
    """A release went live in an environment: the volumes of the service's spec exist there."""
    declared = (service or {}).get("spec", {}).get("volumes") or []
    if service is None or not declared:
        return
    row = store.get(SERVICE_VOLUMES, e.originator_id)
    entries = list(row["volumes"]) if row is not None else []
    known = {(v["environment_id"], v["name"]) for v in entries}
    environment = str(e.environment_id)
    for volume in declared:
        if (environment, volume["name"]) not in known:
            entries.append(
                {
                    "environment_id": environment,
                    "name": volume["name"],
                    "mount_path": volume["mount_path"],
                    "created_at": e.timestamp.isoformat(),
                }
            )
    store.put(
        SERVICE_VOLUMES,
        {
            "service_id": e.originator_id,
            "organization_id": service["organization_id"],
            "project_id": service["project_id"],
            "service_name": service["name"],
            "volumes": entries,
            "orphaned": False,
            "updated_at": e.timestamp,
        },
    )


class VolumeHandlers:
    """What becomes of a service's volumes when it is deleted."""

    @handles(Service.VolumeReleased)
    def volume_released(self, e: Service.VolumeReleased, store: RowStore) -> None:
        """A kept volume is being removed from the engines."""
        row = store.get(SERVICE_VOLUMES, e.originator_id)
        if row is None:
            return
        left = [v for v in row["volumes"] if v["name"] != e.volume]
        if left:
            store.update(SERVICE_VOLUMES, (e.originator_id,), volumes=left, updated_at=e.timestamp)
        else:
            store.delete(SERVICE_VOLUMES, e.originator_id)


def volumes_of_deleted(store: RowStore, e: Service.Deleted) -> None:
    """The service is gone: its volumes are orphans if kept, else they go with it."""
    if e.keep_volumes:
        store.update(SERVICE_VOLUMES, (e.originator_id,), orphaned=True, updated_at=e.timestamp)
    else:
        store.delete(SERVICE_VOLUMES, e.originator_id)
