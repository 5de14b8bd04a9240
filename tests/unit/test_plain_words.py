"""Plain words for people (issue 12): actors by name, releases by commit, a web service's
addresses from the ingress settings."""

from __future__ import annotations

from uuid import UUID, uuid4

from interfaces.graphql.words import (
    actor_user,
    actor_words,
    concerns,
    listen_port,
    plain_text,
    release_label,
    service_addresses,
)

ADA = UUID("ab29b24c-0000-4000-8000-000000000001")


def test_a_members_actor_id_becomes_their_name_and_a_token_says_so() -> None:
    names = {ADA: "Ada"}
    assert actor_words(f"user:{ADA}", names) == "Ada"
    assert actor_words(f"user:{ADA} (token {uuid4()})", names) == "Ada (token)"
    assert actor_user(f"user:{ADA} (token {uuid4()})") == ADA


def test_someone_the_caller_cannot_name_is_a_former_member_never_an_id() -> None:
    stranger = uuid4()
    assert actor_words(f"user:{stranger}", {ADA: "Ada"}) == "a former member"


def test_containrs_own_components_are_named_in_words() -> None:
    assert actor_words("system:deployer", {}) == "Containr's deployer"
    assert actor_words("system:reconciler", {}) == "Containr's reconciler"
    assert actor_words("system:image-builder", {}) == "Containr (image builder)"
    assert actor_user("system:deployer") is None


def test_release_ids_become_their_short_commit_and_states_become_words() -> None:
    one, two = uuid4(), uuid4()
    labels = {one: release_label("1a06252bdeadbeef", None, one)}
    assert plain_text(f"superseded by {one}", labels) == "superseded by 1a06252"
    assert plain_text(f"deployment rolled_back: rolled back by {two}", labels) == (
        "deployment rolled back: rolled back by another release"
    )
    # an id that names no release stays as it is
    assert plain_text(f"node {two} is gone", labels) == f"node {two} is gone"


def test_a_release_without_a_commit_is_named_by_its_image_or_its_ids_start() -> None:
    ident = UUID("1a06252b-0000-4000-8000-000000000000")
    assert release_label(None, "registry.local/shop@sha256:abc", ident) == "shop"
    assert release_label(None, None, ident) == "release 1a06252b"


def test_what_an_entry_concerns_joins_the_service_and_the_environment() -> None:
    assert concerns("api", "production") == "api · production"
    assert concerns("api", None) == "api"
    assert concerns(None, None) is None


def test_addresses_use_the_ingress_domain_and_port_and_say_there_is_no_tls() -> None:
    found = service_addresses(
        "api", "production", "shop", ["shop.example.com"], "localhost", "127.0.0.1:8080"
    )
    assert [(a.url, a.custom, a.tls) for a in found] == [
        ("http://api.production.shop.localhost:8080/", False, False),
        ("http://shop.example.com:8080/", True, False),
    ]
    on_80 = service_addresses("api", "staging", "shop", [], "apps.example.org", ":80")
    assert [a.url for a in on_80] == ["http://api.staging.shop.apps.example.org/"]
    assert listen_port("[::]:8443") == 8443
    assert listen_port("localhost") is None
