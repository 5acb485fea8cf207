"""RootCa and SubordinateCa: AWS Private CA hierarchies that cannot be misconfigured silently.

Each CA is the three CloudFormation resources people wire by hand (the CA, its certificate, its
activation), plus revocation, the ACM renewal permission and synth-time checks of every rule AWS
would otherwise enforce twenty minutes into a deploy.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import jsii
from aws_cdk import Annotations, Duration, RemovalPolicy, Resource, Stack
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk.interfaces import aws_acmpca as acmpca_refs
from constructs import Construct, IDependable

from . import _arn, cost, lifetime_schedule
from ._accessors import earlier_import, remember_import
from .acm_issuance import watch_acm_issuance
from .activation import Activation, ActivationRequest, activate, parent_problems
from .algorithms import (
    KeyAlgorithm,
    KeyStorageSecurityStandard,
    SigningAlgorithm,
    UsageMode,
    key_available_in_partition,
    mixed_post_quantum_advice,
    signing_matches_key,
)
from .ca_facts import CaFacts, ca_facts, note_skipped_rules
from .cross_region import environment_problems, weak_ca_arn
from .errors import Problem, raise_if_any
from .expiry_metrics import DEFAULT_CHECK_INTERVAL
from .hierarchy import hierarchy_problems, path_length_problems, skipped_hierarchy_rules, validity_problems
from .imported_ca import CaExpiryMetric, ImportedCertificateAuthority, foreign_account_problems
from .inputs import typed_props
from .issuance_events import ca_certificate_issued_rule
from .issue_grant import grant_issue
from .method_inputs import typed_method
from .offline_parent import OfflineParent
from .ram_permission import RamPermission
from .renewal import (
    FIRST_GENERATION,
    certificate_generation_problems,
    certificate_id,
    note_renewal,
    offline_renewal_problems,
)
from .review_metadata import record_ca
from .revocation import CrlConfiguration, CrlDistribution, OcspConfiguration
from .sharing import CaShare
from .subject import DistinguishedName
from .templates import CertificateTemplate
from .value_rules import known_partition

if TYPE_CHECKING:
    from .ca_expiry import CaExpiryAlarm


def _known_partition(stack: Stack) -> str | None:
    return known_partition(stack)  # Stack.partition is a token even when the region is literal


# Constructs -------------------------------------------------------------------------------------------


@jsii.implements(acmpca.ICertificateAuthority)
class CertificateAuthorityBase(CaExpiryMetric, Resource):
    """What RootCa and SubordinateCa share: the CA resource, revocation, ACM permission, grants, events.

    Both *are* ``aws_acmpca.ICertificateAuthority``: pass them wherever aws-cdk-lib takes a CA in their own stack
    (in another stack, :meth:`certificate_authority_in`; props of this library take them anywhere). Their
    ``certificate_authority_arn`` is the activation's ARN, so whatever uses it waits for an ACTIVE CA.

    :resource: AWS::ACMPCA::CertificateAuthority
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        ca_type: str,
        subject: DistinguishedName,
        key_algorithm: KeyAlgorithm,
        signing_algorithm: SigningAlgorithm | None,
        validity: Duration,
        usage_mode: UsageMode,
        key_storage_security_standard: KeyStorageSecurityStandard | None,
        crl: CrlConfiguration | None,
        ocsp: OcspConfiguration | None,
        acm_renewal_permission: bool | None,
        removal_policy: RemovalPolicy,
        path_length: int | None,
        certificate_generation: int,
        extra_problems: list[Problem],
    ) -> None:
        super().__init__(scope, id)
        self.certificate_generation = certificate_generation
        self.subject = subject
        self.key_algorithm = key_algorithm
        self.signing_algorithm = signing_algorithm or key_algorithm.default_signing_algorithm
        self.validity = validity
        self.usage_mode = usage_mode
        self.key_storage_security_standard = key_storage_security_standard
        self.path_length = path_length
        self.crl = (crl if crl is not None else CrlConfiguration()).in_stack(self)
        self.ocsp = ocsp if ocsp is not None else OcspConfiguration.disabled()
        self._removal_policy = removal_policy

        short_lived = usage_mode is UsageMode.SHORT_LIVED_CERTIFICATE
        problems = [
            *extra_problems,
            *subject.problems(),
            *signing_matches_key(key_algorithm, self.signing_algorithm),
            *key_available_in_partition(key_algorithm, _known_partition(Stack.of(self))),
            *validity_problems(validity),
            *certificate_generation_problems(certificate_generation),
            *self.crl.problems(),
            *self.ocsp.problems(),
        ]
        if removal_policy == RemovalPolicy.SNAPSHOT:
            problems.append(
                Problem(
                    "removal_policy",
                    "SNAPSHOT",
                    "AWS Private CA resources (and the CRL bucket) have no snapshots",
                    "use RemovalPolicy.RETAIN or RemovalPolicy.DESTROY",
                )
            )
        if short_lived and acm_renewal_permission:
            problems.append(
                Problem(
                    "acm_renewal_permission",
                    True,
                    "ACM cannot issue or renew certificates from a short-lived-certificate CA",
                    "drop acm_renewal_permission, or use GENERAL_PURPOSE",
                )
            )
        raise_if_any(self, problems)
        self._warn_about_weak_choices()
        note_renewal(self, certificate_generation, validity, subordinate=ca_type == "SUBORDINATE")

        self.crl_distribution: CrlDistribution | None = None
        if self.crl.enabled:
            # The bucket outlives the CA whatever removal_policy says: AWS Private CA writes to it at creation, so
            # it is never empty and CloudFormation could not delete it; issued certificates keep pointing at it.
            self.crl_distribution = CrlDistribution(
                self, "Crl", config=self.crl, removal_policy=RemovalPolicy.RETAIN
            )

        self.resource = acmpca.CfnCertificateAuthority(
            self,
            "Resource",
            type=ca_type,
            key_algorithm=key_algorithm.value,
            signing_algorithm=self.signing_algorithm.value,
            subject=subject.to_cfn(),
            usage_mode=usage_mode.value,
            key_storage_security_standard=key_storage_security_standard.value
            if key_storage_security_standard
            else None,
            revocation_configuration=self._revocation_configuration(),
        )
        self.resource.apply_removal_policy(removal_policy)
        if self.crl_distribution and self.crl_distribution.policy_dependable is not None:
            self.resource.node.add_dependency(self.crl_distribution.policy_dependable)

        self.acm_permission: acmpca.CfnPermission | None = None
        if acm_renewal_permission if acm_renewal_permission is not None else not short_lived:
            # Without it ACM-issued private certificates fail to renew with a misleading
            # "signing certificate has expired" error.
            self.acm_permission = acmpca.CfnPermission(
                self,
                "AcmRenewalPermission",
                certificate_authority_arn=self.resource.attr_arn,
                principal="acm.amazonaws.com",
                actions=["IssueCertificate", "GetCertificate", "ListPermissions"],
            )
        cost.register(self)
        record_ca(self)
        # aws-cdk-lib's acm.PrivateCertificate skips ServiceCertificate's rules: check every ACM certificate
        # naming this CA once the app is complete (short-lived CA, region).
        watch_acm_issuance(self)

        # Set by the subclass once it has activated the CA (_keep).
        self._activation: Activation | None = None
        self.depth: int

    # Importer ---------------------------------------------------------------------------------------

    _IMPORTS_A_ROOT = False
    """Whether :meth:`from_certificate_authority_attributes` called on this class imports a root (RootCa)."""

    @classmethod
    def from_certificate_authority_attributes(
        cls,
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
    ) -> ImportedCertificateAuthority:
        """A CA this app does not create (another account, another app, not CDK), with what you know of it.

        The result is an ``aws_acmpca.ICertificateAuthority`` every prop of the library accepts. Each fact
        given lets a synth-time rule run against it; each missing one skips its rule with an info line.
        Called on ``RootCa`` it imports a root: ``depth`` is 1 (another depth is refused) and ``grant_issue``
        refuses end-entity templates, as on a ``RootCa`` of this app.

        :param certificate_authority_arn: the CA's ARN (its partition, region and account are read from it).
        :param subject: its subject, to check a child's differs. Default: - unknown
        :param key_algorithm: its key, to check a child's is compatible. Default: - unknown
        :param signing_algorithm: what it signs with. Default: - derived at deploy time from its key
        :param validity: its certificate's validity, for the validity-nesting rule and expiry alarms.
            Default: - unknown; the activation handler still refuses a child that would outlive it
        :param path_length: its path length, for the path-length rule. Default: - unknown
        :param usage_mode: its usage mode. Default: - unknown
        :param depth: its depth in its hierarchy (root = 1). Default: - unknown
        :param issuer_role_arn: a role in its account that the activation handler assumes to call
            IssueCertificate (an ``IssuerRole``). Default: - none: the handler calls the CA with its own
            role, which works in the same account, and across accounts only through a resource policy/RAM
            share limited to PathLen0 subordinates
        :param external_id: the ``sts:ExternalId`` that role demands (``IssuerRole.external_id``).
            Default: - none
        :param shared_permissions: the CA is shared with this account through AWS RAM (``ca.share(...)`` in
            its owner's app) with these permissions. Then it must be imported into a stack of its region, and
            ACM certificates need ``RamPermission.END_ENTITY``, a child CA signed without an issuer role
            ``RamPermission.SUBORDINATE_CA_PATH_LEN_0``. Default: - not known to be shared
        :param certificate_generation: the owner's ``certificate_generation`` of this CA's certificate (pass the
            same number the owner increments to renew): a trust bundle trusting the import then re-reads it when
            it changes. Default: - unknown: a renewed certificate reaches trust bundles only with a new
            ``pki-constructs:trustBundleRefresh`` value (``cdk synth`` warns)
        :param not_after: the date its current certificate ends (``NotAfter`` of ``aws acm-pca
            describe-certificate-authority``; a ``datetime.date``, a ``datetime`` or an ISO date string). A child
            ``SubordinateCa`` is refused at synth when ``pki-constructs:today`` (context, ``YYYY-MM-DD``; else
            today's UTC date) plus its ``validity`` reaches this date: AWS refuses a CA certificate outliving its
            issuer. The child is issued at deploy, later than synth, so the check errs on the side of accepting.
            Default: - unknown: only ``validity`` (a duration) is compared, and the activation refuses at deploy
        """
        return ImportedCertificateAuthority(
            scope,
            id,
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
            shared_permissions=shared_permissions,
            certificate_generation=certificate_generation,
            not_after=not_after,
            root=cls._IMPORTS_A_ROOT,
        )

    # Public surface -----------------------------------------------------------------------------------

    @property
    def certificate_authority_arn(self) -> str:
        """The CA's ARN, from the activation: whoever uses it waits until the CA is ACTIVE (DESIGN.md §3.3)."""
        return self._activated().certificate_authority_arn

    @property
    def certificate_authority_ref(self) -> acmpca_refs.CertificateAuthorityReference:
        return acmpca_refs.CertificateAuthorityReference(
            certificate_authority_arn=self.certificate_authority_arn
        )

    @typed_method(creates_child=False)
    def certificate_authority_in(
        self, scope: Construct, id: str = "CertificateAuthority"
    ) -> acmpca.ICertificateAuthority:
        """This CA as an ``acmpca.ICertificateAuthority`` usable in ``scope``'s stack, without a CloudFormation
        export (the CA counterpart of ``PublicCertificate.certificate_in``).

        Use it to hand the CA to aws-cdk-lib in another stack (``acm.PrivateCertificate(certificate_authority=)``,
        a grant): passing the CA itself there makes CDK export its ARN, which locks it (a renewed or replaced CA
        could not deploy), and the app check refuses that. Props of this library call it for you.

        Same stack: the CA itself. Another stack of the same account: an :class:`ImportedCertificateAuthority` in
        ``scope`` carrying this CA's facts (region, account, subject, key and signing algorithm, validity, path
        length, depth, usage mode), so every rule that checks this CA when passed directly checks the import too
        (an ``acm.PrivateCertificate`` in another region or from a SHORT_LIVED_CERTIFICATE CA fails at synth), and
        it has ``grant_issue`` and ``metric_days_to_expiry``. Its ARN is read through the SSM parameter
        ``/pki-constructs/<path>/certificate-authority-arn`` that child CAs read too (plus a stack dependency on
        this CA's stack, so it is ACTIVE first). A second call with the same ``scope`` and ``id`` returns the same
        import. ACM issues only from a CA of its own region: a CA of another region serves for grants and metrics,
        not for ``acm.PrivateCertificate``.

        Another account is refused at ``scope`` (field ``scope``): an SSM parameter is read only in its own
        account; share the CA (``ca.share(...)``) and import it there by its literal ARN with
        ``SubordinateCa.from_certificate_authority_attributes``.

        :param scope: where the CA is used.
        :param id: the construct id of the import in ``scope``. Default: - "CertificateAuthority"
        """
        if Stack.of(scope) is Stack.of(self):
            return self
        earlier = earlier_import(self, scope, id)
        if earlier is not None:
            return earlier  # type: ignore[no-any-return]
        producer, consumer = Stack.of(self), Stack.of(scope)
        raise_if_any(scope, foreign_account_problems(self, producer, consumer))
        raise_if_any(
            scope, environment_problems(producer, consumer, field="scope", shown=f"{consumer.node.path}")
        )
        facts = self.facts
        imported = ImportedCertificateAuthority(
            scope,
            id,
            certificate_authority_arn=weak_ca_arn(self, scope),
            subject=facts.subject,
            key_algorithm=facts.key_algorithm,
            signing_algorithm=facts.signing_algorithm,
            validity=facts.validity,
            path_length=facts.path_length,
            usage_mode=facts.usage_mode,
            depth=facts.depth,
            certificate_generation=self.certificate_generation,
        )
        imported.carry_environment(
            account=producer.account if _arn.is_literal(producer.account) else None,
            region=producer.region if _arn.is_literal(producer.region) else None,
            fingerprint=facts.fingerprint,
        )
        return remember_import(self, scope, id, imported)  # type: ignore[no-any-return]

    @property
    def activation(self) -> IDependable:
        """What to depend on to wait for the CA's activation (an ``IDependable``)."""
        return self._activated().dependable

    @property
    def facts(self) -> CaFacts:
        """Everything the PKI rules know about this CA (see :func:`pki_constructs.ca_facts.ca_facts`)."""
        activated = self._activated()
        return CaFacts(
            certificate_authority_arn=activated.certificate_authority_arn,
            subject=self.subject,
            key_algorithm=self.key_algorithm,
            signing_algorithm=self.signing_algorithm,
            validity=self.validity,
            path_length=self.path_length,
            usage_mode=self.usage_mode,
            depth=self.depth,
            created_here=True,
            certificate_chain=activated.certificate_chain,
            fingerprint=self._fingerprint(),
        )

    @typed_method(creates_child=True)
    def on_ca_certificate_issued(
        self,
        id: str,
        *,
        topic: sns.ITopic | None = None,
        target: events.IRuleTarget | None = None,
        description: str | None = None,
    ) -> events.Rule:
        """An EventBridge rule for each CA certificate this CA issues (a subordinate CA signed by it).

        Matches CloudTrail's ``IssueCertificate`` management event (``source`` ``aws.acm-pca``,
        ``detail-type`` ``AWS API Call via CloudTrail``) on this CA's ARN with any of AWS's CA templates
        (``RootCACertificate*``, ``SubordinateCACertificate_PathLen*``, ``BlankSubordinateCACertificate_PathLen*``:
        ``issuance_events.CA_TEMPLATE_PREFIXES``); end-entity issuance is not matched. A topic may publish only
        from this rule (``aws:SourceArn`` condition) and must be in this CA's region. The notification carries who issued it (``userIdentity.arn``), the template, the CA, the
        time and the request id.

        Delivery (Amazon EventBridge User Guide, "AWS service events delivered via AWS CloudTrail" and
        "Receiving read-only management events"): events with detail-type ``AWS API Call via CloudTrail``
        reach EventBridge only while a CloudTrail trail with logging enabled exists in the account (an
        organization trail counts); they arrive on the default bus of the region where the API was called,
        i.e. this CA's region, where this rule is created. ``IssueCertificate`` is a write (not read-only)
        management event, so an ordinary ``ENABLED`` rule receives it; read-only events (Get/List/Describe)
        would need the rule state ``ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS``. Delivery from
        CloudTrail is best effort.

        :param id: the rule's construct id (under this CA).
        :param topic: an SNS topic to notify with a short JSON message. Default: - none (then ``target``)
        :param target: any other target. Default: - none (then ``topic``; one of them is required)
        :param description: Default: - names this CA
        """
        return ca_certificate_issued_rule(
            self,
            id,
            certificate_authority_arn=self.resource.attr_arn,
            topic=topic,
            target=target,
            description=description or f"pki-constructs: a CA certificate was issued by {self.node.path}",
        )

    @typed_method(creates_child=True)
    def share(
        self,
        id: str,
        *,
        principals: Sequence[str],
        permission: RamPermission = RamPermission.END_ENTITY,
        allow_external_principals: bool | None = None,
        name: str | None = None,
    ) -> CaShare:
        """Share this CA with other accounts through AWS RAM (an ``AWS::RAM::ResourceShare``).

        Member accounts then import it with ``SubordinateCa.from_certificate_authority_attributes(...,
        shared_permissions=[permission])`` and issue from it in this CA's region. RAM allows one permission per
        share: call ``share`` again for another (e.g. ``RamPermission.REVOKE_CERTIFICATE`` next to the default).

        :param id: the share's construct id (under this CA).
        :param principals: 12-digit account ids, the organization's ARN
            (``arn:<partition>:organizations::<management account>:organization/o-…``) or OU ARNs (``…:ou/o-…/ou-…``).
        :param permission: the AWS-managed RAM permission. Default: - ``RamPermission.END_ENTITY`` (RAM's default
            for CAs: end-entity certificates, what ACM private certificates need)
        :param allow_external_principals: let accounts outside the organization join. Default: - False when an
            organization/OU is among the principals, else True (RAM's default)
        :param name: the share's name. Default: - ``pki-constructs-<stack name>-<id>``
        """
        return CaShare(
            self,
            id,
            certificate_authority_arn=self.certificate_authority_arn,
            facts=self.facts,
            is_root=self.is_root,
            principals=principals,
            permission=permission,
            allow_external_principals=allow_external_principals,
            name=name,
        )

    @property
    def is_root(self) -> bool:
        return self.path_length is None and self.depth == 1

    @property
    def certificate_signing_request(self) -> str:
        """The CA's CSR (PEM), as a CloudFormation attribute."""
        return self.resource.attr_certificate_signing_request

    @property
    def monthly_cost_usd(self) -> int:
        return cost.monthly_cost_usd(self.usage_mode)

    @typed_method(creates_child=False)
    def grant_issue(self, grantee: iam.IGrantable, *templates: CertificateTemplate) -> iam.Grant:
        """Let ``grantee`` issue certificates from this CA with exactly the given templates.

        IssueCertificate is allowed on this CA's ARN only, with an ``acm-pca:TemplateArn`` condition;
        GetCertificate and GetCertificateAuthorityCertificate let it collect the result and chain. The
        grant refers to the activated CA, so the grantee's policy waits for activation.

        A grantee of another stack (a task role of the service's stack) gets the CA's ARN read through the SSM
        parameter ``certificate_authority_in`` reads, never a CloudFormation export; one of another account is
        refused on ``grantee`` (the CA's owner shares it, the other account imports it and grants there).
        """
        arn = self.certificate_authority_arn
        principal = grantee.grant_principal
        consumer = principal if isinstance(principal, Construct) else grantee
        if isinstance(consumer, Construct) and Stack.of(consumer) is not Stack.of(self):
            producer, consumer_stack = Stack.of(self), Stack.of(consumer)
            problems = foreign_account_problems(self, producer, consumer_stack)
            problems += environment_problems(
                producer, consumer_stack, field="scope", shown=consumer_stack.node.path
            )
            raise_if_any(self, [replace(p, field="grantee", value=consumer.node.path) for p in problems])
            arn = weak_ca_arn(self, consumer)
        return grant_issue(self, arn, grantee, templates, is_root=self.is_root)

    @typed_method(creates_child=True)
    def add_expiry_alarm(
        self,
        id: str = "ExpiryAlarm",
        *,
        threshold: Duration | None = None,
        topic: sns.ITopic | None = None,
        create_topic: bool = False,
        check_interval: Duration | None = None,
    ) -> CaExpiryAlarm:
        """Alarm before this CA's own certificate expires (a ``CaExpiryAlarm`` placed under this CA).

        See ``pki_constructs.ca_expiry.CaExpiryAlarm`` for the props; the threshold must be below this CA's
        ``validity``. Default threshold: - 90 days; check interval: - 12 hours
        """
        from .ca_expiry import DEFAULT_CA_THRESHOLD, CaExpiryAlarm

        return CaExpiryAlarm(
            self,
            id,
            certificate_authority=self,
            threshold=threshold or DEFAULT_CA_THRESHOLD,
            topic=topic,
            create_topic=create_topic,
            check_interval=check_interval or DEFAULT_CHECK_INTERVAL,
        )

    # Helpers for subclasses ---------------------------------------------------------------------------

    def _keep(self, activation: Activation) -> None:
        self._activation = activation

    def _activated(self) -> Activation:
        if self._activation is None:
            raise RuntimeError(f"{self.node.path} is read before it is activated")
        return self._activation

    def _fingerprint(self) -> str:
        """Changes when CloudFormation would replace this CA (its ARN changes), so a child re-issues."""
        material = [
            self.node.path,
            str(self.subject),
            self.key_algorithm.value,
            self.signing_algorithm.value,
            self.usage_mode.value,
        ]
        if self.key_storage_security_standard is not None:  # only when set: existing fingerprints stay
            material.append(self.key_storage_security_standard.value)
        return hashlib.sha256(json.dumps(material).encode()).hexdigest()[:16]

    def _revocation_configuration(self) -> acmpca.CfnCertificateAuthority.RevocationConfigurationProperty:
        crl = self.crl
        crl_property = acmpca.CfnCertificateAuthority.CrlConfigurationProperty(enabled=False)
        if crl.enabled and self.crl_distribution is not None:
            crl_property = acmpca.CfnCertificateAuthority.CrlConfigurationProperty(
                enabled=True,
                expiration_in_days=crl.expiration_days,
                s3_bucket_name=self.crl_distribution.bucket.bucket_name,
                s3_object_acl=(crl.s3_object_acl.value if crl.s3_object_acl else "BUCKET_OWNER_FULL_CONTROL"),
                custom_cname=self.crl_distribution.host_name,
                custom_path=crl.custom_path,
                crl_type=crl.crl_type.value if crl.crl_type else None,
                crl_distribution_point_extension_configuration=(
                    acmpca.CfnCertificateAuthority.CrlDistributionPointExtensionConfigurationProperty(
                        omit_extension=True
                    )
                    if crl.omit_extension
                    else None
                ),
            )
        ocsp_property = acmpca.CfnCertificateAuthority.OcspConfigurationProperty(
            enabled=self.ocsp.enabled,
            ocsp_custom_cname=self.ocsp.custom_cname if self.ocsp.enabled else None,
        )
        return acmpca.CfnCertificateAuthority.RevocationConfigurationProperty(
            crl_configuration=crl_property, ocsp_configuration=ocsp_property
        )

    def _warn_about_weak_choices(self) -> None:
        annotations = Annotations.of(self)
        if self.usage_mode is UsageMode.GENERAL_PURPOSE and not self.crl.enabled and not self.ocsp.enabled:
            annotations.add_warning_v2(
                "pki-constructs:noRevocation",
                "Neither CRL nor OCSP is enabled: certificates from this CA cannot be revoked in practice.",
            )
        if self.crl.crl_type is not None and self.crl.crl_type.value == "PARTITIONED":
            annotations.add_warning_v2(
                "pki-constructs:partitionedCrl",
                "Partitioned CRLs carry a critical Issuing Distribution Point; every relying party must support it.",
            )
        crl = self.crl
        if (
            crl.enabled
            and crl.bucket is None
            and not (crl.cloudfront or crl.custom_cname or crl.omit_extension or crl.partition_without_front)
        ):
            annotations.add_warning_v2(
                "pki-constructs:crlNotReachable",
                "Issued certificates will point relying parties at the CRL bucket's S3 address, which blocks "
                "public access: clients that fetch it get 403. Serve it with CrlConfiguration(cloudfront=True), "
                "or set omit_extension=True if only AWS reads the CRL (e.g. ALB trust stores).",
            )
        if (
            self.crl.bucket is not None
            and self.crl.s3_object_acl is not None
            and self.crl.s3_object_acl.value == "PUBLIC_READ"
        ):
            annotations.add_warning_v2(
                "pki-constructs:publicCrlAcl",
                "PUBLIC_READ fails if the bucket blocks public access, and makes CRL objects public if it doesn't.",
            )


class RootCa(CertificateAuthorityBase):
    """A root certificate authority in AWS Private CA, self-signed and activated in one deploy.

    Creates the CA, its ``RootCACertificate/V1`` certificate, the activation, a private CRL bucket and the
    ACM renewal permission. Use it only to sign subordinate CAs (AWS best practice).

    :resource: AWS::ACMPCA::CertificateAuthority

    :param subject: the CA's distinguished name.
    :param key_algorithm: Default: - ``KeyAlgorithm.RSA_2048``
    :param signing_algorithm: must match the key family. Default: - the key's usual algorithm
        (SHA256WITHRSA for RSA, the curve's hash for EC, the same ML-DSA level, SM3WITHSM2)
    :param validity: whole days. Default: - 10 years (3650 days)
    :param usage_mode: Default: - ``UsageMode.GENERAL_PURPOSE``
    :param key_storage_security_standard: Default: - AWS's default (FIPS 140-2 level 3); some regions
        need ``CCPC_LEVEL_1_OR_HIGHER``
    :param crl: Default: - a CRL renewed every 7 days in a new private bucket
    :param ocsp: Default: - OCSP off
    :param acm_renewal_permission: let ACM issue and renew private certificates from this CA.
        Default: - on, except for short-lived-certificate CAs
    :param removal_policy: RETAIN or DESTROY; applies to the CA, its certificate and activation (the CRL bucket
        is always retained). Default: - RETAIN: a deleted root invalidates every certificate below it
    :param certificate_generation: increment to renew: the root certificate is re-issued (self-signed again,
        same key, ``validity`` from the deploy) and re-imported in place; children keep their certificates
        and are not re-issued (see ``pki_constructs.renewal``). Default: - 1
    """

    _IMPORTS_A_ROOT = True

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        subject: DistinguishedName,
        key_algorithm: KeyAlgorithm = KeyAlgorithm.RSA_2048,
        signing_algorithm: SigningAlgorithm | None = None,
        validity: Duration = Duration.days(3650),
        usage_mode: UsageMode = UsageMode.GENERAL_PURPOSE,
        key_storage_security_standard: KeyStorageSecurityStandard | None = None,
        crl: CrlConfiguration | None = None,
        ocsp: OcspConfiguration | None = None,
        acm_renewal_permission: bool | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        certificate_generation: int | None = FIRST_GENERATION,
    ) -> None:
        if certificate_generation is None:  # the default, as for every other optional prop
            certificate_generation = FIRST_GENERATION
        super().__init__(
            scope,
            id,
            ca_type="ROOT",
            subject=subject,
            key_algorithm=key_algorithm,
            signing_algorithm=signing_algorithm,
            validity=validity,
            usage_mode=usage_mode,
            key_storage_security_standard=key_storage_security_standard,
            crl=crl,
            ocsp=ocsp,
            acm_renewal_permission=acm_renewal_permission,
            removal_policy=removal_policy,
            path_length=None,
            # None = the default, as for every other optional prop
            certificate_generation=FIRST_GENERATION
            if certificate_generation is None
            else certificate_generation,
            extra_problems=[],
        )
        self.depth = 1
        self.certificate = acmpca.CfnCertificate(
            self,
            certificate_id(certificate_generation),  # a new id per generation: a new certificate, same key
            certificate_authority_arn=self.resource.attr_arn,
            certificate_signing_request=self.resource.attr_certificate_signing_request,
            signing_algorithm=self.signing_algorithm.value,
            template_arn=CertificateTemplate.ROOT_CA.arn(self),
            validity=acmpca.CfnCertificate.ValidityProperty(type="DAYS", value=int(validity.to_days())),
        )
        self.certificate.apply_removal_policy(removal_policy)
        activation = acmpca.CfnCertificateAuthorityActivation(
            self,
            "Activation",
            certificate_authority_arn=self.resource.attr_arn,
            certificate=self.certificate.attr_certificate,
            status="ACTIVE",
        )
        activation.apply_removal_policy(removal_policy)
        # Ref of the activation is the CA ARN: whoever uses it waits for an ACTIVE CA.
        self._keep(
            Activation(
                activation, activation.ref, activation.attr_complete_certificate_chain, self.certificate
            )
        )


ParentCa = acmpca.ICertificateAuthority | OfflineParent
"""What ``SubordinateCa(parent=...)`` accepts: any ``aws_acmpca.ICertificateAuthority`` — a RootCa or
SubordinateCa of this app (any region or account), a CA imported with ``from_certificate_authority_attributes``
or aws-cdk-lib's ``CertificateAuthority.from_certificate_authority_arn`` — or an ``OfflineParent``."""


class SubordinateCa(CertificateAuthorityBase):
    """A subordinate certificate authority signed by ``parent`` and activated in the same deploy.

    When the parent shares this CA's account and region (same or another stack) the CA is activated with
    native CloudFormation resources: a ``SubordinateCACertificate_PathLen<n>/V1`` certificate issued by the
    parent from this CA's CSR, and an activation carrying the parent's complete chain.

    :resource: AWS::ACMPCA::CertificateAuthority

    :param parent: the CA that signs this one.
    :param subject: the CA's distinguished name; must differ from the parent's.
    :param key_algorithm: Default: - ``KeyAlgorithm.RSA_2048``
    :param signing_algorithm: the algorithm this CA signs with; must match its key family. Default: - the
        key's usual algorithm
    :param validity: whole days, strictly shorter than the parent's. Default: - 5 years (1825 days)
    :param path_length: how many CA levels may sit below this one (0-3), below the parent's.
        Default: - 0, a CA that issues only end-entity certificates
    :param usage_mode: Default: - ``UsageMode.GENERAL_PURPOSE``
    :param key_storage_security_standard: Default: - AWS's default (FIPS 140-2 level 3)
    :param crl: Default: - a CRL renewed every 7 days in a new private bucket
    :param ocsp: Default: - OCSP off
    :param acm_renewal_permission: Default: - on, except for short-lived-certificate CAs
    :param removal_policy: Default: - RETAIN
    :param certificate_generation: increment to renew: the parent signs this CA's unchanged CSR again
        (same key, ``validity`` from the deploy, which must still end before the parent's certificate) and
        the result is imported in place, on every activation path; an ``OfflineParent`` needs the newly
        signed file (see ``pki_constructs.renewal``). Default: - 1
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        parent: ParentCa,
        subject: DistinguishedName,
        key_algorithm: KeyAlgorithm = KeyAlgorithm.RSA_2048,
        signing_algorithm: SigningAlgorithm | None = None,
        validity: Duration = Duration.days(1825),
        path_length: int = 0,
        usage_mode: UsageMode = UsageMode.GENERAL_PURPOSE,
        key_storage_security_standard: KeyStorageSecurityStandard | None = None,
        crl: CrlConfiguration | None = None,
        ocsp: OcspConfiguration | None = None,
        acm_renewal_permission: bool | None = None,
        removal_policy: RemovalPolicy = RemovalPolicy.RETAIN,
        certificate_generation: int | None = FIRST_GENERATION,
    ) -> None:
        if certificate_generation is None:  # the default, as for every other optional prop
            certificate_generation = FIRST_GENERATION
        parent_facts = ca_facts(parent) if not isinstance(parent, OfflineParent) else parent.facts
        problems = path_length_problems(path_length)
        today = lifetime_schedule.today_of(scope) if parent_facts.not_after is not None else None
        if isinstance(today, Problem):
            problems.append(today)
            today = None
        problems += hierarchy_problems(
            today=today,
            subject=subject,
            key_algorithm=key_algorithm,
            validity=validity,
            path_length=path_length,
            # an invalid path length is reported above; still check every other rule
            parent=replace(parent_facts, path_length=None) if problems else parent_facts,
        )
        generation = certificate_generation if isinstance(certificate_generation, int) else FIRST_GENERATION
        problems += parent_problems(parent, scope, path_length, generation)
        if isinstance(parent, OfflineParent) and isinstance(certificate_generation, int):
            supplied = parent.read(scope, generation)[0] is not None
            problems += offline_renewal_problems(certificate_generation, certificate_supplied=supplied)
        super().__init__(
            scope,
            id,
            ca_type="SUBORDINATE",
            subject=subject,
            key_algorithm=key_algorithm,
            signing_algorithm=signing_algorithm,
            validity=validity,
            usage_mode=usage_mode,
            key_storage_security_standard=key_storage_security_standard,
            crl=crl,
            ocsp=ocsp,
            acm_renewal_permission=acm_renewal_permission,
            removal_policy=removal_policy,
            path_length=path_length,
            certificate_generation=certificate_generation,
            extra_problems=problems,
        )
        self.parent = parent
        self.depth = (parent_facts.depth or 1) + 1
        self.template = CertificateTemplate.subordinate_ca(path_length)
        if not parent_facts.created_here:
            note_skipped_rules(self, parent, skipped_hierarchy_rules(parent_facts))
        if parent_facts.key_algorithm is not None and (
            advice := mixed_post_quantum_advice(key_algorithm, parent_facts.key_algorithm)
        ):
            Annotations.of(self).add_warning_v2("pki-constructs:mixedPostQuantumChain", advice)
        activation = activate(
            ActivationRequest(
                scope=self,
                resource=self.resource,
                validity=validity,
                path_length=path_length,
                removal_policy=removal_policy,
                certificate_generation=certificate_generation,
            ),
            parent,
        )
        if activation.certificate is not None:
            self.certificate = activation.certificate
        self._keep(activation)
