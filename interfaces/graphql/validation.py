"""The schema's parse and validation steps: each text parsed once, each document measured
before graphql-core validates it (``interfaces.graphql.measure``), and graphql-core's verdict
cached by the document's shape: its tokens without whitespace, comments and operation names.
Renaming an operation or reformatting the text finds the cached verdict instead of validating
again.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    Lexer,
    OperationDefinitionNode,
    Source,
    TokenKind,
    parse,
    validate,
)
from graphql.error import GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

# strawberry adds these two rules to every validation (strawberry.schema.schema.validate_document);
# this module validates by itself (to hide suggestions in production), so it adds them too.
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from interfaces.graphql.measure import MAX_TOKENS, check_document

_OPERATION_KEYWORDS = frozenset({"query", "mutation", "subscription"})


def document_shape(document: DocumentNode) -> tuple[str, ...]:
    """The document's tokens without whitespace, commas, comments and operation names (each
    name becomes its order of first appearance): documents of one shape are valid alike."""
    return _shape(document.loc.source.body if document.loc else "")


@functools.lru_cache(maxsize=2000)
def _shape(text: str) -> tuple[str, ...]:
    lexer = Lexer(Source(text))
    shape: list[str] = []
    names: dict[str, int] = {}
    depth = 0
    after_keyword = False
    token = lexer.advance()
    while token.kind is not TokenKind.EOF:
        kind, value = token.kind, token.value
        if depth == 0 and after_keyword and kind is TokenKind.NAME and value is not None:
            value = f"#{names.setdefault(value, len(names))}"  # an operation's name
        after_keyword = depth == 0 and kind is TokenKind.NAME and value in _OPERATION_KEYWORDS
        if kind in _OPENING:
            depth += 1
        elif kind in _CLOSING:
            depth -= 1
        shape.append(kind.value if value is None else f"{kind.value}{value}")
        token = lexer.advance()
    return tuple(shape)


_OPENING = frozenset({TokenKind.BRACE_L, TokenKind.PAREN_L, TokenKind.BRACKET_L})
_CLOSING = frozenset({TokenKind.BRACE_R, TokenKind.PAREN_R, TokenKind.BRACKET_R})
_ShapeKey = tuple[GraphQLSchema, tuple[str, ...], tuple[type[ASTValidationRule], ...], bool]


class ShapeCache:
    """The shapes of documents that validated without errors (least recently used dropped)."""

    def __init__(self, max_entries: int = 2000) -> None:
        self._valid: OrderedDict[_ShapeKey, None] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries
        self.hits = 0

    def __contains__(self, key: _ShapeKey) -> bool:
        with self._lock:
            if key not in self._valid:
                return False
            self._valid.move_to_end(key)
            self.hits += 1
            return True

    def add(self, key: _ShapeKey) -> None:
        """Remember a shape as valid."""
        with self._lock:
            self._valid[key] = None
            while len(self._valid) > self._max:
                self._valid.popitem(last=False)


VALID_SHAPES = ShapeCache()


def validate_document(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: Sequence[type[ASTValidationRule]],
    *,
    hide_suggestions: bool = False,
) -> list[GraphQLError]:
    """The document's errors: the bounds first, then graphql-core's rules (skipped when a
    document of the same shape was valid)."""
    refused = check_document(document)
    if refused:
        return refused
    all_rules = (*rules, MaybeNullValidationRule, OneOfInputValidationRule)
    key = (schema, document_shape(document), all_rules, hide_suggestions)
    if key in VALID_SHAPES:
        return []
    errors = validate(schema, document, all_rules, hide_suggestions=hide_suggestions)
    if not errors:
        VALID_SHAPES.add(key)
    return errors


@functools.lru_cache(maxsize=1000)
def parse_document(text: str) -> DocumentNode:
    """A document, parsed once per text (the HTTP layer and the schema share it); at most
    ``MAX_TOKENS`` tokens. Raises GraphQLSyntaxError."""
    return parse(text, max_tokens=MAX_TOKENS)


class ParseDocuments(SchemaExtension):
    """The schema's parsing step through ``parse_document``. A document that does not parse
    is left to strawberry, which parses it again (with the same token limit, set by
    MaxTokensLimiter) and reports the syntax error where it is."""

    def on_parse(self) -> Iterator[None]:
        """Set the parsed document, so strawberry does not parse again."""
        context = self.execution_context
        if context.query:
            with contextlib.suppress(GraphQLSyntaxError):
                context.graphql_document = parse_document(context.query)
        yield


class ValidateDocuments(SchemaExtension):
    """The schema's validation step: one operation chosen, the bounds, then graphql-core's rules
    through the shape cache (without "Did you mean …?" suggestions when asked)."""

    def __init__(self, *, hide_suggestions: bool = False) -> None:
        self.hide_suggestions = hide_suggestions

    def on_validate(self) -> Iterator[None]:
        """Set the validation errors, so strawberry does not validate again."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            # strawberry falls back to the first operation when the request names none, and
            # keeps what the request named only in this attribute.
            named = getattr(context, "_provided_operation_name", None)
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if named is None and len(operations) > 1:
                context.pre_execution_errors = [GraphQLError(SEVERAL_OPERATIONS, operations)]
            else:
                context.pre_execution_errors = validate_document(
                    context.schema._schema,
                    document,
                    context.validation_rules,
                    hide_suggestions=self.hide_suggestions,
                )
        yield


SEVERAL_OPERATIONS = "the document has several operations: say which one with operationName"
