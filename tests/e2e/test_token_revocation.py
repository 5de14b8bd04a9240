"""An API token may revoke itself whatever its scopes (`containr logout`), and nothing more."""

from __future__ import annotations

import pytest

from application.services import Services
from tests.e2e.client import Client, GraphQLError

REVOKE = "mutation($id: ID!) { revokeApiToken(id: $id) }"
CREATE = 'mutation($s: [String!]!) { createApiToken(name: "cli", scopes: $s) { id token } }'


def test_a_token_without_the_admin_scope_revokes_itself_but_no_other_token(
    setup: tuple[Services, Client],
) -> None:
    _, owner = setup
    mine = owner(CREATE, s=["write"])["createApiToken"]
    other = owner(CREATE, s=["read"])["createApiToken"]
    cli = Client(owner.base_url, owner.http)
    cli.token = mine["token"]
    with pytest.raises(GraphQLError) as refused:
        cli(REVOKE, id=other["id"])
    assert refused.value.codes == ["FORBIDDEN"] and "admin scope" in str(refused.value)
    assert cli(REVOKE, id=mine["id"])["revokeApiToken"] is True
    gone = cli.raw("{ viewer { id } }")
    assert gone["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    owner.token = other["token"]
    assert owner("{ viewer { id } }")["viewer"]["id"]  # the other token still works
