"""Handlers for preview environments: the policy, and what pull requests do (issue 14).

A pull request's delivery is handled in one transaction: the preview recorded (made or
refused, with the reason), its environment added, the base environment's variables copied
with the overrides, its releases requested (ids derived from the preview, the service and the
commit) and the comment to the pull request asked for. A retry after a crash finds all of it
or none of it. Removing a preview starts in one transaction too (environment gone from the
project, its releases cancelled); the preview process then clears the engines and reports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from application import commands as c
from application.errors import InvalidValueError, NotFoundError
from application.handlers.common import live_project
from application.handlers.deployments import variables_version_of
from application.secrets import Secret
from application.unit_of_work import UnitOfWork
from domain.deployment import Deployment, DeploymentTrigger
from domain.errors import RuleViolatedError
from domain.ids import DeploymentId, EnvironmentId
from domain.organization import Organization
from domain.preview import (
    Preview,
    PreviewPolicy,
    PreviewServices,
    PullRequestInfo,
    ServiceSource,
    disk_too_low,
    environment_name,
    evictions,
    number_of,
    touched_services,
)
from domain.project import EnvironmentKind, Project
from domain.service import Service
from domain.service_spec import ServiceKind
from domain.triggers import glob_matches, repository_full_name
from domain.values import SealedValue, validate_variable_name
from domain.variables import VariableSet
from domain.webhook_delivery import Caused, DeliveryFact, WebhookDelivery

CLOSING = {"closed", "merged"}
OPENING = {"opened", "reopened"}


def override_context(project_id: UUID, name: str) -> str:
    """What a sealed preview override is bound to."""
    return f"preview-override:{project_id}:{name}"


# The policy


def set_preview_policy(cmd: c.SetPreviewPolicy, uow: UnitOfWork) -> dict[str, UUID]:
    """Seal the overrides and record the policy."""
    project = live_project(uow, cmd.project_id)
    base = cmd.base_environment_id
    if base is not None and base not in project.environments:
        raise NotFoundError(
            "environment",
            base,
            field="base_environment_id",
            message=f"environment {base} is not an environment of the project "
            f"{project.name!r}; choose one of its environments",
        )
    overrides = project.preview_policy.overrides
    if cmd.overrides is not None:
        sealed = []
        for name, value in sorted(cmd.overrides.items()):
            validate_variable_name("overrides", name)
            context = override_context(project.id, name)
            sealed.append((name, uow.secrets.seal(project.organization_id, context, value)))
        overrides = tuple(sealed)
    policy = PreviewPolicy(
        enabled=cmd.enabled,
        base_environment_id=base,
        services=cmd.services,
        overrides=overrides,
        ttl_days=cmd.ttl_days,
        limit=cmd.limit,
        when_full=cmd.when_full,
        min_free_disk_gb=cmd.min_free_disk_gb,
        min_free_disk_percent=cmd.min_free_disk_percent,
    )
    project.set_preview_policy(policy, actor=uow.actor, now=uow.now)
    return {"project_id": project.id}


# Removal


def remove_preview(cmd: c.RemovePreview, uow: UnitOfWork) -> dict[str, UUID]:
    """Remove a preview now (someone asked)."""
    preview = uow.get(Preview, cmd.preview_id, "preview")
    if not preview.is_active:
        raise RuleViolatedError(
            f"the preview of #{preview.pull_request.number} is {preview.state.value}; "
            "only an active preview can be removed"
        )
    begin_removal(uow, preview, "removed on request", tell=None)
    return {"preview_id": preview.id}


def expire_preview(cmd: c.ExpirePreview, uow: UnitOfWork) -> dict[str, UUID]:
    """Remove a preview whose time to live passed (nothing if it did not, or it is gone)."""
    preview = uow.get(Preview, cmd.preview_id, "preview")
    project = uow.get(Project, preview.project_id, "project")
    ttl = project.preview_policy.ttl_days
    if preview.is_active and uow.now >= preview.expires_at(ttl):
        reason = f"no push for {ttl} day(s): the preview expired"
        begin_removal(uow, preview, reason, tell=f"The preview environment was removed: {reason}.")
    return {"preview_id": preview.id}


def begin_removal(uow: UnitOfWork, preview: Preview, reason: str, *, tell: str | None) -> bool:
    """Start removing a preview: its environment leaves the project (nothing can deploy there
    any more, and the reconciler stops keeping its releases) and its releases in progress are
    cancelled; the preview process clears the engines."""
    if not preview.start_removal(reason, actor=uow.actor, now=uow.now):
        return False
    for deployment_id in preview.deployment_ids:
        deployment = uow.find(Deployment, deployment_id)
        if deployment is not None and deployment.state.is_active:
            deployment.cancel(
                "its preview environment is being removed", actor=uow.actor, now=uow.now
            )
    project = uow.find(Project, preview.project_id)
    env = preview.environment_id
    if project is not None and not project.is_deleted and env in project.environments:
        project.remove_environment(EnvironmentId(env), actor=uow.actor, now=uow.now)
    if tell is not None:
        operation = f"{preview.id}:{preview.generation}:removed"
        preview.tell(operation, tell, actor=uow.actor, now=uow.now)
    return True


def record_preview_removed(cmd: c.RecordPreviewRemoved, uow: UnitOfWork) -> dict[str, UUID]:
    """Everything the preview made is gone: record it, with the rows to drop."""
    preview = uow.get(Preview, cmd.preview_id, "preview")
    env = preview.environment_id
    if env is None:
        return {"preview_id": preview.id}
    owners: list[UUID | None] = [None, *dict.fromkeys([*cmd.service_ids, *preview.service_ids])]
    variables = []
    for owner in owners:
        found = uow.find(VariableSet, VariableSet.id_for(env, owner))
        if found is not None:
            variables.append((found.id, tuple(sorted(found.values))))
    services = tuple(s for s in owners if s is not None)
    preview.record_removed(services, tuple(variables), actor=uow.actor, now=uow.now)
    return {"preview_id": preview.id}


def record_preview_comment(cmd: c.RecordPreviewComment, uow: UnitOfWork) -> dict[str, UUID]:
    """A comment was posted (or could not be); repeats change nothing."""
    preview = uow.get(Preview, cmd.preview_id, "preview")
    preview.record_comment(
        cmd.operation_id, cmd.posted, cmd.reason[:500], actor=uow.actor, now=uow.now
    )
    return {"preview_id": preview.id}


# Pull requests


def handle_pull_request(
    uow: UnitOfWork,
    delivery: WebhookDelivery,
    cmd: c.HandleWebhookDelivery,
    caused: list[Caused],
) -> str:
    """What a pull request does to the previews of every project that watches its base
    branch; the reason that sums it up."""
    fact = delivery.fact
    if fact.number is None or not fact.commit:
        return "the pull request delivery names no number or head commit: nothing to do"
    by_project: dict[UUID, list[Service]] = defaultdict(list)
    for service_id in dict.fromkeys(cmd.service_ids):
        service = uow.find(Service, service_id)
        if (
            service is None
            or service.deleted
            or service.organization_id != delivery.organization_id
        ):
            continue
        by_project[service.project_id].append(service)
    outcomes = []
    for project_id, services in by_project.items():
        project = uow.find(Project, project_id)
        if project is None or project.is_deleted:
            continue
        if not project.preview_policy.enabled and fact.action not in CLOSING:
            continue  # turned off: no new preview, but a closed pull request's still goes
        watching = [s for s in services if _watches(s, delivery, fact)]
        if watching:
            outcomes.append(_in_project(uow, delivery, cmd, project, services, watching, caused))
    if not outcomes:
        return (
            f"pull request #{fact.number}: no project with previews watches "
            f"{fact.base_ref or 'its base branch'!r} of {fact.repository}"
        )
    return "; ".join(outcomes)


def _watches(service: Service, delivery: WebhookDelivery, fact: DeliveryFact) -> bool:
    """Whether a service hears the pull request's repository and watches its base branch."""
    git = service.spec.git
    return (
        git is not None
        and service.git_connection_id == delivery.connection_id
        and repository_full_name(git.repository_url) == fact.repository.lower()
        and any(glob_matches(t.branch, fact.base_ref) for t in service.triggers)
    )


def _in_project(
    uow: UnitOfWork,
    delivery: WebhookDelivery,
    cmd: c.HandleWebhookDelivery,
    project: Project,
    services: list[Service],
    watching: list[Service],
    caused: list[Caused],
) -> str:
    fact = delivery.fact
    assert fact.number is not None
    assert fact.commit is not None
    number = fact.number
    preview = uow.find(Preview, Preview.id_for(project.id, number))
    where = f"#{number} in {project.name!r}"
    if fact.action in CLOSING:
        if preview is not None and begin_removal(
            uow, preview, f"pull request {fact.action}", tell=None
        ):
            return f"{where}: pull request {fact.action}, preview being removed"
        return f"{where}: pull request {fact.action}, no preview to remove"
    info = PullRequestInfo(
        repository=fact.repository,
        number=number,
        title=fact.title,
        head_branch=fact.ref,
        base_branch=fact.base_ref,
        head_commit=fact.commit,
        from_fork=fact.from_fork,
        url=fact.url,
    )
    if preview is not None and preview.is_active:
        chosen = _chosen(project, services, watching, cmd.changed_paths)
        ids = set(preview.service_ids) | {s.id for s in chosen}
        deploy = [s for s in services if s.id in ids]
        assert preview.environment_id is not None
        requested = _request(
            uow,
            preview.id,
            preview.generation,
            project,
            preview.environment_id,
            deploy,
            fact.commit,
            caused,
            untrusted=info.from_fork,
        )
        preview.update(info, tuple(s.id for s in deploy), requested, actor=uow.actor, now=uow.now)
        return f"{where}: preview redeployed at {fact.commit[:12]} ({len(requested)} release(s))"
    if fact.action not in OPENING and preview is None:
        return f"{where}: no preview is open (the pull request was opened before previews were on)"
    if preview is not None and preview.state.value == "removing":
        return f"{where}: the preview is still being removed; push again once it is gone"
    return _open(uow, delivery, cmd, project, services, watching, preview, info, caused)


def _chosen(
    project: Project, services: list[Service], watching: list[Service], paths: list[str] | None
) -> list[Service]:
    """The services a preview deploys: all, or those the pull request touches."""
    if project.preview_policy.services is PreviewServices.ALL:
        return [s for s in services if s.spec.git is not None or s.spec.image is not None]
    sources = [
        ServiceSource(
            s.id,
            s.spec.git.root_directory if s.spec.git else "",
            tuple(w for t in s.triggers for w in t.watch_paths),
        )
        for s in watching
    ]
    ids = {
        t.service_id for t in touched_services(sources, tuple(paths) if paths is not None else None)
    }
    return [s for s in watching if s.id in ids]


def _open(
    uow: UnitOfWork,
    delivery: WebhookDelivery,
    cmd: c.HandleWebhookDelivery,
    project: Project,
    services: list[Service],
    watching: list[Service],
    preview: Preview | None,
    info: PullRequestInfo,
    caused: list[Caused],
) -> str:
    policy = project.preview_policy
    preview_id = Preview.id_for(project.id, info.number)
    generation = (preview.generation + 1) if preview is not None else 1
    where = f"#{info.number} in {project.name!r}"
    refusal = disk_too_low(policy, cmd.disk)
    if refusal is None:
        refusal = _make_room(uow, project)
    chosen = _chosen(project, services, watching, cmd.changed_paths) if refusal is None else []
    if refusal is None and not chosen:
        refusal = "the pull request touches none of the services (nothing to preview)"
    if refusal is not None:
        _record(uow, delivery, project, preview, info, None, refusal, (), (), ())
        target = preview or uow.find(Preview, preview_id)
        assert target is not None
        target.tell(
            f"{preview_id}:{generation}:refused",
            f"No preview environment was made for this pull request: {refusal}.",
            actor=uow.actor,
            now=uow.now,
        )
        return f"{where}: preview refused: {refusal}"
    env = Preview.environment_id_for(preview_id, generation)
    project.add_environment(
        EnvironmentId(env),
        environment_name(info.number),
        EnvironmentKind.PREVIEW,
        actor=uow.actor,
        now=uow.now,
    )
    organization = uow.find(Organization, project.organization_id)
    trusted_fork = organization is not None and organization.expose_secrets_to_forks
    _copy_variables(
        uow,
        project,
        env,
        policy,
        [s.id for s in chosen],
        from_fork=info.from_fork and not trusted_fork,
    )
    requested = _request(
        uow,
        preview_id,
        generation,
        project,
        env,
        chosen,
        info.head_commit,
        caused,
        untrusted=info.from_fork,
    )
    urls = tuple(
        check_url_format(cmd.url_format).replace("{host}", host)
        for host in _hosts(project, info.number, chosen, cmd.ingress_domain)
    )
    _record(
        uow, delivery, project, preview, info, env, "", tuple(s.id for s in chosen), requested, urls
    )
    target = preview or uow.find(Preview, preview_id)
    assert target is not None
    lines = "\n".join(f"- {url}" for url in urls) or "- (no web service with a port)"
    if info.from_fork and not trusted_fork:
        lines += "\n(From a fork: its releases get no variables, as the organisation chose.)"
    target.tell(
        f"{preview_id}:{generation}:opened",
        f"Preview environment `{environment_name(info.number)}` is deploying "
        f"{info.head_commit[:12]}:\n{lines}",
        actor=uow.actor,
        now=uow.now,
    )
    return f"{where}: preview {environment_name(info.number)} made ({len(requested)} release(s))"


def _record(
    uow: UnitOfWork,
    delivery: WebhookDelivery,
    project: Project,
    preview: Preview | None,
    info: PullRequestInfo,
    env: UUID | None,
    reason: str,
    service_ids: tuple[UUID, ...],
    deployment_ids: tuple[UUID, ...],
    urls: tuple[str, ...],
) -> None:
    if preview is None:
        uow.add(
            Preview.open(
                organization_id=project.organization_id,
                project_id=project.id,
                connection_id=delivery.connection_id,
                pull_request=info,
                environment_id=env,
                reason=reason,
                service_ids=service_ids,
                deployment_ids=deployment_ids,
                urls=urls,
                actor=uow.actor,
                now=uow.now,
            )
        )
    else:
        preview.reopen(
            info, env, reason, service_ids, deployment_ids, urls, actor=uow.actor, now=uow.now
        )


def _make_room(uow: UnitOfWork, project: Project) -> str | None:
    """Make room under the project's limit (removing the oldest), or say why not."""
    policy = project.preview_policy
    active: list[tuple[UUID, datetime]] = []
    previews: dict[UUID, Preview] = {}
    for environment in list(project.environments.values()):
        number = number_of(environment.name)
        if environment.kind is not EnvironmentKind.PREVIEW or number is None:
            continue
        found = uow.find(Preview, Preview.id_for(project.id, number))
        if found is not None and found.is_active:
            previews[found.id] = found
            active.append((found.id, found.opened_at))
    victims = evictions(active, policy.limit, policy.when_full)
    if victims is None:
        return f"the project already has {len(active)} previews, its limit of {policy.limit}"
    for victim in victims:
        reason = f"the project's limit of {policy.limit} previews was reached; the oldest made way"
        begin_removal(
            uow, previews[victim], reason, tell=f"The preview environment was removed: {reason}."
        )
    return None


def _copy_variables(
    uow: UnitOfWork,
    project: Project,
    env: UUID,
    policy: PreviewPolicy,
    service_ids: list[UUID],
    *,
    from_fork: bool,
) -> None:
    """The base environment's variables (shared and per service), resealed for the preview;
    the overrides over the shared ones. A pull request from a fork runs code nobody of the
    organisation wrote: it gets the overrides only, never the base environment's secrets
    (as GitHub Actions withholds secrets from forks)."""
    base = policy.base_environment_id
    if base is None or base not in project.environments:
        base = project.production_id
    org = project.organization_id
    for owner in [None, *service_ids]:
        source = None if from_fork else uow.find(VariableSet, VariableSet.id_for(base, owner))
        values: dict[str, Secret] = {}
        if source is not None:
            for name, sealed in source.values.items():
                values[name] = uow.secrets.open(org, source.context_for(name), sealed)
        if owner is None:
            for name, override in policy.overrides:
                context = override_context(project.id, name)
                values[name] = uow.secrets.open(org, context, SealedValue(override))
        if not values:
            continue
        target = uow.find(VariableSet, VariableSet.id_for(env, owner)) or uow.add(
            VariableSet.open(org, project.id, env, owner, actor=uow.actor, now=uow.now)
        )
        resealed = {n: uow.secrets.seal(org, target.context_for(n), v) for n, v in values.items()}
        # References name services and variables of the project, the same in the preview.
        overridden = {name for name, _ in policy.overrides} if owner is None else set()
        references = {
            n: t
            for n, t in (source.references.items() if source else ())
            if n in resealed and n not in overridden
        }
        target.change(resealed, [], actor=uow.actor, now=uow.now, references=references)


def _request(
    uow: UnitOfWork,
    preview_id: UUID,
    generation: int,
    project: Project,
    env: UUID,
    services: Iterable[Service],
    commit: str,
    caused: list[Caused],
    *,
    untrusted: bool,
) -> tuple[UUID, ...]:
    """Request each service's release in the preview (derived ids: at most once each); a
    fork's releases are ``untrusted``: they get no variables unless the organisation allows."""
    requested = []
    for service in services:
        on_commit = commit if service.spec.git is not None else None
        deployment_id = DeploymentId(
            Preview.deployment_id_for(preview_id, service.id, on_commit or "image", generation)
        )
        if uow.find(Deployment, deployment_id) is not None:
            continue
        uow.add(
            Deployment.request(
                deployment_id,
                organization_id=service.organization_id,
                project_id=project.id,
                service_id=service.id,
                environment_id=env,
                trigger=DeploymentTrigger.GIT_PUSH,
                spec=service.spec,
                commit=on_commit,
                image=service.spec.image,
                variables_version=variables_version_of(uow, env, service.id),
                policy=uow.deadlines,
                untrusted_source=untrusted,
                actor=uow.actor,
                now=uow.now,
            )
        )
        requested.append(deployment_id)
        caused.append(
            Caused(service.id, env, "deploy", "pull request preview", on_commit, deployment_id)
        )
    return tuple(requested)


def _hosts(project: Project, number: int, services: Iterable[Service], domain: str) -> list[str]:
    """A host per web service of the preview, formed as every environment's are."""
    return [
        f"{s.name}.{environment_name(number)}.{project.slug}.{domain}"
        for s in services
        if s.spec.kind is ServiceKind.WEB and s.spec.port is not None
    ]


def check_url_format(url_format: str) -> str:
    """A URL format with one ``{host}``."""
    if url_format.count("{host}") != 1 or len(url_format) > 200:
        raise InvalidValueError("url_format", "must hold {host} once")
    return url_format
