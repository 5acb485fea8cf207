"""How a subordinate CA gets its certificate: the three mechanisms, chosen in one place (:func:`activate`).

* **native** — the parent is a CA of this app in the child's account and region, activated by CloudFormation:
  ``AWS::ACMPCA::Certificate`` issued by the parent from the child's CSR, then
  ``AWS::ACMPCA::CertificateAuthorityActivation`` with the parent's complete chain (DESIGN.md §3.1).
* **custom resource** (:class:`~pki_constructs.custom_activation.CaActivation`, ``lambda/ca_activation``) — where CloudFormation cannot reach
  the parent: a CA of this app in another region or account (its stack publishes the parent's ARN in an SSM
  parameter in its own region, :class:`~pki_constructs.cross_region.RegionalExport`, and holds an
  :class:`~pki_constructs.issuer_role.IssuerRole`; the child's stack depends on the parent's), a CA imported
  by ARN (``from_certificate_authority_attributes``, optionally with the role to assume and its external id;
  without a role, the handler calls the parent with its own role: possible in the same account, and across
  accounts only through a resource policy/RAM share, which AWS limits to
  ``SubordinateCACertificate_PathLen0/V1``), or a CA of this app that was itself activated by the custom
  resource (no chain CloudFormation can hand over). No ``crossRegionReferences``, no ``Fn::ImportValue``.
* **offline** — :class:`~pki_constructs.offline_parent.OfflineParent`: the CSR is published and the next
  deploy imports the signed certificate natively. No Lambda.

Every custom-resource activation in a stack shares one Provider, whose handler role lives under
:data:`~pki_constructs.issuer_role.ACTIVATION_ROLE_PATH`. The handler's permissions name exact ARNs: the
child CA; ``sts:AssumeRole`` on the one issuer role; or, when it calls the parent itself,
``acm-pca:IssueCertificate`` on the parent ARN with an ``acm-pca:TemplateArn`` condition.

This module knows the child only through :class:`ActivationRequest` and the parent only through
:func:`~pki_constructs.ca_facts.ca_facts`; it returns an :class:`Activation` the CA keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aws_cdk import Annotations, CfnOutput, Duration, Fn, RemovalPolicy, Stack
from aws_cdk import aws_acmpca as acmpca
from constructs import Construct, IConstruct, IDependable

from . import _arn
from .ca_facts import ca_facts
from .cross_region import RegionalExport, default_parameter_name, stage_problems, weak_value
from .errors import Problem, raise_if_any
from .issuer_role import IssuerRole
from .offline_parent import OfflineParent
from .ram_permission import RamPermission
from .renewal import FIRST_GENERATION, certificate_id, warn_exported_chain
from .sharing import shared_permission_problems
from .templates import CertificateTemplate

if TYPE_CHECKING:
    from .custom_activation import CaActivation

__all__ = ["Activation", "ActivationRequest", "activate", "parent_problems", "same_environment"]


@dataclass(frozen=True)
class ActivationRequest:
    """What the mechanisms need to know about the child CA being activated."""

    scope: Construct
    """The child CA construct (activation resources are created under it)."""
    resource: acmpca.CfnCertificateAuthority
    validity: Duration
    path_length: int
    removal_policy: RemovalPolicy
    certificate_generation: int = FIRST_GENERATION
    """Renewal counter (``pki_constructs.renewal``): each value is one issuance of the CA certificate."""

    @property
    def template(self) -> CertificateTemplate:
        return CertificateTemplate.subordinate_ca(self.path_length)


@dataclass(frozen=True)
class Activation:
    """The result: what to depend on, the ARN users take (ACTIVE once it resolves), the chain for children."""

    dependable: IDependable
    certificate_authority_arn: str
    certificate_chain: str | None
    certificate: acmpca.CfnCertificate | None = None


# ------------------------------------------------------------------------------------------ the choice


def activate(child: ActivationRequest, parent: object) -> Activation:
    """The one place that decides how a subordinate CA gets its certificate (see the module docstring)."""
    if isinstance(parent, OfflineParent):
        return _activate_offline(child, parent)
    facts = ca_facts(parent)
    assert facts.certificate_authority_arn is not None
    # Natively (or by direct ARN) only within one stack: between two stacks, even of one account and region, the
    # parent's ARN and chain would travel as Fn::ImportValue and lock the parent's stack (issue 11, class 8), so a
    # parent in another stack takes the weak path below (SSM parameter + IssuerRole + custom resource).
    same_env = isinstance(parent, Construct) and Stack.of(parent) is Stack.of(child.scope)
    if facts.created_here and same_env and facts.certificate_chain is not None:
        return _activate_natively(child, parent, facts.certificate_chain)
    # Loaded only when a custom resource is needed: it pulls in the Lambda, Step Functions and custom-resource
    # bindings (~0.2 s per process) that an app whose CAs are all activated natively never uses
    # (tests/test_package_root.py). Not a cycle: custom_activation imports nothing from this module.
    from .custom_activation import CaActivation

    common: dict[str, Any] = {
        "certificate_authority_arn": child.resource.attr_arn,
        "path_length": child.path_length,
        "validity": child.validity,
        "removal_policy": child.removal_policy,
        "signing_algorithm": facts.signing_algorithm,
        "certificate_generation": child.certificate_generation,
    }
    if facts.created_here and same_env:
        # Same account and region, but the parent has no chain CloudFormation can hand over (it was itself
        # activated by this custom resource): the handler calls the parent directly.
        resource = getattr(parent, "resource", None)
        activation = CaActivation(
            child.scope,
            "Activation",
            parent_arn=facts.certificate_authority_arn,
            # same ARN, without a cycle through the Provider
            parent_policy_arn=resource.attr_arn
            if isinstance(resource, acmpca.CfnCertificateAuthority)
            else None,
            **common,
        )
    elif facts.created_here and isinstance(parent, Construct):
        activation = _activate_across_environments(child, parent, common)
    else:
        activation = CaActivation(
            child.scope,
            "Activation",
            parent_arn=facts.certificate_authority_arn,
            issuer_role_arn=facts.issuer_role_arn,
            external_id=facts.external_id,
            **common,
        )
    return Activation(activation.resource, activation.certificate_authority_arn, None)


def same_environment(a: IConstruct, b: IConstruct) -> bool:
    """Whether two constructs deploy to the same account and region (CloudFormation can join them natively)."""
    sa, sb = Stack.of(a), Stack.of(b)
    return bool(sa.account == sb.account and sa.region == sb.region)


# ------------------------------------------------------------------------------------------ mechanisms


def _activate_natively(child: ActivationRequest, parent: object, parent_chain: str) -> Activation:
    facts = ca_facts(parent)
    assert facts.certificate_authority_arn is not None and facts.signing_algorithm is not None
    certificate = acmpca.CfnCertificate(
        child.scope,
        certificate_id(child.certificate_generation),  # renewal: a new certificate, re-imported in place
        certificate_authority_arn=facts.certificate_authority_arn,
        certificate_signing_request=child.resource.attr_certificate_signing_request,
        signing_algorithm=facts.signing_algorithm.value,
        template_arn=child.template.arn(child.scope),
        validity=acmpca.CfnCertificate.ValidityProperty(type="DAYS", value=int(child.validity.to_days())),
    )
    certificate.apply_removal_policy(child.removal_policy)
    if isinstance(parent, Construct):
        warn_exported_chain(child.scope, parent, getattr(parent, "certificate_generation", FIRST_GENERATION))
    activation = acmpca.CfnCertificateAuthorityActivation(
        child.scope,
        "Activation",
        certificate_authority_arn=child.resource.attr_arn,
        certificate=certificate.attr_certificate,
        certificate_chain=parent_chain,
        status="ACTIVE",
    )
    activation.apply_removal_policy(child.removal_policy)
    # Ref of the activation is the CA ARN: whoever uses it waits for an ACTIVE CA.
    return Activation(activation, activation.ref, activation.attr_complete_certificate_chain, certificate)


def _activate_across_environments(
    child: ActivationRequest, parent: Construct, common: dict[str, Any]
) -> CaActivation:
    facts = ca_facts(parent)
    assert facts.certificate_authority_arn is not None
    child_stack, parent_stack = Stack.of(child.scope), Stack.of(parent)
    export = RegionalExport.of(
        parent,
        "ArnForSubordinates",
        value=facts.certificate_authority_arn,
        name=default_parameter_name(parent, "certificate-authority-arn"),
    )
    role = IssuerRole.for_parent(parent, child_stack.account, child.path_length)
    role.allow_reading_parameter(export.parameter.parameter_arn)
    child_stack.add_stack_dependency(
        parent_stack, f"{child.scope.node.path} is signed by {parent.node.path} (issuer role, ARN parameter)"
    )
    from .custom_activation import CaActivation  # see activate()

    return CaActivation(
        child.scope,
        "Activation",
        parent_parameter=(export.parameter_name, parent_stack.region),
        parent_fingerprint=facts.fingerprint,
        # Across environments the role ARN is a literal generated name; within one it would be an export.
        issuer_role_arn=(
            weak_value(role, "ArnForChildren", role.role_arn, child.scope, suffix="role-arn")
            if (parent_stack.account, parent_stack.region) == (child_stack.account, child_stack.region)
            else role.role_arn
        ),
        external_id=role.external_id,
        **common,
    )


def _activate_offline(child: ActivationRequest, parent: OfflineParent) -> Activation:
    material, problems = parent.read(child.scope, child.certificate_generation)
    raise_if_any(child.scope, problems)
    stack = Stack.of(child.scope)
    if material is None:
        file_name = f"{child.scope.node.id}.csr"
        CfnOutput(
            child.scope,
            "Csr",
            value=child.resource.attr_certificate_signing_request,
            description=f"CSR of {child.scope.node.path}",
        )
        CfnOutput(
            child.scope,
            "CsrCommand",
            value=Fn.join(
                "",
                [
                    "aws acm-pca get-certificate-authority-csr --certificate-authority-arn ",
                    child.resource.attr_arn,
                    " --region ",
                    stack.region,
                    f" --output text > {file_name}",
                ],
            ),
            description="fetches the CSR for the offline CA to sign",
        )
        Annotations.of(child.scope).add_warning_v2(
            "pki-constructs:offlineParentPending",
            "This CA stays PENDING_CERTIFICATE until its signed certificate is supplied: fetch the CSR with the "
            "CsrCommand output, have the offline CA sign it, then deploy again with certificate_file and "
            "chain_file (or the context folder). Nothing can issue from it before.",
        )
        return Activation(child.resource, child.resource.attr_arn, None)
    certificate, chain = material
    activation = acmpca.CfnCertificateAuthorityActivation(
        child.scope,
        "Activation",
        certificate_authority_arn=child.resource.attr_arn,
        certificate=certificate,
        certificate_chain=chain,
        status="ACTIVE",
    )
    activation.apply_removal_policy(child.removal_policy)
    return Activation(activation, activation.ref, activation.attr_complete_certificate_chain)


# ------------------------------------------------------------------------------------------ rules


CROSS_ACCOUNT_RESOURCE_POLICY_TEMPLATE = CertificateTemplate.SUBORDINATE_CA_PATH_LEN_0
"""The only CA template a resource policy / RAM share lets another account use (AWS ``pca-rbp``)."""


def parent_problems(
    parent: object, scope: IConstruct, path_length: int, generation: int = FIRST_GENERATION
) -> list[Problem]:
    """Synth-time rules for a parent that CloudFormation cannot reach natively (empty for other parents)."""
    if isinstance(parent, OfflineParent):
        return parent.read(scope, generation)[1]
    stack = Stack.of(scope)
    child_partition = stack.partition if _arn.is_literal(stack.partition) else None
    child_account = stack.account if _arn.is_literal(stack.account) else None
    facts = ca_facts(parent)
    if not facts.created_here:
        parts = _arn.parse_ca_arn(facts.certificate_authority_arn)
        problems = []
        if parts and child_partition and parts.partition != child_partition:
            problems.append(
                Problem(
                    "parent.certificate_authority_arn",
                    facts.certificate_authority_arn,
                    f"the parent is in partition {parts.partition}, the child's stack in {child_partition}; "
                    "a CA hierarchy cannot span partitions",
                    "use a parent in the child's partition",
                )
            )
        cross_account = parts is not None and child_account is not None and parts.account != child_account
        if cross_account and facts.issuer_role_arn is None and path_length >= 1:
            problems.append(
                Problem(
                    "parent.issuer_role_arn",
                    None,
                    "a parent in another account reached through a resource policy/RAM share may only issue "
                    f"{CROSS_ACCOUNT_RESOURCE_POLICY_TEMPLATE.value}, but this CA has path_length={path_length}",
                    "import the parent with issuer_role_arn (a role in the parent's account, see IssuerRole), "
                    "or use path_length=0",
                )
            )
        if cross_account and facts.issuer_role_arn is None:
            # Signed through the RAM share itself: the share must grant the PathLen0 subordinate permission.
            problems += shared_permission_problems(
                facts, field="parent.shared_permissions", needs=RamPermission.SUBORDINATE_CA_PATH_LEN_0
            )
        return problems
    if isinstance(parent, Construct) and (
        across_stages := stage_problems(Stack.of(parent), stack, field="parent", shown=parent.node.path)
    ):
        return across_stages
    if isinstance(parent, Construct) and not same_environment(parent, scope):
        ps = Stack.of(parent)
        values = [ps.account, ps.region, stack.account, stack.region]
        if not all(_arn.is_literal(v) for v in values):
            return [
                Problem(
                    "parent",
                    parent.node.path,
                    "a parent in another stack environment is reachable only when both stacks have a literal "
                    "account and region",
                    "give both stacks env=Environment(account=..., region=...)",
                )
            ]
        if _arn.is_literal(ps.partition) and child_partition and ps.partition != child_partition:
            return [
                Problem(
                    "parent",
                    parent.node.path,
                    f"the parent's stack is in partition {ps.partition}, this one in {child_partition}",
                    "keep a CA hierarchy in one partition",
                )
            ]
    return []
