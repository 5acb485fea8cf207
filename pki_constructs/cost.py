"""Monthly fixed cost of the CAs an app creates, shown at synth so reviewers see it before deploying.

Prices from https://aws.amazon.com/private-ca/pricing/ (per CA per month, before per-certificate fees).
"""

from __future__ import annotations

import weakref
from typing import Protocol

import jsii
from aws_cdk import Annotations, Aspects, IAspect, Stack, Stage
from constructs import Construct, IConstruct

from .algorithms import UsageMode

_MONTHLY_USD = {UsageMode.GENERAL_PURPOSE: 400, UsageMode.SHORT_LIVED_CERTIFICATE: 50}
_REPORT_ID = "pki-constructs:cost"
_REGISTERED: weakref.WeakSet[IConstruct] = weakref.WeakSet()
"""The CAs that called :func:`register`: the report finds them without importing their module."""


class _CostedCa(Protocol):
    @property
    def monthly_cost_usd(self) -> int: ...


def monthly_cost_usd(usage_mode: UsageMode) -> int:
    return _MONTHLY_USD[usage_mode]


def register(ca: Construct) -> None:
    """Annotate ``ca`` with its cost and make sure the app reports totals per stack and overall."""
    usage_mode: UsageMode = ca.usage_mode  # type: ignore[attr-defined]
    _REGISTERED.add(ca)
    Annotations.of(ca).add_info(
        f"This CA costs about ${monthly_cost_usd(usage_mode)}/month ({usage_mode.value}), "
        "plus per-certificate fees, until it is deleted."
    )
    root = Stage.of(ca) or ca.node.root
    if not any(isinstance(aspect, _CostReport) for aspect in Aspects.of(root).all):
        Aspects.of(root).add(_CostReport())


def cas_below(scope: IConstruct) -> list[_CostedCa]:
    return [c for c in scope.node.find_all() if c in _REGISTERED]  # type: ignore[misc]


def total_usd(scope: IConstruct) -> int:
    return sum(ca.monthly_cost_usd for ca in cas_below(scope))


@jsii.implements(IAspect)
class _CostReport:
    """Adds one info line per stack that holds CAs: the stack's and the whole app's monthly CA cost."""

    def visit(self, node: IConstruct) -> None:
        if not isinstance(node, Stack) or isinstance(node.node.scope, Stack):
            return
        cas = cas_below(node)
        if not cas:
            return
        app_total = total_usd(node.node.root)
        Annotations.of(node).add_info(
            f"[{_REPORT_ID}] {len(cas)} CA(s) in this stack: about ${total_usd(node)}/month; "
            f"all CAs of the app: about ${app_total}/month."
        )
