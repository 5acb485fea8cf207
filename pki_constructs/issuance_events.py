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
from aws_cdk import aws_sns as sns
from constructs import Construct

from . import _arn
from .errors import Problem, raise_if_any
from .expiry_topic import PublishToTopic

__all__ = ["CA_TEMPLATE_PREFIXES", "ca_certificate_issued_pattern", "ca_certificate_issued_rule"]

CA_TEMPLATE_PREFIXES = (
    "template/RootCACertificate",
    "template/SubordinateCACertificate_PathLen",
    "template/BlankSubordinateCACertificate_PathLen",
)
"""The resource parts that start every template ARN whose "Certificate Type" is CA in the AWS Private CA User
Guide ("AWS Private CA template varieties", template-varieties.html): ``RootCACertificate/V1`` and
``RootCACertificate_APIPassthrough/V1``; ``SubordinateCACertificate_PathLen<0-3>/V1`` and its ``_CSRPassthrough``,
``_APIPassthrough``, ``_APICSRPassthrough`` variants; ``BlankSubordinateCACertificate_PathLen<0-3>_{CSR,API,APICSR}
Passthrough/V1``. No end-entity, code-signing or OCSP template starts with them (``BlankEndEntityCertificate_*``
templates enforce ``CA:FALSE``)."""


def ca_certificate_issued_pattern(certificate_authority_arn: str, partition: str) -> events.EventPattern:
    """CloudTrail ``IssueCertificate`` events on this CA with a CA template (:data:`CA_TEMPLATE_PREFIXES`).

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
                "templateArn": [
                    {"prefix": f"arn:{partition}:acm-pca:::{prefix}"} for prefix in CA_TEMPLATE_PREFIXES
                ],
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
    """The rule behind ``on_ca_certificate_issued``; ``topic`` gets a short JSON message, published through
    :class:`~pki_constructs.expiry_topic.PublishToTopic` (only this rule may publish, by its ARN)."""
    raise_if_any(scope, target_problems(scope, topic=topic, target=target))
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
        rule.add_target(PublishToTopic(topic, message=events.RuleTargetInput.from_object(message)))
    if target is not None:
        rule.add_target(target)
    return rule


def target_problems(
    scope: Construct, *, topic: sns.ITopic | None, target: events.IRuleTarget | None
) -> list[Problem]:
    """A rule needs somewhere to send; EventBridge publishes to SNS topics of the rule's own region only."""
    if topic is None and target is None:
        return [Problem("topic", None, "a rule without a target notifies nobody", "pass topic= or target=")]
    if topic is None:
        return []
    topic_region = _arn.region_of(topic.topic_arn) or topic.env.region
    region = Stack.of(scope).region
    if _arn.is_literal(topic_region) and _arn.is_literal(region) and topic_region != region:
        return [
            Problem(
                "topic",
                topic.topic_arn,
                f"the topic is in {topic_region}; EventBridge rules target SNS topics of their own region "
                f"({region}, the CA's region where CloudTrail delivers the event)",
                f"pass a topic in {region}",
            )
        ]
    return []
