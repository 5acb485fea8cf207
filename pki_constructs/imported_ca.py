"""A CA this app does not create, imported in aws-cdk-lib style with the facts the PKI rules need.

``SubordinateCa.from_certificate_authority_attributes(scope, id, certificate_authority_arn=..., ...)``
(also on ``RootCa``) returns an :class:`ImportedCertificateAuthority`: an ``aws_acmpca.ICertificateAuthority``
that every prop of the library accepts, carrying what its caller knows (all optional). Each fact given lets
a synth-time rule run; each one missing skips its rule with an info line.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import replace

import jsii
from aws_cdk import Annotations, Duration, Resource, Stack
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk.interfaces import aws_acmpca as acmpca_refs
from constructs import Construct

from . import _arn
from .acm_issuance import watch_acm_issuance
from .algorithms import KeyAlgorithm, SigningAlgorithm, UsageMode, signing_matches_key
from .ca_facts import CaFacts, note_skipped_rules
from .errors import Problem, raise_if_any
from .expiry_metrics import ca_days_to_expiry_metric
from .hierarchy import MAX_HIERARCHY_DEPTH, path_length_problems, validity_problems
from .inputs import typed_props
from .issue_grant import grant_issue
from .method_inputs import typed_method
from .ram_permission import RamPermission
from .renewal import certificate_generation_problems
from .sharing import shared_permissions_problems, shared_region_problems
from .subject import DistinguishedName
from .templates import CertificateTemplate

__all__ = ["CaExpiryMetric", "ImportedCertificateAuthority", "foreign_account_problems"]


class CaExpiryMetric:
    """``metric_days_to_expiry`` for every CA of the library (ours and imports): one signature, the one
    ``cloudwatch.MetricOptions`` has, so a consumer's type checker catches a misspelt keyword."""

    @property
    def certificate_authority_arn(self) -> str:
        raise NotImplementedError  # each CA class has its own

    @typed_method(creates_child=False)
    def metric_days_to_expiry(
        self,
        *,
        account: str | None = None,
        color: str | None = None,
        dimensions_map: Mapping[str, str] | None = None,
        id: str | None = None,
        label: str | None = None,
        period: Duration | None = None,
        region: str | None = None,
        stack_account: str | None = None,
        stack_region: str | None = None,
        statistic: str | None = None,
        unit: cloudwatch.Unit | None = None,
        visible: bool | None = None,
    ) -> cloudwatch.Metric:
        """Days until this CA's own certificate expires: ``PkiConstructs`` ``DaysToExpiry``, Minimum.

        ACM publishes nothing for CA certificates; this metric has data only while a ``CaExpiryAlarm`` (or
        ``add_expiry_alarm`` on our CAs) in the CA's account and region watches it. The keyword arguments are
        ``cloudwatch.MetricOptions``, as for ``acm.ICertificate.metric_days_to_expiry``.

        :param period: Default: - twice the checker's default interval (1 day)
        """
        return ca_days_to_expiry_metric(
            self.certificate_authority_arn,
            account=account,
            color=color,
            dimensions_map=dimensions_map,
            id=id,
            label=label,
            period=period,
            region=region,
            stack_account=stack_account,
            stack_region=stack_region,
            statistic=statistic,
            unit=unit,
            visible=visible,
        )


@jsii.implements(acmpca.ICertificateAuthority)
class ImportedCertificateAuthority(CaExpiryMetric, Resource):
    """A CA known by ARN (another account, another app, not managed by CDK), with the facts its caller knows.

    Build it with ``SubordinateCa.from_certificate_authority_attributes``; see there for the props.
    ``root=True`` is what ``RootCa.from_certificate_authority_attributes`` passes: the CA is a root (depth 1).

    Imports have no ``add_expiry_alarm`` (pass the import to ``CaExpiryAlarm(certificate_authority=...)``, which
    creates the checker in this stack) and no ``on_ca_certificate_issued``: CloudTrail delivers
    ``IssueCertificate`` only to the default bus of the CA's own account and region, which an imported CA's app
    usually does not deploy to; create the rule with the CA's owner.
    """

    @typed_props
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
        not_after: datetime.date | str | None = None,
        root: bool = False,
    ) -> None:
        if root and depth is None:
            depth = 1  # RootCa.from_certificate_authority_attributes: a root is level 1
        parts = (
            _arn.parse_ca_arn(certificate_authority_arn)
            if isinstance(certificate_authority_arn, str)
            else None
        )
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
                *fact_problems(
                    subject=subject,
                    key_algorithm=key_algorithm,
                    signing_algorithm=signing_algorithm,
                    validity=validity,
                    path_length=path_length,
                    depth=depth,
                    root=root,
                ),
                *not_after_problems(not_after),
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
            not_after=parse_not_after(not_after),
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
        watch_acm_issuance(self)
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

    def carry_environment(self, *, account: str | None, region: str | None, fingerprint: str | None) -> None:
        """Record where the CA lives when its ARN is a token (``certificate_authority_in``'s import of a CA of
        another stack), so region and account rules check the import as they check its source."""
        self._facts = replace(self._facts, account=account, region=region, fingerprint=fingerprint)

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

    @typed_method(creates_child=False)
    def grant_issue(self, grantee: iam.IGrantable, *templates: CertificateTemplate) -> iam.Grant:
        """Let ``grantee`` issue end-entity certificates from this CA with exactly the given templates (as
        ``RootCa.grant_issue``; refused on an import with ``depth=1``). A CA of another account must also allow
        it in its resource policy or RAM share."""
        return grant_issue(
            self, self.certificate_authority_arn, grantee, templates, is_root=self._facts.depth == 1
        )


def foreign_account_problems(source: Construct, producer: Stack, consumer: Stack) -> list[Problem]:
    """A CA of this app handed to a stack of another account (``certificate_authority_in``): the import there
    would read an SSM parameter of another account, which SSM does not allow; the consumer account issues from the
    CA only through an AWS RAM share (or an issuer role), importing it by its literal ARN."""
    if not (_arn.is_literal(producer.account) and _arn.is_literal(consumer.account)):
        return []
    if producer.account == consumer.account:
        return []
    importer = f"{type(source).__name__}.from_certificate_authority_attributes"
    return [
        Problem(
            "scope",
            f"{consumer.node.path} (account {consumer.account})",
            f"{source.node.path} is a CA of account {producer.account}: another account cannot read its ARN from "
            "this app's SSM parameters and issues from it only through an AWS RAM share or an issuer role",
            f"share the CA (ca.share(...)) and in {consumer.node.path} import it by its literal ARN with "
            f"{importer}(scope, id, certificate_authority_arn='arn:<partition>:acm-pca:<region>:"
            f"{producer.account}:certificate-authority/<id>', shared_permissions=[...]) (the ARN exists once "
            f"{producer.node.path} is deployed); or create the CA in account {consumer.account}",
        )
    ]


def certificate_authority_arn_of(facts: CaFacts) -> str:
    assert facts.certificate_authority_arn is not None
    return facts.certificate_authority_arn


def fact_problems(
    *,
    subject: DistinguishedName | None,
    key_algorithm: KeyAlgorithm | None,
    signing_algorithm: SigningAlgorithm | None,
    validity: Duration | None,
    path_length: int | None,
    depth: int | None,
    root: bool = False,
) -> list[Problem]:
    """The facts a CA of AWS Private CA can have, by the rules ``RootCa``/``SubordinateCa`` apply to their own
    props: an impossible fact would otherwise feed the children's rules nonsense ("use path_length <= -2")."""
    problems: list[Problem] = []
    if subject is not None:
        problems += subject.problems()
    if key_algorithm is not None and signing_algorithm is not None:
        problems += signing_matches_key(key_algorithm, signing_algorithm)
    if validity is not None:
        problems += validity_problems(validity)
    if path_length is not None:
        problems += path_length_problems(path_length)
    if depth is not None and (
        isinstance(depth, bool) or not isinstance(depth, int) or not 1 <= depth <= MAX_HIERARCHY_DEPTH
    ):
        problems.append(
            Problem(
                "depth",
                depth,
                f"a CA's level in an AWS Private CA hierarchy is 1 (root) to {MAX_HIERARCHY_DEPTH}",
                "count the CAs from the root (1) down to this one, or leave depth unset",
            )
        )
    elif root and depth != 1:
        problems.append(
            Problem(
                "depth",
                depth,
                "RootCa.from_certificate_authority_attributes imports a root, which is level 1 of its hierarchy",
                "leave depth unset, or import a subordinate CA with SubordinateCa.from_certificate_authority_"
                "attributes",
            )
        )
    return problems


def parse_not_after(value: datetime.date | str | None) -> datetime.date | None:
    """The CA certificate's NotAfter as a date (a datetime counts by its UTC date, an ISO string is parsed);
    None when not given or not readable (:func:`not_after_problems` reports that)."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return (value.astimezone(datetime.UTC) if value.tzinfo else value).date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def not_after_problems(value: datetime.date | str | None) -> list[Problem]:
    """``not_after``: a date, a datetime or an ISO date string (``2031-03-01``)."""
    if value is None or (isinstance(value, str) and not _arn.is_literal(value)) or parse_not_after(value):
        return []
    return [
        Problem(
            "not_after",
            value,
            "the CA certificate's end is a date: a datetime.date, datetime.datetime or ISO date 'YYYY-MM-DD'",
            "copy NotAfter from `aws acm-pca describe-certificate-authority` (e.g. '2031-03-01')",
        )
    ]


def attribute_problems(arn: str, *, issuer_role_arn: str | None, external_id: str | None) -> list[Problem]:
    """Rules for an imported CA's ARN, issuer role and external id (literals only; tokens are unknown)."""
    if not isinstance(arn, str):
        return [
            Problem(
                "certificate_authority_arn",
                arn,
                "the CA's ARN is required, as a string",
                "pass arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<id>",
            )
        ]
    problems: list[Problem] = _arn.ca_arn_problems("certificate_authority_arn", arn)
    parts = _arn.parse_ca_arn(arn)
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
