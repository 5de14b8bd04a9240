"""GraphQL mutations of environment access: public or members only, and expiring share
links (issue 14). The environment is read through the caller's read gate first; the write
gate then checks the caller may change its project."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from application import commands as c
from application.errors import UnavailableError
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, uuid_of
from interfaces.graphql.types import Environment, ctx


@strawberry.type(description="A share link just made: its token is shown this once.")
class ShareLink:
    id: strawberry.ID
    token: str = strawberry.field(description="Shown once; only its hash is kept.")
    expires_at: datetime
    urls: list[str] = strawberry.field(
        description="The link on each web service's host; any host of the environment works."
    )


def set_environment_access(
    info: Info[GqlContext, None], environment_id: strawberry.ID, access: str
) -> Environment:
    context = ctx(info)
    environment = entity(context.reads, "environment", environment_id, "environmentId")
    command = c.build_command(
        c.SetEnvironmentAccess,
        {"project_id": environment.project_id, "environment_id": environment.id, "access": access},
    )
    context.execute(command, None, ("dashboard",))
    return context.reads.dashboard.environment(environment.id)


def create_share_link(
    info: Info[GqlContext, None], environment_id: strawberry.ID, expires_in_hours: int = 72
) -> ShareLink:
    context = ctx(info)
    environment = entity(context.reads, "environment", environment_id, "environmentId")
    gate = context.access
    if gate is None:
        raise UnavailableError("this server makes no share links")
    names = [
        s.name for s in context.reads.dashboard.services(environment.project_id) if s.kind == "web"
    ]
    made = gate.create_share_link(
        context.require(), environment.project_id, environment.id, expires_in_hours, names
    )
    context.saw(context.log_head())
    return ShareLink(
        id=strawberry.ID(str(made.link_id)),
        token=made.token,
        expires_at=made.expires_at,
        urls=made.urls,
    )


def revoke_share_link(
    info: Info[GqlContext, None], environment_id: strawberry.ID, link_id: strawberry.ID
) -> bool:
    context = ctx(info)
    environment = entity(context.reads, "environment", environment_id, "environmentId")
    command = c.RevokeShareLink(
        project_id=environment.project_id,
        environment_id=environment.id,
        link_id=uuid_of(link_id, "linkId"),
    )
    context.execute(command, None, ())
    return True


def enter_environment(
    info: Info[GqlContext, None], environment_id: strawberry.ID, return_url: str
) -> str:
    context = ctx(info)
    environment = entity(context.reads, "environment", environment_id, "environmentId")
    gate = context.access
    if gate is None:
        raise UnavailableError("this server does not check access")
    return gate.enter(context.require(), environment.id, return_url)
