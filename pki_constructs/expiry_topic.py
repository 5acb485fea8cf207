"""The notification topic of expiry alarms and events, and how alarms and rules get to publish to it.

Every service-principal grant is scoped to its source (confused-deputy guard, IAM user guide
"The confused deputy problem"):

- CloudWatch alarms: ``sns:Publish`` on the topic and ``kms:Decrypt``/``kms:GenerateDataKey*`` on its key,
  each with ``aws:SourceAccount`` = this account and ``aws:SourceArn`` like
  ``arn:<partition>:cloudwatch:<region>:<account>:alarm:*`` (the alarms of this account and region);
- EventBridge rules: ``sns:Publish`` with ``aws:SourceAccount`` and ``aws:SourceArn`` = the exact rule ARN,
  added per rule by :func:`grant_publish_from_rule`. Its KMS statement has no source conditions: the Amazon SNS
  developer guide (sns-key-management.html, "Enable compatibility between event sources from AWS services and
  encrypted topics") says ``aws:SourceAccount``/``aws:SourceArn``/``aws:SourceOrgID`` are not supported in
  a key policy for EventBridge; a condition there would silently drop every notification.
"""

from __future__ import annotations

import jsii
from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk.interfaces import aws_events as events_refs
from constructs import Construct

from ._failures import notify_failures_to
from .inputs import typed_props

CLOUDWATCH = "cloudwatch.amazonaws.com"
EVENTS = "events.amazonaws.com"
KEY_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey*")
"""What a service needs on the topic's key to publish to an encrypted topic (SNS developer guide,
sns-key-management.html)."""


def alarms_source_arn(scope: Construct) -> str:
    """``arn:<partition>:cloudwatch:<region>:<account>:alarm:*`` of ``scope``'s stack."""
    return Stack.of(scope).format_arn(
        service="cloudwatch", resource="alarm", resource_name="*", arn_format=ArnFormat.COLON_RESOURCE_NAME
    )


def grant_publish_from_rule(topic: sns.ITopic, rule: events_refs.IRuleRef) -> None:
    """Let exactly ``rule`` publish to ``topic``: a topic-policy statement for ``events.amazonaws.com`` with
    ``aws:SourceAccount`` and ``aws:SourceArn`` = the rule's ARN, and (for an encrypted topic whose key this
    app manages) the key use EventBridge needs."""
    stack = Stack.of(rule)
    rule_arn = rule.rule_ref.rule_arn
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal(EVENTS)],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={"StringEquals": {"aws:SourceAccount": stack.account, "aws:SourceArn": rule_arn}},
        )
    )
    key: kms.IKey | None = topic.master_key
    if key is not None:
        # No source conditions: unsupported for EventBridge in key policies (see the module docstring).
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowEventBridgeToPublishEncrypted",
                principals=[iam.ServicePrincipal(EVENTS)],
                actions=list(KEY_ACTIONS),
                resources=["*"],
            )
        )


@jsii.implements(events.IRuleTarget)
class PublishToTopic:
    """An EventBridge target that publishes to an SNS topic through :func:`grant_publish_from_rule`, instead
    of aws-cdk-lib's ``targets.SnsTopic``, whose grant to ``events.amazonaws.com`` has no source condition.

    :param message: what to publish. Default: - the event itself
    """

    def __init__(self, topic: sns.ITopic, *, message: events.RuleTargetInput | None = None) -> None:
        self.topic = topic
        self.message = message

    def bind(self, rule: events_refs.IRuleRef, id: str | None = None) -> events.RuleTargetConfig:
        grant_publish_from_rule(self.topic, rule)
        return events.RuleTargetConfig(
            arn=self.topic.topic_arn, target_resource=self.topic, input=self.message
        )


class ExpiryTopic(Construct):
    """An SNS topic for expiry notifications that passes cdk-nag: encrypted with its own KMS key (rotation
    on), SSL-only, and open only to the CloudWatch alarms of this account and region (and to the EventBridge
    rules that target it through this library, each by its ARN).

    Share one per region: every alarm and rule of that region can use ``topic``; the failure alarms of the
    library's handlers in its stack notify it as well.

    :param display_name: the topic's display name. Default: - "Certificate expiry"
    :param master_key: encrypt with this key instead of a new one. A key construct of this app gets the
        statements below; the policy of an imported key must let ``cloudwatch.amazonaws.com`` (and
        ``events.amazonaws.com``) use ``kms:Decrypt`` and ``kms:GenerateDataKey*``.
        Default: - a new customer-managed key with yearly rotation
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        display_name: str = "Certificate expiry",
        master_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.key: kms.IKey = master_key or kms.Key(
            self,
            "Key",
            enable_key_rotation=True,
            description="pki-constructs: encrypts certificate expiry notifications",
        )
        self.topic = sns.Topic(
            self, "Resource", master_key=self.key, enforce_ssl=True, display_name=display_name
        )
        account = Stack.of(self).account
        from_our_alarms = {
            "StringEquals": {"aws:SourceAccount": account},
            "ArnLike": {"aws:SourceArn": alarms_source_arn(self)},
        }
        # An explicit topic policy replaces SNS's default one, so CloudWatch needs its own statement.
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsOfThisAccount",
                principals=[iam.ServicePrincipal(CLOUDWATCH)],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions=from_our_alarms,
            )
        )
        # CloudWatch encrypts the message through SNS with this key.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsOfThisAccount",
                principals=[iam.ServicePrincipal(CLOUDWATCH)],
                actions=list(KEY_ACTIONS),
                resources=["*"],
                conditions=from_our_alarms,
            )
        )

        # The stack's handler-failure alarms (CloudWatch alarms of this account, admitted above) notify it too.
        notify_failures_to(self, self.topic)

    @property
    def topic_arn(self) -> str:
        return self.topic.topic_arn
