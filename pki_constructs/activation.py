"""Parents CloudFormation cannot reach: ``SubordinateCa(parent=...)`` across regions, accounts, or offline.

CloudFormation's ``AWS::ACMPCA::Certificate`` issues only from a CA in the stack's own account and region.
Every other parent is handled here (DESIGN.md §3.1, §3.2):

* **a RootCa/SubordinateCa of this app in another region or account** — the parent's stack publishes the
  parent's ARN in an SSM parameter in its own region (:class:`~pki_constructs.cross_region.RegionalExport`)
  and holds an :class:`IssuerRole` that may issue exactly the needed subordinate templates from exactly that
  CA. The child's stack gets an explicit dependency on the parent's stack and a custom resource
  (``lambda/ca_activation``) whose handler assumes the issuer role, reads the ARN in the parent's region,
  issues, waits and imports the certificate with its full chain. No ``crossRegionReferences``, no
  ``Fn::ImportValue``: the role's ARN is a generated physical name, a literal in the child's template.
* **a CA known only by ARN** (another account, another app) — :meth:`CertificateAuthorityRef.from_arn`,
  with the role to assume in the parent's account (and an optional external id). Without a role, the
  handler calls the parent directly: possible in the same account, and across accounts only through a
  resource policy / RAM share, which AWS limits to ``SubordinateCACertificate_PathLen0/V1``.
* **an offline or external parent** — :class:`OfflineParent`: the first deploy creates the CA and
  publishes its CSR (stack outputs, with the AWS CLI command that fetches it); once the signed certificate
  and the chain are supplied (files, or a context key naming a folder), the next deploy activates the CA
  with the native ``AWS::ACMPCA::CertificateAuthorityActivation``. No Lambda.

Every custom-resource activation in a stack shares one Provider. The handler's permissions name exact
ARNs: the child CA; ``sts:AssumeRole`` on the one issuer role; or, when it calls the parent itself,
``acm-pca:IssueCertificate`` on the parent ARN with an ``acm-pca:TemplateArn`` condition.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aws_cdk import (
    Annotations,
    CfnOutput,
    CustomResource,
    Duration,
    Fn,
    PhysicalName,
    RemovalPolicy,
    Stack,
    Token,
)
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_iam as iam
from constructs import Construct, IConstruct

from ._provider import HandlerProvider
from .algorithms import KeyAlgorithm, SigningAlgorithm, UsageMode
from .cross_region import RegionalExport, default_parameter_name
from .errors import Problem, raise_if_any
from .subject import DistinguishedName
from .templates import CertificateTemplate

if TYPE_CHECKING:
    from .private_ca import CaProfile, CertificateAuthorityBase, SubordinateCa

__all__ = [
    "CaActivation",
    "CertificateAuthorityRef",
    "IssuerRole",
    "OfflineParent",
    "parent_problems",
]

HANDLER_NAME = "ca_activation"
RESOURCE_TYPE = "Custom::PkiCaActivation"
SCHEMA_VERSION = "1"
CROSS_ACCOUNT_RESOURCE_POLICY_TEMPLATE = CertificateTemplate.SUBORDINATE_CA_PATH_LEN_0
"""The only CA template a resource policy / RAM share lets another account use (AWS ``pca-rbp``)."""

_CA_ARN = re.compile(r"^arn:(aws[a-z-]*):acm-pca:([a-z0-9-]+):(\d{12}):certificate-authority/[0-9a-zA-Z-]+$")
_ROLE_ARN = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
_EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}$")  # sts AssumeRole ExternalId
_PEM = re.compile(r"-----BEGIN CERTIFICATE-----\s*(.+?)\s*-----END CERTIFICATE-----", re.S)
_MAX_CERTIFICATE_BYTES = 32 * 1024  # ImportCertificateAuthorityCertificate limits
_MAX_CHAIN_BYTES = 2 * 1024 * 1024

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
_COLLECT_ACTIONS = ["acm-pca:GetCertificate", "acm-pca:GetCertificateAuthorityCertificate"]


def _literal(value: str | None) -> bool:
    return value is not None and not Token.is_unresolved(value)


def _profile(**fields: Any) -> CaProfile:
    from .private_ca import CaProfile  # private_ca imports this module lazily; avoid the cycle

    return CaProfile(**fields)


# ------------------------------------------------------------------------------------------ parents


@dataclass(frozen=True)
class CertificateAuthorityRef:
    """A parent CA known by ARN: in another account, in another app, or not managed by CDK at all.

    Build it with :meth:`from_arn`. The profile fields are optional; each one given lets the synth-time
    hierarchy rules (path length, validity nesting, key family) run against it.
    """

    certificate_authority_arn: str
    issuer_role_arn: str | None = None
    external_id: str | None = None
    signing_algorithm: SigningAlgorithm | None = None
    subject: DistinguishedName | None = None
    key_algorithm: KeyAlgorithm | None = None
    validity: Duration | None = None
    path_length: int | None = None
    usage_mode: UsageMode | None = None
    depth: int | None = None
    node_path: str = field(default="<CertificateAuthorityRef>", compare=False)

    @classmethod
    def from_arn(
        cls,
        certificate_authority_arn: str,
        *,
        issuer_role_arn: str | None = None,
        external_id: str | None = None,
        signing_algorithm: SigningAlgorithm | None = None,
        subject: DistinguishedName | None = None,
        key_algorithm: KeyAlgorithm | None = None,
        validity: Duration | None = None,
        path_length: int | None = None,
        usage_mode: UsageMode | None = None,
        depth: int | None = None,
    ) -> CertificateAuthorityRef:
        """A parent CA by ARN.

        :param certificate_authority_arn: the parent CA's ARN (its region and account are read from it).
        :param issuer_role_arn: a role in the parent's account that the activation handler assumes to call
            IssueCertificate (see :class:`IssuerRole` and the README for its policy). Default: - none: the
            handler calls the parent with its own role, which works in the same account, and across accounts
            only through a resource policy/RAM share limited to PathLen0 subordinates
        :param external_id: the ``sts:ExternalId`` the role's trust policy demands. Default: - none
        :param signing_algorithm: what the parent signs with. Default: - derived at deploy time from the
            parent certificate's key
        :param subject: the parent's subject, to check the child's differs. Default: - unknown, not checked
        :param key_algorithm: the parent's key, to check the child's is compatible. Default: - unknown
        :param validity: the parent certificate's validity, for the validity-nesting rule. Default: - unknown;
            the handler still refuses, before issuing, a child that would outlive the parent
        :param path_length: the parent's path length, for the path-length rule. Default: - unknown
        :param usage_mode: the parent's usage mode. Default: - unknown
        :param depth: the parent's depth in its hierarchy (root = 1). Default: - unknown
        """
        return cls(
            certificate_authority_arn=certificate_authority_arn,
            issuer_role_arn=issuer_role_arn,
            external_id=external_id,
            signing_algorithm=signing_algorithm,
            subject=subject,
            key_algorithm=key_algorithm,
            validity=validity,
            path_length=path_length,
            usage_mode=usage_mode,
            depth=depth,
            node_path=f"<CA {certificate_authority_arn}>",
        )

    @property
    def profile(self) -> CaProfile:
        return _profile(
            subject=self.subject,
            key_algorithm=self.key_algorithm,
            validity=self.validity,
            path_length=self.path_length,
            usage_mode=self.usage_mode,
            depth=self.depth,
        )

    @property
    def _arn_match(self) -> re.Match[str] | None:
        """The parts of a literal CA ARN (partition, region, account); None for a token."""
        arn = self.certificate_authority_arn
        return _CA_ARN.match(arn) if _literal(arn) else None

    @property
    def region(self) -> str | None:
        match = self._arn_match
        return match.group(2) if match else None

    @property
    def account(self) -> str | None:
        match = self._arn_match
        return match.group(3) if match else None

    def problems(
        self, *, child_partition: str | None, child_account: str | None, path_length: int
    ) -> list[Problem]:
        """Synth-time rules for this parent (pure: the child's partition/account are passed in, None = unknown)."""
        problems: list[Problem] = []
        arn = self.certificate_authority_arn
        match = _CA_ARN.match(arn) if _literal(arn) else None
        if _literal(arn) and not match:
            problems.append(
                Problem(
                    "parent.certificate_authority_arn",
                    arn,
                    "not an AWS Private CA ARN (arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<id>)",
                    "copy the ARN from `aws acm-pca list-certificate-authorities`",
                )
            )
        parent_partition = match.group(1) if match else None
        parent_account = match.group(3) if match else None
        if parent_partition and child_partition and parent_partition != child_partition:
            problems.append(
                Problem(
                    "parent.certificate_authority_arn",
                    arn,
                    f"the parent is in partition {parent_partition}, the child's stack in {child_partition}; "
                    "a CA hierarchy cannot span partitions",
                    "use a parent in the child's partition",
                )
            )
        role = self.issuer_role_arn
        if _literal(role):
            assert role is not None
            role_match = _ROLE_ARN.match(role)
            if not role_match:
                problems.append(
                    Problem(
                        "parent.issuer_role_arn",
                        role,
                        "not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)",
                        "pass the ARN of the role in the parent CA's account",
                    )
                )
            elif parent_account and role_match.group(2) != parent_account:
                problems.append(
                    Problem(
                        "parent.issuer_role_arn",
                        role,
                        f"the issuer role must be in the parent CA's account ({parent_account})",
                        "create the role in the account that owns the parent CA (IssuerRole)",
                    )
                )
            elif parent_partition and role_match.group(1) != parent_partition:
                problems.append(
                    Problem(
                        "parent.issuer_role_arn",
                        role,
                        f"the role is in partition {role_match.group(1)}, the parent in {parent_partition}",
                        "use a role in the parent's partition",
                    )
                )
        if self.external_id is not None:
            if role is None:
                problems.append(
                    Problem(
                        "parent.external_id",
                        "<set>",
                        "an external id only applies to an assumed role",
                        "pass issuer_role_arn too, or drop external_id",
                    )
                )
            elif _literal(self.external_id) and not _EXTERNAL_ID.match(self.external_id):
                problems.append(
                    Problem(
                        "parent.external_id",
                        "<set>",
                        "sts:AssumeRole external ids are 2-1224 characters of [\\w+=,.@:/-]",
                        "choose another external id",
                    )
                )
        cross_account = (
            parent_account is not None and _literal(child_account) and parent_account != child_account
        )
        if cross_account and role is None and path_length >= 1:
            problems.append(
                Problem(
                    "parent.issuer_role_arn",
                    None,
                    "a parent in another account reached through a resource policy/RAM share may only issue "
                    f"{CROSS_ACCOUNT_RESOURCE_POLICY_TEMPLATE.value}, but this CA has path_length={path_length}",
                    "pass issuer_role_arn (a role in the parent's account, see IssuerRole), or use path_length=0",
                )
            )
        return problems


@dataclass
class OfflineParent:
    """A parent CA outside AWS Private CA (an offline root, another PKI), for exactly one SubordinateCa.

    Two deploys:

    1. Without a signed certificate, the subordinate CA is created and stays ``PENDING_CERTIFICATE``; its CSR
       is a stack output (``...Csr``), next to the AWS CLI command that fetches it (``...CsrCommand``).
    2. Have the offline CA sign the CSR with a CA profile (CA:TRUE, the path length you chose), then supply
       the signed certificate and the chain above it (the offline CA's certificate ... root, root last) and
       deploy again: a native ``AWS::ACMPCA::CertificateAuthorityActivation`` imports them.

    The certificates end up in the template (they are public; CloudFormation has no other way to import
    them without a Lambda).

    :param certificate_file: the signed certificate of the subordinate CA (PEM). Default: - none, or
        ``certificate.pem`` in the folder named by ``context_key``
    :param chain_file: the chain above it (PEM, issuer first, root last). Default: - none, or ``chain.pem``
        in the folder named by ``context_key``
    :param context_key: a CDK context key whose value is a folder holding ``certificate.pem`` and
        ``chain.pem``, e.g. ``cdk deploy -c issuingCaSigned=./signed``. Default: - files only
    :param subject: the offline parent's subject, for the synth-time rules. Default: - unknown
    :param key_algorithm: the offline parent's key. Default: - unknown
    :param validity: the offline parent certificate's validity. Default: - unknown
    :param path_length: the offline parent's path length. Default: - unknown
    :param depth: the offline parent's depth (root = 1). Default: - unknown
    """

    certificate_file: str | None = None
    chain_file: str | None = None
    context_key: str | None = None
    subject: DistinguishedName | None = None
    key_algorithm: KeyAlgorithm | None = None
    validity: Duration | None = None
    path_length: int | None = None
    depth: int | None = None
    node_path: str = field(default="<OfflineParent>", compare=False)
    _material: tuple[str, str] | None = field(default=None, init=False, repr=False, compare=False)
    _problems: list[Problem] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def profile(self) -> CaProfile:
        return _profile(
            subject=self.subject,
            key_algorithm=self.key_algorithm,
            validity=self.validity,
            path_length=self.path_length,
            usage_mode=None,
            depth=self.depth,
        )

    def read(self, scope: IConstruct) -> tuple[tuple[str, str] | None, list[Problem]]:
        """The (certificate, chain) PEMs if supplied, and the problems with what was supplied."""
        if self._problems is not None:
            return self._material, self._problems
        certificate_file, chain_file = self.certificate_file, self.chain_file
        field_name = "parent.certificate_file"
        if self.context_key is not None:
            folder = scope.node.try_get_context(self.context_key)
            if folder is not None:
                certificate_file = certificate_file or str(Path(str(folder)) / "certificate.pem")
                chain_file = chain_file or str(Path(str(folder)) / "chain.pem")
                field_name = f"context {self.context_key}"
        problems: list[Problem] = []
        if certificate_file is None and chain_file is None:
            self._material, self._problems = None, []
            return None, []
        if certificate_file is None or chain_file is None:
            problems.append(
                Problem(
                    field_name,
                    certificate_file or chain_file,
                    "the signed certificate and its chain are supplied together",
                    "give both certificate_file and chain_file (or certificate.pem and chain.pem in the folder)",
                )
            )
            self._material, self._problems = None, problems
            return None, problems
        certificate, certificate_problems = _read_pem(certificate_file, field_name, exactly_one=True)
        chain, chain_problems = _read_pem(chain_file, field_name.replace("certificate_file", "chain_file"))
        problems += certificate_problems + chain_problems
        if not problems:
            if _pem_bodies(certificate)[0] in _pem_bodies(chain):
                problems.append(
                    Problem(
                        field_name.replace("certificate_file", "chain_file"),
                        chain_file,
                        "the chain must not contain the certificate being imported",
                        "keep only the issuing CA's certificate and those above it, root last",
                    )
                )
            if len(certificate.encode()) > _MAX_CERTIFICATE_BYTES or len(chain.encode()) > _MAX_CHAIN_BYTES:
                problems.append(
                    Problem(
                        field_name,
                        certificate_file,
                        "AWS imports a certificate of at most 32 KB and a chain of at most 2 MB",
                        "check that the right files were given",
                    )
                )
        self._material = (certificate, chain) if not problems else None
        self._problems = problems
        return self._material, problems


def _pem_bodies(text: str) -> list[str]:
    return ["".join(body.split()) for body in _PEM.findall(text)]


def _read_pem(path: str, field_name: str, *, exactly_one: bool = False) -> tuple[str, list[Problem]]:
    try:
        text = Path(path).read_text()
    except OSError as error:
        return "", [Problem(field_name, path, f"cannot read the file ({error.strerror})", "check the path")]
    bodies = _pem_bodies(text)
    problems: list[Problem] = []
    if not bodies or (exactly_one and len(bodies) != 1):
        expected = "exactly one" if exactly_one else "at least one"
        problems.append(
            Problem(
                field_name,
                path,
                f"expected {expected} PEM certificate (-----BEGIN CERTIFICATE-----), found {len(bodies)}",
                "export the certificate(s) in PEM",
            )
        )
    for body in bodies:
        try:
            base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            problems.append(
                Problem(field_name, path, "a PEM block is not valid base64", "re-export the file")
            )
            break
    normalised = "".join(
        "-----BEGIN CERTIFICATE-----\n"
        + "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
        + "\n-----END CERTIFICATE-----\n"
        for body in bodies
    )
    return normalised, problems


# ------------------------------------------------------------------------------------------ parent side


class IssuerRole(Construct):
    """A role in the parent CA's account that subordinate-CA activations assume to get their certificate signed.

    It may call ``acm-pca:IssueCertificate`` on exactly one CA, only with the subordinate templates allowed
    (``acm-pca:TemplateArn`` condition), plus ``GetCertificate``/``GetCertificateAuthorityCertificate`` on it.
    It trusts the given accounts; only principals there that are granted ``sts:AssumeRole`` on this exact
    role (the activation handler is) can use it.

    ``SubordinateCa(parent=<a CA in another region or account of this app>)`` creates one per parent and child
    account by itself (:meth:`for_parent`); create one directly for children in other apps.

    :param certificate_authority: the CA to issue from (a RootCa/SubordinateCa), or its ARN.
    :param trusted_accounts: accounts whose activation handlers may assume the role.
    :param path_lengths: the subordinate templates (path lengths) the role may issue. Default: - [0]
    :param external_id: demand this ``sts:ExternalId``. Default: - none
    :param role_name: Default: - a generated name (a literal other stacks can use without an export)
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate_authority: CertificateAuthorityBase | str,
        trusted_accounts: Sequence[str],
        path_lengths: Sequence[int] = (0,),
        external_id: str | None = None,
        role_name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        problems: list[Problem] = []
        if not trusted_accounts:
            problems.append(
                Problem(
                    "trusted_accounts",
                    [],
                    "at least one account must be trusted",
                    "name the child account(s)",
                )
            )
        problems += [
            Problem("trusted_accounts", a, "an AWS account id is 12 digits", "fix the account id")
            for a in trusted_accounts
            if _literal(a) and not re.fullmatch(r"\d{12}", a)
        ]
        problems += [
            Problem("path_lengths", n, "AWS has subordinate templates for path lengths 0-3 only", "use 0-3")
            for n in path_lengths
            if not 0 <= n <= 3
        ]
        if external_id is not None and _literal(external_id) and not _EXTERNAL_ID.match(external_id):
            problems.append(
                Problem(
                    "external_id",
                    "<set>",
                    "external ids are 2-1224 characters of [\\w+=,.@:/-]",
                    "choose another",
                )
            )
        raise_if_any(self, problems)
        self.certificate_authority_arn = (
            certificate_authority
            if isinstance(certificate_authority, str)
            else certificate_authority.certificate_authority_arn
        )
        principals = [iam.AccountPrincipal(account) for account in dict.fromkeys(trusted_accounts)]
        self.role = iam.Role(
            self,
            "Resource",
            role_name=role_name or PhysicalName.GENERATE_IF_NEEDED,
            assumed_by=principals[0] if len(principals) == 1 else iam.CompositePrincipal(*principals),
            external_ids=[external_id] if external_id else None,
            description="pki-constructs: issues subordinate CA certificates from one CA (ca_activation handler)",
            max_session_duration=Duration.hours(1),
        )
        self._path_lengths: list[int] = []
        self._parameters: list[str] = []
        self.role.add_to_policy(
            iam.PolicyStatement(actions=_COLLECT_ACTIONS, resources=[self.certificate_authority_arn])
        )
        for path_length in path_lengths:
            self.allow_path_length(path_length)

    @property
    def role_arn(self) -> str:
        return self.role.role_arn

    def allow_path_length(self, path_length: int) -> None:
        """Also allow ``SubordinateCACertificate_PathLen<path_length>/V1``."""
        if path_length in self._path_lengths:
            return
        self._path_lengths.append(path_length)
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["acm-pca:IssueCertificate"],
                resources=[self.certificate_authority_arn],
                conditions={
                    "StringEquals": {
                        "acm-pca:TemplateArn": CertificateTemplate.subordinate_ca(path_length).arn(self)
                    }
                },
            )
        )

    def allow_reading_parameter(self, parameter_arn: str) -> None:
        """Let the role read the SSM parameter that publishes the CA's ARN (``ssm:GetParameter`` only)."""
        if parameter_arn in self._parameters:
            return
        self._parameters.append(parameter_arn)
        self.role.add_to_policy(iam.PolicyStatement(actions=["ssm:GetParameter"], resources=[parameter_arn]))

    @classmethod
    def for_parent(cls, parent: CertificateAuthorityBase, child_account: str) -> IssuerRole:
        """The role under ``parent`` trusted by ``child_account``, created on first use."""
        id = f"IssuerRole{child_account}" if _literal(child_account) else "IssuerRole"
        existing = parent.node.try_find_child(id)
        if isinstance(existing, IssuerRole):
            return existing
        return cls(
            parent, id, certificate_authority=parent, trusted_accounts=[child_account], path_lengths=()
        )


# ------------------------------------------------------------------------------------------ child side


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
    :param external_id: Default: - none
    :param removal_policy: RETAIN keeps the child ACTIVE when the resource goes; DESTROY disables it.
        Default: - RETAIN
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
    ) -> None:
        super().__init__(scope, id)
        problems: list[Problem] = []
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
        if issuer_role_arn is not None:
            properties["IssuerRoleArn"] = issuer_role_arn
        if external_id is not None:
            properties["ExternalId"] = external_id

        provider = HandlerProvider.of(
            self,
            handler_name=HANDLER_NAME,
            description="pki-constructs: activates subordinate CAs whose parent is in another region or account",
            asynchronous=True,
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
                iam.PolicyStatement(actions=_COLLECT_ACTIONS, resources=[policy_arn])
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


# ------------------------------------------------------------------------------------------ dispatch


def parent_problems(parent: object, scope: IConstruct, path_length: int) -> list[Problem]:
    """Synth-time rules for a parent that CloudFormation cannot reach natively (empty for other parents)."""
    from .private_ca import CertificateAuthorityBase, same_environment

    stack = Stack.of(scope)
    child_partition = stack.partition if _literal(stack.partition) else None
    child_account = stack.account if _literal(stack.account) else None
    if isinstance(parent, CertificateAuthorityRef):
        return parent.problems(
            child_partition=child_partition, child_account=child_account, path_length=path_length
        )
    if isinstance(parent, OfflineParent):
        return parent.read(scope)[1]
    if isinstance(parent, CertificateAuthorityBase) and not same_environment(parent, scope):
        ps = Stack.of(parent)
        values = [ps.account, ps.region, stack.account, stack.region]
        if not all(_literal(v) for v in values):
            return [
                Problem(
                    "parent",
                    parent.node.path,
                    "a parent in another stack environment is reachable only when both stacks have a literal "
                    "account and region",
                    "give both stacks env=Environment(account=..., region=...)",
                )
            ]
        if _literal(ps.partition) and child_partition and ps.partition != child_partition:
            return [
                Problem(
                    "parent",
                    parent.node.path,
                    f"the parent's stack is in partition {ps.partition}, this one in {child_partition}",
                    "keep a CA hierarchy in one partition",
                )
            ]
    return []


def parent_fingerprint(parent: CertificateAuthorityBase) -> str:
    """Changes when CloudFormation would replace the parent CA (its ARN changes), so the child re-issues."""
    material = [
        parent.node.path,
        str(parent.subject),
        parent.key_algorithm.value,
        parent.signing_algorithm.value,
        parent.usage_mode.value,
    ]
    if parent.key_storage_security_standard is not None:  # only when set: existing fingerprints stay the same
        material.append(parent.key_storage_security_standard.value)
    return hashlib.sha256(json.dumps(material).encode()).hexdigest()[:16]


def activate(child: SubordinateCa, parent: object) -> None:
    """Activate ``child`` from a parent CloudFormation cannot reach (called by ``SubordinateCa``)."""
    from .private_ca import CertificateAuthorityBase, same_environment

    removal_policy = child._removal_policy
    if isinstance(parent, OfflineParent):
        _activate_offline(child, parent)
        return
    common: dict[str, Any] = {
        "certificate_authority_arn": child.resource.attr_arn,
        "path_length": child.path_length,
        "validity": child.validity,
        "removal_policy": removal_policy,
    }
    if isinstance(parent, CertificateAuthorityRef):
        activation = CaActivation(
            child,
            "Activation",
            parent_arn=parent.certificate_authority_arn,
            signing_algorithm=parent.signing_algorithm,
            issuer_role_arn=parent.issuer_role_arn,
            external_id=parent.external_id,
            **common,
        )
    elif isinstance(parent, CertificateAuthorityBase) and same_environment(parent, child):
        # Same account and region, but the parent has no chain CloudFormation can hand over (it was itself
        # activated by this custom resource): the handler calls the parent directly.
        activation = CaActivation(
            child,
            "Activation",
            parent_arn=parent.certificate_authority_arn,
            parent_policy_arn=parent.resource.attr_arn,  # same ARN, without a cycle through the Provider
            signing_algorithm=parent.signing_algorithm,
            **common,
        )
    elif isinstance(parent, CertificateAuthorityBase):
        child_stack, parent_stack = Stack.of(child), Stack.of(parent)
        export = RegionalExport.of(
            parent,
            "ArnForSubordinates",
            value=parent.certificate_authority_arn,
            name=default_parameter_name(parent, "certificate-authority-arn"),
        )
        role = IssuerRole.for_parent(parent, child_stack.account)
        role.allow_path_length(child.path_length or 0)
        role.allow_reading_parameter(export.parameter.parameter_arn)
        child_stack.add_stack_dependency(
            parent_stack, f"{child.node.path} is signed by {parent.node.path} (issuer role, ARN parameter)"
        )
        activation = CaActivation(
            child,
            "Activation",
            parent_parameter=(export.parameter_name, parent_stack.region),
            parent_fingerprint=parent_fingerprint(parent),
            signing_algorithm=parent.signing_algorithm,
            issuer_role_arn=role.role_arn,
            **common,
        )
    else:
        raise TypeError(
            f"unsupported parent {parent!r}: use a RootCa, SubordinateCa, CertificateAuthorityRef or OfflineParent"
        )
    child._finish_activation(activation.resource, activation.certificate_authority_arn, None)


def _activate_offline(child: SubordinateCa, parent: OfflineParent) -> None:
    material, problems = parent.read(child)
    raise_if_any(child, problems)
    stack = Stack.of(child)
    if material is None:
        file_name = f"{child.node.id}.csr"
        CfnOutput(
            child, "Csr", value=child.certificate_signing_request, description=f"CSR of {child.node.path}"
        )
        CfnOutput(
            child,
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
        Annotations.of(child).add_warning_v2(
            "pki-constructs:offlineParentPending",
            "This CA stays PENDING_CERTIFICATE until its signed certificate is supplied: fetch the CSR with the "
            "CsrCommand output, have the offline CA sign it, then deploy again with certificate_file and "
            "chain_file (or the context folder). Nothing can issue from it before.",
        )
        child._finish_activation(child.resource, child.resource.attr_arn, None)
        return
    certificate, chain = material
    activation = acmpca.CfnCertificateAuthorityActivation(
        child,
        "Activation",
        certificate_authority_arn=child.resource.attr_arn,
        certificate=certificate,
        certificate_chain=chain,
        status="ACTIVE",
    )
    activation.apply_removal_policy(child._removal_policy)
    child._finish_activation(activation, activation.ref, activation.attr_complete_certificate_chain)
