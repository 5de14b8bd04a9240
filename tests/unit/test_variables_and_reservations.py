"""Variable sets and name reservations."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import InvalidValueError, RuleViolatedError
from domain.reservation import Reservation
from domain.values import SealedValue, slugify
from domain.variables import VariableSet
from tests.unit.given import ACTOR, at, given, replayed, then


def variables() -> VariableSet:
    return VariableSet.open(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), None, actor=ACTOR, now=at())


def test_setting_and_unsetting_is_one_event() -> None:
    v = variables()
    v.change({"A": SealedValue("v1:a"), "B": SealedValue("v1:b")}, [], actor=ACTOR, now=at(1))
    given(v)
    v.change({"C": SealedValue("v1:c")}, ["A"], actor=ACTOR, now=at(2))
    [event] = then(v)
    assert (event.set, event.unset) == ({"C": "v1:c"}, ("A",))
    assert sorted(v.values) == ["B", "C"]


@pytest.mark.parametrize(
    ("set_values", "unset", "message"),
    [
        ({"1BAD": "v1:x"}, [], "not a valid variable name"),
        ({"A-B": "v1:x"}, [], "not a valid variable name"),
        ({}, [], "values: is empty: give at least one variable"),
        ({}, ["MISSING"], "no such variables: MISSING"),
        ({"A": "v1:x"}, ["A"], "both set and unset"),
    ],
)
def test_bad_changes_are_refused(
    set_values: dict[str, str], unset: list[str], message: str
) -> None:
    v = given(variables())
    with pytest.raises(InvalidValueError, match=message):
        v.change({k: SealedValue(s) for k, s in set_values.items()}, unset, actor=ACTOR, now=at())
    assert then(v) == []


def test_variable_sets_of_an_environment_and_a_service_have_distinct_ids() -> None:
    env, service = uuid.uuid4(), uuid.uuid4()
    assert VariableSet.id_for(env, None) != VariableSet.id_for(env, service)
    assert VariableSet.id_for(env, service) == VariableSet.id_for(env, service)


def test_variable_history_replays() -> None:
    v = variables()
    v.change({"A": SealedValue("v1:a")}, [], actor=ACTOR, now=at(1))
    v.change({}, ["A"], actor=ACTOR, now=at(2))
    assert replayed(v).values == {}


def test_a_reservation_is_released_by_its_holder_only_and_can_be_taken_again() -> None:
    holder, other = uuid.uuid4(), uuid.uuid4()
    r = given(Reservation.claim("scope", "shop", holder, actor=ACTOR, now=at()))
    with pytest.raises(RuleViolatedError, match="not held by"):
        r.release(other, actor=ACTOR, now=at(1))
    r.release(holder, actor=ACTOR, now=at(1))
    assert not r.is_held
    r.take(other, actor=ACTOR, now=at(2))
    assert [type(e).__name__ for e in then(r)] == ["Released", "Taken"]
    assert r.id == Reservation.id_for("scope", "shop")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("My Shop (EU)", "my-shop-eu"),
        ("Café Crème", "cafe-creme"),
        ("!!!", ""),
        ("a" * 80, "a" * 63),
    ],
)
def test_slugify(name: str, slug: str) -> None:
    assert slugify(name) == slug
