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
from aws_cdk import Annotations, CfnOutput, CfnParameter, CfnResource, Stack, Token
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
        self.weak_exports: dict[str, tuple[IConstruct, str]] = {}
        """SSM parameter name -> (the weak export that writes it, the value it publishes)."""
        self.weak_reads: dict[str, str] = {}
        """Path of a construct that reads a weak export into its stack -> the parameter name it reads."""
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


def claim_name(scope: IConstruct, what: str, name: str, *, field: str) -> None:
    """Record that ``scope`` creates a resource named ``name`` (e.g. "secret name") in its stack's account and
    region outside CloudFormation's view (a handler creates it), so the uniqueness check sees it too."""
    environment = _environment(scope)
    if environment is not None and not Token.is_unresolved(name):
        claim(scope, what, (environment, name), field=field, shown=name)


def note_weak_export(export: IConstruct, parameter_name: str, value: str) -> None:
    """Record that ``export`` (a ``RegionalExport``) publishes ``value`` as ``parameter_name``: what reads it
    into another stack is library-made too, and must not be relayed on through an export."""
    install(export).weak_exports[parameter_name] = (export, value)


def note_weak_read(reader: IConstruct, parameter_name: str) -> None:
    """Record that ``reader`` (a ``RegionalImport``) reads ``parameter_name`` into its stack."""
    install(reader).weak_reads[reader.node.path] = parameter_name


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
                    seen[(what, (environment, name))].append((resource, path[-1], name))
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
    """The resource or template parameter ``logical_id`` of ``stack``."""
    for node in stack.node.find_all():
        if (
            isinstance(node, (CfnResource, CfnParameter))
            and Stack.of(node) is stack
            and stack.resolve(node.logical_id) == logical_id
        ):
            return node
    return None


def strong_reference_problems(root: IConstruct) -> list[Problem]:
    """Class 8 of issue 11: no ``Fn::ImportValue`` and no ``Custom::CrossRegionExport*`` carries a value that
    this library made.

    Only the producer decides: a value of the user's own (an ``ec2.Vpc`` of a network stack given to
    ``CertifiedAlb(vpc=)``) crossing stacks through an export is ordinary CDK, whoever reads it. A value the
    library made is refused wherever it goes — into a construct of this library, of aws-cdk-lib or the
    user's — because the export would lock it: a renewed certificate or CA could not deploy. A value read
    weakly into a stack (an accessor's result, ``RegionalExport.value_in``: the SSM parameter or reader the
    library put there) is library-made too: relaying it on to a third stack through an export locks the
    relaying stack when the value changes.
    """
    return [problem for _, problem in _strong_references(root, install(root))]


def _strong_references(root: IConstruct, checks: AppChecks) -> list[tuple[IConstruct, Problem]]:
    """Each strong reference as (the construct the problem belongs to — the consumer, else the export — in a
    stack, so a warning about it reaches the cloud assembly; the problem)."""
    # (producer element, mechanism node, mechanism, the export's name as consumers reference it, its value)
    produced: list[tuple[IConstruct, IConstruct, str, str, object]] = []
    for node in root.node.find_all():
        if isinstance(node, CfnOutput) and node.export_name and node.node.scope is not None:
            if node.node.scope.node.id == "Exports":
                stack = Stack.of(node)
                exported = stack.resolve(node.value)
                for logical_id in _referenced_logical_ids(exported):
                    element = _element(stack, logical_id)
                    if element is not None:
                        name = str(stack.resolve(node.export_name))
                        produced.append((element, node, "Fn::ImportValue", name, exported))
        elif isinstance(node, CfnResource) and node.cfn_resource_type == "Custom::CrossRegionExportWriter":
            stack = Stack.of(node)
            exports = _dig(_properties(node), ("WriterProps", "exports"))
            for name, value in exports.items() if isinstance(exports, dict) else []:
                for logical_id in _referenced_logical_ids(value):
                    element = _element(stack, logical_id)
                    if element is not None:
                        produced.append((element, node, "Custom::CrossRegionExportWriter", str(name), value))
    produced = [
        entry
        for entry in produced
        if _library_owner(entry[0]) is not None or _relayed_from(entry[0], checks) is not None
    ]
    if not produced:
        return []
    readers = _strong_readers(root)
    found = []
    for element, mechanism_node, mechanism, export_name, exported in produced:
        consumers: list[IConstruct | None] = [*readers.get(export_name, [])]
        relayed = _relayed_from(element, checks)
        for consumer in consumers or [None]:
            where = consumer.node.path if consumer is not None else "a construct of another stack"
            what = (
                f"{relayed[0].node.path}'s value read weakly into {Stack.of(element).node.path} "
                f"({element.node.path}) relayed via {mechanism} ({mechanism_node.node.path})"
                if relayed is not None
                else f"{element.node.path} via {mechanism} ({mechanism_node.node.path})"
            )
            found.append(
                (
                    consumer or mechanism_node,
                    Problem(
                        f"{where}: strong reference",
                        what,
                        "a value this library made crosses stacks through a CloudFormation export, which locks "
                        "the producer: it can then be neither replaced (a renewed certificate or CA) nor deleted "
                        "while the consumer exists",
                        _relay_fix(relayed, Stack.of(element))
                        if relayed is not None
                        else _weak_fix(element, exported),
                    ),
                )
            )
            if consumer is None:
                break
    return found


def _relayed_from(element: IConstruct, checks: AppChecks) -> tuple[IConstruct, str] | None:
    """The weak export (and its value) whose value ``element`` reads into its stack — the template parameter
    of type ``AWS::SSM::Parameter::Value<String>`` that ``RegionalExport.value_in`` makes, or a resource of a
    ``RegionalImport`` — if it is such a reader."""
    if isinstance(element, CfnParameter):
        name = element.default
        if element.type.startswith("AWS::SSM::Parameter::Value") and isinstance(name, str):
            return checks.weak_exports.get(name)
        return None
    for scope in reversed(element.node.scopes):
        name = checks.weak_reads.get(scope.node.path)
        if name is not None:
            return checks.weak_exports.get(name)
    return None


def _relay_fix(export: tuple[IConstruct, str], relaying: Stack) -> str:
    """The fix for a weakly read value relayed on: read it in the consumer's own stack."""
    construct, value = export
    stack = Stack.of(construct)
    expected = _resolved(stack, value)
    for owner in reversed(construct.node.scopes[:-1]):
        if not type(owner).__module__.startswith(_LIBRARY):
            continue
        for method, attributes, _ in _WEAK_ACCESSORS:
            if hasattr(owner, method) and any(
                _resolves_to(stack, getattr(owner, a, None), expected) for a in attributes
            ):
                return (
                    f"call {owner.node.path}.{method}(scope) with a scope in the consuming stack, not the "
                    f"result read into {relaying.node.path}: each stack then reads the SSM parameter itself"
                )
    return (
        f"call {construct.node.path}.value_in(scope) with a scope in the consuming stack, not the value read "
        f"into {relaying.node.path}: each stack then reads the SSM parameter itself"
    )


def _resolved(stack: Stack, value: object) -> object:
    try:
        return stack.resolve(value)
    except Exception:  # a value that can't be resolved offline matches nothing
        return None


# The weak accessor of each kind of producer: (method, the attributes it carries, what it returns).
_WEAK_ACCESSORS = [
    ("certificate_authority_in", ("certificate_authority_arn",), "an acmpca.ICertificateAuthority"),
    ("certificate_in", ("certificate_arn",), "an acm.ICertificate"),
    ("trust_store_in", ("trust_store_arn",), "an elbv2.ITrustStore"),
    ("location_in", ("object_version", "sha256"), "the bundle's bucket, key and object version"),
]


def _weak_fix(element: IConstruct, exported: object) -> str:
    """The fix for a strong reference to ``exported`` (a resolved expression made by ``element``): the weak
    accessor of the construct of this library whose attribute it is, else :class:`RegionalExport`."""
    stack = Stack.of(element)
    for owner in reversed(element.node.scopes):
        if not type(owner).__module__.startswith(_LIBRARY):
            continue
        for method, attributes, returned in _WEAK_ACCESSORS:
            if not hasattr(owner, method):
                continue
            if any(_resolves_to(stack, getattr(owner, a, None), exported) for a in attributes):
                return (
                    f"use {owner.node.path}.{method}(consumer_scope) in the consumer's stack instead of the "
                    f"construct or its attribute: {returned} there, read through an SSM parameter (props of "
                    "this library do that themselves)"
                )
    return (
        "carry the value with pki_constructs.cross_region.RegionalExport(producer_scope, id, "
        "value=...).value_in(consumer_scope), which reads it through an SSM parameter"
    )


def _resolves_to(stack: Stack, value: object, exported: object) -> bool:
    try:
        return value is not None and stack.resolve(value) == exported
    except Exception:  # an attribute that can't be resolved offline is not the exported value
        return False


def _strong_readers(root: IConstruct) -> dict[str, list[IConstruct]]:
    """Export name -> the constructs (of this library, else the resource itself) that read it through
    ``Fn::ImportValue`` or an export reader's attribute."""
    found: dict[str, list[IConstruct]] = defaultdict(list)
    for node in _resources(root):
        if node.cfn_resource_type.startswith("Custom::CrossRegionExport"):
            continue
        consumer = _library_owner(node, innermost=True) or node
        for name in _imported_names(_properties(node)):
            if consumer not in found[name]:
                found[name].append(consumer)
    return found


def _imported_names(value: object) -> Iterator[str]:
    """Export names read in a resolved expression: ``Fn::ImportValue`` (same region) and ``Fn::GetAtt`` of an
    export reader (across regions; its attribute is the export's SSM name)."""
    if isinstance(value, dict):
        imported = value.get("Fn::ImportValue")
        if isinstance(imported, str):
            yield imported
        get_att = value.get("Fn::GetAtt")
        if isinstance(get_att, list) and len(get_att) == 2 and isinstance(get_att[1], str):
            yield get_att[1]
        for item in value.values():
            yield from _imported_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from _imported_names(item)


@jsii.implements(IValidation)
class _Validation:
    def __init__(self, checks: AppChecks) -> None:
        self._checks = checks

    def validate(self) -> list[str]:
        root = self._checks.node.root
        problems = uniqueness_problems(root, self._checks.claims)
        found = _strong_references(root, self._checks)
        strong = [problem for _, problem in found]
        if root.node.try_get_context(STRONG_REFERENCES_CONTEXT_KEY) == "warn":
            # An existing app that cannot drop its exports at once: said on every synth, not refused. On the
            # consumer (a construct in a stack): an annotation on the app-level AppChecks reaches no assembly.
            for where, problem in found:
                Annotations.of(where).add_warning_v2("pki-constructs:strongReference", problem.describe())
            strong = []
        return [f"[pki-constructs app check] {problem.describe()}" for problem in [*problems, *strong]]
