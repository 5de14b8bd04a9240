"""The managed database engines: what each runs, where it keeps its data, how it is reached.

One profile per engine. The managed-database handlers, the deployer and the backup process
read the same profile, so a throw-away container for a restore check runs exactly what the
database runs (image, data directory, port).
"""

from __future__ import annotations

from dataclasses import dataclass

from application.settings import Settings
from domain.service_spec import DatabaseEngine, DatabaseSettings


@dataclass(frozen=True)
class EngineProfile:
    """How one engine is run: its image setting, versions, port and data directory."""

    engine: DatabaseEngine
    label: str
    versions: tuple[str, ...]
    """The versions offered in the dashboard, newest first; others are accepted as typed."""
    port: int
    data_path: str
    """Where the engine keeps its data inside the container: the volume's mount path."""
    image_setting: str
    """The Settings field holding this engine's image template (``{version}`` in it)."""

    @property
    def default_version(self) -> str:
        return self.versions[0]

    def image(self, version: str, settings: Settings) -> str:
        """The image reference for this version, from the configured template."""
        template: str = getattr(settings, self.image_setting)
        return template.replace("{version}", version)


ENGINES: dict[DatabaseEngine, EngineProfile] = {
    DatabaseEngine.POSTGRES: EngineProfile(
        engine=DatabaseEngine.POSTGRES,
        label="PostgreSQL",
        versions=("17", "16", "15", "14", "13"),
        port=5432,
        data_path="/var/lib/postgresql/data",
        image_setting="postgres_image",
    ),
    DatabaseEngine.MYSQL: EngineProfile(
        engine=DatabaseEngine.MYSQL,
        label="MySQL (MariaDB)",
        versions=("11.4", "10.11", "10.6"),
        port=3306,
        data_path="/var/lib/mysql",
        image_setting="mysql_image",
    ),
    DatabaseEngine.REDIS: EngineProfile(
        engine=DatabaseEngine.REDIS,
        label="Redis",
        versions=("7.4", "7.2", "7.0"),
        port=6379,
        data_path="/data",
        image_setting="redis_image",
    ),
}


def profile(database: DatabaseSettings) -> EngineProfile:
    """The profile of a managed database's engine."""
    return ENGINES[database.engine]
