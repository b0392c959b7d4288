"""Risk rules of a lens question: parse their conditions and work out a question's risk.

A condition is a boolean expression over the question's choice codes, or the word ``default``::

    ((choice_1 || choice_2) && choice_3) || (!choice_1 && choice_3)

Grammar (``!`` binds tighter than ``&&``, which binds tighter than ``||``; whitespace goes anywhere)::

    condition := "default" | or
    or        := and ("||" and)*
    and       := unary ("&&" unary)*
    unary     := "!"* primary
    primary   := CODE | "(" or ")"
    CODE      := [A-Za-z0-9_]+

Pure Python with no Django imports, so the importer, the admin and the answer service can share it.
"""

from __future__ import annotations

import functools
import re
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from wareview.lib import risk_levels

HIGH_RISK = risk_levels.HIGH.value
MEDIUM_RISK = risk_levels.MEDIUM.value
NO_RISK = risk_levels.NONE.value
RISKS = (HIGH_RISK, MEDIUM_RISK, NO_RISK)

DEFAULT = "default"

# Real conditions nest three or four levels; the cap keeps hostile input from exhausting Python's stack.
MAX_NESTING = 64


class RuleError(ValueError):
    """A malformed or invalid rule.

    ``message`` is the whole sentence shown to people, e.g. "unexpected ')' at column 12";
    ``column`` is the 1-based position in the condition it points at, or None when no position applies.
    """

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


# Nodes


class Node(ABC):
    """A parsed condition. Nodes are immutable and hashable, so cached parse results can be shared."""

    __slots__ = ()

    @abstractmethod
    def is_true(self, selected: Collection[str]) -> bool:
        """Whether the condition holds when exactly the `selected` choice codes are chosen."""

    @abstractmethod
    def choices(self) -> Iterator[Choice]:
        """The choice codes the condition names, left to right as written."""


@dataclass(frozen=True)
class Always(Node):
    """The ``default`` condition."""

    def is_true(self, selected: Collection[str]) -> bool:
        return True

    def choices(self) -> Iterator[Choice]:
        yield from ()


@dataclass(frozen=True)
class Choice(Node):
    code: str
    # Where the code was written; two conditions naming the same code are still equal.
    column: int | None = field(default=None, compare=False)

    def is_true(self, selected: Collection[str]) -> bool:
        return self.code in selected

    def choices(self) -> Iterator[Choice]:
        yield self


@dataclass(frozen=True)
class Not(Node):
    operand: Node

    def is_true(self, selected: Collection[str]) -> bool:
        return not self.operand.is_true(selected)

    def choices(self) -> Iterator[Choice]:
        return self.operand.choices()


@dataclass(frozen=True)
class _Chain(Node):
    """Operands joined by one operator. A chain such as ``a && b && c`` is one node, not a nested pair.

    Nesting only what the text nests keeps evaluation shallow for long chains: ``(a && b) && c`` stays two
    nodes, ``a && b && c`` is one.
    """

    operands: tuple[Node, ...]

    def choices(self) -> Iterator[Choice]:
        for operand in self.operands:
            yield from operand.choices()


@dataclass(frozen=True)
class And(_Chain):
    def is_true(self, selected: Collection[str]) -> bool:
        return all(operand.is_true(selected) for operand in self.operands)


@dataclass(frozen=True)
class Or(_Chain):
    def is_true(self, selected: Collection[str]) -> bool:
        return any(operand.is_true(selected) for operand in self.operands)


# Tokenizer


class Token(NamedTuple):
    kind: str  # "code", "end", or the operator itself: "&&", "||", "!", "(", ")"
    text: str
    column: int

    def describe(self) -> str:
        return "end of condition" if self.kind == "end" else f"'{self.text}'"


_TOKEN = re.compile(r"(?P<code>[A-Za-z0-9_]+)|(?P<operator>&&|\|\||[!()])|(?P<space>\s+)")


def tokenize(condition: str) -> list[Token]:
    """Split a condition into tokens, ending with an "end" token one column past the text."""
    tokens: list[Token] = []
    position = 0
    while position < len(condition):
        match = _TOKEN.match(condition, position)
        if match is None:
            raise _bad_character(condition[position], position + 1)
        if match.lastgroup == "code":
            tokens.append(Token("code", match.group(), position + 1))
        elif match.lastgroup == "operator":
            tokens.append(Token(match.group(), match.group(), position + 1))
        position = match.end()
    tokens.append(Token("end", "", len(condition) + 1))
    return tokens


def _bad_character(character: str, column: int) -> RuleError:
    if character in "&|":
        # A single '&' or '|' is the likeliest typo, so name the operator that was meant.
        return RuleError(f"unexpected '{character}' at column {column}, expected '{character * 2}'", column)
    return RuleError(f"unexpected character {character!r} at column {column}", column)


# Parser


class _Parser:
    """Recursive descent over the tokens, one method per grammar rule."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.position = 0
        self.nesting = 0

    @property
    def next(self) -> Token:
        return self.tokens[self.position]

    def take(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def condition(self) -> Node:
        node = self.or_()
        if self.next.kind != "end":
            raise _unexpected(self.next)
        return node

    def or_(self) -> Node:
        operands = [self.and_()]
        while self.next.kind == "||":
            self.take()
            operands.append(self.and_())
        return operands[0] if len(operands) == 1 else Or(tuple(operands))

    def and_(self) -> Node:
        operands = [self.unary()]
        while self.next.kind == "&&":
            self.take()
            operands.append(self.unary())
        return operands[0] if len(operands) == 1 else And(tuple(operands))

    def unary(self) -> Node:
        # Loop rather than recurse, so a run of '!' costs no stack.
        nots = []
        while self.next.kind == "!":
            nots.append(self.take())
            self.deeper(nots[-1])
        node = self.primary()
        self.nesting -= len(nots)
        for _ in nots:
            node = Not(node)
        return node

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "code" and token.text == DEFAULT:
            raise RuleError(
                f"unexpected 'default' at column {token.column} (default must be the whole condition)",
                token.column,
            )
        if token.kind == "code":
            return Choice(token.text, token.column)
        if token.kind == "(":
            return self.parenthesised(token)
        raise RuleError(
            f"expected a choice code or '(' at column {token.column}, found {token.describe()}", token.column
        )

    def parenthesised(self, opening: Token) -> Node:
        self.deeper(opening)
        node = self.or_()
        closing = self.take()
        if closing.kind == "end":
            # Point at the '(' left open: the end of the text says nothing about where the ')' belongs.
            raise RuleError(f"unclosed '(' at column {opening.column}", opening.column)
        if closing.kind != ")":
            raise _unexpected(closing)
        self.nesting -= 1
        return node

    def deeper(self, token: Token) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise RuleError(f"too deeply nested at column {token.column} (at most {MAX_NESTING} levels)", token.column)


def _unexpected(token: Token) -> RuleError:
    return RuleError(f"unexpected {token.describe()} at column {token.column}", token.column)


# Public functions


def parse(condition: str) -> Node:
    """Parse a condition, raising RuleError that points at the offending column.

    ``default`` (with any surrounding whitespace) is the always-true node; it may not appear inside an
    expression.
    """
    # Lens files are JSON, so a condition may arrive as null or a number; say so rather than crash.
    if not isinstance(condition, str):
        raise RuleError(f"a condition must be text, not {type(condition).__name__}")
    return _parse(condition)


# The same few hundred conditions are evaluated on every answer saved; errors are not cached, only results.
@functools.lru_cache(maxsize=4096)
def _parse(condition: str) -> Node:
    tokens = tokenize(condition)
    if tokens[0].kind == "end":
        raise RuleError("the condition is empty")
    if [token.kind for token in tokens] == ["code", "end"] and tokens[0].text == DEFAULT:
        return Always()
    return _Parser(tokens).condition()


def condition_codes(condition: str) -> set[str]:
    """The choice codes a condition names (none for ``default``)."""
    return {choice.code for choice in parse(condition).choices()}


def check_condition(condition: str, known_codes: Collection[str], *, noun: str = "choice") -> None:
    """Parse a condition and raise RuleError for the first code, left to right, not in ``known_codes``, naming
    it as a `noun` ("unknown choice 'x' at column 3")."""
    for choice in parse(condition).choices():
        if choice.code not in known_codes:
            raise RuleError(f"unknown {noun} '{choice.code}' at column {choice.column}", choice.column)


def check_risk(risk: str) -> None:
    """Raise RuleError unless ``risk`` is one of RISKS."""
    if risk not in RISKS:
        raise RuleError(f"unknown risk {risk!r} (expected {', '.join(RISKS)})")


def evaluate(rules: Sequence[tuple[str, str]], selected: Collection[str]) -> str:
    """The risk given by the first rule, in order, whose condition holds for the selected choice codes.

    Every rule is checked before any is evaluated, so a rule list with a malformed condition or an unknown
    risk always raises RuleError, even when an earlier rule would have matched. When no rule matches the
    answer is HIGH_RISK: some published lenses omit ``default``, and assuming the worst is the safe reading.
    """
    checked = [(parse(condition), risk) for condition, risk in rules]
    for _, risk in checked:
        check_risk(risk)
    chosen = frozenset(selected)
    for node, risk in checked:
        if node.is_true(chosen):
            return risk
    return HIGH_RISK
