"""Metric factories for days-to-expiry: ACM's own metric for ACM certificates, ours for Private CA certificates.

Both take aws-cdk-lib's ``cloudwatch.MetricOptions`` as keyword arguments, exactly like
``acm.ICertificate.metric_days_to_expiry`` (aws-cdk-lib ``aws-certificatemanager/lib/certificate-base.ts``):
``period`` defaults to the metric's natural period, while the namespace, metric name, dimension and the
statistic (``Minimum``) are fixed, because an alarm on any other shape would never see the right data.

This module loads only ``aws_cloudwatch``, so the CA and certificate modules can import it at module level.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch

ACM_METRIC_NAMESPACE = "AWS/CertificateManager"
DAYS_TO_EXPIRY = "DaysToExpiry"
CERTIFICATE_ARN_DIMENSION = "CertificateArn"

CA_METRIC_NAMESPACE = "PkiConstructs"
"""Our own CloudWatch namespace for CA certificates (``AWS/`` namespaces are reserved for AWS)."""
CERTIFICATE_AUTHORITY_ARN_DIMENSION = "CertificateAuthorityArn"

DEFAULT_CHECK_INTERVAL = Duration.hours(12)
"""How often the CA checker publishes; the CA metric's period is twice this."""


def ca_metric_period(check_interval: Duration) -> Duration:
    """Two checker runs per period: a run that is a little late or fails once does not leave a period empty
    (which, with missing data breaching, would fire the alarm)."""
    return Duration.minutes(2 * check_interval.to_minutes())


def acm_days_to_expiry_metric(
    certificate_arn: str,
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
    """``AWS/CertificateManager`` ``DaysToExpiry`` of one ACM certificate: Minimum, one day by default, with the
    ``CertificateArn`` dimension (the only way this library builds that metric). ACM publishes it once a day,
    in the certificate's region, and stops once the certificate has expired.

    The keyword arguments are ``cloudwatch.MetricOptions``. As in aws-cdk-lib, ``dimensions_map`` and
    ``statistic`` are ignored (the dimension and ``Minimum`` are what make the metric right).
    """
    del dimensions_map, statistic  # fixed, as in aws-cdk-lib's CertificateBase.metricDaysToExpiry
    return cloudwatch.Metric(
        namespace=ACM_METRIC_NAMESPACE,
        metric_name=DAYS_TO_EXPIRY,
        dimensions_map={CERTIFICATE_ARN_DIMENSION: certificate_arn},
        statistic=cloudwatch.Stats.MINIMUM,
        period=period or Duration.days(1),
        account=account,
        color=color,
        id=id,
        label=label,
        region=region,
        stack_account=stack_account,
        stack_region=stack_region,
        unit=unit,
        visible=visible,
    )


def ca_days_to_expiry_metric(
    certificate_authority_arn: str,
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
    """``PkiConstructs`` ``DaysToExpiry`` of one Private CA certificate: Minimum, with the
    ``CertificateAuthorityArn`` dimension; period by default twice the default check interval (one day).

    It has data only while a :class:`~pki_constructs.ca_expiry.CaExpiryAlarm` in the same account and region
    watches the CA. The keyword arguments are ``cloudwatch.MetricOptions``, as for ACM certificates;
    ``dimensions_map`` and ``statistic`` are ignored.
    """
    del dimensions_map, statistic
    return cloudwatch.Metric(
        namespace=CA_METRIC_NAMESPACE,
        metric_name=DAYS_TO_EXPIRY,
        dimensions_map={CERTIFICATE_AUTHORITY_ARN_DIMENSION: certificate_authority_arn},
        statistic=cloudwatch.Stats.MINIMUM,
        period=period or ca_metric_period(DEFAULT_CHECK_INTERVAL),
        account=account,
        color=color,
        id=id,
        label=label,
        region=region,
        stack_account=stack_account,
        stack_region=stack_region,
        unit=unit,
        visible=visible,
    )
