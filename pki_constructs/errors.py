"""The one error type of the library, and the collector that lets a construct report every problem at once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import jsii
from constructs import IConstruct, IValidation


@dataclass(frozen=True)
class Problem:
    """One broken rule: which field, what value, which rule, and how to fix it."""

    field: str
    value: object
    rule: str
    fix: str

    def describe(self) -> str:
        return f"{self.field}={self.value!r}: {self.rule}. Fix: {self.fix}"


class PkiValidationError(ValueError):
    """Raised at synth time when construct props break a rule AWS would enforce at deploy time.

    The message names the construct path and, for every problem, the field, the bad value, the
    rule and the fix. ``problems`` keeps them for programmatic use.
    """

    def __init__(self, path: str, problems: Iterable[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p.describe()}" for p in self.problems)
        super().__init__(f"{len(self.problems)} invalid prop(s) at {path}:\n{lines}")


def raise_if_any(scope: IConstruct, problems: Iterable[Problem]) -> None:
    """Raise one PkiValidationError for all ``problems`` of ``scope``; do nothing when there are none."""
    collected = list(problems)
    if collected:
        raise PkiValidationError(scope.node.path, collected)


@jsii.implements(IValidation)
class _LateValidation:
    def __init__(self, scope: IConstruct, check: Callable[[], list[Problem]]) -> None:
        self._scope = scope
        self._check = check

    def validate(self) -> list[str]:
        return [f"{self._scope.node.path}: {p.describe()}" for p in self._check()]


def add_late_validation(scope: IConstruct, check: Callable[[], list[Problem]]) -> None:
    """Run ``check`` at synth, for rules that depend on facts known only once the tree is complete.

    CDK collects the messages of every construct and fails the synth with all of them at once.
    """
    scope.node.add_validation(_LateValidation(scope, check))
