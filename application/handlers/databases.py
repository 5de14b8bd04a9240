"""Handlers for managed databases: a database service, its credentials and its first release
in one command (one save: nothing is half-made when a step is refused)."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID, uuid4

from application.commands import CreateDatabase, RequestDeployment, SetVariables, UpdateDatabase
from application.databases import (
    DATA_VOLUME,
    ENGINES,
    credentials,
    default_image,
    engine_named,
    health_check,
)
from application.errors import InvalidValueError, NotFoundError
from application.handlers.common import live_project, live_service, reserve_service_name
from application.handlers.deployments import request_deployment
from application.handlers.variables import set_variables
from application.secrets import Secret
from application.unit_of_work import UnitOfWork
from domain.ids import OrganizationId, ProjectId, ServiceId
from domain.service import Service
from domain.service_spec import (
    DatabaseEngine,
    DatabaseSettings,
    ServiceKind,
    ServiceSpec,
    VolumeMount,
)


def _settings(engine: DatabaseEngine, version: str) -> DatabaseSettings:
    """The engine and version, checked (VALIDATION_FAILED on ``version`` otherwise)."""
    database = DatabaseSettings(engine, version)
    try:
        database.check()
    except InvalidValueError as e:
        raise InvalidValueError("version", e.message) from None
    return database


def _image(uow: UnitOfWork, database: DatabaseSettings) -> str:
    return (uow.database_images or default_image)(database)


def create_database(cmd: CreateDatabase, uow: UnitOfWork) -> dict[str, UUID]:
    """Define a database service (engine image, data volume, the engine's own probe), seal
    its generated credentials into its variables in the environment, and deploy it there."""
    project = live_project(uow, cmd.project_id)
    if cmd.environment_id not in project.environments:
        raise NotFoundError(
            "environment",
            cmd.environment_id,
            field="environment_id",
            message=f"environment {cmd.environment_id} is not an environment of the project "
            f"{project.name!r}; choose one of its environments",
        )
    kind = engine_named(cmd.engine)
    engine = ENGINES[kind]
    database = _settings(kind, cmd.version or engine.default_version)
    spec = ServiceSpec(
        kind=ServiceKind.DATABASE,
        image=_image(uow, database),
        start_command=engine.start_command,
        port=engine.port if cmd.public_port else None,
        health_check=health_check(kind),
        volumes=(VolumeMount(DATA_VOLUME, engine.data_path),),
        database=database,
    )
    service_id = ServiceId(uuid4())
    service = Service.create(
        service_id,
        OrganizationId(project.organization_id),
        ProjectId(project.id),
        cmd.name if cmd.name is not None else kind.value,
        spec,
        actor=uow.actor,
        now=uow.now,
    )
    uow.add(service)
    reserve_service_name(uow, project, service)
    values = credentials(kind, service.name)
    set_variables(
        SetVariables(
            project_id=project.id,
            environment_id=cmd.environment_id,
            service_id=service_id,
            values={name: Secret(value) for name, value in values.items()},
        ),
        uow,
    )
    deployed = request_deployment(
        RequestDeployment(service_id=service_id, environment_id=cmd.environment_id), uow
    )
    return {
        "service_id": service_id,
        "project_id": project.id,
        "deployment_id": deployed["deployment_id"],
    }


def update_database(cmd: UpdateDatabase, uow: UnitOfWork) -> dict[str, UUID]:
    """Run another version of the database's engine (same engine, same major), and release
    it again wherever it is live."""
    service = live_service(uow, cmd.service_id)
    project = live_project(uow, service.project_id)
    current = service.spec.database
    if current is None:
        raise InvalidValueError("service_id", f"service {service.name!r} is not a managed database")
    engine = engine_named(cmd.engine) if cmd.engine is not None else current.engine
    database = _settings(engine, cmd.version)
    current.check_change(database)
    if database == current:
        return {"service_id": service.id}
    spec = replace(service.spec, database=database, image=_image(uow, database))
    service.reconfigure(spec, actor=uow.actor, now=uow.now)
    for environment_id in project.environments:
        if service.live_release(environment_id) is not None:
            request_deployment(
                RequestDeployment(
                    service_id=service.id, environment_id=environment_id, trigger="redeploy"
                ),
                uow,
            )
    return {"service_id": service.id}
