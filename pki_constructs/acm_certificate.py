"""What our ACM certificates share: being an ``aws_certificatemanager.ICertificate``.

``PublicCertificate`` and ``ServiceCertificate`` each wrap one aws-cdk-lib certificate L2 (``_resource``); this base
gives both the interface's members (ARN, reference, removal policy, ``metric_days_to_expiry`` with aws-cdk-lib's
``MetricOptions``) and the ``on_*`` event rules, written once.
"""

from __future__ import annotations

from collections.abc import Mapping

import jsii
from aws_cdk import Duration, RemovalPolicy, Resource
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk.interfaces import aws_certificatemanager as acm_refs

from .expiry_events import on_expiry_event, on_renewal_failed
from .expiry_metrics import acm_days_to_expiry_metric


@jsii.implements(acm.ICertificate)
class AcmCertificateBase(Resource):
    """The shared base of our ACM certificates; subclasses set ``_resource`` in their constructor."""

    _resource: acm.ICertificate

    @property
    def certificate_arn(self) -> str:
        """The certificate's ARN, valid in this construct's stack."""
        return self._resource.certificate_arn

    @property
    def certificate_ref(self) -> acm_refs.CertificateReference:
        """A reference to this certificate (``ICertificateRef``)."""
        return acm_refs.CertificateReference(certificate_arn=self.certificate_arn)

    def apply_removal_policy(self, policy: RemovalPolicy) -> None:
        """Apply ``policy`` to the ``AWS::CertificateManager::Certificate`` (``IResource``; the default
        ``Resource`` implementation needs a CloudFormation resource as default child, ours is an L2)."""
        self._resource.apply_removal_policy(policy)

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
        ``dimensions_map`` and ``statistic`` are ignored there too.

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
