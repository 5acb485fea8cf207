"""A CA this app does not create, imported in aws-cdk-lib style with the facts the PKI rules need.

``SubordinateCa.from_certificate_authority_attributes(scope, id, certificate_authority_arn=..., ...)``
(also on ``RootCa``) returns an :class:`ImportedCertificateAuthority`: an ``aws_acmpca.ICertificateAuthority``
that every prop of the library accepts, carrying what its caller knows (all optional). Each fact given lets
a synth-time rule run; each one missing skips its rule with an info line.
"""

from __future__ import annotations

from collections.abc import Sequence

import jsii
from aws_cdk import Annotations, Duration, Resource, Stack
from aws_cdk import aws_acmpca as acmpca
from aws_cdk.interfaces import aws_acmpca as acmpca_refs
from constructs import Construct

from . import _arn
from .acm_issuance import acm_certificates_problems
from .algorithms import KeyAlgorithm, SigningAlgorithm, UsageMode
from .ca_facts import CaFacts, note_skipped_rules
from .errors import Problem, add_late_validation, raise_if_any
from .ram_permission import RamPermission
from .renewal import certificate_generation_problems
from .sharing import shared_permissions_problems, shared_region_problems
from .subject import DistinguishedName

__all__ = ["ImportedCertificateAuthority"]


@jsii.implements(acmpca.ICertificateAuthority)
class ImportedCertificateAuthority(Resource):
    """A CA known by ARN (another account, another app, not managed by CDK), with the facts its caller knows.

    Build it with ``SubordinateCa.from_certificate_authority_attributes``; see there for the props.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate_authority_arn: str,
        subject: DistinguishedName | None = None,
        key_algorithm: KeyAlgorithm | None = None,
        signing_algorithm: SigningAlgorithm | None = None,
        validity: Duration | None = None,
        path_length: int | None = None,
        usage_mode: UsageMode | None = None,
        depth: int | None = None,
        issuer_role_arn: str | None = None,
        external_id: str | None = None,
        shared_permissions: Sequence[RamPermission] | None = None,
        certificate_generation: int | None = None,
    ) -> None:
        parts = _arn.parse_ca_arn(certificate_authority_arn)
        super().__init__(
            scope,
            id,
            account=parts.account if parts else None,
            region=parts.region if parts else None,
        )
        raise_if_any(
            self,
            [
                *attribute_problems(
                    certificate_authority_arn, issuer_role_arn=issuer_role_arn, external_id=external_id
                ),
                *shared_permissions_problems(shared_permissions),
                *(
                    certificate_generation_problems(certificate_generation)
                    if certificate_generation is not None
                    else []
                ),
            ],
        )
        self.certificate_generation = certificate_generation
        """The owner's ``certificate_generation`` of the CA certificate, when told: trust bundles follow it."""
        self._facts = CaFacts(
            certificate_authority_arn=certificate_authority_arn,
            subject=subject,
            key_algorithm=key_algorithm,
            signing_algorithm=signing_algorithm,
            validity=validity,
            path_length=path_length,
            usage_mode=usage_mode,
            depth=depth,
            issuer_role_arn=issuer_role_arn,
            external_id=external_id,
            shared_permissions=tuple(shared_permissions) if shared_permissions is not None else None,
        )
        # A shared CA is used where it lives: fail at import, before any certificate names it.
        raise_if_any(
            self,
            shared_region_problems(
                self._facts, field="certificate_authority_arn", region=Stack.of(self).region
            ),
        )
        # aws-cdk-lib's acm.PrivateCertificate skips ServiceCertificate's rules: check every ACM certificate naming
        # this CA once the app is complete (shared permission, usage mode, region).
        add_late_validation(self, lambda: acm_certificates_problems(self))
        stack = Stack.of(self)
        if (
            parts is not None
            and shared_permissions is None
            and issuer_role_arn is None
            and _arn.is_literal(stack.account)
            and parts.account != stack.account
        ):
            Annotations.of(self).add_info(
                f"[pki-constructs:crossAccountCa] This CA belongs to account {parts.account}: this account issues "
                "from it only through an AWS RAM share (ca.share(...) in its owner's app) or an issuer role. Pass "
                "shared_permissions=[...] to have the share's region and permission rules checked."
            )
        if shared_permissions is not None and RamPermission.END_ENTITY in shared_permissions:
            Annotations.of(self).add_info(
                "[pki-constructs:sharedAcmRenewal] ACM renews this account's certificates from the shared CA "
                "through the service-linked role AWSServiceRoleForCertificateManager, which ACM creates at this "
                "account's first request from a shared CA; the deploying principal needs "
                "iam:CreateServiceLinkedRole for acm.amazonaws.com, or create the role beforehand "
                "(`aws iam create-service-linked-role --aws-service-name acm.amazonaws.com`)."
            )
        if shared_permissions is not None and not _arn.is_literal(certificate_authority_arn):
            note_skipped_rules(
                self,
                self,
                {"a shared CA is used from its own region": "a literal certificate_authority_arn"},
            )

    @property
    def certificate_authority_arn(self) -> str:
        return certificate_authority_arn_of(self._facts)

    @property
    def certificate_authority_ref(self) -> acmpca_refs.CertificateAuthorityReference:
        return acmpca_refs.CertificateAuthorityReference(
            certificate_authority_arn=self.certificate_authority_arn
        )

    @property
    def facts(self) -> CaFacts:
        return self._facts


def certificate_authority_arn_of(facts: CaFacts) -> str:
    assert facts.certificate_authority_arn is not None
    return facts.certificate_authority_arn


def attribute_problems(arn: str, *, issuer_role_arn: str | None, external_id: str | None) -> list[Problem]:
    """Rules for an imported CA's ARN, issuer role and external id (literals only; tokens are unknown)."""
    problems: list[Problem] = []
    parts = _arn.parse_ca_arn(arn)
    if _arn.is_literal(arn) and parts is None:
        problems.append(
            Problem(
                "certificate_authority_arn",
                arn,
                "not an AWS Private CA ARN (arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<id>)",
                "copy the ARN from `aws acm-pca list-certificate-authorities`",
            )
        )
    if _arn.is_literal(issuer_role_arn):
        role = _arn.parse_role_arn(issuer_role_arn)
        if role is None:
            problems.append(
                Problem(
                    "issuer_role_arn",
                    issuer_role_arn,
                    "not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)",
                    "pass the ARN of the role in the parent CA's account",
                )
            )
        elif parts and role.account != parts.account:
            problems.append(
                Problem(
                    "issuer_role_arn",
                    issuer_role_arn,
                    f"the issuer role must be in the CA's account ({parts.account})",
                    "create the role in the account that owns the CA (IssuerRole)",
                )
            )
        elif parts and role.partition != parts.partition:
            problems.append(
                Problem(
                    "issuer_role_arn",
                    issuer_role_arn,
                    f"the role is in partition {role.partition}, the CA in {parts.partition}",
                    "use a role in the CA's partition",
                )
            )
    if external_id is not None:
        if issuer_role_arn is None:
            problems.append(
                Problem(
                    "external_id",
                    "<set>",
                    "an external id only applies to an assumed role",
                    "pass issuer_role_arn too, or drop external_id",
                )
            )
        elif _arn.is_literal(external_id) and not _arn.EXTERNAL_ID.match(external_id):
            problems.append(
                Problem(
                    "external_id",
                    "<set>",
                    "sts:AssumeRole external ids are 2-1224 characters of [\\w+=,.@:/-]",
                    "choose another external id",
                )
            )
    return problems
