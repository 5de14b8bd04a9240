"""How much a GraphQL document asks for once expanded, each fragment measured once.

A document of a few hundred bytes can expand into millions of fields: a fragment that spreads
the next one twice, twenty times over, is 2^20 fields. Walking such a document spread by spread
(as a depth or cost rule naively does) takes seconds of CPU; so does graphql-core's
OverlappingFieldsCanBeMerged rule when one response name repeats hundreds of times, because it
compares every pair. So, before any rule runs, the document is measured in one pass over its
text with each fragment measured once (memoised): its size once expanded, its depth, its alias
count and its cost. A document over any bound is refused there, and graphql-core only ever
sees documents whose expanded size is bounded, where its rules are cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

MAX_TOKENS = 4000
"""Tokens in a document: the parser stops at this many."""
MAX_DEPTH = 12
"""Nested fields with selections, as strawberry's QueryDepthLimiter counts them."""
MAX_ALIASES = 30
"""Aliased fields in the expanded document."""
MAX_COST = 50_000
"""Estimated items read: a field costs 1, a page multiplies what it selects by its size."""
MAX_NODES = 1_000
"""Selections (fields, spreads, inline fragments) in the expanded document."""
MAX_SAME_NAME = 16
"""Fields answering under one response name in one selection set, fragments merged: the
OverlappingFieldsCanBeMerged rule compares these pairwise, so this bounds its work."""
DEFAULT_PAGE = 50
PAGINATED = frozenset({"projects", "deployments", "auditLog", "releases"})
_CAP = 10**12  # measures saturate here: a bound is far below, and the numbers stay small


@dataclass(frozen=True, slots=True)
class Measure:
    """What a selection set (or a fragment, or an operation) amounts to once expanded."""

    nodes: int = 0
    depth: int = 0
    cost: int = 0
    aliases: int = 0

    def plus(self, other: Measure) -> Measure:
        """Two selections side by side."""
        return Measure(
            min(self.nodes + other.nodes, _CAP),
            max(self.depth, other.depth),
            min(self.cost + other.cost, _CAP),
            min(self.aliases + other.aliases, _CAP),
        )


ZERO = Measure()


class DocumentMeasurer:
    """Measures a document's operations, each fragment once."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments: dict[str, FragmentDefinitionNode] = {}
        for definition in document.definitions:
            if isinstance(definition, FragmentDefinitionNode):
                self.fragments.setdefault(definition.name.value, definition)
        self.operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self.measured: dict[str, Measure] = {}

    def cycle(self) -> list[str] | None:
        """A chain of fragments that spreads its own first fragment, if there is one."""
        state: dict[str, int] = {}  # 1: on the current path, 2: done
        for root in self.fragments:
            if root in state:
                continue
            path = [root]
            stack: list[Iterator[str]] = [iter(self._spreads(root))]
            state[root] = 1
            while stack:  # iterative: a chain of fragments may be hundreds long
                child = next(stack[-1], None)
                if child is None:
                    stack.pop()
                    state[path.pop()] = 2
                elif state.get(child) == 1:
                    return [*path[path.index(child) :], child]
                elif child not in state and child in self.fragments:
                    state[child] = 1
                    path.append(child)
                    stack.append(iter(self._spreads(child)))
        return None

    def _spreads(self, name: str) -> list[str]:
        return [s.name.value for s in _spreads_in(self.fragments[name].selection_set)]

    def measure_fragments(self) -> None:
        """Measure every fragment, each after the fragments it spreads (the graph is acyclic)."""
        order: list[str] = []
        seen: set[str] = set()
        for root in self.fragments:
            if root in seen:
                continue
            seen.add(root)
            stack: list[tuple[str, Iterator[str]]] = [(root, iter(self._spreads(root)))]
            while stack:
                name, children = stack[-1]
                child = next(children, None)
                if child is None:
                    stack.pop()
                    order.append(name)
                elif child not in seen and child in self.fragments:
                    seen.add(child)
                    stack.append((child, iter(self._spreads(child))))
        for name in order:
            self.measured[name] = self.measure(self.fragments[name].selection_set)

    def measure(self, selection_set: SelectionSetNode | None) -> Measure:
        """A selection set's measure; the fragments it spreads must be measured already."""
        total = ZERO
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inner = self.measure(selection.selection_set)
                nested = selection.selection_set is not None
                introspection = selection.name.value.startswith("__")
                total = total.plus(
                    Measure(
                        1 + inner.nodes,
                        1 + inner.depth if nested and not introspection else 0,
                        1 + inner.cost * _page_size(selection),
                        (1 if selection.alias else 0) + inner.aliases,
                    )
                )
            elif isinstance(selection, InlineFragmentNode):
                total = total.plus(Measure(1)).plus(self.measure(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                # An unknown fragment counts as nothing: KnownFragmentNames reports it.
                spread = self.measured.get(selection.name.value, ZERO)
                total = total.plus(Measure(1)).plus(spread)
        return total

    def widest(self, selection_set: SelectionSetNode) -> tuple[str, int]:
        """The response name repeated most in one selection set with fragments merged, and
        how often. Walks the expanded document: only call it once its size is bounded."""
        worst = ("", 0)
        pending: list[list[SelectionSetNode]] = [[selection_set]]
        while pending:
            groups: dict[str, list[SelectionSetNode]] = {}
            counts: dict[str, int] = {}
            for field in self._merged_fields(pending.pop()):
                key = field.alias.value if field.alias else field.name.value
                counts[key] = counts.get(key, 0) + 1
                if counts[key] > worst[1]:
                    worst = (key, counts[key])
                if field.selection_set is not None:
                    groups.setdefault(key, []).append(field.selection_set)
            pending.extend(groups.values())
        return worst

    def _merged_fields(self, selection_sets: list[SelectionSetNode]) -> Iterator[FieldNode]:
        stack = [s for selection_set in selection_sets for s in selection_set.selections]
        while stack:
            selection = stack.pop()
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                stack.extend(selection.selection_set.selections)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments.get(selection.name.value)
                if fragment is not None:
                    stack.extend(fragment.selection_set.selections)


def _spreads_in(selection_set: SelectionSetNode | None) -> Iterator[FragmentSpreadNode]:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FragmentSpreadNode):
            yield selection
        elif isinstance(selection, FieldNode | InlineFragmentNode):
            yield from _spreads_in(selection.selection_set)


def _page_size(field: FieldNode) -> int:
    for argument in field.arguments or ():
        if argument.name.value == "first" and isinstance(argument.value, IntValueNode):
            return max(1, min(int(argument.value.value), _CAP))
    return DEFAULT_PAGE if field.name.value in PAGINATED else 1


def check_document(document: DocumentNode) -> list[GraphQLError]:
    """Why the document is refused before validation (empty when it is within the bounds)."""
    measurer = DocumentMeasurer(document)
    cycle = measurer.cycle()
    if cycle:
        first = measurer.fragments[cycle[0]]
        return [
            GraphQLError(
                f"fragment '{cycle[0]}' spreads itself (through {' → '.join(cycle)})", first
            )
        ]
    measurer.measure_fragments()
    errors: list[GraphQLError] = []
    total = ZERO
    for operation in measurer.operations:
        measure = measurer.measure(operation.selection_set)
        total = Measure(total.nodes + measure.nodes, 0, 0, total.aliases + measure.aliases)
        problem = _over_a_bound(measure) or (
            None if total.nodes > MAX_NODES else _repeated(measurer.widest(operation.selection_set))
        )
        if problem:
            errors.append(GraphQLError(problem, operation))
    if not errors and total.nodes > MAX_NODES:  # several operations, each small enough
        errors.append(GraphQLError(_too_large(total.nodes), document))
    if not errors and total.aliases > MAX_ALIASES:
        errors.append(GraphQLError(_too_many_aliases(total.aliases), document))
    for name, measure in measurer.measured.items():  # unused fragments are validated too
        if not errors and measure.nodes > MAX_NODES:
            errors.append(GraphQLError(_too_large(measure.nodes), measurer.fragments[name]))
    return errors


def _over_a_bound(measure: Measure) -> str | None:
    if measure.nodes > MAX_NODES:
        return _too_large(measure.nodes)
    if measure.depth > MAX_DEPTH:
        return (
            f"the query is too deep (depth {measure.depth}, at most {MAX_DEPTH}); "
            "ask for fewer nested levels"
        )
    if measure.aliases > MAX_ALIASES:
        return _too_many_aliases(measure.aliases)
    if measure.cost > MAX_COST:
        return (
            f"the query is too expensive (estimated cost {measure.cost}, at most {MAX_COST}); "
            "ask for fewer items per page or fewer nested lists"
        )
    return None


def _too_large(nodes: int) -> str:
    shown = f"{nodes}" if nodes < _CAP else f"over {_CAP}"
    return (
        f"the query is too large once its fragments are expanded ({shown} selections, "
        f"at most {MAX_NODES}); spread fragments fewer times"
    )


def _too_many_aliases(aliases: int) -> str:
    return f"the document has too many aliases ({aliases}, at most {MAX_ALIASES})"


def _repeated(widest: tuple[str, int]) -> str | None:
    name, count = widest
    if count <= MAX_SAME_NAME:
        return None
    return (
        f"the query asks for '{name}' {count} times in one selection set (at most "
        f"{MAX_SAME_NAME}); ask for it once"
    )
