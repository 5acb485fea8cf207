"""Issuance you can see: an EventBridge rule for each CA certificate a CA issues, from CloudTrail.

AWS Private CA emits no event of its own when it issues a certificate; CloudTrail records every
``IssueCertificate`` call as a management (write) event, which EventBridge receives as
``AWS API Call via CloudTrail`` while a trail with logging enabled exists (Amazon EventBridge User Guide,
"AWS service events delivered via AWS CloudTrail"). See ``CertificateAuthorityBase.on_ca_certificate_issued``.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sns as sns
from constructs import Construct

__all__ = ["SUBORDINATE_TEMPLATE_PREFIX", "ca_certificate_issued_pattern", "ca_certificate_issued_rule"]

SUBORDINATE_TEMPLATE_PREFIX = "template/SubordinateCACertificate_PathLen"
"""The resource part of every subordinate-CA template ARN (``SubordinateCACertificate_PathLen<n>/V1`` and
its CSRPassthrough/APIPassthrough variants): the templates that make a CA certificate."""


def ca_certificate_issued_pattern(certificate_authority_arn: str, partition: str) -> events.EventPattern:
    """CloudTrail ``IssueCertificate`` events on this CA with a subordinate-CA template.

    In CloudTrail's record of ``IssueCertificate`` the CA and the template are request parameters
    (``requestParameters.certificateAuthorityArn``, ``requestParameters.templateArn``, botocore acm-pca model
    member names in camelCase).
    """
    return events.EventPattern(
        source=["aws.acm-pca"],
        detail_type=["AWS API Call via CloudTrail"],
        detail={
            "eventSource": ["acm-pca.amazonaws.com"],
            "eventName": ["IssueCertificate"],
            "requestParameters": {
                "certificateAuthorityArn": [certificate_authority_arn],
                "templateArn": [{"prefix": f"arn:{partition}:acm-pca:::{SUBORDINATE_TEMPLATE_PREFIX}"}],
            },
        },
    )


def ca_certificate_issued_rule(
    scope: Construct,
    id: str,
    *,
    certificate_authority_arn: str,
    topic: sns.ITopic | None,
    target: events.IRuleTarget | None,
    description: str,
) -> events.Rule:
    """The rule behind ``on_ca_certificate_issued``; ``topic`` gets a short JSON message."""
    rule = events.Rule(
        scope,
        id,
        description=description,
        event_pattern=ca_certificate_issued_pattern(certificate_authority_arn, Stack.of(scope).partition),
    )
    if topic is not None:
        message: dict[str, Any] = {
            "event": "CA certificate issued",
            "certificateAuthorityArn": events.EventField.from_path(
                "$.detail.requestParameters.certificateAuthorityArn"
            ),
            "templateArn": events.EventField.from_path("$.detail.requestParameters.templateArn"),
            "issuedBy": events.EventField.from_path("$.detail.userIdentity.arn"),
            "time": events.EventField.time,
            "account": events.EventField.account,
            "region": events.EventField.region,
            "requestId": events.EventField.from_path("$.detail.requestID"),
        }
        rule.add_target(targets.SnsTopic(topic, message=events.RuleTargetInput.from_object(message)))
    if target is not None:
        rule.add_target(target)
    return rule
