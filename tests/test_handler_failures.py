"""Failures of the asynchronous handlers are seen (issue 12.5): retries, a dead-letter queue on the function
and on its EventBridge targets, and alarms on errors and dead letters that notify the expiry topics."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match

from pki_constructs import (
    CaExpiryAlarm,
    DistinguishedName,
    ExpiryTopic,
    RootCa,
    ServiceCertificate,
    SubordinateCa,
)
from pki_constructs._failures import MAX_EVENT_AGE, RETRY_ATTEMPTS
from tests.gate_apps import built
from tests.synth import make_stack, resources_of_type, template_of

CA_ARN = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"
CHECKER = "pki_handlers.ca_expiry.handler"
RENEWAL = "pki_handlers.cert_export.handler"


def _function(template: dict[str, Any], handler: str) -> tuple[str, dict[str, Any]]:
    [(logical_id, function)] = [
        (k, f)
        for k, f in resources_of_type(template, "AWS::Lambda::Function").items()
        if f["Properties"]["Handler"] == handler
    ]
    return logical_id, function["Properties"]


def _failure_alarms(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        a["Properties"]
        for a in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["Namespace"] in ("AWS/Lambda", "AWS/SQS")
    ]


@pytest.fixture(scope="module")
def app() -> dict[str, Any]:
    built_app = built("handler_failures")
    return {**built_app, "template": template_of(built_app["stack"])}


@pytest.mark.parametrize("handler", [CHECKER, RENEWAL])
def test_async_handlers_retry_and_dead_letter(app: dict[str, Any], handler: str) -> None:
    template = app["template"]
    logical_id, function = _function(template, handler)
    queue_arn = function["DeadLetterConfig"]["TargetArn"]
    [queue_id, _] = queue_arn["Fn::GetAtt"]
    queue = template["Resources"][queue_id]["Properties"]
    assert queue["SqsManagedSseEnabled"] is True
    [invoke_config] = [
        c["Properties"]
        for c in resources_of_type(template, "AWS::Lambda::EventInvokeConfig").values()
        if c["Properties"]["FunctionName"] == {"Ref": logical_id}
    ]
    assert invoke_config["MaximumRetryAttempts"] == RETRY_ATTEMPTS
    assert invoke_config["MaximumEventAgeInSeconds"] == MAX_EVENT_AGE.to_seconds()
    targets = [
        t
        for r in resources_of_type(template, "AWS::Events::Rule").values()
        for t in r["Properties"]["Targets"]
        if t["Arn"] == {"Fn::GetAtt": [logical_id, "Arn"]}
    ]
    assert targets and all(t["DeadLetterConfig"]["Arn"] == queue_arn for t in targets)
    assert all(t["RetryPolicy"]["MaximumRetryAttempts"] >= 2 for t in targets)
    policies = [
        p["Properties"]["PolicyDocument"]["Statement"]
        for p in resources_of_type(template, "AWS::SQS::QueuePolicy").values()
        if {"Ref": queue_id} in p["Properties"]["Queues"]
    ]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for statements in policies
        for s in statements
    )


@pytest.mark.parametrize("handler", [CHECKER, RENEWAL])
def test_errors_and_dead_letters_alarm_the_expiry_topic(app: dict[str, Any], handler: str) -> None:
    template, stack = app["template"], app["stack"]
    logical_id, function = _function(template, handler)
    [queue_id, _] = function["DeadLetterConfig"]["TargetArn"]["Fn::GetAtt"]
    topic_ref = stack.resolve(app["topic"].topic.topic_arn)
    watched = {
        (a["MetricName"], str(a["Dimensions"][0]["Value"])): a["AlarmActions"]
        for a in _failure_alarms(template)
    }
    assert watched[("Errors", str({"Ref": logical_id}))] == [topic_ref]
    assert watched[("ApproximateNumberOfMessagesVisible", str({"Fn::GetAtt": [queue_id, "QueueName"]}))] == [
        topic_ref
    ]


def _ca(stack: Any) -> Any:
    """The CA known by ARN, imported once per stack (a CA is named by the interface, not a string)."""
    return stack.node.try_find_child("Ca") or SubordinateCa.from_certificate_authority_attributes(
        stack, "Ca", certificate_authority_arn=CA_ARN
    )


def test_every_topic_is_notified_once() -> None:
    stack = make_stack()
    topic = sns.Topic(stack, "Ops")
    CaExpiryAlarm(stack, "A", certificate_authority=_ca(stack), topic=topic)
    CaExpiryAlarm(stack, "B", certificate_authority=_ca(stack), threshold=Duration.days(30), topic=topic)
    alarms = _failure_alarms(template_of(stack))
    assert len(alarms) == 2 and all(len(a["AlarmActions"]) == 1 for a in alarms)


def test_failure_alarms_exist_without_a_topic() -> None:
    stack = make_stack()
    CaExpiryAlarm(stack, "A", certificate_authority=_ca(stack))
    alarms = _failure_alarms(template_of(stack))
    assert len(alarms) == 2 and all("AlarmActions" not in a for a in alarms)


def _failure_warnings(stack: Any) -> list[Any]:
    return Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("handler-failure alarm.*no alarm action")
    )


def test_warns_when_failure_alarms_notify_nobody() -> None:
    stack = make_stack()
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Example Root CA G1"))
    issuing = SubordinateCa(stack, "Issuing", parent=root, subject=DistinguishedName(common_name="Issuing"))
    ServiceCertificate(
        stack, "Svc", certificate_authority=issuing, domain_name="svc.internal.example", export=True
    )
    root.add_expiry_alarm(threshold=Duration.days(365))
    (warning,) = _failure_warnings(stack)
    assert "ExpiryTopic" in str(warning.entry.data)


def test_no_warning_once_a_topic_is_registered_later() -> None:
    stack = make_stack()
    CaExpiryAlarm(stack, "A", certificate_authority=_ca(stack))
    ExpiryTopic(stack, "Alerts")  # after the alarms: still notified, nothing to warn about
    assert _failure_warnings(stack) == []
