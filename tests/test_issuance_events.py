"""on_ca_certificate_issued: the rule matches CloudTrail's IssueCertificate for CA templates only."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from aws_cdk import aws_sns as sns
from moto.events.models import EventPattern

from pki_constructs import DistinguishedName, ExpiryTopic, PkiValidationError, RootCa
from tests.synth import ACCOUNT, make_stack, resources_of_type, template_of

CA_ARN = f"arn:aws:acm-pca:us-east-1:{ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555"

# Shaped like CloudTrail's record of IssueCertificate (AWS Private CA User Guide, "Logging AWS Private CA API
# calls using AWS CloudTrail", IssueCertificate example) as EventBridge delivers it: the record is "detail".
ISSUED_SUBORDINATE: dict[str, Any] = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "AWS API Call via CloudTrail",
    "source": "aws.acm-pca",
    "account": ACCOUNT,
    "time": "2026-11-29T08:00:00Z",
    "region": "us-east-1",
    "resources": [],
    "detail": {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/pkireference-pkirole/activation",
            "accountId": ACCOUNT,
        },
        "eventTime": "2026-11-29T08:00:00Z",
        "eventSource": "acm-pca.amazonaws.com",
        "eventName": "IssueCertificate",
        "awsRegion": "us-east-1",
        "requestParameters": {
            "certificateAuthorityArn": CA_ARN,
            "csr": "HIDDEN_DUE_TO_SECURITY_REASONS",
            "signingAlgorithm": "SHA256WITHRSA",
            "templateArn": "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1",
            "validity": {"value": 1825, "type": "DAYS"},
            "idempotencyToken": "1234",
        },
        "responseElements": {
            "certificateArn": f"{CA_ARN}/certificate/6707447683a9b7f4055627ffd55cebcc",
        },
        "requestID": "86a2b0b1-0000-4000-8000-000000000000",
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "readOnly": False,
    },
}


def _end_entity() -> dict[str, Any]:
    event = copy.deepcopy(ISSUED_SUBORDINATE)
    event["detail"]["requestParameters"]["templateArn"] = "arn:aws:acm-pca:::template/EndEntityCertificate/V1"
    return event


def _resolve(value: Any, ca_logical_id: str) -> Any:
    """The pattern as deployed in partition aws with the CA at CA_ARN (tokens replaced by their values)."""
    if isinstance(value, dict):
        if value.get("Fn::GetAtt") == [ca_logical_id, "Arn"]:
            return CA_ARN
        if value == {"Ref": "AWS::Partition"}:
            return "aws"
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return separator.join(_resolve(part, ca_logical_id) for part in parts)
        return {k: _resolve(v, ca_logical_id) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, ca_logical_id) for v in value]
    return value


def _deployed_pattern() -> tuple[EventPattern, dict[str, Any]]:
    stack = make_stack(name="Issuance", region="us-east-1")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Example Root CA G1"))
    topic = sns.Topic(stack, "Topic")
    root.on_ca_certificate_issued("CaCertificateIssued", topic=topic)
    template = template_of(stack)
    (ca_id,) = resources_of_type(template, "AWS::ACMPCA::CertificateAuthority")
    (rule,) = resources_of_type(template, "AWS::Events::Rule").values()
    pattern = _resolve(rule["Properties"]["EventPattern"], ca_id)
    return EventPattern.load(json.dumps(pattern)), rule


def test_rule_matches_issuance_of_a_subordinate_ca_certificate_by_this_ca() -> None:
    pattern, _ = _deployed_pattern()
    assert pattern.matches_event(ISSUED_SUBORDINATE)


def test_rule_does_not_match_end_entity_issuance() -> None:
    pattern, _ = _deployed_pattern()
    assert not pattern.matches_event(_end_entity())


def test_rule_does_not_match_another_ca() -> None:
    pattern, _ = _deployed_pattern()
    other = copy.deepcopy(ISSUED_SUBORDINATE)
    other["detail"]["requestParameters"]["certificateAuthorityArn"] = CA_ARN.replace("1111-2222", "9999-2222")
    assert not pattern.matches_event(other)


def test_notification_names_the_principal_and_the_template() -> None:
    _, rule = _deployed_pattern()
    (target,) = rule["Properties"]["Targets"]
    transformer = target["InputTransformer"]
    paths = set(transformer["InputPathsMap"].values())
    assert {"$.detail.userIdentity.arn", "$.detail.requestParameters.templateArn"} <= paths


# Every "Certificate Type: CA" template of the AWS Private CA User Guide ("AWS Private CA template varieties",
# template-varieties.html): base, CSRPassthrough, APIPassthrough and APICSRPassthrough tables.
CA_TEMPLATES = [
    "RootCACertificate/V1",
    "RootCACertificate_APIPassthrough/V1",
    *(f"SubordinateCACertificate_PathLen{n}/V1" for n in range(4)),
    *(
        f"{blank}SubordinateCACertificate_PathLen{n}_{variety}Passthrough/V1"
        for blank in ("", "Blank")
        for n in range(4)
        for variety in ("CSR", "API", "APICSR")
    ),
]
NON_CA_TEMPLATES = [
    "EndEntityCertificate/V1",
    "EndEntityServerAuthCertificate_APICSRPassthrough/V1",
    "BlankEndEntityCertificate_APIPassthrough/V1",
    "BlankEndEntityCertificate_APICSRPassthrough/V1",
    "CodeSigningCertificate_CSRPassthrough/V1",
    "OCSPSigningCertificate_APIPassthrough/V1",
]


def _issued_with(template: str) -> dict[str, Any]:
    event = copy.deepcopy(ISSUED_SUBORDINATE)
    event["detail"]["requestParameters"]["templateArn"] = f"arn:aws:acm-pca:::template/{template}"
    return event


@pytest.mark.parametrize("template", CA_TEMPLATES)
def test_rule_matches_every_ca_template(template: str) -> None:
    pattern, _ = _deployed_pattern()
    assert pattern.matches_event(_issued_with(template))


@pytest.mark.parametrize("template", NON_CA_TEMPLATES)
def test_rule_does_not_match_templates_that_make_no_ca(template: str) -> None:
    pattern, _ = _deployed_pattern()
    assert not pattern.matches_event(_issued_with(template))


def test_topic_may_be_published_to_only_by_this_rule() -> None:
    stack = make_stack(name="Issuance", region="us-east-1")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Example Root CA G1"))
    alerts = ExpiryTopic(stack, "Alerts")
    root.on_ca_certificate_issued("CaCertificateIssued", topic=alerts.topic)
    template = template_of(stack)
    (rule_id,) = resources_of_type(template, "AWS::Events::Rule")
    statements = [
        s
        for policy in resources_of_type(template, "AWS::SNS::TopicPolicy").values()
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": "events.amazonaws.com"}
    ]
    assert statements, "EventBridge needs a grant to publish"
    for statement in statements:
        assert statement["Condition"]["StringEquals"]["aws:SourceArn"] == {"Fn::GetAtt": [rule_id, "Arn"]}
        assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT


def test_fails_topic_in_another_region() -> None:
    stack = make_stack(name="Issuance", region="us-east-1")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Example Root CA G1"))
    far = sns.Topic.from_topic_arn(stack, "Far", f"arn:aws:sns:eu-west-1:{ACCOUNT}:far")
    with pytest.raises(PkiValidationError, match=r"topic=.*eu-west-1") as error:
        root.on_ca_certificate_issued("CaCertificateIssued", topic=far)
    assert {p.field for p in error.value.problems} == {"topic"}


def test_fails_without_topic_or_target() -> None:
    stack = make_stack(name="Issuance", region="us-east-1")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Example Root CA G1"))
    with pytest.raises(PkiValidationError, match="topic=None") as error:
        root.on_ca_certificate_issued("CaCertificateIssued")
    assert {p.field for p in error.value.problems} == {"topic"}


def test_fails_a_second_rule_with_one_id() -> None:
    """The second rule named ``Issued`` would be jsii's "There is already a Construct" RuntimeError."""
    stack = make_stack(name="Issuance", region="us-east-1")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Example Root CA G1"))
    root.on_ca_certificate_issued("Issued", topic=sns.Topic(stack, "First"))
    with pytest.raises(PkiValidationError, match="Root already has a child 'Issued'") as error:
        root.on_ca_certificate_issued("Issued", topic=sns.Topic(stack, "Second"))
    assert {p.field for p in error.value.problems} == {"id"}


def test_fails_a_topic_given_as_an_arn_string() -> None:
    stack = make_stack(name="Issuance", region="us-east-1")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Example Root CA G1"))
    with pytest.raises(PkiValidationError, match=r"topic=.*expected ITopic") as error:
        root.on_ca_certificate_issued("Issued", topic=f"arn:aws:sns:us-east-1:{ACCOUNT}:t")  # type: ignore[arg-type]
    assert {p.field for p in error.value.problems} == {"topic"}
