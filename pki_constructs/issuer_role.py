"""The parent side of a cross-account or cross-region activation: a role only the activation handler can use.

The role may call ``acm-pca:IssueCertificate`` on exactly one CA with exactly the subordinate templates
allowed. Its trust policy admits only the activation handler role of the named child accounts:

* the principal is each child account, narrowed by an ``aws:PrincipalArn`` ``ArnLike`` condition to the
  fixed role path the library gives the handler role (:data:`ACTIVATION_ROLE_PATH`). IAM cannot name the
  handler role itself: a principal that does not exist yet when the parent deploys is refused;
* ``sts:ExternalId`` is demanded by default: a deterministic value per parent and trusted accounts (not a
  secret; it stops a confused deputy from assuming the role by accident), which the child's activation
  passes to ``AssumeRole``;
* the maximum session is IAM's minimum, one hour (``MaxSessionDuration`` is 3600-43200 seconds, IAM API
  reference, CreateRole). The handler's ``AssumeRole`` asks for ``DurationSeconds=900``, the ``AssumeRole``
  minimum: each invocation assumes the role afresh (``lambda/pki_handlers/aws.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import cast

from aws_cdk import Duration, PhysicalName, Stack
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_iam as iam
from constructs import Construct

from . import _arn
from ._compliance import INLINE_POLICY, exempt
from .algorithms import UsageMode
from .ca_facts import CaFacts, ca_environment, ca_facts, note_skipped_rules
from .cross_region import weak_ca_arn
from .errors import Problem, raise_if_any
from .inputs import typed_props
from .method_inputs import typed_method
from .templates import CertificateTemplate, path_length_problems

__all__ = [
    "ACTIVATION_ROLE_PATH",
    "IssuerRole",
    "activation_role_pattern",
    "default_external_id",
    "issuance_problems",
]

ACTIVATION_ROLE_PATH = "/pki-constructs/ca-activation/"
"""The IAM path of every activation handler role the library creates; issuer roles trust only this path."""

COLLECT_ACTIONS = ["acm-pca:GetCertificate", "acm-pca:GetCertificateAuthorityCertificate"]


def activation_role_pattern(partition: str, account: str) -> str:
    """``arn:<partition>:iam::<account>:role/pki-constructs/ca-activation/*``: the handler roles of ``account``."""
    return _arn.format_role_arn(partition=partition, account=account, path=ACTIVATION_ROLE_PATH, name="*")


def default_external_id(issuer_path: str, trusted_accounts: Sequence[str]) -> str:
    """A deterministic ``sts:ExternalId`` for an issuer role at ``issuer_path`` trusted by these accounts.

    Not a secret: both sides compute it from the app; it only proves the caller meant this role.
    """
    digest = hashlib.sha256("|".join([issuer_path, *sorted(set(trusted_accounts))]).encode()).hexdigest()
    return f"pki-constructs-{digest[:32]}"


def issuance_problems(facts: CaFacts, path_lengths: Sequence[int]) -> list[Problem]:
    """Can a CA with these facts issue subordinate CA certificates with these path lengths at all?

    AWS Private CA refuses a child path length that is not below the issuer's (a path-length-0 CA issues no
    CA certificates), and a ``SHORT_LIVED_CERTIFICATE`` CA is the last of its hierarchy. A role granting what
    the CA can never issue is dead weight that looks like a working setup. Unknown facts skip their rule.
    """
    problems = []
    if facts.usage_mode is UsageMode.SHORT_LIVED_CERTIFICATE:
        problems.append(
            Problem(
                "certificate_authority",
                "SHORT_LIVED_CERTIFICATE CA",
                "a short-lived-certificate CA is the last of its hierarchy and issues no CA certificates",
                "give the role a GENERAL_PURPOSE CA",
            )
        )
    if facts.path_length is not None:
        problems += [
            Problem(
                "path_lengths",
                n,
                f"the CA has path length {facts.path_length}, so it issues CA certificates with a path length "
                f"below {facts.path_length} only",
                f"use path lengths below {facts.path_length}"
                if facts.path_length > 0
                else "give the role a CA with path_length >= 1",
            )
            for n in path_lengths
            if 0 <= n <= 3 and n >= facts.path_length
        ]
    return problems


def skipped_issuance_rules(facts: CaFacts) -> dict[str, str]:
    """The :func:`issuance_problems` rules these facts cannot run: rule -> the fact it needs. A root's path
    length is None because it has no constraint, not because it is unknown."""
    if facts.created_here:
        return {}
    skipped = {}
    if facts.path_length is None and facts.depth != 1:
        skipped["path_lengths below the CA's path length"] = "path_length"
    if facts.usage_mode is None:
        skipped["a short-lived-certificate CA signs no CA"] = "usage_mode"
    return skipped


class IssuerRole(Construct):
    """A role in the parent CA's account that subordinate-CA activations assume to get their certificate signed.

    It may call ``acm-pca:IssueCertificate`` on exactly one CA, only with the subordinate templates allowed
    (``acm-pca:TemplateArn`` condition), plus ``GetCertificate``/``GetCertificateAuthorityCertificate`` on it.
    Its trust admits only roles under :data:`ACTIVATION_ROLE_PATH` (the activation handler roles the library
    creates) in the trusted accounts, presenting :attr:`external_id`.

    ``SubordinateCa(parent=<a CA in another region or account of this app>)`` creates one per parent and child
    account by itself (:meth:`for_parent`); create one directly for children in other apps, and import the
    parent there with ``SubordinateCa.from_certificate_authority_attributes(..., issuer_role_arn=...,
    external_id=<this role's external_id>)``.

    :param certificate_authority: the CA to issue from (a RootCa/SubordinateCa or any ICertificateAuthority).
    :param trusted_accounts: accounts whose activation handlers may assume the role.
    :param path_lengths: the subordinate templates (path lengths) the role may issue. Default: - [0]
    :param external_id: the ``sts:ExternalId`` to demand. Default: - :func:`default_external_id` of this
        role's construct path and the trusted accounts
    :param role_name: Default: - a generated name (a literal other stacks can use without an export)
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate_authority: acmpca.ICertificateAuthority,
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
            if _arn.is_literal(a) and not _arn.is_account_id(a)
        ]
        problems += [
            Problem("path_lengths", n, "AWS has subordinate templates for path lengths 0-3 only", "use 0-3")
            for n in path_lengths
            if not 0 <= n <= 3
        ]
        if not path_lengths:
            problems.append(
                Problem(
                    "path_lengths",
                    [],
                    "a role without path lengths has no acm-pca:IssueCertificate permission and signs nothing",
                    "name the child path lengths, e.g. path_lengths=[0]",
                )
            )
        try:
            facts = ca_facts(certificate_authority)
        except TypeError:
            facts = CaFacts(certificate_authority_arn=None)
            problems.append(
                Problem(
                    "certificate_authority",
                    type(certificate_authority).__name__,
                    "an aws_acmpca.ICertificateAuthority is needed",
                    "pass the CA, or import it with SubordinateCa.from_certificate_authority_attributes",
                )
            )
        problems += issuance_problems(facts, path_lengths)
        note_skipped_rules(self, certificate_authority, skipped_issuance_rules(facts))
        ca_account, _ = ca_environment(certificate_authority)
        own_account = Stack.of(scope).account
        if ca_account is not None and _arn.is_literal(own_account) and ca_account != own_account:
            problems.append(
                Problem(
                    "certificate_authority",
                    ca_account,
                    f"IAM grants acm-pca:IssueCertificate only on CAs of the role's own account ({own_account})",
                    "create the IssuerRole in a stack of the CA's account",
                )
            )
        if (
            external_id is not None
            and _arn.is_literal(external_id)
            and not _arn.EXTERNAL_ID.match(external_id)
        ):
            problems.append(
                Problem(
                    "external_id",
                    "<set>",
                    "external ids are 2-1224 characters of [\\w+=,.@:/-]",
                    "choose another",
                )
            )
        raise_if_any(self, problems)
        arn = facts.certificate_authority_arn
        assert arn is not None
        self._facts = facts
        arn = weak_ca_arn(certificate_authority, self)  # a CA of another stack: its ARN read weakly
        self.certificate_authority_arn: str = arn
        self.role_name = role_name
        """The literal role name given, if any (a child importing the role by literal ARN is matched by it)."""
        self.trusted_accounts: list[str] = list(dict.fromkeys(trusted_accounts))
        self.external_id: str = external_id or default_external_id(self.node.path, self.trusted_accounts)
        """The ``sts:ExternalId`` the role demands; pass it to the child's importer."""
        partition = Stack.of(self).partition
        principal = iam.CompositePrincipal(
            *(iam.AccountPrincipal(account) for account in self.trusted_accounts)
        ).with_conditions(
            {
                "ArnLike": {
                    "aws:PrincipalArn": [
                        activation_role_pattern(partition, account) for account in self.trusted_accounts
                    ]
                },
            }
        )
        self.role = iam.Role(
            self,
            "Resource",
            role_name=role_name or PhysicalName.GENERATE_IF_NEEDED,
            assumed_by=principal,
            external_ids=[self.external_id],
            description="pki-constructs: issues subordinate CA certificates from one CA (ca_activation handler)",
            max_session_duration=Duration.hours(1),
        )
        exempt(self.role, reason=INLINE_POLICY, nag=["IAMNoInlinePolicy"])
        self._path_lengths: list[int] = []
        self._parameters: list[str] = []
        self.role.add_to_policy(
            iam.PolicyStatement(actions=COLLECT_ACTIONS, resources=[self.certificate_authority_arn])
        )
        for path_length in path_lengths:
            self.allow_path_length(path_length)

    @property
    def role_arn(self) -> str:
        return self.role.role_arn

    def is_named_by(self, role_arn: str) -> bool:
        """Whether ``role_arn`` names this role: its token, or the literal ARN its ``role_name`` gives."""
        if role_arn == self.role_arn:
            return True
        stack = Stack.of(self)
        if self.role_name is None or not _arn.is_literal(stack.account):
            return False
        parts = _arn.parse_role_arn(role_arn)
        return parts is not None and (parts.account, parts.resource) == (
            stack.account,
            f"role/{self.role_name}",
        )

    def trusts(self, account: str) -> bool:
        """Whether the activation handlers of ``account`` may assume this role."""
        return account in self.trusted_accounts

    @typed_method(creates_child=False)
    def allow_path_length(self, path_length: int) -> None:
        """Also allow ``SubordinateCACertificate_PathLen<path_length>/V1``.

        :param path_length: 0 to 3, below the CA's own path length.
        """
        if path_length in self._path_lengths:
            return
        raise_if_any(
            self,
            path_length_problems("path_length", path_length) or issuance_problems(self._facts, [path_length]),
        )
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
    @typed_method(creates_child=False)
    def for_parent(cls, parent: Construct, child_account: str, path_length: int) -> IssuerRole:
        """The role under ``parent`` (a RootCa/SubordinateCa) trusted by ``child_account``, created on first use,
        allowed to sign a child with ``path_length`` (further children add theirs)."""
        id = f"IssuerRole{child_account}" if _arn.is_literal(child_account) else "IssuerRole"
        existing = parent.node.try_find_child(id)
        if isinstance(existing, IssuerRole):
            existing.allow_path_length(path_length)
            return existing
        return cls(
            parent,
            id,
            certificate_authority=cast(acmpca.ICertificateAuthority, parent),
            trusted_accounts=[child_account],
            path_lengths=[path_length],
        )
