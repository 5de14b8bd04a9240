"""Managed databases over GraphQL (issue 15): createDatabase answers the database service
with its connection details; bad input gets a coded error naming the argument and records
nothing; the password and URL are revealed to admins and owners only (FORBIDDEN for members);
an in-place major upgrade is refused, pointing to a backup and a restore."""

from __future__ import annotations

from typing import Any

import pytest

from application.services import Services
from tests.e2e.client import Client, GraphQLError

CREATE = (
    "mutation($p: ID!, $e: ID!, $engine: String!, $name: String, $version: String, "
    "$public: Boolean!) { createDatabase(projectId: $p, environmentId: $e, engine: $engine, "
    "name: $name, version: $version, publicPort: $public) { id name kind database { engine "
    "version environmentId internalHost port user databaseName reference published "
    "publishedHost } } }"
)
SECRETS = (
    "query($s: ID!, $e: ID!) { service(id: $s) { database(environmentId: $e) { password "
    "connectionUrl user } } }"
)
SERVICES = "query($p: ID!) { project(id: $p) { services { name } } }"
SIGN_UP = """mutation($e: String!, $t: String) { signUp(email: $e, name: "M", password:
"correct horse battery", invitationToken: $t) { accessToken } }"""


def project(client: Client) -> dict[str, Any]:
    org = client("{ viewer { organizations { id } } }")["viewer"]["organizations"][0]["id"]
    created = client(
        'mutation($o: ID!) { createProject(organizationId: $o, name: "Shop") { id environments { id } } }',
        o=org,
    )["createProject"]
    return {"o": org, "p": created["id"], "e": created["environments"][0]["id"]}


def create(client: Client, ids: dict[str, Any], engine: str, **more: Any) -> dict[str, Any]:
    values = {"name": None, "version": None, "public": False, **more}
    found: dict[str, Any] = client(CREATE, p=ids["p"], e=ids["e"], engine=engine, **values)
    return found["createDatabase"]  # type: ignore[no-any-return]


def test_create_a_postgres_database_and_reveal_its_url_as_the_owner(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    ids = project(client)

    created = create(client, ids, "POSTGRES", version="16", public=True)

    assert created["name"] == "postgres" and created["kind"] == "database"
    assert created["database"] == {
        "engine": "postgres",
        "version": "16",
        "environmentId": ids["e"],
        "internalHost": "postgres",
        "port": 5432,
        "user": "postgres",
        "databaseName": "app",
        "reference": "${{postgres.DATABASE_URL}}",
        "published": True,
        "publishedHost": "127.0.0.1",
    }
    revealed = client(SECRETS, s=created["id"], e=ids["e"])["service"]["database"]
    password = revealed["password"]
    assert len(password) == 48
    assert revealed["connectionUrl"] == f"postgresql://postgres:{password}@postgres:5432/app"


@pytest.mark.parametrize(
    ("engine", "more", "argument", "says"),
    [
        ("oracle", {}, "engine", "not a database engine"),
        ("mysql", {"version": "ten"}, "version", "not an engine version"),
        ("redis", {"name": "Not A Slug"}, "name", ""),
    ],
)
def test_bad_input_is_refused_with_a_code_naming_the_argument_and_nothing_is_made(
    setup: tuple[Services, Client], engine: str, more: dict[str, Any], argument: str, says: str
) -> None:
    _, client = setup
    ids = project(client)
    with pytest.raises(GraphQLError) as raised:
        create(client, ids, engine, **more)
    [error] = raised.value.errors
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["argument"] == argument
    assert says in error["message"]
    assert client(SERVICES, p=ids["p"])["project"]["services"] == []


def test_a_second_database_of_the_same_name_is_refused(setup: tuple[Services, Client]) -> None:
    _, client = setup
    ids = project(client)
    create(client, ids, "redis")
    with pytest.raises(GraphQLError) as raised:
        create(client, ids, "redis")
    assert raised.value.codes == ["VALIDATION_FAILED"]
    assert "already has a service 'redis'" in raised.value.errors[0]["message"]


def test_a_new_major_in_place_is_refused_pointing_to_backup_and_restore(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    ids = project(client)
    created = create(client, ids, "postgres", version="16")
    with pytest.raises(GraphQLError) as raised:
        client(
            'mutation($s: ID!) { updateDatabase(id: $s, version: "17") { id } }', s=created["id"]
        )
    assert raised.value.codes == ["CONFLICT"]
    assert "back this one up and restore the backup" in raised.value.errors[0]["message"]
    updated = client(
        'mutation($s: ID!) { updateDatabase(id: $s, version: "16.6") { database { version } } }',
        s=created["id"],
    )
    assert updated["updateDatabase"]["database"]["version"] == "16.6"


def test_a_member_sees_the_connection_details_but_not_the_password(
    setup: tuple[Services, Client],
) -> None:
    _, owner = setup
    ids = project(owner)
    created = create(owner, ids, "mysql", version="10.11")
    token = owner(
        'mutation($o: ID!) { inviteMember(organizationId: $o, email: "m@example.com", '
        'role: "member") { token } }',
        o=ids["o"],
    )["inviteMember"]["token"]
    joined = owner.raw(SIGN_UP, {"e": "m@example.com", "t": token}, token="")
    member = Client("http://testserver", owner.http)
    member.token = joined["data"]["signUp"]["accessToken"]

    answer = member.raw(SECRETS, {"s": created["id"], "e": ids["e"]})

    assert answer["data"]["service"]["database"] == {
        "password": None,
        "connectionUrl": None,
        "user": "app",
    }
    codes = {tuple(e["path"]): e["extensions"]["code"] for e in answer["errors"]}
    assert codes == {
        ("service", "database", "password"): "FORBIDDEN",
        ("service", "database", "connectionUrl"): "FORBIDDEN",
    }
    password = owner(SECRETS, s=created["id"], e=ids["e"])["service"]["database"]["password"]
    assert password not in str(answer)
