"""Label selectors: the Kubernetes-style expressions that node affinity is written in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from domain.errors import InvalidValueError

MAX_PREFERENCE_WEIGHT = 100


class Operator(Enum):
    """How a requirement compares a node label with its values."""

    IN = "In"
    NOT_IN = "NotIn"
    EXISTS = "Exists"
    DOES_NOT_EXIST = "DoesNotExist"


@dataclass(frozen=True)
class LabelRequirement:
    """One condition on a node label, e.g. ``zone In (eu-1, eu-2)`` or ``gpu Exists``."""

    key: str
    operator: Operator
    values: frozenset[str] = frozenset()

    @classmethod
    def is_in(cls, key: str, *values: str) -> LabelRequirement:
        """The label is set to one of ``values``."""
        return cls(key, Operator.IN, frozenset(values))

    @classmethod
    def not_in(cls, key: str, *values: str) -> LabelRequirement:
        """The label is missing or set to none of ``values``."""
        return cls(key, Operator.NOT_IN, frozenset(values))

    @classmethod
    def exists(cls, key: str) -> LabelRequirement:
        """The label is set, to any value."""
        return cls(key, Operator.EXISTS)

    @classmethod
    def does_not_exist(cls, key: str) -> LabelRequirement:
        """The label is not set."""
        return cls(key, Operator.DOES_NOT_EXIST)

    def check(self) -> LabelRequirement:
        """Raise InvalidValueError unless the operator and its values agree."""
        if not self.key:
            raise InvalidValueError("selector.key", "must not be empty")
        takes_values = self.operator in (Operator.IN, Operator.NOT_IN)
        if takes_values and not self.values:
            raise InvalidValueError(
                "selector.values", f"{self.operator.value} needs at least one value"
            )
        if not takes_values and self.values:
            raise InvalidValueError("selector.values", f"{self.operator.value} takes no values")
        return self

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether a node with these labels meets the requirement."""
        value = labels.get(self.key)
        if self.operator is Operator.IN:
            return value is not None and value in self.values
        if self.operator is Operator.NOT_IN:
            return value is None or value not in self.values
        if self.operator is Operator.EXISTS:
            return value is not None
        return value is None

    def __str__(self) -> str:
        if self.operator is Operator.EXISTS:
            return self.key
        if self.operator is Operator.DOES_NOT_EXIST:
            return f"!{self.key}"
        word = "in" if self.operator is Operator.IN else "notin"
        return f"{self.key} {word} ({', '.join(sorted(self.values))})"


@dataclass(frozen=True)
class LabelSelector:
    """Requirements a node must all meet; the empty selector matches every node."""

    requirements: tuple[LabelRequirement, ...] = ()

    @classmethod
    def of(cls, *requirements: LabelRequirement) -> LabelSelector:
        """A selector AND-ing ``requirements``."""
        return cls(tuple(requirements))

    def check(self) -> LabelSelector:
        """Raise InvalidValueError if any requirement is malformed."""
        for requirement in self.requirements:
            requirement.check()
        return self

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether a node with these labels meets every requirement."""
        return all(r.matches(labels) for r in self.requirements)

    def __str__(self) -> str:
        return ", ".join(str(r) for r in self.requirements) or "(any node)"


@dataclass(frozen=True)
class PreferredTerm:
    """Soft node affinity: nodes the selector matches rank ``weight`` (1-100) points higher."""

    weight: int
    selector: LabelSelector

    def check(self) -> PreferredTerm:
        """Raise InvalidValueError for a weight outside 1-100 or a malformed selector."""
        if not 1 <= self.weight <= MAX_PREFERENCE_WEIGHT:
            raise InvalidValueError(
                "preferred.weight", f"must be between 1 and {MAX_PREFERENCE_WEIGHT}"
            )
        self.selector.check()
        return self
