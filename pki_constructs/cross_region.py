"""Weak references between stacks, across regions, with no CloudFormation export to lock.

Why: CDK's answer to "a value from a stack in another region" is ``crossRegionReferences``, which is
experimental and writes *exports* that CloudFormation refuses to change while a consumer imports them, so
replacing a certificate deadlocks (aws-cdk #9274, #25343, #27902, #34813). DESIGN.md §3.2 chooses a weak
reference instead:

1. **Producer side** — :class:`RegionalExport` writes the value into an SSM String parameter in the
   producer's own stack and region (the parameter name is a literal fixed at synth, so both sides know it).
2. **Consumer side** — :meth:`RegionalExport.value_in` returns a token for the value that is valid in the
   consumer's stack:

   - same stack: the value itself;
   - another stack in the same account and region: a CloudFormation parameter of type
     ``AWS::SSM::Parameter::Value<String>``, which CloudFormation resolves afresh on every stack update
     (and the CDK CLI never skips deploying a stack that has one);
   - another region (same account): a :class:`RegionalImport`, an ``AwsCustomResource`` that calls
     ``ssm:GetParameter`` *in the producer's region* at deploy time, allowed to read exactly that one
     parameter ARN.

   In every case the consumer's stack gets ``add_stack_dependency(producer_stack)``, so ``cdk deploy --all``
   writes the parameter before anything reads it. There is never an ``Fn::ImportValue``, so the producer
   can replace its resource at any time.

**When is the value re-read?** A custom resource runs only when its properties change, and a property that
changes on every synth would churn every snapshot and every deploy. So the reader carries a *fingerprint*:
a SHA-256 of the producer's value expression together with the CloudFormation properties of the resources
that expression references (e.g. the ``AWS::CertificateManager::Certificate`` whose ``Ref`` is the ARN).
CloudFormation replaces a resource (and so changes its ARN) only when its properties change, and then the
fingerprint changes too: the consumer's next deploy re-reads the parameter and picks up the new ARN. When
nothing changed, the template stays byte-identical. Properties set with ``add_property_override`` are not
part of the fingerprint; pass ``refresh="<anything new>"`` to force one re-read.

What happens to the replaced resource: CloudFormation deletes the old one in the producer stack's clean-up
phase; if it is still in use by the consumer (ACM refuses to delete a certificate attached to a
distribution), that deletion fails *without* failing the update, the consumer's deploy then switches to the
new value, and the old resource can be deleted by hand afterwards. Nothing is locked.

API::

    export = RegionalExport(cert_stack, "CertificateArn", name="/app/edge/certificate-arn", value=cert.arn)
    arn = export.value_in(distribution_construct)          # token valid in the distribution's stack

    # a parameter written by another app (no construct to point at):
    arn = RegionalImport(scope, "EdgeCertArn", parameter_name="/app/edge/certificate-arn",
                         region="us-east-1").value

Rules (checked at synth, :class:`~pki_constructs.errors.PkiValidationError`): the parameter name is a
literal, fully qualified (``/a/b``) SSM name within the service's limits; producer and consumer are in the
same account (SSM String parameters can't be read across accounts) unless the export was made
``readable_by(<consumer account>)`` — then the reader assumes a role in the producer's account that may read
that one parameter; a cross-region read needs literal regions on both stacks.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from typing import Any

import jsii
from aws_cdk import (
    Acknowledgment,
    CfnResource,
    Duration,
    IStableStringProducer,
    Lazy,
    Names,
    PhysicalName,
    Reference,
    Stack,
    Stage,
    Token,
    Tokenization,
    Validations,
)
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from aws_cdk import custom_resources as cr
from constructs import Construct, IConstruct

from . import _arn
from ._compliance import INLINE_POLICY, exempt, exempt_handler_scope
from .app_checks import note_weak_export, note_weak_read
from .errors import Problem, raise_if_any
from .inputs import typed_props
from .method_inputs import typed_method

__all__ = [
    "RegionalExport",
    "RegionalImport",
    "default_parameter_name",
    "environment_problems",
    "parameter_name_problems",
    "weak_ca",
    "weak_ca_arn",
    "weak_value",
]

PARAMETER_NAME_PREFIX = "/pki-constructs"
"""Default root of the parameters this library writes."""

_NAME_CHARS = re.compile(r"^[A-Za-z0-9_.\-/]+$")
# SSM: "The maximum length for a parameter name that you specify is 1011 characters", counting the ARN
# prefix "arn:<partition>:ssm:<region>:<account>:parameter/" (botocore ssm PutParameter.Name docs).
_MAX_NAME_WITH_ARN = 1011
_WORST_CASE_ARN_PREFIX = len("arn:aws-iso-b:ssm:ap-southeast-99:123456789012:parameter/")
_MAX_DEPTH = 15
_RESOURCE_TYPE = "Custom::PkiRegionalImport"
_BASIC_EXECUTION_ROLE = "arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def parameter_name_problems(
    name: str, *, field: str = "name", arn_prefix_length: int | None = None
) -> list[Problem]:
    """Rules for an SSM parameter name we write and read across stacks (botocore ssm PutParameter.Name).

    :param name: the parameter name.
    :param field: the prop name reported in problems. Default: - "name".
    :param arn_prefix_length: length of ``arn:<partition>:ssm:<region>:<account>:parameter/`` when known.
        Default: - the longest prefix of any partition and region.
    """
    if Token.is_unresolved(name):
        return [
            Problem(
                field,
                name,
                "the parameter name must be a literal: the consumer's stack needs it at synth",
                "pass a plain string such as '/my-app/edge/certificate-arn'",
            )
        ]
    problems: list[Problem] = []
    if not name.startswith("/") or name.endswith("/") or "//" in name:
        problems.append(
            Problem(
                field,
                name,
                "must be a fully qualified hierarchical name: a leading '/', no empty level, no trailing '/'",
                "write it as '/level/level/name'",
            )
        )
    if not _NAME_CHARS.match(name):
        problems.append(
            Problem(
                field,
                name,
                "SSM parameter names may contain only a-zA-Z0-9_.- and '/'",
                "remove other characters",
            )
        )
    first = name.lstrip("/").split("/", 1)[0].lower()
    if first.startswith(("aws", "ssm")):
        problems.append(
            Problem(
                field,
                name,
                "SSM reserves names prefixed 'aws' or 'ssm' (case-insensitive)",
                "choose another root",
            )
        )
    depth = len([part for part in name.split("/") if part])
    if depth > _MAX_DEPTH:
        problems.append(
            Problem(
                field,
                name,
                f"SSM hierarchies are limited to {_MAX_DEPTH} levels, got {depth}",
                "flatten the path",
            )
        )
    prefix = _WORST_CASE_ARN_PREFIX if arn_prefix_length is None else arn_prefix_length
    if len(name.lstrip("/")) + prefix > _MAX_NAME_WITH_ARN:
        problems.append(
            Problem(
                field,
                f"<{len(name)} characters>",
                f"SSM limits a name plus its ARN prefix to {_MAX_NAME_WITH_ARN} characters",
                "shorten the name",
            )
        )
    return problems


def default_parameter_name(construct: IConstruct, suffix: str) -> str:
    """A stable, valid parameter name derived from a construct's path: ``/pki-constructs/<path>/<suffix>``.

    Characters SSM doesn't allow become ``-``.
    """
    parts = [*construct.node.path.split("/"), suffix]
    cleaned = [re.sub(r"[^A-Za-z0-9_.\-]", "-", part) for part in parts if part]
    return "/".join([PARAMETER_NAME_PREFIX, *cleaned])


def parameter_arn(*, partition: str, region: str, account: str, name: str) -> str:
    """The ARN of a fully qualified parameter name (its leading '/' is not repeated after 'parameter')."""
    return _arn.format_parameter_arn(partition=partition, region=region, account=account, name=name)


def top_level_stack(stack: Stack) -> Stack:
    """The deployed stack that holds ``stack``: itself, or the outermost parent of a ``NestedStack``."""
    while stack.nested_stack_parent is not None:
        stack = stack.nested_stack_parent
    return stack


def one_deployment(producer: Stack, consumer: Stack) -> bool:
    """Whether the two stacks deploy as one CloudFormation stack tree (the same stack, or nested stacks of one
    top-level stack): then CDK carries a value between them as a nested stack's parameter or output, which
    locks nothing (no export), and no SSM parameter can be read in time — a parent's
    ``AWS::SSM::Parameter::Value`` is resolved before its nested stacks create the parameter."""
    return top_level_stack(producer) is top_level_stack(consumer)


def stage_problems(producer: Stack, consumer: Stack, *, field: str, shown: object) -> list[Problem]:
    """A value never crosses a ``Stage``: each Stage is its own cloud assembly, deployed on its own (often by
    another pipeline step), so CDK can neither order the stacks nor reference across (NoCrossStageDependency)."""
    producer_stage, consumer_stage = Stage.of(producer), Stage.of(consumer)
    if producer_stage is consumer_stage:
        return []

    def named(stage: Stage | None) -> str:
        return stage.node.path if stage is not None and stage.node.path else "the App"

    return [
        Problem(
            field,
            shown,
            f"{producer.node.path} (stage {named(producer_stage)}) and {consumer.node.path} "
            f"(stage {named(consumer_stage)}) are in different Stages, which deploy separately: "
            "CDK cannot order them or carry a value between them",
            "create both in one Stage, or publish the value with RegionalExport(name='/your/name', value=...) in "
            "the producer's Stage and read it with RegionalImport(parameter_name=, region=) in the consumer's "
            "(import a CA by ARN with SubordinateCa.from_certificate_authority_attributes), deploying the "
            "producer's Stage first",
        )
    ]


def environment_problems(producer: Stack, consumer: Stack, *, field: str, shown: object) -> list[Problem]:
    """A value crosses from ``producer`` to ``consumer`` weakly only within one Stage, and when both
    environments are known (the SSM parameter's region and account must be) or both stacks are
    environment-agnostic (then they deploy to one environment and read the parameter there)."""
    stage = stage_problems(producer, consumer, field=field, shown=shown)
    if stage:
        return stage
    regions_known = _literal(consumer.region) and _literal(producer.region)
    both_agnostic = Token.is_unresolved(consumer.region) and Token.is_unresolved(producer.region)
    accounts_known = _literal(consumer.account) and _literal(producer.account)
    # One stack with a literal account and one without can't be proven to share an account.
    accounts_comparable = accounts_known or (
        Token.is_unresolved(consumer.account) and Token.is_unresolved(producer.account)
    )
    if (regions_known or both_agnostic) and accounts_comparable:
        return []
    agnostic = [s.node.path for s in (producer, consumer) if Token.is_unresolved(s.region)]
    return [
        Problem(
            field,
            shown,
            f"a value crosses from stack {producer.node.path} to {consumer.node.path} only when both accounts "
            "and regions are known (or both stacks are environment-agnostic); "
            + (f"{', '.join(agnostic)} has no region" if agnostic else "one account is unknown"),
            "give both stacks env=Environment(account=..., region=...) (or create it in the consumer's stack)",
        )
    ]


def weak_value(
    producer: Construct, id: str, value: str, consumer: Construct, *, suffix: str, field: str = "scope"
) -> str:
    """``value``, made in ``producer``'s stack, as a token valid in ``consumer``'s stack — itself in the same
    stack (or nested stacks of one top-level stack), else read from the SSM parameter
    ``/pki-constructs/<producer path>/<suffix>`` (never an export). A consumer in another ``Stage`` is refused
    at ``consumer``, naming ``field`` (the prop that carried the value). Default field: - "scope"."""
    producer_stack, consumer_stack = Stack.of(producer), Stack.of(consumer)
    if one_deployment(producer_stack, consumer_stack):
        return value  # one stack, or nested stacks of one: CDK passes it as a nested parameter/output
    raise_if_any(
        consumer, stage_problems(producer_stack, consumer_stack, field=field, shown=producer.node.path)
    )
    export = RegionalExport.of(producer, id, value=value, name=default_parameter_name(producer, suffix))
    return export.value_in(consumer)


def weak_ca_arn(ca: acmpca.ICertificateAuthority, consumer: Construct, *, field: str = "scope") -> str:
    """A CA's ARN valid in ``consumer``'s stack: a literal (imported) ARN as is, a CA of the same stack (or
    top-level stack) by reference, a CA of another stack through ``/pki-constructs/<path>/certificate-authority-arn``
    (the parameter child CAs read too) — never an export. ``field``: the prop named if it crosses a Stage."""
    arn = ca.certificate_authority_arn
    if (
        not Token.is_unresolved(arn)
        or not isinstance(ca, Construct)
        or one_deployment(Stack.of(ca), Stack.of(consumer))
    ):
        return arn
    return weak_value(
        ca, "ArnForSubordinates", arn, consumer, suffix="certificate-authority-arn", field=field
    )


def weak_ca(
    ca: acmpca.ICertificateAuthority, consumer: Construct, *, field: str = "scope"
) -> acmpca.ICertificateAuthority:
    """``ca`` as an ``ICertificateAuthority`` valid in ``consumer``'s stack (see :func:`weak_ca_arn`)."""
    arn = weak_ca_arn(ca, consumer, field=field)
    if arn is ca.certificate_authority_arn:
        return ca
    return acmpca.CertificateAuthority.from_certificate_authority_arn(
        consumer, f"IssuerOf{Names.unique_id(ca)}", arn
    )


class RegionalExport(Construct):
    """Publishes a value (usually an ARN) as an SSM String parameter in this stack's own region, for
    consumers in other stacks and regions to read with :meth:`value_in` — no CloudFormation export.

    :param scope: the producer's scope; the parameter lives in its stack.
    :param id: construct id.
    :param value: the value to publish (a token such as ``certificate.certificate_arn`` is fine).
    :param name: the SSM parameter name, a literal fully qualified name.
        Default: - ``/pki-constructs/<construct path>``.
    :param description: the parameter's description. Default: - names the producing construct.
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        value: str,
        name: str | None = None,
        description: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        parameter_name = name if name is not None else default_parameter_name(self, "value")
        raise_if_any(
            self, parameter_name_problems(parameter_name, arn_prefix_length=_arn_prefix_length(self))
        )
        self._value = value
        self.parameter_name: str = parameter_name
        """The literal SSM parameter name."""
        self.parameter = ssm.StringParameter(
            self,
            "Resource",
            parameter_name=parameter_name,
            string_value=value,
            description=description or f"pki-constructs weak reference published by {scope.node.path}",
            tier=ssm.ParameterTier.STANDARD,
        )
        """The ``ssm.StringParameter`` holding the value."""
        self._readers: dict[str, iam.Role] = {}
        note_weak_export(self, parameter_name, value)

    @typed_method(creates_child=False)
    def readable_by(self, *accounts: str) -> iam.Role:
        """Let stacks in other ``accounts`` read the value with :meth:`value_in` (an SSM String parameter
        cannot be read across accounts by itself).

        Creates, in this stack, a role with a generated physical name (so its ARN is a literal in the
        consumers' templates, never an export) that those accounts may assume with an ``sts:ExternalId``
        (derived from this construct's path; not a secret) and that may ``ssm:GetParameter`` on exactly this
        parameter. Call it once per export; the consumer's reader assumes it at deploy time.

        :param accounts: 12-digit account ids of the consuming stacks.
        """
        problems = []
        bad = [a for a in accounts if not _arn.is_literal(a) or not _arn.is_account_id(a)]
        if bad or not accounts:
            problems.append(
                Problem(
                    "accounts", bad or [], "12-digit account ids of the consumers", "pass e.g. '222222222222'"
                )
            )
        if self._readers:
            problems.append(
                Problem(
                    "accounts",
                    list(accounts),
                    f"readable_by was already called for {sorted(self._readers)}: one reader role per export",
                    "pass every consuming account in one call",
                )
            )
        raise_if_any(self, problems)
        role = iam.Role(
            self,
            "CrossAccountReader",
            role_name=PhysicalName.GENERATE_IF_NEEDED,
            assumed_by=iam.CompositePrincipal(*(iam.AccountPrincipal(a) for a in accounts)),
            external_ids=[self.external_id],
            max_session_duration=Duration.hours(1),
            description=f"pki-constructs: other accounts read {self.parameter_name}",
        )
        self.parameter.grant_read(role)
        exempt(role, reason=INLINE_POLICY, nag=["IAMNoInlinePolicy"])
        for account in accounts:
            self._readers[account] = role
        return role

    @property
    def external_id(self) -> str:
        """The ``sts:ExternalId`` of the cross-account reader role (derived from this construct's path)."""
        return "pki-constructs-" + hashlib.sha256(self.node.path.encode()).hexdigest()[:32]

    @classmethod
    @typed_method(creates_child=False)
    def of(cls, scope: Construct, id: str, *, value: str, name: str | None = None) -> RegionalExport:
        """The export child ``id`` of ``scope``, created on first use (so a value is published once)."""
        existing = scope.node.try_find_child(id)
        if isinstance(existing, RegionalExport):
            return existing
        return cls(scope, id, value=value, name=name)

    @property
    def value(self) -> str:
        """The published value, valid in the producer's own stack."""
        return self._value

    @property
    def stack(self) -> Stack:
        return Stack.of(self)

    @typed_method(creates_child=False)
    def value_in(self, scope: Construct, *, refresh: str | None = None) -> str:
        """The published value as a token valid in ``scope``'s stack, read without a CloudFormation export.

        Adds ``Stack.of(scope).add_stack_dependency(producer stack)`` when the stacks differ (between the
        top-level stacks when one is a ``NestedStack``). Within one top-level stack (a ``NestedStack`` and its
        parent, or two nested stacks of one parent) it returns the value itself: CDK carries it as a nested
        stack's parameter or output, which locks nothing. A consumer in another ``Stage`` is refused.

        :param scope: where the value is used.
        :param refresh: for a cross-region read, any string: changing it forces one re-read on the next
            deploy. Default: - re-read whenever the producing resource's properties change.
        """
        consumer = Stack.of(scope)
        producer = self.stack
        if one_deployment(producer, consumer):
            return self._value
        problems: list[Problem] = []
        accounts_known = _literal(consumer.account) and _literal(producer.account)
        reader_role = self._readers.get(consumer.account) if accounts_known else None
        cross_account = accounts_known and consumer.account != producer.account
        if cross_account and reader_role is None:
            problems.append(
                Problem(
                    "scope",
                    f"{consumer.node.path} (account {consumer.account})",
                    f"an SSM String parameter can only be read in its own account ({producer.account})",
                    f"call readable_by({consumer.account!r}) on this export (a role the consumer assumes), or "
                    "deploy the consumer in the producer's account",
                )
            )
        problems += environment_problems(producer, consumer, field="scope", shown=consumer.node.path)
        both_agnostic = Token.is_unresolved(consumer.region) and Token.is_unresolved(producer.region)
        raise_if_any(self, problems)
        # A nested stack deploys with its top-level stack: order those (CDK refuses a dependency on a parent).
        top_level_stack(consumer).add_stack_dependency(
            top_level_stack(producer),
            f"reads SSM parameter {self.parameter_name} written by {self.node.path}",
        )
        if not cross_account and (both_agnostic or consumer.region == producer.region):
            # CloudFormation resolves this parameter type on every update: a weak, always-fresh reference.
            return ssm.StringParameter.value_for_string_parameter(scope, self.parameter_name)
        reader_id = "PkiRegionalImport" + "".join(
            part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", self.node.path) if part
        )
        existing = consumer.node.try_find_child(reader_id)
        if isinstance(existing, RegionalImport):
            return existing.value
        reader = RegionalImport(
            consumer,
            reader_id,
            parameter_name=self.parameter_name,
            region=producer.region,
            fingerprint=Lazy.string(_Fingerprint(self._value, producer, refresh)),
            account=producer.account if cross_account else None,
            role_arn=reader_role.role_arn if cross_account and reader_role is not None else None,
            external_id=self.external_id if cross_account else None,
        )
        return reader.value


class RegionalImport(Construct):
    """Reads an SSM String parameter from another region of the same account at deploy time.

    An ``AwsCustomResource`` calls ``ssm:GetParameter`` with ``region=`` the producer's region, on create
    and on every update; its role may read exactly one parameter ARN. Prefer
    :meth:`RegionalExport.value_in`, which also orders the stacks and fingerprints the producer; use this
    class directly for a parameter written outside this app.

    :param scope: the consumer's scope.
    :param id: construct id.
    :param parameter_name: the literal, fully qualified parameter name.
    :param region: the region the parameter lives in (a literal).
    :param fingerprint: any string; when it changes, the next deploy re-reads the parameter.
        Default: - the parameter is read once, when the reader is created, and again when ``parameter_name``
        or ``region`` change.
    :param account: the parameter's account, when it is not this stack's (needs ``role_arn``).
        Default: - this stack's account
    :param role_arn: a role in ``account`` that may read the parameter (``RegionalExport.readable_by``); the
        reader assumes it. Default: - none: the reader's own role reads in this account
    :param external_id: the ``sts:ExternalId`` that role demands. Default: - none
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        parameter_name: str,
        region: str,
        fingerprint: str | None = None,
        account: str | None = None,
        role_arn: str | None = None,
        external_id: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        problems = parameter_name_problems(parameter_name, field="parameter_name")
        if (account is None) != (role_arn is None):
            problems.append(
                Problem(
                    "role_arn",
                    role_arn,
                    "a parameter of another account is read through a role there, and only then",
                    "pass account and role_arn together (RegionalExport.readable_by makes the role)",
                )
            )
        if Token.is_unresolved(region):
            problems.append(
                Problem("region", region, "the parameter's region must be a literal", "pass e.g. 'us-east-1'")
            )
        raise_if_any(self, problems)
        self.parameter_name = parameter_name
        self.region = region
        note_weak_read(self, parameter_name)
        self.parameter_arn = parameter_arn(
            partition=stack.partition, region=region, account=account or stack.account, name=parameter_name
        )
        """The one parameter the reader may read."""
        call = cr.AwsSdkCall(
            service="SSM",
            action="getParameter",
            parameters={"Name": parameter_name},
            region=region,
            physical_resource_id=cr.PhysicalResourceId.of(f"{region}:{parameter_name}"),
            output_paths=["Parameter.Value"],
            assumed_role_arn=role_arn,
            external_id=external_id,
        )
        statement = (
            iam.PolicyStatement(actions=["sts:AssumeRole"], resources=[role_arn])
            if role_arn is not None
            else iam.PolicyStatement(actions=["ssm:GetParameter"], resources=[self.parameter_arn])
        )
        self.reader = cr.AwsCustomResource(
            self,
            "Resource",
            resource_type=_RESOURCE_TYPE,
            on_create=call,
            on_update=call,
            install_latest_aws_sdk=False,
            policy=cr.AwsCustomResourcePolicy.from_statements([statement]),
        )
        if fingerprint is not None:
            # A plain property of the custom resource: changing it is what makes CloudFormation send Update.
            custom = self.reader.node.default_child
            assert custom is not None
            cfn = custom.node.default_child
            assert cfn is not None
            cfn.add_property_override("SourceFingerprint", fingerprint)  # type: ignore[attr-defined]
        _acknowledge_sdk_function(stack)
        exempt(self.reader, reason=INLINE_POLICY, nag=["IAMNoInlinePolicy"])

    @property
    def value(self) -> str:
        """The parameter's value, as a token valid in this stack."""
        return self.reader.get_response_field("Parameter.Value")


@jsii.implements(IStableStringProducer)
class _Fingerprint:
    """Lazily hashes the producer's value expression and the properties of the resources it references."""

    def __init__(self, value: str, producer: Stack, refresh: str | None) -> None:
        self._value = value
        self._producer = producer
        self._refresh = refresh

    def produce(self) -> str:
        expression = self._producer.resolve(self._value)
        referenced = set(_logical_ids(expression))
        resources: dict[str, Any] = {}
        # The value's own tokens point at the resources it references: no walk over the whole stack.
        for token in Tokenization.reverse_string(self._value).tokens:
            target = token.target if Reference.is_reference(token) else None  # type: ignore[attr-defined]
            if isinstance(target, CfnResource) and Stack.of(target) is self._producer:
                logical_id = self._producer.resolve(target.logical_id)
                if logical_id in referenced:
                    resources[logical_id] = {
                        "Type": target.cfn_resource_type,
                        "Properties": self._producer.resolve(target._cfn_properties),
                    }
        material = {"value": expression, "resources": resources, "refresh": self._refresh}
        return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


def _logical_ids(expression: Any) -> Iterator[str]:
    """Logical ids named by Ref / Fn::GetAtt anywhere in a resolved CloudFormation expression."""
    if isinstance(expression, dict):
        for key, inner in expression.items():
            if key == "Ref" and isinstance(inner, str):
                yield inner
            elif key == "Fn::GetAtt" and isinstance(inner, list) and inner:
                yield str(inner[0])
            else:
                yield from _logical_ids(inner)
    elif isinstance(expression, list):
        for inner in expression:
            yield from _logical_ids(inner)


def _literal(value: str) -> bool:
    return not Token.is_unresolved(value)


def _arn_prefix_length(scope: IConstruct) -> int | None:
    stack = Stack.of(scope)
    if any(Token.is_unresolved(v) for v in (stack.partition, stack.region, stack.account)):
        return None
    return len(parameter_arn(partition=stack.partition, region=stack.region, account=stack.account, name=""))


def _acknowledge_sdk_function(stack: Stack) -> None:
    """aws-cdk-lib's AwsCustomResource runs one shared Node.js function per stack; we don't control it."""
    # The singleton's construct id is "AWS" + its UUID without dashes (aws-cdk-lib SingletonFunction).
    function = stack.node.try_find_child("AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", ""))
    already = (
        any(
            entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY and "AwsSolutions-L1" in str(entry.data)
            for entry in function.node.metadata
        )
        if function is not None
        else True
    )
    if already:  # one reader per stack already acknowledged the shared function
        return
    assert function is not None
    Validations.of(function).acknowledge(
        Acknowledgment(
            id=f"AwsSolutions-IAM4[Policy::{_BASIC_EXECUTION_ROLE}]",
            reason="aws-cdk-lib's AwsCustomResource function logs through AWSLambdaBasicExecutionRole",
        ),
        Acknowledgment(
            id="AwsSolutions-L1",
            reason="the AwsCustomResource function's Node.js runtime is chosen and pinned by aws-cdk-lib",
        ),
    )
    exempt_handler_scope(function)
