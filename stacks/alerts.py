"""The expiry alert topic each reference stack notifies, with an optional e-mail subscription."""

from __future__ import annotations

from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from pki_constructs import ExpiryTopic

from .config import ReferenceConfig


def expiry_topic(scope: Construct, config: ReferenceConfig) -> sns.ITopic:
    """An encrypted ExpiryTopic in ``scope``'s region (alarms can only notify topics of their own region)."""
    topic = ExpiryTopic(scope, "ExpiryTopic").topic
    if config.alarm_email:
        topic.add_subscription(subscriptions.EmailSubscription(config.alarm_email))
    return topic
