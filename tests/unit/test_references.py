"""Reference variables: parsing, rendering, resolving and finding cycles (issue 15)."""

from __future__ import annotations

import uuid
from itertools import pairwise

import pytest
from hypothesis import given as hypothesis_given
from hypothesis import strategies as st

from domain.errors import InvalidValueError
from domain.references import (
    Part,
    Reference,
    find_cycle,
    is_templated,
    parse,
    references_in,
    render,
    resolve,
)
from domain.values import SealedValue
from domain.variables import VariableSet
from tests.unit.given import ACTOR, at, given, replayed, then


def test_a_value_mixes_literal_text_and_several_references() -> None:
    parts = parse("postgres://${{db.USER}}:${{db.PASSWORD}}@${{db.HOST}}:5432/app")
    assert parts == (
        "postgres://",
        Reference("db", "USER"),
        ":",
        Reference("db", "PASSWORD"),
        "@",
        Reference("db", "HOST"),
        ":5432/app",
    )
    values = {"USER": "u", "PASSWORD": "p", "HOST": "h"}
    assert resolve(parts, lambda ref: values[ref.name]) == "postgres://u:p@h:5432/app"


def test_shared_variables_and_spaces_inside_the_braces() -> None:
    assert parse("${{ shared.REGION }}") == (Reference("shared", "REGION"),)


def test_the_escape_is_a_literal_opening() -> None:
    assert parse("a $${{db.USER}} b") == ("a ${{db.USER}} b",)
    assert render(("a ${{db.USER}} b",)) == "a $${{db.USER}} b"


def test_text_without_references_is_itself() -> None:
    assert parse("plain $value {{x}}") == ("plain $value {{x}}",)
    assert not is_templated("plain $value {{x}}")


@pytest.mark.parametrize("value", ["${{db}}", "${{db.}}", "${{.X}}", "${{db.X", "${{db.1X}}"])
def test_a_malformed_reference_is_refused_with_the_fix(value: str) -> None:
    with pytest.raises(InvalidValueError, match=r"is not a reference.*\$\$\{\{"):
        parse(value)


def test_references_are_listed_once_in_order() -> None:
    parts = parse("${{b.X}}${{a.Y}}${{b.X}}")
    assert references_in(parts) == (Reference("b", "X"), Reference("a", "Y"))


owners = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
names = st.from_regex(r"[A-Z_][A-Z0-9_]{0,8}", fullmatch=True)
references = st.builds(Reference, owners, names)
texts = st.text(alphabet=st.sampled_from("ab$.{} :/@\n${{"), min_size=1, max_size=12)


def _normalised(parts: list[Part]) -> tuple[Part, ...]:
    """Adjacent texts joined; a text right before a reference must not end in ``$``."""
    out: list[Part] = []
    for part in parts:
        if out and isinstance(part, str) and isinstance(out[-1], str):
            out[-1] = out[-1] + part
        else:
            out.append(part)
    return tuple(out)


@hypothesis_given(st.lists(st.one_of(texts, references), max_size=8))
def test_parse_inverts_render(parts: list[Part]) -> None:
    normal = _normalised(parts)
    writable = all(
        not (isinstance(a, str) and a.endswith("$") and isinstance(b, Reference))
        for a, b in pairwise(normal)
    )
    if writable:
        assert parse(render(normal)) == normal


@hypothesis_given(st.lists(st.one_of(texts, references), max_size=8))
def test_resolving_replaces_exactly_the_references(parts: list[Part]) -> None:
    normal = _normalised(parts)
    resolved = resolve(normal, lambda ref: f"<{ref.owner}:{ref.name}>")
    expected = "".join(p if isinstance(p, str) else f"<{p.owner}:{p.name}>" for p in normal)
    assert resolved == expected


@hypothesis_given(st.text(max_size=30))
def test_parsing_any_text_refuses_or_renders_back(value: str) -> None:
    try:
        parts = parse(value)
    except InvalidValueError:
        return
    assert parse(render(parts)) == parts


def test_a_two_way_cycle_is_found() -> None:
    edges = {"a": ["b"], "b": ["a"]}
    assert find_cycle(["a"], lambda n: edges.get(n, [])) == ["a", "b", "a"]


def test_a_cycle_through_several_hops_is_found_from_any_start() -> None:
    edges = {"x": ["a"], "a": ["b"], "b": ["c"], "c": ["a"]}
    assert find_cycle(["x"], lambda n: edges.get(n, [])) == ["a", "b", "c", "a"]


def test_a_self_reference_is_a_cycle() -> None:
    assert find_cycle(["a"], lambda n: ["a"] if n == "a" else []) == ["a", "a"]


def test_a_diamond_is_not_a_cycle() -> None:
    edges = {"a": ["b", "c"], "b": ["d"], "c": ["d"]}
    assert find_cycle(["a", "b"], lambda n: edges.get(n, [])) is None


@hypothesis_given(st.dictionaries(st.integers(0, 6), st.lists(st.integers(0, 6), max_size=3)))
def test_a_cycle_found_is_a_real_cycle_and_none_means_acyclic(graph: dict[int, list[int]]) -> None:
    cycle = find_cycle(list(graph), lambda n: graph.get(n, []))
    if cycle is not None:
        assert cycle[0] == cycle[-1]
        assert all(b in graph.get(a, []) for a, b in pairwise(cycle))
    else:  # a topological order exists
        indegree = {n: 0 for n in range(7)}
        for targets in graph.values():
            for t in targets:
                indegree[t] += 1
        ready = [n for n, d in indegree.items() if d == 0]
        seen = 0
        while ready:
            n = ready.pop()
            seen += 1
            for t in graph.get(n, []):
                indegree[t] -= 1
                if indegree[t] == 0:
                    ready.append(t)
        assert seen == 7


def test_a_variable_set_remembers_what_its_values_reference() -> None:
    v = VariableSet.open(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), None, actor=ACTOR, now=at())
    given(v)
    v.change(
        {"URL": SealedValue("v1:u"), "PLAIN": SealedValue("v1:p")},
        [],
        references={"URL": ("shared.HOST",)},
        actor=ACTOR,
        now=at(1),
    )
    [event] = then(v)
    assert event.references == {"URL": ("shared.HOST",)}
    assert v.dependents_of("shared.HOST") == ["URL"]


def test_setting_a_value_again_replaces_its_references() -> None:
    v = VariableSet.open(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), None, actor=ACTOR, now=at())
    v.change(
        {"URL": SealedValue("v1:u")}, [], references={"URL": ("shared.H",)}, actor=ACTOR, now=at(1)
    )
    v.change({"URL": SealedValue("v1:u2")}, [], actor=ACTOR, now=at(2))
    assert v.references == {}
    v.change(
        {"URL": SealedValue("v1:u3")}, [], references={"URL": ("shared.G",)}, actor=ACTOR, now=at(3)
    )
    assert replayed(v).references == {"URL": ("shared.G",)}


def test_unsetting_a_variable_forgets_its_references() -> None:
    v = VariableSet.open(uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), None, actor=ACTOR, now=at())
    v.change(
        {"URL": SealedValue("v1:u")}, [], references={"URL": ("shared.H",)}, actor=ACTOR, now=at(1)
    )
    v.change({}, ["URL"], actor=ACTOR, now=at(2))
    assert v.references == {}


def test_a_changed_event_recorded_before_references_reads_as_referencing_nothing() -> None:
    state: dict[str, object] = {"set": {}, "unset": ()}
    VariableSet.Changed.upcast_v1_v2(state)
    assert state["references"] == {}
