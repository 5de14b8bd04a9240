"""Limits on what one GraphQL document may ask for, beyond its size and cost."""

from __future__ import annotations

from typing import Any

from graphql import (
    SKIP,
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
    VisitorAction,
)

HASHING_FIELDS = frozenset({"signUp", "logIn", "changePassword"})
"""Root fields that hash or check a password (argon2id: 64 MiB and about 0.1 s of CPU
each). Add every new such mutation here."""


class OneHashingField(ASTValidationRule):
    """Refuses an operation that selects more than one password-hashing field, counting
    aliases and fields reached through fragments (one request, one hash at most)."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self._fragments: dict[str, FragmentDefinitionNode] = {
            d.name.value: d
            for d in context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> VisitorAction:
        found = self._collect(node.selection_set)
        if len(found) > 1:
            names = ", ".join(sorted(f"{key} ({name})" for key, name in found.items()))
            self.report_error(
                GraphQLError(
                    f"at most one password-checking field ({', '.join(sorted(HASHING_FIELDS))}) "
                    f"may be asked for per request; this one asks for {len(found)}: {names}. "
                    "Send them one request at a time.",
                    node,
                )
            )
        return SKIP  # only the root selection matters; the walk below is done

    def _collect(self, root: SelectionSetNode) -> dict[str, str]:
        """The hashing fields of a root selection set, response key to field name. Each
        fragment is walked once, so spreading one many times costs nothing more; the walk
        uses a stack, so deep nesting cannot exhaust the interpreter's."""
        found: dict[str, str] = {}
        seen: set[str] = set()
        stack = [root]
        while stack:
            for selection in stack.pop().selections:
                if isinstance(selection, FieldNode):
                    if selection.name.value in HASHING_FIELDS:
                        key = selection.alias.value if selection.alias else selection.name.value
                        found[key] = selection.name.value
                elif isinstance(selection, InlineFragmentNode):
                    stack.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self._fragments.get(selection.name.value)
                    if fragment is not None and fragment.name.value not in seen:
                        seen.add(fragment.name.value)
                        stack.append(fragment.selection_set)
        return found
