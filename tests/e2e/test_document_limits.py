"""Documents are measured once expanded, each fragment once: fan-out, depth, aliases and
repeated fields through fragments are refused before graphql-core walks them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graphql import parse
from litestar.testing import TestClient

from application.services import Services
from interfaces.graphql.measure import MAX_ALIASES, MAX_DEPTH, MAX_SAME_NAME, check_document
from interfaces.graphql.schema import build_schema
from interfaces.graphql.validation import VALID_SHAPES, validate_document
from tests.e2e.client import Client

ROOT = Path(__file__).resolve().parents[2]


def fan_out(fragments: int) -> str:
    """``F0`` spreads ``F1`` twice, … : 2^fragments fields once expanded."""
    parts = ["query{viewer{...F0}}"]
    parts += [f"fragment F{i} on Viewer{{...F{i + 1} ...F{i + 1}}}" for i in range(fragments)]
    parts.append(f"fragment F{fragments} on Viewer{{id}}")
    return " ".join(parts)


def named(client: Client, document: str, operation: str) -> dict[str, Any]:
    """The answer to a document run by operation name."""
    response = client.http.post(
        "/graphql",
        json={"query": document, "operationName": operation},
        headers={"Authorization": f"Bearer {client.token}"},
    )
    body: dict[str, Any] = response.json()
    return body


def refusal(client: Client, document: str) -> str:
    body = client.raw(document)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_FAILED", body
    return str(error["message"])


def test_the_fragment_fan_out_document_is_refused_as_too_large(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    document = fan_out(20)
    assert len(document) < 820  # the 817-byte document of issue 11, give or take the spacing
    assert "too large once its fragments are expanded" in refusal(client, document)


def test_a_fan_out_no_walk_could_finish_is_refused_too(setup: tuple[Services, Client]) -> None:
    # 2^300 spreads: refused only because each fragment is measured once.
    _, client = setup
    assert "too large once its fragments are expanded" in refusal(client, fan_out(300))


def test_the_fan_out_is_refused_anonymously_and_without_a_session(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    body = client.raw(fan_out(20), token="")  # no Authorization header
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    assert body["data"] is None


def test_depth_counts_fields_reached_through_fragments(setup: tuple[Services, Client]) -> None:
    _, client = setup

    def chain(levels: int) -> str:  # each fragment nests one more level (the types are wrong:
        # no type of the schema nests this deep, and depth is measured before validation)
        fragments = " ".join(
            f"fragment L{i} on Viewer {{ organizations {{ ...L{i + 1} }} }}" for i in range(levels)
        )
        return f"{{ viewer {{ ...L0 }} }} {fragments} fragment L{levels} on Viewer {{ id }}"

    assert "too deep (depth 13, at most 12)" in refusal(client, chain(MAX_DEPTH))
    assert "too deep" not in refusal(client, chain(MAX_DEPTH - 1))


def test_aliases_reached_through_fragments_are_counted(setup: tuple[Services, Client]) -> None:
    _, client = setup
    aliases = " ".join(f"a{i}: id" for i in range(MAX_ALIASES // 2 + 1))
    document = f"{{ viewer {{ ...A ...B }} }} fragment A on Viewer {{ ...C }} fragment B on Viewer {{ ...C }} fragment C on Viewer {{ {aliases} }}"
    assert "too many aliases" in refusal(client, document)


def test_a_response_name_repeated_in_one_selection_set_is_refused(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    many = "organizations { id } " * (MAX_SAME_NAME + 1)
    assert "'organizations'" in refusal(client, "{ viewer { " + many + "} }")
    # the same through fragments: each fragment asks once, the merged selection many times
    spreads = " ".join(f"...R{i}" for i in range(MAX_SAME_NAME + 1))
    fragments = " ".join(
        f"fragment R{i} on Viewer {{ organizations {{ id }} }}" for i in range(MAX_SAME_NAME + 1)
    )
    assert "'organizations'" in refusal(client, f"{{ viewer {{ {spreads} }} }} {fragments}")
    fine = "organizations { id } " * MAX_SAME_NAME
    assert client.raw("{ viewer { " + fine + "} }").get("errors") is None


def test_a_fragment_that_spreads_itself_is_refused(setup: tuple[Services, Client]) -> None:
    _, client = setup
    document = "{ viewer { ...A } } fragment A on Viewer { id ...B } fragment B on Viewer { ...A }"
    assert "spreads itself" in refusal(client, document)


def test_an_unused_fragment_that_expands_too_far_is_refused(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    document = fan_out(20).replace("query{viewer{...F0}}", "query{viewer{id}}")
    assert "too large" in refusal(client, document)


def test_several_operations_together_may_not_exceed_the_size(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    fragment = (
        "fragment F on Viewer { id email name apiTokens { id name } "
        "organizations { id name slug createdAt role canWrite canManage } }"
    )
    one = "query Q0 { viewer { ...F } } " + fragment
    assert named(client, one, "Q0").get("errors") is None
    operations = " ".join(
        f"query Q{n} {{ viewer {{ ...F }} }}" for n in range(70)
    )  # 16 selections each
    body = named(client, f"{operations} {fragment}", "Q0")
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    assert "too large" in body["errors"][0]["message"]


def test_every_document_the_web_dashboard_sends_is_within_the_limits() -> None:
    schema = build_schema()._schema
    documents = sorted((ROOT / "interfaces/web/src/api/operations").glob("*.graphql"))
    assert documents
    for path in documents:
        document = parse(path.read_text())
        assert check_document(document) == [], path.name
        assert validate_document(schema, document, ()) == [], path.name


def test_renaming_the_operation_or_reformatting_finds_the_cached_validation(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    first = "query First { viewer { id organizations { id name } } }"
    assert client.raw(first).get("errors") is None
    hits = VALID_SHAPES.hits
    renamed = "query Renamed {\n  viewer {\n    id, organizations { id name }\n  } # again\n}"
    assert client.raw(renamed).get("errors") is None
    assert VALID_SHAPES.hits == hits + 1
    other = "query First { viewer { id organizations { id slug } } }"
    assert client.raw(other).get("errors") is None
    assert VALID_SHAPES.hits == hits + 1  # a different document is validated afresh


def test_duplicate_operation_names_are_not_taken_for_distinct_ones(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    distinct = "query A { viewer { id } } query B { viewer { id } }"
    body = named(client, distinct, "A")
    assert body.get("errors") is None
    duplicate = "query A { viewer { id } } query A { viewer { id } }"
    body = named(client, duplicate, "A")
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"


def test_several_operations_without_an_operation_name_are_refused(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    document = 'query A { viewer { id } } mutation B { createOrganization(name: "B") { id } }'
    body = client.raw(document)
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    assert body["errors"][0]["message"] == (
        "the document has several operations: say which one with operationName"
    )
    assert body["data"] is None
    body = named(client, document, "A")
    assert body.get("errors") is None and body["data"]["viewer"]["id"]


def test_several_operations_without_an_operation_name_are_refused_over_a_websocket(
    setup: tuple[Services, Client],
) -> None:
    _, client = setup
    http = client.http
    assert isinstance(http, TestClient)
    document = (
        'subscription A { projectActivity(projectId: "x") { id } } '
        'subscription B { projectActivity(projectId: "y") { id } }'
    )
    with http.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        ws.send_text(
            json.dumps(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {client.token}"}}
            )
        )
        assert json.loads(ws.receive_text())["type"] == "connection_ack"
        ws.send_text(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": document}}))
        reply = json.loads(ws.receive_text())
    assert reply["type"] == "error", reply
    assert "several operations" in reply["payload"][0]["message"]
