"""The one alarm shape both expiry alarms use (ACM certificates and Private CA certificates), kept apart from
the metric factories (:mod:`pki_constructs.expiry_metrics`), as cdk-monitoring-constructs keeps metric and
alarm factories apart."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from ._failures import notify_failures_to
from .expiry_topic import ExpiryTopic


def days_to_expiry_alarm(
    scope: Construct,
    *,
    metric: cloudwatch.IMetric,
    threshold_days: int,
    description: str,
    topic: sns.ITopic | None,
    create_topic: bool,
) -> tuple[cloudwatch.Alarm, ExpiryTopic | None, sns.ITopic | None]:
    """An alarm below ``threshold_days``, missing data *breaching* (an expired certificate publishes nothing),
    notifying ``topic`` or a new :class:`ExpiryTopic`. Returns the alarm, the created topic construct and the
    topic notified."""
    alarm = cloudwatch.Alarm(
        scope,
        "Resource",
        metric=metric,
        threshold=threshold_days,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
        alarm_description=description,
    )
    created = ExpiryTopic(scope, "Topic") if create_topic else None
    notified = created.topic if created else topic
    if notified is not None:
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(notified))
        notify_failures_to(scope, notified)  # handler failures reach the same people
    return alarm, created, notified
