"""ACM's own expiry and renewal signals as EventBridge rules, and ACM's account-wide expiry-events setting.

The ``on_*`` methods of :class:`~pki_constructs.PublicCertificate`, :class:`~pki_constructs.ServiceCertificate`
and :class:`~pki_constructs.ExpiryAlarm` build their rules here. Each rule matches one certificate by its ARN in
the event's ``resources`` (where ACM and AWS Health list the affected certificate); sources: ACM user guide,
"Amazon EventBridge support for ACM" (supported-events.html).
"""

from __future__ import annotations

from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_events as events
from constructs import Construct

ACM_EXPIRY_EVENT_TYPES = ("ACM Certificate Approaching Expiration", "ACM Certificate Expired")
"""``aws.acm`` EventBridge detail-types about expiry. "Approaching Expiration" is sent daily from 45 days
(private/imported) or 30 days (public) before expiry; configurable account-wide (1-45 days)."""

ACM_HEALTH_EVENT_CODES = ("AWS_ACM_RENEWAL_STATE_CHANGE", "CAA_CHECK_FAILURE", "AWS_ACM_RENEWAL_FAILURE")
"""AWS Health event type codes ACM raises when a renewal needs action or failed (same page)."""


def on_expiry_event(
    scope: Construct,
    id: str,
    *,
    certificate_arn: str,
    target: events.IRuleTarget | None = None,
    description: str | None = None,
    rule_name: str | None = None,
) -> events.Rule:
    """A rule for ACM's "Approaching Expiration" and "Expired" events of one certificate."""
    return events.Rule(
        scope,
        id,
        description=description or "ACM expiry events of one certificate",
        rule_name=rule_name,
        event_pattern=events.EventPattern(
            source=["aws.acm"], detail_type=list(ACM_EXPIRY_EVENT_TYPES), resources=[certificate_arn]
        ),
        targets=[target] if target is not None else None,
    )


def on_renewal_failed(
    scope: Construct,
    id: str,
    *,
    certificate_arn: str,
    target: events.IRuleTarget | None = None,
    description: str | None = None,
    rule_name: str | None = None,
) -> events.Rule:
    """A rule for the AWS Health events ACM raises when renewing one certificate needs action or failed."""
    return events.Rule(
        scope,
        id,
        description=description or "AWS Health renewal events of one ACM certificate",
        rule_name=rule_name,
        event_pattern=events.EventPattern(
            source=["aws.health"],
            detail_type=["AWS Health Event"],
            resources=[certificate_arn],
            detail={"service": ["ACM"], "eventTypeCode": list(ACM_HEALTH_EVENT_CODES)},
        ),
        targets=[target] if target is not None else None,
    )


def account_expiry_events_configuration(
    scope: Construct, id: str, *, days_before_expiry: int
) -> acm.CfnAccount:
    """The account-wide, per-region ACM setting for when "Approaching Expiration" events start
    (``AWS::CertificateManager::Account``, a singleton per account and region)."""
    return acm.CfnAccount(
        scope,
        id,
        expiry_events_configuration=acm.CfnAccount.ExpiryEventsConfigurationProperty(
            days_before_expiry=days_before_expiry
        ),
    )
