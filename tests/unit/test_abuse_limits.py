"""Abuse limits without I/O: trusted proxies, the hashing pool, one hashing field per request."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest
from graphql import parse, validate

from adapters.auth import InProcessRateLimiter
from adapters.fakes import FakePasswordHasher
from application.limits import BUSY, BoundedHasher, RateLimitedError
from application.secrets import Secret
from application.settings import Settings, SettingsError
from interfaces.graphql.limits import HASHING_FIELDS, OneHashingField
from interfaces.graphql.schema import build_schema
from interfaces.http.callers import client_address, parse_address, trusted_networks

# Trusted proxies


def test_no_proxy_is_trusted_by_default_and_the_setting_takes_addresses_and_networks() -> None:
    assert Settings.from_env({}).trusted_proxies == ()
    settings = Settings.from_env(
        {"CONTAINR_TRUSTED_PROXIES": " 10.0.0.0/8, 127.0.0.1 ,2001:db8::/32,, 192.168.1.7/24"}
    )
    assert settings.trusted_proxies == (
        "10.0.0.0/8",
        "127.0.0.1/32",
        "2001:db8::/32",
        "192.168.1.0/24",
    )


@pytest.mark.parametrize("bad", ["localhost", "10.0.0.0/33", "1.2.3", "10.0.0.1 10.0.0.2"])
def test_a_trusted_proxy_that_is_not_an_address_fails_at_start_naming_the_variable(
    bad: str,
) -> None:
    with pytest.raises(SettingsError, match=r"CONTAINR_TRUSTED_PROXIES: .*not an IP address"):
        Settings.from_env({"CONTAINR_TRUSTED_PROXIES": bad})


PROXIES = trusted_networks(("10.0.0.0/8", "127.0.0.1"))


def test_an_untrusted_peer_is_the_client_whatever_it_forwards() -> None:
    assert client_address("198.51.100.9", ["1.2.3.4"], PROXIES) == "198.51.100.9"
    assert client_address("198.51.100.9", [], ()) == "198.51.100.9"
    assert client_address("127.0.0.1", ["1.2.3.4"], ()) == "127.0.0.1"
    assert client_address("testclient", ["1.2.3.4"], PROXIES) == "testclient"


def test_behind_trusted_proxies_the_client_is_the_right_most_untrusted_address() -> None:
    assert client_address("127.0.0.1", ["203.0.113.7"], PROXIES) == "203.0.113.7"
    # What the client wrote itself (left) is ignored; trusted hops (right) are skipped.
    chain = ["6.6.6.6, 203.0.113.7, 10.1.2.3", "10.0.0.5"]
    assert client_address("127.0.0.1", chain, PROXIES) == "203.0.113.7"


def test_a_forwarded_chain_of_trusted_hops_only_or_none_gives_the_furthest_trusted_hop() -> None:
    assert client_address("127.0.0.1", ["10.0.0.9, 10.0.0.5"], PROXIES) == "10.0.0.9"
    assert client_address("127.0.0.1", [], PROXIES) == "127.0.0.1"
    assert client_address("127.0.0.1", [" , "], PROXIES) == "127.0.0.1"


def test_garbage_in_the_chain_stops_at_the_last_trusted_hop() -> None:
    assert client_address("127.0.0.1", ["203.0.113.7, not-an-ip, 10.0.0.5"], PROXIES) == "10.0.0.5"
    assert client_address("127.0.0.1", ["unknown"], PROXIES) == "127.0.0.1"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 203.0.113.7:5123 ", "203.0.113.7"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ('"203.0.113.7"', "203.0.113.7"),
        ("[2001:db8::1", None),
        ("example.com", None),
        ("", None),
    ],
)
def test_addresses_are_read_as_proxies_write_them(text: str, address: str | None) -> None:
    parsed = parse_address(text)
    assert (str(parsed) if parsed else None) == address


# Rate limiter (the Redis one is in tests/contract/test_rate_limiter.py)


def test_in_process_limiter_says_how_long_to_wait_and_forgets_old_logs() -> None:
    now = [1_000_040.0]
    limiter = InProcessRateLimiter(lambda: now[0])
    assert [limiter.attempt("k", 2, 60) for _ in range(3)] == [0, 0, 60]
    assert limiter.attempt("other", 2, 60) == 0
    now[0] += 60
    assert limiter.attempt("k", 2, 60) == 0
    for n in range(100_001):  # past the bound: logs whose attempts all left their window go
        limiter.attempt(f"crowd-{n}", 1, 60)
    now[0] += 61
    limiter.attempt("last", 1, 60)
    assert len(limiter._logs) < 100_000


# Bounded hashing


def until(condition: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.005)


@pytest.fixture
def held() -> Iterator[FakePasswordHasher]:
    hasher = FakePasswordHasher()
    hasher.hold()
    yield hasher
    hasher.let_go()


def start(work: Callable[[], object], count: int) -> list[threading.Thread]:
    threads = [threading.Thread(target=work, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads


def test_at_most_k_hashes_run_at_once_and_the_waiting_ones_run_after(
    held: FakePasswordHasher,
) -> None:
    pool = BoundedHasher(held, concurrency=2, queue=10)
    threads = start(lambda: pool.hash(Secret("a long password")), 6)
    assert held.wait_running(2)
    until(lambda: pool.waiting == 4)
    assert held.running == 2
    held.let_go()
    for thread in threads:
        thread.join(10)
    assert held.hashes == 6 and held.peak == 2 and pool.waiting == 0


def test_past_the_queue_a_caller_is_told_at_once_the_server_is_busy(
    held: FakePasswordHasher,
) -> None:
    pool = BoundedHasher(held, concurrency=1, queue=1)
    threads = start(lambda: pool.verify(Secret("x"), Secret("y")), 2)
    assert held.wait_running(1)
    until(lambda: pool.waiting == 1)
    with pytest.raises(RateLimitedError, match=BUSY):
        pool.hash(Secret("a long password"))
    held.let_go()
    for thread in threads:
        thread.join(10)
    assert held.checks == 2 and held.hashes == 0
    assert pool.verify(pool.hash(Secret("a long password")), Secret("a long password"))


def test_a_waiting_caller_gives_up_as_busy_after_its_patience(held: FakePasswordHasher) -> None:
    pool = BoundedHasher(held, concurrency=1, queue=5, patience=0.05)
    threads = start(lambda: pool.hash(Secret("first")), 1)
    assert held.wait_running(1)
    with pytest.raises(RateLimitedError, match=BUSY):
        pool.hash(Secret("second"))
    assert pool.waiting == 0
    held.let_go()
    threads[0].join(10)


# One password-hashing field per request

SCHEMA = build_schema()._schema
SIGN_UP = 'signUp(email: "a@example.com", name: "A", password: "long enough pw") { userId }'
LOG_IN = 'logIn(email: "a@example.com", password: "long enough pw") { userId }'


def refusals(document: str) -> list[str]:
    return [e.message for e in validate(SCHEMA, parse(document), [OneHashingField])]


@pytest.mark.parametrize(
    "document",
    [
        f"mutation {{ a: {SIGN_UP} b: {SIGN_UP} }}",
        f"mutation {{ {SIGN_UP} {LOG_IN} }}",
        f"mutation {{ a: {LOG_IN} b: {LOG_IN} c: {LOG_IN} }}",
        f"mutation {{ ...A }} fragment A on Mutation {{ a: {SIGN_UP} ...B }} "
        f"fragment B on Mutation {{ b: {SIGN_UP} }}",
        f"mutation {{ {SIGN_UP} ... on Mutation {{ again: {SIGN_UP} }} }}",
        f"mutation {{ ...A a2: {LOG_IN} }} fragment A on Mutation {{ {LOG_IN} }}",
    ],
)
def test_more_than_one_hashing_field_is_refused_aliases_and_fragments_included(
    document: str,
) -> None:
    [message] = refusals(document)
    assert "at most one password-checking field" in message
    assert "one request at a time" in message


@pytest.mark.parametrize(
    "document",
    [
        f"mutation {{ {SIGN_UP} }}",
        f"mutation {{ x: {LOG_IN} }}",
        # One field spread many times is still one field (GraphQL merges it).
        f"mutation {{ ...A ...A ... on Mutation {{ ...A }} }} fragment A on Mutation {{ {LOG_IN} }}",
        f"mutation {{ {LOG_IN} ...A }} fragment A on Mutation {{ {LOG_IN} }}",
        # Two operations in one document: only one of them runs.
        f"mutation One {{ {SIGN_UP} }} mutation Two {{ {LOG_IN} }}",
        "{ viewer { id } }",
    ],
)
def test_one_hashing_field_per_operation_is_allowed(document: str) -> None:
    assert refusals(document) == []


def test_a_fragment_spread_a_million_times_is_walked_once() -> None:
    levels = "".join(f"fragment F{i} on Mutation {{ ...F{i + 1} ...F{i + 1} }} " for i in range(20))
    document = f"mutation {{ ...F0 }} {levels} fragment F20 on Mutation {{ a: {LOG_IN} }}"
    assert refusals(document) == []
    document = document.replace(
        "fragment F20 on Mutation {", f"fragment F20 on Mutation {{ {SIGN_UP}"
    )
    assert len(refusals(document)) == 1


def test_every_hashing_field_is_a_mutation_of_the_schema_or_a_future_one() -> None:
    mutations = set(SCHEMA.mutation_type.fields) if SCHEMA.mutation_type else set()
    assert {"signUp", "logIn"} <= HASHING_FIELDS
    assert HASHING_FIELDS - mutations <= {"changePassword"}  # not served over GraphQL yet
