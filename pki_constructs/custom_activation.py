"""The custom resource that activates a subordinate CA from a parent CloudFormation cannot reach.

Chosen by :func:`pki_constructs.activation.activate`; the handler is ``lambda/ca_activation``. Its roles
live under :data:`~pki_constructs.issuer_role.ACTIVATION_ROLE_PATH`, the path issuer roles trust.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CustomResource, Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

from . import _arn
from ._provider import HandlerProvider
from .algorithms import SigningAlgorithm
from .errors import Problem, add_late_validation, raise_if_any
from .issuer_role import ACTIVATION_ROLE_PATH, COLLECT_ACTIONS, IssuerRole
from .renewal import FIRST_GENERATION, certificate_generation_problems
from .templates import CertificateTemplate

__all__ = ["RESOURCE_TYPE", "CaActivation", "trust_problems"]

HANDLER_NAME = "ca_activation"
RESOURCE_TYPE = "Custom::PkiCaActivation"
SCHEMA_VERSION = "1"

_CHILD_ACTIONS = [
    "acm-pca:DescribeCertificateAuthority",
    "acm-pca:GetCertificateAuthorityCsr",
    "acm-pca:GetCertificateAuthorityCertificate",
    "acm-pca:ImportCertificateAuthorityCertificate",
    "acm-pca:UpdateCertificateAuthority",  # Delete disables the child it activated
    "acm-pca:ListTags",  # progress markers: a retried Create never issues twice
    "acm-pca:TagCertificateAuthority",
    "acm-pca:UntagCertificateAuthority",
]


class CaActivation(Construct):
    """The custom resource that activates a subordinate CA from a parent CloudFormation cannot reach.

    ``SubordinateCa`` creates it; you rarely need it directly. The handler (``lambda/ca_activation``) runs in
    a Provider shared by the stack; its ResourceProperties are documented at the top of that handler.

    :param certificate_authority_arn: the child CA to activate (in this stack).
    :param path_length: the child's path length (template ``SubordinateCACertificate_PathLen<n>/V1``).
    :param validity: the child certificate's validity (whole days).
    :param parent_arn: the parent's ARN. Default: - read from ``parent_parameter``
    :param parent_policy_arn: the same ARN for the handler's IAM policy, when ``parent_arn`` is a token that
        depends on this stack's Provider (a parent activated by this custom resource: the policy must not
        wait for that activation). Default: - ``parent_arn``
    :param parent_parameter: (name, region) of an SSM parameter holding the parent's ARN, read through
        ``issuer_role_arn`` (required with it). Default: - none
    :param parent_fingerprint: changes when the parent CA is replaced (forces a re-issue). Default: - none
    :param signing_algorithm: the parent's signing algorithm. Default: - derived from the parent's key
    :param issuer_role_arn: the role to assume for parent calls. Default: - none: the handler's own role
    :param external_id: the ``sts:ExternalId`` the issuer role demands (passed to ``AssumeRole``).
        Default: - none
    :param removal_policy: RETAIN keeps the child ACTIVE when the resource goes; DESTROY disables it.
        Default: - RETAIN
    :param certificate_generation: renewal counter; a new value re-issues the child's certificate from the
        parent (same key) and re-imports it. Sent as ``CertificateGeneration`` only from 2 on, so activations
        deployed before renewal existed keep their physical ids. Default: - 1
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate_authority_arn: str,
        path_length: int,
        validity: Duration,
        parent_arn: str | None = None,
        parent_policy_arn: str | None = None,
        parent_parameter: tuple[str, str] | None = None,
        parent_fingerprint: str | None = None,
        signing_algorithm: SigningAlgorithm | None = None,
        issuer_role_arn: str | None = None,
        external_id: str | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        certificate_generation: int = FIRST_GENERATION,
    ) -> None:
        super().__init__(scope, id)
        problems: list[Problem] = certificate_generation_problems(certificate_generation)
        if (parent_arn is None) == (parent_parameter is None):
            problems.append(
                Problem(
                    "parent_arn",
                    parent_arn,
                    "exactly one of parent_arn and parent_parameter is needed",
                    "pass one of them",
                )
            )
        elif parent_parameter is not None and issuer_role_arn is None:
            # The handler's own role gets no ssm:GetParameter/IssueCertificate: the parent ARN is unknown at synth.
            problems.append(
                Problem(
                    "issuer_role_arn",
                    None,
                    "a parent read from parent_parameter is reached only through an issuer role",
                    "pass issuer_role_arn (an IssuerRole that may read the parameter), or parent_arn",
                )
            )
        raise_if_any(self, problems)
        template = CertificateTemplate.subordinate_ca(path_length)
        properties: dict[str, Any] = {
            "SchemaVersion": SCHEMA_VERSION,
            "CertificateAuthorityArn": certificate_authority_arn,
            "PathLength": str(path_length),
            "Validity": {"Type": "DAYS", "Value": str(int(validity.to_days()))},
        }
        if parent_arn is not None:
            properties["ParentCertificateAuthorityArn"] = parent_arn
        if parent_parameter is not None:
            properties["ParentArnParameter"] = {"Name": parent_parameter[0], "Region": parent_parameter[1]}
        if parent_fingerprint is not None:
            properties["ParentFingerprint"] = parent_fingerprint
        if signing_algorithm is not None:
            properties["SigningAlgorithm"] = signing_algorithm.value
        if certificate_generation != FIRST_GENERATION:
            properties["CertificateGeneration"] = str(certificate_generation)
        if issuer_role_arn is not None:
            properties["IssuerRoleArn"] = issuer_role_arn
        if external_id is not None:
            properties["ExternalId"] = external_id

        provider = HandlerProvider.of(
            self,
            handler_name=HANDLER_NAME,
            description="pki-constructs: activates subordinate CAs whose parent is in another region or account",
            asynchronous=True,
            role_path=ACTIVATION_ROLE_PATH,  # issuer roles trust only this path (issuer_role.py)
        )
        provider.add_to_handler_policy(
            iam.PolicyStatement(actions=_CHILD_ACTIONS, resources=[certificate_authority_arn])
        )
        if issuer_role_arn is not None:
            provider.add_to_handler_policy(
                iam.PolicyStatement(actions=["sts:AssumeRole"], resources=[issuer_role_arn])
            )
        elif parent_arn is not None:
            policy_arn = parent_policy_arn or parent_arn
            provider.add_to_handler_policy(
                iam.PolicyStatement(
                    actions=["acm-pca:IssueCertificate"],
                    resources=[policy_arn],
                    conditions={"StringEquals": {"acm-pca:TemplateArn": template.arn(self)}},
                )
            )
            provider.add_to_handler_policy(
                iam.PolicyStatement(actions=COLLECT_ACTIONS, resources=[policy_arn])
            )
        self.resource = CustomResource(
            self,
            "Resource",
            service_token=provider.service_token,
            resource_type=RESOURCE_TYPE,
            properties=properties,
            removal_policy=removal_policy,
        )
        self.certificate_authority_arn: str = self.resource.get_att_string("CertificateAuthorityArn")
        """The child CA's ARN, available once the CA is ACTIVE."""
        if issuer_role_arn is not None:
            # The usual order (the role first) is checked now; a role created later, at synth.
            if _issuer_role_named(self, issuer_role_arn) is not None:
                raise_if_any(self, trust_problems(self, issuer_role_arn, external_id))
            else:
                add_late_validation(self, lambda: trust_problems(self, issuer_role_arn, external_id))


def _issuer_role_named(activation: IConstruct, issuer_role_arn: str) -> IssuerRole | None:
    """The IssuerRole of this app that ``issuer_role_arn`` names (its token or its literal name), if any."""
    return next(
        (
            node
            for node in activation.node.root.node.find_all()
            if isinstance(node, IssuerRole) and node.is_named_by(issuer_role_arn)
        ),
        None,
    )


def trust_problems(activation: IConstruct, issuer_role_arn: str, external_id: str | None) -> list[Problem]:
    """When the issuer role is in this app too: does it trust this child's account, with this external id?

    The handler role's path is the library's constant, so the ``aws:PrincipalArn`` pattern matches by
    construction; the account and the external id are what a hand-wired import can get wrong.
    """
    role = _issuer_role_named(activation, issuer_role_arn)
    if role is None:
        return []
    problems = []
    account = Stack.of(activation).account
    if _arn.is_literal(account) and not role.trusts(account):
        problems.append(
            Problem(
                "issuer_role_arn",
                role.node.path,
                f"that issuer role trusts accounts {role.trusted_accounts}, not this child's account {account}",
                "add the child's account to the IssuerRole's trusted_accounts",
            )
        )
    if external_id != role.external_id:
        problems.append(
            Problem(
                "external_id",
                "<missing>" if external_id is None else "<different>",
                f"the issuer role {role.node.path} demands another sts:ExternalId; AssumeRole would be refused",
                "pass external_id=<the IssuerRole's external_id> to the importer",
            )
        )
    return problems
