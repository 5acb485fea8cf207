"""ExpiryTopic and event routing: every service grant is scoped to its source (issue 18.4)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_events as events
from aws_cdk import aws_sns as sns

from pki_constructs import ExpiryAlarm, ExpiryTopic, PublicCertificate, ServiceCertificate
from pki_constructs.expiry_topic import PublishToTopic
from tests.scaffolding import fixture_zone
from tests.synth import make_app, make_stack, resources_of_type, template_of

CA_ARN = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"
ALARMS_OF_THIS_ACCOUNT = {
    "StringEquals": {"aws:SourceAccount": "111111111111"},
    "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:111111111111:alarm:*"},
}


def _statements(template: dict[str, Any], type_name: str, key: str) -> list[dict[str, Any]]:
    [resource] = resources_of_type(template, type_name).values()
    return resource["Properties"][key]["Statement"]  # type: ignore[no-any-return]


def _for(statements: list[dict[str, Any]], service: str) -> list[dict[str, Any]]:
    return [
        s
        for s in statements
        if isinstance(s.get("Principal"), dict)
        and s["Principal"].get("Service") == service
        and s["Effect"] == "Allow"
    ]


def _stack_with_routed_events() -> tuple[cdk.Stack, ExpiryAlarm]:
    stack = make_stack(make_app())
    cert = PublicCertificate(stack, "Cert", domain_name="www.example.com", hosted_zone=fixture_zone(stack))
    topic = ExpiryTopic(stack, "Alerts")
    alarm = cert.add_expiry_alarm(topic=topic.topic)
    alarm.on_expiry_event()
    alarm.on_renewal_failed()
    return stack, alarm


def test_cloudwatch_may_publish_and_use_the_key_only_for_alarms_of_this_account_and_region() -> None:
    stack, _ = _stack_with_routed_events()
    template = template_of(stack)
    [publish] = _for(
        _statements(template, "AWS::SNS::TopicPolicy", "PolicyDocument"), "cloudwatch.amazonaws.com"
    )
    assert publish["Condition"] == ALARMS_OF_THIS_ACCOUNT
    [key] = _for(_statements(template, "AWS::KMS::Key", "KeyPolicy"), "cloudwatch.amazonaws.com")
    assert key["Condition"] == ALARMS_OF_THIS_ACCOUNT
    assert sorted(key["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]


def test_eventbridge_may_publish_only_from_the_rules_that_target_the_topic() -> None:
    stack, _ = _stack_with_routed_events()
    template = template_of(stack)
    rules = resources_of_type(template, "AWS::Events::Rule")
    publish = _for(_statements(template, "AWS::SNS::TopicPolicy", "PolicyDocument"), "events.amazonaws.com")
    assert sorted(
        s["Condition"]["StringEquals"]["aws:SourceArn"]["Fn::GetAtt"][0] for s in publish
    ) == sorted(rules)
    for statement in publish:
        assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == "111111111111"
    # SNS documents aws:SourceAccount/aws:SourceArn as unsupported in key policies for EventBridge: none here.
    [key] = _for(_statements(template, "AWS::KMS::Key", "KeyPolicy"), "events.amazonaws.com")
    assert "Condition" not in key


def test_no_unconditioned_service_grant_anywhere() -> None:
    stack, _ = _stack_with_routed_events()
    template = template_of(stack)
    for statement in _statements(template, "AWS::SNS::TopicPolicy", "PolicyDocument"):
        if statement["Effect"] == "Allow":
            assert "aws:SourceArn" in str(statement["Condition"]), statement


def test_rules_route_acm_and_health_events_of_the_certificate_to_the_topic() -> None:
    stack, alarm = _stack_with_routed_events()
    rules = list(resources_of_type(template_of(stack), "AWS::Events::Rule").values())
    sources = sorted(r["Properties"]["EventPattern"]["source"][0] for r in rules)
    assert sources == ["aws.acm", "aws.health"]
    for rule in rules:
        assert rule["Properties"]["EventPattern"]["resources"] == [stack.resolve(alarm.certificate_arn)]
        [target] = rule["Properties"]["Targets"]
        assert target["Arn"] == stack.resolve(alarm.topic.topic_arn)  # type: ignore[union-attr]


def test_certificates_have_on_methods_that_return_rules() -> None:
    stack = make_stack(make_app())
    public = PublicCertificate(stack, "Cert", domain_name="www.example.com", hosted_zone=fixture_zone(stack))
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Ca", CA_ARN)
    service = ServiceCertificate(stack, "Svc", certificate_authority=ca, domain_name="svc.internal.example")
    topic = sns.Topic(stack, "Plain")
    for cert in (public, service):
        expiry = cert.on_expiry_event("Expiry", target=PublishToTopic(topic))
        renewal = cert.on_renewal_failed("Renewal")
        assert isinstance(expiry, events.Rule) and isinstance(renewal, events.Rule)
        assert expiry.node.scope is cert
    resources = sorted(
        str(stack.resolve(r["Properties"]["EventPattern"]["resources"]))
        for r in resources_of_type(template_of(stack), "AWS::Events::Rule").values()
    )
    arns = [str(stack.resolve([c.certificate_arn])) for c in (public, service)]
    assert resources == sorted(arns * 2)
