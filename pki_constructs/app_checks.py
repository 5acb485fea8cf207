"""Checks of the app as a whole: names unique per account and region, and no strong cross-stack reference.

Some mistakes are invisible to one construct: two stacks that each create the secret ``services/orders/tls`` in
one account and region, one alias on two distributions, two sibling CAs with one subject, two stacks that
manage the account-wide ``AWS::CertificateManager::Account``. And some appear only once CDK has resolved
cross-stack references: since aws-cdk-lib 2.27x, with ``@aws-cdk/core:defaultCrossStackReferences`` at
``"strong"``, any token that crosses stacks becomes an ``Fn::ImportValue`` (same region) or a
``Custom::CrossRegionExportWriter``/``Reader`` pair (across regions) — an export that locks the producer,
which DESIGN.md §3.2 promises never happens for values this library carries.

The first construct of this library in an app installs one :class:`AppChecks` child on the app root (the
marker that makes it once per app); its validation runs after CDK has prepared the app — when the export
writers, readers and ``Exports`` outputs exist — and fails ``cdk synth`` (CDK's ``RuntimeError`` listing
every message) with construct path, field, value, rule and fix for each problem.

Only literal names are compared (a token name is unknown until deploy), and only in stacks with a literal
account and region (an environment-agnostic stack may be deployed anywhere).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import jsii
from aws_cdk import Annotations, CfnOutput, CfnResource, Stack, Token
from constructs import Construct, IConstruct, IValidation

from .errors import Problem

__all__ = [
    "STRONG_REFERENCES_CONTEXT_KEY",
    "AppChecks",
    "claim",
    "install",
    "strong_reference_problems",
    "uniqueness_problems",
]

_ID = "PkiConstructsAppChecks"
STRONG_REFERENCES_CONTEXT_KEY = "pki-constructs:strongReferences"
"""Context: ``"warn"`` turns the strong-reference check into warnings, for an app that already has exports it
cannot remove in one deploy (CDK's strong → both → weak migration takes two). Default: - refuse."""
_LIBRARY = "pki_constructs."

# (resource type, property path, what it is, what AWS says when two stacks create it)
_UNIQUE_NAMES: list[tuple[str, tuple[str, ...], str]] = [
    ("AWS::SecretsManager::Secret", ("Name",), "secret name"),
    ("AWS::SSM::Parameter", ("Name",), "SSM parameter name"),
]


_WHY_UNIQUE_NAME = "a name is unique per account and region, so the second stack's deploy fails"
_WHY_UNIQUE = {
    "CloudFront alias": "CloudFront serves an alias from one distribution only (CNAMEAlreadyExists at deploy)",
    "sibling CA subject": "two children of one parent with one name look like one CA to path building "
    "(RFC 5280 §7.1 compares names), so clients may build chains through the wrong one",
    "account-wide ACM setting": "AWS::CertificateManager::Account is one setting per account and region; two "
    "stacks managing it overwrite each other and the second to delete it removes it for both",
}


class AppChecks(Construct):
    """The once-per-app holder of the app-wide validation (created by :func:`install`)."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.claims: list[tuple[IConstruct, str, object, str, str]] = []
        self.node.add_validation(_Validation(self))


def install(scope: IConstruct) -> AppChecks:
    """The app's :class:`AppChecks`, created on the first call for the app ``scope`` belongs to."""
    root = scope.node.root
    existing = root.node.try_find_child(_ID)
    if isinstance(existing, AppChecks):
        return existing
    assert isinstance(root, Construct)
    return AppChecks(root, _ID)


def claim(scope: IConstruct, kind: str, key: object, *, field: str, shown: str) -> None:
    """Record that ``scope`` uses ``key`` of ``kind`` (e.g. a sibling CA's subject), which must be unique in
    the app; ``field`` and ``shown`` are what the message names."""
    install(scope).claims.append((scope, kind, key, field, shown))


# Facts read from the prepared tree ------------------------------------------------------------------------


def _properties(resource: CfnResource) -> dict[str, Any]:
    """The resolved CloudFormation properties of an L1 (its protected ``cfnProperties``, read through jsii)."""
    try:
        resolved = Stack.of(resource).resolve(jsii.get(resource, "cfnProperties"))
    except Exception:  # an L1 whose properties can't be resolved offline: nothing to compare
        return {}
    return resolved if isinstance(resolved, dict) else {}


def _environment(scope: IConstruct) -> tuple[str, str] | None:
    stack = Stack.of(scope)
    if Token.is_unresolved(stack.account) or Token.is_unresolved(stack.region):
        return None
    return (stack.account, stack.region)


def _library_owner(scope: IConstruct, *, innermost: bool = False) -> IConstruct | None:
    """The outermost (or innermost) construct of this library that contains ``scope``, if any."""
    owners = [
        ancestor
        for ancestor in scope.node.scopes
        if type(ancestor).__module__.startswith(_LIBRARY) and not isinstance(ancestor, AppChecks)
    ]
    if not owners:
        return None
    return owners[-1] if innermost else owners[0]


def _dig(value: object, path: tuple[str, ...]) -> object:
    """``value[path...]``, with keys compared case-insensitively: a typed L1's properties are camelCase
    before rendering (``name``), a raw ``CfnResource``'s are CloudFormation's (``WriterProps``)."""
    for key in path:
        if not isinstance(value, dict):
            return None
        value = next((v for k, v in value.items() if k.lower() == key.lower()), None)
    return value


def _resources(root: IConstruct) -> Iterator[CfnResource]:
    for node in root.node.find_all():
        if isinstance(node, CfnResource):
            yield node


def uniqueness_problems(
    root: IConstruct, claims: list[tuple[IConstruct, str, object, str, str]]
) -> list[Problem]:
    """Class 4 of issue 11: what must be unique per account and region (or per parent CA) is."""
    seen: dict[tuple[object, ...], list[tuple[IConstruct, str, str]]] = defaultdict(list)
    for resource in _resources(root):
        environment = _environment(resource)
        if environment is None:
            continue
        kind = resource.cfn_resource_type
        for resource_type, path, what in _UNIQUE_NAMES:
            if kind == resource_type:
                name = _dig(_properties(resource), path)
                if isinstance(name, str) and not Token.is_unresolved(name):
                    seen[(what, environment, name)].append((resource, path[-1], name))
        if kind == "AWS::CloudFront::Distribution":
            aliases = _dig(_properties(resource), ("DistributionConfig", "Aliases"))
            for alias in aliases if isinstance(aliases, list) else []:
                if isinstance(alias, str) and not Token.is_unresolved(alias):
                    # CloudFront aliases are global: one alias, one distribution, in any account.
                    seen[("CloudFront alias", alias.lower())].append((resource, "domain_names", alias))
        if kind == "AWS::CertificateManager::Account":
            seen[("account-wide ACM setting", environment)].append(
                (resource, "account_days_before_expiry", f"{environment[0]}/{environment[1]}")
            )
    for scope, claimed_kind, claimed_key, field, shown in claims:
        seen[(claimed_kind, claimed_key)].append((scope, field, shown))

    problems = []
    for seen_key, users in seen.items():
        if len(users) < 2:
            continue
        what = str(seen_key[0])
        paths = [(_library_owner(user) or user).node.path for user, _, _ in users]
        for (_user, field, shown), user_path in zip(users, paths, strict=True):
            others = ", ".join(p for p in paths if p != user_path) or user_path
            problems.append(
                Problem(
                    f"{user_path}: {field}",
                    shown,
                    f"the {what} is also used by {others}; {_WHY_UNIQUE.get(what, _WHY_UNIQUE_NAME)}",
                    "give each its own name"
                    + (
                        ""
                        if what in _WHY_UNIQUE
                        else " (or let the library derive one from distinct construct ids)"
                    ),
                )
            )
    return problems


# Strong references ----------------------------------------------------------------------------------------


def _referenced_logical_ids(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            yield value["Ref"]
        get_att = value.get("Fn::GetAtt")
        if isinstance(get_att, list) and get_att and isinstance(get_att[0], str):
            yield get_att[0]
        for item in value.values():
            yield from _referenced_logical_ids(item)
    elif isinstance(value, list):
        for item in value:
            yield from _referenced_logical_ids(item)


def _element(stack: Stack, logical_id: str) -> IConstruct | None:
    for node in stack.node.find_all():
        if (
            isinstance(node, CfnResource)
            and Stack.of(node) is stack
            and stack.resolve(node.logical_id) == logical_id
        ):
            return node
    return None


def _mentions(value: object, needles: tuple[str, ...]) -> bool:
    if isinstance(value, dict):
        return any(k in needles or _mentions(v, needles) for k, v in value.items()) or any(
            isinstance(v, list) and v and isinstance(v[0], str) and v[0] in needles for v in value.values()
        )
    if isinstance(value, list):
        return any(_mentions(item, needles) for item in value)
    return False


def strong_reference_problems(root: IConstruct) -> list[Problem]:
    """Class 8 of issue 11: no ``Fn::ImportValue`` and no ``Custom::CrossRegionExport*`` carries a value that
    this library produced or that a construct of this library consumes."""
    produced: list[tuple[IConstruct, IConstruct, str]] = []  # (producer element, mechanism node, mechanism)
    for node in root.node.find_all():
        if isinstance(node, CfnOutput) and node.export_name and node.node.scope is not None:
            if node.node.scope.node.id == "Exports":
                stack = Stack.of(node)
                for logical_id in _referenced_logical_ids(stack.resolve(node.value)):
                    element = _element(stack, logical_id)
                    if element is not None:
                        produced.append((element, node, "Fn::ImportValue"))
        elif isinstance(node, CfnResource) and node.cfn_resource_type == "Custom::CrossRegionExportWriter":
            stack = Stack.of(node)
            exports = _dig(_properties(node), ("WriterProps", "exports"))
            for value in exports.values() if isinstance(exports, dict) else []:
                for logical_id in _referenced_logical_ids(value):
                    element = _element(stack, logical_id)
                    if element is not None:
                        produced.append((element, node, "Custom::CrossRegionExportWriter"))
    if not produced:
        return []
    consumers: list[IConstruct | None] = [*_strong_consumers(root)]
    problems = []
    for element, mechanism_node, mechanism in produced:
        producer = _library_owner(element)
        for consumer in consumers or [None]:
            if producer is None and (consumer is None or _library_owner(consumer) is None):
                continue
            where = consumer.node.path if consumer is not None else "a construct of another stack"
            problems.append(
                Problem(
                    f"{where}: strong reference",
                    f"{element.node.path} via {mechanism} ({mechanism_node.node.path})",
                    "a value crosses stacks through a CloudFormation export, which locks the producer: it can "
                    "then be neither replaced nor deleted while the consumer exists",
                    "carry it with pki_constructs.cross_region.RegionalExport(...).value_in(consumer), or pass "
                    "the producing construct itself to a prop of this library (which reads it weakly)",
                )
            )
            if consumer is None:
                break
    return problems


def _strong_consumers(root: IConstruct) -> list[IConstruct]:
    """Constructs of this library whose resources read a value through ``Fn::ImportValue`` or an export reader."""
    readers: dict[Stack, tuple[str, ...]] = defaultdict(tuple)
    for node in _resources(root):
        if node.cfn_resource_type == "Custom::CrossRegionExportReader":
            stack = Stack.of(node)
            readers[stack] = (*readers[stack], str(stack.resolve(node.logical_id)))
    found: list[IConstruct] = []
    for node in _resources(root):
        if node.cfn_resource_type.startswith("Custom::CrossRegionExport"):
            continue
        consumer = _library_owner(node, innermost=True) or node
        if consumer in found:
            continue
        properties = _properties(node)
        if _mentions(properties, ("Fn::ImportValue", *readers.get(Stack.of(node), ()))):
            found.append(consumer)
    return found


@jsii.implements(IValidation)
class _Validation:
    def __init__(self, checks: AppChecks) -> None:
        self._checks = checks

    def validate(self) -> list[str]:
        root = self._checks.node.root
        problems = uniqueness_problems(root, self._checks.claims)
        strong = strong_reference_problems(root)
        if root.node.try_get_context(STRONG_REFERENCES_CONTEXT_KEY) == "warn":
            # An existing app that cannot drop its exports at once: said on every synth, not refused.
            for problem in strong:
                Annotations.of(self._checks).add_warning_v2(
                    "pki-constructs:strongReference", problem.describe()
                )
            strong = []
        return [f"[pki-constructs app check] {problem.describe()}" for problem in [*problems, *strong]]
