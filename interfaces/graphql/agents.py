"""GraphQL mutations of node agents (issue 18): join tokens (shown once) and revoking an
agent's credential; admins and owners only."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from application import commands as c
from interfaces.graphql.context import GqlContext
from interfaces.graphql.fields import entity, mutation
from interfaces.graphql.types import ctx


@strawberry.type(description="A join token, shown once: `containr agent join URL TOKEN`.")
class NewJoinToken:
    id: strawberry.ID
    token: str
    expires_in_minutes: int


def create_join_token(
    info: Info[GqlContext, None], organization_id: strawberry.ID, expires_in_minutes: int = 60
) -> NewJoinToken:
    context = ctx(info)
    organization = entity(context.reads, "organization", organization_id, "organizationId")
    token_id, token = context.agents.create_join_token(
        context.require(), organization.id, expires_in_minutes
    )
    context.saw(context.log_head())
    return NewJoinToken(
        id=strawberry.ID(str(token_id)), token=token.reveal(), expires_in_minutes=expires_in_minutes
    )


create_join_token_field = strawberry.mutation(
    resolver=create_join_token,
    description="A one-time join token for a host's agent (expiresInMinutes: 1 to 10080, "
    "default 60); shown once. On the host: `containr agent join <this server's URL> <token>`.",
)
revoke_agent_credential = mutation(
    c.RevokeAgentCredential,
    "id=node_id",
    bool,
    description="Refuse a node agent's credential from now on (its connection is closed within "
    "30 s); the agent must join again with a new token.",
)
