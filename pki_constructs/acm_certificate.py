"""What our ACM certificates share: being an ``aws_certificatemanager.ICertificate``, usable from other stacks.

``PublicCertificate`` and ``ServiceCertificate`` each wrap one aws-cdk-lib certificate L2 (``_resource``); this base
gives both the interface's members (ARN, reference, removal policy, ``metric_days_to_expiry`` with aws-cdk-lib's
``MetricOptions``), the ``on_*`` event rules, and :meth:`~AcmCertificateBase.certificate_in`: the certificate as an
``acm.ICertificate`` of another stack, its ARN read through an SSM parameter rather than a CloudFormation export
(which would lock the certificate: a replaced one could not deploy). :func:`certificate_in` does the same for
any ``acm.ICertificate``; every certificate prop of the library uses it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import jsii
from aws_cdk import CfnResource, Duration, RemovalPolicy, Resource, Stack, Token
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk.interfaces import aws_certificatemanager as acm_refs
from constructs import Construct, IValidation

from ._accessors import earlier_import, remember_import
from .certificate_facts import (
    CLOUDFRONT_CERTIFICATE_REGION,
    certificate_account_problems,
    certificate_facts,
)
from .cross_region import RegionalExport, default_parameter_name, environment_problems
from .errors import Problem, raise_if_any
from .expiry_events import on_expiry_event, on_renewal_failed
from .expiry_metrics import acm_days_to_expiry_metric
from .method_inputs import typed_method


@jsii.implements(acm.ICertificate)
class AcmCertificateBase(Resource):
    """The shared base of our ACM certificates; subclasses set ``_resource`` in their constructor."""

    _resource: acm.ICertificate
    # The construct id of export_arn's child. Logical ids are deployed state: renaming the child would replace
    # its SSM parameter with one of the same name, which CloudFormation refuses; so each class keeps the id
    # it has always used (PublicCertificate: "ArnExport", the generic certificate_in: "PkiArnExport").
    _arn_export_id = "PkiArnExport"

    @property
    def certificate_arn(self) -> str:
        """The certificate's ARN, valid in this construct's stack."""
        return self._resource.certificate_arn

    @property
    def certificate_ref(self) -> acm_refs.CertificateReference:
        """A reference to this certificate (``ICertificateRef``)."""
        return acm_refs.CertificateReference(certificate_arn=self.certificate_arn)

    @typed_method(creates_child=False)
    def export_arn(self, *, name: str | None = None) -> RegionalExport:
        """Publish the ARN as an SSM parameter in this stack's region, for consumers elsewhere.

        Idempotent: the first call creates the export; later calls return it.

        :param name: the SSM parameter name. Default: - ``/pki-constructs/<path>/certificate-arn``.
        """
        existing = self.node.try_find_child(self._arn_export_id)
        if isinstance(existing, RegionalExport):
            if name is not None and name != existing.parameter_name:
                raise_if_any(
                    self,
                    [
                        Problem(
                            "name",
                            name,
                            f"the ARN is already published as {existing.parameter_name}",
                            "call export_arn with the same name (or none) everywhere",
                        )
                    ],
                )
            return existing
        return RegionalExport(
            self,
            self._arn_export_id,
            value=self.certificate_arn,
            name=name or default_parameter_name(self, "certificate-arn"),
            description=self._arn_description(),
        )

    @typed_method(creates_child=False)
    def certificate_in(self, scope: Construct, id: str = "Certificate") -> acm.ICertificate:
        """This certificate as an ``acm.ICertificate`` usable in ``scope``'s stack, without a CloudFormation export.

        Use it to hand the certificate to aws-cdk-lib in another stack (an ``elbv2`` listener, an API Gateway
        domain, a CloudFront distribution): passing the certificate itself there makes CDK export its ARN, which
        locks it (a renewed or replaced certificate could not deploy), and the app check refuses that. Props of
        this library call it for you.

        Same stack: the certificate itself. Another stack (any region of the account): an
        ``acm.Certificate.from_certificate_arn`` in ``scope`` whose ARN is read through :meth:`export_arn` (an
        SSM parameter, plus a stack dependency). Raises ``PkiValidationError`` when the ARN cannot travel (one
        stack environment-agnostic and the other not, another account).

        :param scope: where the certificate is used.
        :param id: the construct id of the import in ``scope``. Default: - "Certificate"
        """
        return certificate_in(self, scope, id)

    def _arn_description(self) -> str | None:
        """The export parameter's description. Default: - RegionalExport's ("published by <path>")."""
        return None

    def apply_removal_policy(self, policy: RemovalPolicy) -> None:
        """Apply ``policy`` to the ``AWS::CertificateManager::Certificate`` (``IResource``; the default
        ``Resource`` implementation needs a CloudFormation resource as default child, ours is an L2)."""
        self._resource.apply_removal_policy(policy)

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
        """ACM's ``DaysToExpiry`` for this certificate (namespace ``AWS/CertificateManager``, dimension
        ``CertificateArn``, Minimum), published daily in the certificate's region.

        The keyword arguments are ``cloudwatch.MetricOptions``, exactly as for aws-cdk-lib's certificates;
        ``dimensions_map``, ``statistic`` and ``region`` are ignored there too.

        :param period: Default: - 1 day
        """
        return acm_days_to_expiry_metric(
            self.certificate_arn,
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

    @typed_method(creates_child=True)
    def on_expiry_event(
        self,
        id: str,
        *,
        target: events.IRuleTarget | None = None,
        description: str | None = None,
        rule_name: str | None = None,
    ) -> events.Rule:
        """An EventBridge rule for ACM's "Approaching Expiration" and "Expired" events of this certificate.

        :param target: Default: - no target (add one with ``rule.add_target``)
        :param description: Default: - "ACM expiry events of one certificate"
        :param rule_name: Default: - a generated name
        """
        return on_expiry_event(
            self,
            id,
            certificate_arn=self.certificate_arn,
            target=target,
            description=description,
            rule_name=rule_name,
        )

    @typed_method(creates_child=True)
    def on_renewal_failed(
        self,
        id: str,
        *,
        target: events.IRuleTarget | None = None,
        description: str | None = None,
        rule_name: str | None = None,
    ) -> events.Rule:
        """An EventBridge rule for the AWS Health events ACM raises when renewing this certificate needs action
        or failed (AWS_ACM_RENEWAL_STATE_CHANGE, CAA_CHECK_FAILURE, AWS_ACM_RENEWAL_FAILURE).

        :param target: Default: - no target (add one with ``rule.add_target``)
        :param description: Default: - "AWS Health renewal events of one ACM certificate"
        :param rule_name: Default: - a generated name
        """
        return on_renewal_failed(
            self,
            id,
            certificate_arn=self.certificate_arn,
            target=target,
            description=description,
            rule_name=rule_name,
        )


@jsii.implements(acm.ICertificate)
class CertificateImport(AcmCertificateBase):
    """A certificate of another stack as seen from a consumer stack (what :func:`certificate_in` returns there).

    Its ARN is read through the source's SSM export; its region, account, names and public/private kind are the
    source's (:func:`~pki_constructs.certificate_facts.certificate_facts` reads ``certificate_source``), so every rule
    that checks the source when passed directly checks the import too.
    """

    def __init__(self, scope: Construct, id: str, *, source: acm.ICertificate, certificate_arn: str) -> None:
        producer = Stack.of(source)
        super().__init__(
            scope,
            id,
            account=producer.account if not Token.is_unresolved(producer.account) else None,
            region=producer.region if not Token.is_unresolved(producer.region) else None,
        )
        self.certificate_source: acm.ICertificate = source
        """The certificate this import stands for (in its own stack)."""
        self._resource = acm.Certificate.from_certificate_arn(self, "Resource", certificate_arn)
        # aws-cdk-lib's listeners, distributions and API domain names take the import without our rules:
        # check each of them that names it once the app is complete (as the app check would on a direct pass).
        self.node.add_validation(_ImportUseValidation(self))


CLOUDFRONT_DISTRIBUTION = "AWS::CloudFront::Distribution"

# Where a certificate is used, by resource type: (property, the region it must be in; None = the resource's
# stack's region). CloudFront and edge-optimized API Gateway domains take certificates of us-east-1 only
# (cloudfront model ViewerCertificate; API Gateway CreateDomainName certificateArn: "edge-optimized ... must be
# in us-east-1"); listeners and regional domain names one of their own region ("Certificates in ACM are
# regional resources", ACM User Guide, acm-regions.html).
_USES: tuple[tuple[str, str, str | None], ...] = (
    ("AWS::ElasticLoadBalancingV2::Listener", "certificates", None),
    ("AWS::ElasticLoadBalancingV2::ListenerCertificate", "certificates", None),
    ("AWS::ApiGateway::DomainName", "regionalCertificateArn", None),
    ("AWS::ApiGateway::DomainName", "certificateArn", CLOUDFRONT_CERTIFICATE_REGION),
    ("AWS::ApiGatewayV2::DomainName", "domainNameConfigurations", None),
    (CLOUDFRONT_DISTRIBUTION, "distributionConfig", CLOUDFRONT_CERTIFICATE_REGION),
)
"""By CloudFormation type (not the L1 classes: the CA constructs import this module and must not load the
ELB, API Gateway or CloudFront modules)."""


def _resolved_properties(stack: Stack, resource: CfnResource) -> dict[str, object]:
    # CfnResource's protected ``cfnProperties`` (jsii exposes it as ``_cfn_properties``): reading the public
    # struct property back (``distribution_config``) fails to serialize the L2's lazy values.
    resolved = stack.resolve(resource._cfn_properties)
    return resolved if isinstance(resolved, dict) else {}


def import_use_problems(imported: CertificateImport) -> list[Problem]:
    """The rules a :class:`CertificateImport` breaks where aws-cdk-lib resources of its stack use it: the region
    of its source against the use's, and CloudFront's rules (us-east-1, publicly trusted)."""
    stack = Stack.of(imported)
    arn = json.dumps(stack.resolve(imported.certificate_arn))
    facts = certificate_facts(imported)
    problems: list[Problem] = []
    types = {kind for kind, _, _ in _USES}
    for node in stack.node.find_all():
        if not isinstance(node, CfnResource) or node.cfn_resource_type not in types:
            continue
        properties = _resolved_properties(stack, node)
        for kind, key, required in _USES:
            if node.cfn_resource_type != kind or arn not in json.dumps(properties.get(key)):
                continue
            region = required or stack.region
            if facts.private and kind == CLOUDFRONT_DISTRIBUTION:
                problems.append(
                    Problem(
                        "certificate",
                        node.node.path,
                        f"CloudFront only accepts publicly trusted certificates; {facts.path} comes from a private CA",
                        "use a PublicCertificate in us-east-1",
                    )
                )
            if facts.region is not None and not Token.is_unresolved(region) and facts.region != region:
                problems.append(
                    Problem(
                        "certificate",
                        node.node.path,
                        f"{node.node.path} uses ACM certificates of {region} only; {facts.path} is in {facts.region}",
                        f"request the certificate in {region} (a certificate in a stack of {region})",
                    )
                )
    return problems


@jsii.implements(IValidation)
class _ImportUseValidation:
    def __init__(self, imported: CertificateImport) -> None:
        self._imported = imported

    def validate(self) -> list[str]:
        return [
            f"[pki-constructs app check] {self._imported.node.path}: {problem.describe()}"
            for problem in import_use_problems(self._imported)
        ]


def certificate_in(
    certificate: acm.ICertificate, scope: Construct, id: str = "Certificate", *, field: str = "certificate"
) -> acm.ICertificate:
    """``certificate`` as an ``acm.ICertificate`` usable in ``scope``'s stack, without a CloudFormation export.

    A certificate of another stack is re-imported in ``scope`` as a :class:`CertificateImport` (carrying the
    source's facts) from its ARN, read through a :class:`~pki_constructs.cross_region.RegionalExport` published
    next to it (ours: its :meth:`~AcmCertificateBase.export_arn`). A literal ARN (an import) or a certificate of
    ``scope``'s own stack is returned as it is. A second call with the same ``scope`` and ``id`` returns the same
    import. A certificate of another account is refused on ``field`` (ACM certificates serve only their own
    account).

    :param field: the prop named when the certificate cannot be used there (a ``PkiValidationError`` at
        ``scope``). Default: - "certificate"
    """
    if Stack.of(certificate) is Stack.of(scope):
        return certificate
    source = getattr(certificate, "certificate_source", None)
    if source is not None:
        certificate = source  # an import used in a third stack: import the certificate itself there
        if Stack.of(certificate) is Stack.of(scope):
            return certificate
    if not Token.is_unresolved(certificate.certificate_arn):
        return certificate
    earlier = earlier_import(certificate, scope, id)  # type: ignore[arg-type]
    if earlier is not None:
        return earlier  # type: ignore[no-any-return]
    raise_if_any(scope, certificate_account_problems(certificate_facts(certificate), scope, field))
    raise_if_any(
        scope,
        environment_problems(
            Stack.of(certificate), Stack.of(scope), field=field, shown=certificate.node.path
        ),
    )
    if isinstance(certificate, AcmCertificateBase):
        arn = certificate.export_arn().value_in(scope)
    else:
        export = RegionalExport.of(
            certificate,  # type: ignore[arg-type]
            "PkiArnExport",
            value=certificate.certificate_arn,
            name=default_parameter_name(certificate, "certificate-arn"),
        )
        arn = export.value_in(scope)
    made = CertificateImport(scope, id, source=certificate, certificate_arn=arn)
    return remember_import(certificate, scope, id, made)  # type: ignore[arg-type, no-any-return]
