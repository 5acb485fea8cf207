"""Sharing a CA across accounts with AWS RAM, and the rules for issuing from a shared CA.

AWS's multi-account pattern is a few CAs in a PKI account, shared through AWS Resource Access Manager with
the organization, chosen OUs or accounts, from which member accounts request ACM private certificates (and,
with the subordinate permission, sign path-length-0 subordinate CAs). ``ca.share(...)`` creates the
``AWS::RAM::ResourceShare``; ``SubordinateCa.from_certificate_authority_attributes(...,
shared_permissions=[...])`` is the member account's side.

What AWS documents about it (sources in :mod:`pki_constructs.ram_permission` and the README section
"Sharing a CA across accounts"):

- The share attaches the managed permission's resource-based policy to the CA (Private CA User Guide,
  "Attach a policy for cross-account access", pca-ram.html). One permission per share.
- ACM renews certificates from a shared CA through its service-linked role in the *member* account
  (``AWSServiceRoleForCertificateManager``), created by ACM the first time the account uses the shared CA; the
  CA's ``AWS::ACMPCA::Permission`` for ``acm.amazonaws.com`` works only in the CA's own account (ACM User
  Guide, "Conditions for using AWS Private CA to sign ACM private certificates", ca-access.html; CreatePermission).
- A CA is regional (Private CA User Guide, "Regions", PcaRegions.html): a member account uses it in its
  region.
- An organization or OU principal needs RAM's sharing with AWS Organizations enabled
  (``aws ram enable-sharing-with-aws-organization`` in the management account); without it, only account
  principals work, and each must accept an invitation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Annotations, Stack, Token
from aws_cdk import aws_ram as ram
from aws_cdk.region_info import RegionInfo
from constructs import Construct

from . import _arn
from .algorithms import UsageMode
from .ca_facts import CaFacts, ca_region_problems
from .errors import Problem, raise_if_any
from .hierarchy import MAX_HIERARCHY_DEPTH
from .inputs import skipped, typed_props
from .ram_permission import RamPermission

__all__ = [
    "CaShare",
    "PrincipalKind",
    "partition_of_stack",
    "principal_kind",
    "share_problems",
    "shared_permission_problems",
    "shared_permissions_problems",
    "shared_region_problems",
]

# botocore organizations model: OrganizationArn / OrganizationalUnitArn patterns (partition widened: the model
# spells only `aws`, the ARN format is the same in every partition).
_ORGANIZATION = re.compile(r"^arn:aws[a-z-]*:organizations::\d{12}:organization/o-[a-z0-9]{10,32}\Z")
_OU = re.compile(
    r"^arn:aws[a-z-]*:organizations::\d{12}:ou/o-[a-z0-9]{10,32}/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}\Z"
)


class PrincipalKind:
    ACCOUNT = "account"
    ORGANIZATION = "organization"
    ORGANIZATIONAL_UNIT = "organizational unit"


def principal_kind(principal: str) -> str | None:
    """What a literal RAM principal names, or None when it is none of an account id, organization or OU ARN."""
    if _arn.is_account_id(principal):
        return PrincipalKind.ACCOUNT
    if _ORGANIZATION.match(principal):
        return PrincipalKind.ORGANIZATION
    if _OU.match(principal):
        return PrincipalKind.ORGANIZATIONAL_UNIT
    return None


def is_token_list(values: Sequence[str]) -> bool:
    """A whole list that is one token (a ``CommaDelimitedList`` parameter's ``value_as_list``): its one item,
    ``#{Token[...]}``, is no string token ``Token.is_unresolved`` recognises, but the list is unknown, not wrong."""
    return isinstance(values, list) and bool(Token.is_unresolved(values))


_PRINCIPAL_RULES = (
    "12-digit account ids or organization/OU ARNs of the CA's partition, not the CA's own account, "
    "allow_external_principals against organization-only principals"
)


def partition_of_stack(stack: Stack) -> str | None:
    """The stack's partition when synth knows it. ``Stack.partition`` is a token unless the
    ``@aws-cdk/core:enablePartitionLiterals`` flag is set, so a literal region is looked up in aws-cdk-lib's
    region facts (``RegionInfo.get(region).partition``, None for a region it does not know)."""
    if not Token.is_unresolved(stack.partition):
        return stack.partition
    if Token.is_unresolved(stack.region):
        return None
    return RegionInfo.get(stack.region).partition


def share_problems(
    facts: CaFacts,
    *,
    is_root: bool,
    principals: Sequence[str],
    permission: object,
    allow_external_principals: bool | None,
    partition: str | None,
    own_account: str | None,
) -> list[Problem]:
    """Rules for sharing a CA: well-formed principals, a permission the CA's usage allows."""
    problems: list[Problem] = []
    if not isinstance(permission, RamPermission):
        return [
            Problem(
                "permission",
                permission,
                "not a RamPermission (the AWS-managed RAM permissions for Private CA)",
                "pass e.g. RamPermission.END_ENTITY",
            )
        ]
    not_text = [p for p in principals if not isinstance(p, str)]
    if not_text:
        return [
            Problem(
                "principals",
                not_text,
                "RAM principals are strings: 12-digit account ids (as text, keeping leading zeros) or "
                "organization/OU ARNs",
                "quote account ids, e.g. principals=['222222222222']",
            )
        ]
    literal = [] if is_token_list(principals) else [p for p in principals if not Token.is_unresolved(p)]
    if not principals:
        problems.append(
            Problem(
                "principals",
                [],
                "a share needs at least one principal",
                "name accounts, an OU or the organization",
            )
        )
    bad = [p for p in literal if principal_kind(p) is None]
    if bad:
        problems.append(
            Problem(
                "principals",
                bad,
                "RAM principals for a CA are 12-digit account ids, arn:<partition>:organizations::<management "
                "account>:organization/o-… or …:ou/o-…/ou-…",
                "copy the ids from `aws organizations describe-organization` / `list-organizational-units-for-parent`",
            )
        )
    other_partition = [p for p in literal if partition and _arn.partition_of_arn(p) not in (None, partition)]
    if other_partition:
        problems.append(
            Problem(
                "principals",
                other_partition,
                f"the CA is in partition {partition}",
                "share within its partition",
            )
        )
    if own_account and own_account in literal:
        problems.append(
            Problem(
                "principals",
                own_account,
                "the CA's own account needs no share (IAM grants it: ca.grant_issue)",
                "drop the CA's account from principals",
            )
        )
    organizational = [
        p
        for p in literal
        if principal_kind(p) in (PrincipalKind.ORGANIZATION, PrincipalKind.ORGANIZATIONAL_UNIT)
    ]
    accounts = [p for p in literal if principal_kind(p) == PrincipalKind.ACCOUNT]
    if allow_external_principals is True and organizational and not accounts:
        problems.append(
            Problem(
                "allow_external_principals",
                True,
                "a share with only organization/OU principals reaches no account outside the organization",
                "leave allow_external_principals unset (False for organization shares)",
            )
        )

    short_lived = facts.usage_mode is UsageMode.SHORT_LIVED_CERTIFICATE
    if is_root and permission.issues_end_entity:
        problems.append(
            Problem(
                "permission",
                permission.name,
                "a root CA shared for end-entity issuance: AWS best practice keeps roots for subordinate CAs "
                "(and grant_issue refuses end-entity templates on a root)",
                "share an issuing SubordinateCa instead, or share the root with RamPermission.SUBORDINATE_CA_PATH_LEN_0",
            )
        )
    if permission is RamPermission.SUBORDINATE_CA_PATH_LEN_0:
        if short_lived:
            problems.append(
                Problem(
                    "permission",
                    permission.name,
                    "a short-lived-certificate CA is the last CA of its hierarchy: it signs no subordinate CA",
                    "share a GENERAL_PURPOSE CA for subordinate issuance",
                )
            )
        if facts.path_length == 0:
            problems.append(
                Problem(
                    "permission",
                    permission.name,
                    "a CA with path_length=0 cannot sign subordinate CAs",
                    "share a CA with path_length >= 1 (or the root), or share for end-entity issuance",
                )
            )
        if facts.depth is not None and facts.depth >= MAX_HIERARCHY_DEPTH:
            problems.append(
                Problem(
                    "permission",
                    permission.name,
                    f"the CA is at level {facts.depth}; AWS Private CA hierarchies have at most {MAX_HIERARCHY_DEPTH}",
                    "share a CA higher in the hierarchy",
                )
            )
    return problems


def shared_permissions_problems(shared_permissions: object) -> list[Problem]:
    """The importer's ``shared_permissions``: a non-empty sequence of :class:`RamPermission`."""
    if shared_permissions is None:
        return []
    values = list(shared_permissions) if isinstance(shared_permissions, (list, tuple)) else None
    if not values or not all(isinstance(p, RamPermission) for p in values):
        return [
            Problem(
                "shared_permissions",
                shared_permissions,
                "a list of the RamPermission values the CA's RAM shares grant this account",
                "pass e.g. [RamPermission.END_ENTITY]",
            )
        ]
    return []


def shared_region_problems(facts: CaFacts, *, field: str, region: str) -> list[Problem]:
    """A CA shared with this account is used in its own region (a CA and its RAM share are regional): checked at
    import, before any certificate names it. Unshared CAs meet the same rule where ACM issues from them."""
    if facts.shared_permissions is None:
        return []
    return ca_region_problems(_arn.region_of(facts.certificate_authority_arn), region=region, field=field)


def shared_permission_problems(facts: CaFacts, *, field: str, needs: RamPermission) -> list[Problem]:
    """A use of a shared CA needs the RAM permission for what it calls: ``END_ENTITY`` for ACM private
    certificates, ``SUBORDINATE_CA_PATH_LEN_0`` for a child CA signed without an issuer role."""
    if facts.shared_permissions is None or needs in facts.shared_permissions:
        return []
    return [
        Problem(
            field,
            [p.name for p in facts.shared_permissions],
            f"this use needs the RAM permission {needs.value}, which the CA's share does not grant",
            f"ask the CA's owner for a share with RamPermission.{needs.name} (one permission per share)",
        )
    ]


# Construct --------------------------------------------------------------------------------------------


class CaShare(Construct):
    """An ``AWS::RAM::ResourceShare`` of one CA with accounts, OUs or the organization, with one AWS-managed
    permission. Create it with ``ca.share(id, principals=[...], permission=...)``.

    :resource: AWS::RAM::ResourceShare
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate_authority_arn: str,
        facts: CaFacts,
        is_root: bool,
        principals: Sequence[str],
        permission: RamPermission = RamPermission.END_ENTITY,
        allow_external_principals: bool | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        partition = partition_of_stack(stack)
        own_account = None if Token.is_unresolved(stack.account) else stack.account
        token_list = is_token_list(list(principals))
        unique = list(principals) if token_list else list(dict.fromkeys(principals))
        if token_list:
            skipped(self, "principals", _PRINCIPAL_RULES)
        raise_if_any(
            self,
            share_problems(
                facts,
                is_root=is_root,
                principals=unique,
                permission=permission,
                allow_external_principals=allow_external_principals,
                partition=partition,
                own_account=own_account,
            ),
        )
        organizational = [
            p for p in unique if not Token.is_unresolved(p) and principal_kind(p) != PrincipalKind.ACCOUNT
        ]
        external = allow_external_principals if allow_external_principals is not None else not organizational
        self.permission = permission
        self.principals = unique
        self.allow_external_principals = external
        self.resource = ram.CfnResourceShare(
            self,
            "Resource",
            name=name or f"pki-constructs-{stack.stack_name}-{id}"[:255],
            resource_arns=[certificate_authority_arn],
            principals=unique,
            permission_arns=[permission.arn(self)],
            allow_external_principals=external,
        )
        self._advise(organizational, facts)

    @property
    def resource_share_arn(self) -> str:
        return self.resource.attr_arn

    def _advise(self, organizational: list[str], facts: CaFacts) -> None:
        annotations = Annotations.of(self)
        if organizational:
            annotations.add_info(
                "[pki-constructs:ramOrganizationSharing] This share names an organization or OU: RAM's sharing with "
                "AWS Organizations must be enabled (`aws ram enable-sharing-with-aws-organization` in the "
                "management account), or CloudFormation fails to create it. Member accounts then need no invitation."
            )
        else:
            annotations.add_info(
                "[pki-constructs:ramInvitation] Accounts outside an organization with RAM sharing enabled receive an "
                "invitation they must accept (`aws ram accept-resource-share-invitation`) before they can use the CA."
            )
        if self.permission.allows_acm:
            annotations.add_info(
                "[pki-constructs:sharedAcmRenewal] ACM in each member account renews certificates from this CA "
                "through its service-linked role AWSServiceRoleForCertificateManager, which ACM creates on the "
                "account's first request (its caller needs iam:CreateServiceLinkedRole); this CA's "
                "AWS::ACMPCA::Permission covers its own account only."
            )
        if facts.usage_mode is UsageMode.SHORT_LIVED_CERTIFICATE and self.permission.issues_end_entity:
            annotations.add_warning_v2(
                "pki-constructs:sharedShortLived",
                "A short-lived-certificate CA: ACM in the member accounts cannot issue from it; they call "
                "acm-pca:IssueCertificate themselves for certificates of at most 7 days.",
            )
        if self.permission is RamPermission.REVOKE_CERTIFICATE:
            annotations.add_info(
                "[pki-constructs:sharedRevoke] A revoke-only share: member accounts also need an issuing share of "
                "this CA (AWS documents the two shares side by side)."
            )
