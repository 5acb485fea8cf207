"""Metric factories for days-to-expiry: ACM's own metric for ACM certificates, ours for Private CA certificates.

Both take aws-cdk-lib's ``cloudwatch.MetricOptions`` as keyword arguments, exactly like
``acm.ICertificate.metric_days_to_expiry`` (aws-cdk-lib ``aws-certificatemanager/lib/certificate-base.ts``):
``period`` defaults to the metric's natural period, while the namespace, metric name, dimension, the
statistic (``Minimum``) and the region are fixed, because an alarm on any other shape would never see the right
data. aws-cdk-lib 2.275.0 builds ``new Metric({period: Duration.days(1), ...props, dimensionsMap, metricName,
namespace, region: this.region, statistic: Stats.MINIMUM})``: a caller's ``region`` is replaced by the
certificate's own (``undefined`` for a certificate: the region of the stack that uses the metric), so a
``region=`` that points elsewhere never yields a metric with no data. We do the same.

This module loads only ``aws_cloudwatch`` and ``errors``, so the CA and certificate modules can import it at module
level.
"""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch

from .errors import PkiValidationError, Problem

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


_HIGH_RESOLUTION_PERIODS = (1, 5, 10, 30)


def period_problems(period: Duration | None) -> list[Problem]:
    """A metric period CloudWatch accepts: 1, 5, 10, 30 or a multiple of 60 seconds (aws-cdk-lib's
    ``cloudwatch.Metric`` raises a raw jsii ``RuntimeError`` otherwise). A token is unknown, not wrong."""
    if period is None or period.is_unresolved():
        return []
    seconds = period.to_seconds(integral=False)
    if seconds in _HIGH_RESOLUTION_PERIODS or (seconds >= 60 and seconds % 60 == 0):
        return []
    return [
        Problem(
            "period",
            period.to_human_string(),
            "CloudWatch metric periods are 1, 5, 10, 30 seconds or a multiple of 60 seconds",
            "use e.g. Duration.days(1) (the default) or Duration.hours(6)",
        )
    ]


def _check_period(period: Duration | None) -> None:
    problems = period_problems(period)
    if problems:
        raise PkiValidationError("metric_days_to_expiry", problems)


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

    The keyword arguments are ``cloudwatch.MetricOptions``. As in aws-cdk-lib, ``dimensions_map``,
    ``statistic`` and ``region`` are ignored (the dimension, ``Minimum`` and the region the data is published in
    are what make the metric right).
    """
    del dimensions_map, statistic, region  # fixed, as in aws-cdk-lib's CertificateBase.metricDaysToExpiry
    _check_period(period)
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
    ``dimensions_map``, ``statistic`` and ``region`` are ignored (the checker publishes in its own stack's
    region, the region of the stack that uses the metric).
    """
    del dimensions_map, statistic, region
    _check_period(period)
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
        stack_account=stack_account,
        stack_region=stack_region,
        unit=unit,
        visible=visible,
    )
