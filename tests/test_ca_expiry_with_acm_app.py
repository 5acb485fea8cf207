"""Issue 5's "done when": a public certificate (CloudFront, us-east-1), an ALB certificate (ACM private, issued
by our subordinate CA, eu-west-1) and a root + subordinate CA get correct expiry alarms in the right regions,
with one call each, and cdk-nag has nothing to say about them."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53

from pki_constructs import (
    DistinguishedName,
    ExpiryAlarm,
    ExpiryTopic,
    PublicCertificate,
    RootCa,
    SubordinateCa,
)
from tests.nag import nag_findings
from tests.synth import cfn_lint_errors, make_app, make_stack, resources_of_type, template_of

OURS = ("ExpiryAlarm", "Alerts", "PkiConstructsCaExpiryMonitor")


@pytest.fixture(scope="module")
def app() -> dict[str, Any]:
    app = make_app()
    edge = make_stack(app, "Edge", region="us-east-1")
    regional = make_stack(app, "Regional", region="eu-west-1")

    zone = route53.HostedZone.from_hosted_zone_attributes(
        edge, "Zone", hosted_zone_id="Z0123456789ABCDEF", zone_name="example.com"
    )
    cdn_cert = PublicCertificate(edge, "CdnCertificate", domain_name="www.example.com", hosted_zone=zone)
    root = RootCa(regional, "Root", subject=DistinguishedName(common_name="Example Root CA G1", country="US"))
    sub = SubordinateCa(
        regional,
        "Issuing",
        parent=root,
        subject=DistinguishedName(common_name="Example Issuing CA G1", country="US"),
    )
    alb_cert = acm.PrivateCertificate(
        regional,
        "AlbCertificate",
        domain_name="api.internal.example",
        certificate_authority=sub,
    )
    edge_alerts = ExpiryTopic(edge, "Alerts")
    regional_alerts = ExpiryTopic(regional, "Alerts")

    # One call each.
    cdn_alarm = cdn_cert.add_expiry_alarm(topic=edge_alerts.topic)
    cdn_alarm.on_expiry_event()
    cdn_alarm.on_renewal_failed()
    ExpiryAlarm(regional, "AlbCertificateExpiryAlarm", certificate=alb_cert, topic=regional_alerts.topic)
    root.add_expiry_alarm(topic=regional_alerts.topic, threshold=Duration.days(365))
    sub.add_expiry_alarm(topic=regional_alerts.topic, threshold=Duration.days(400))

    return {
        "app": app,
        "edge": edge,
        "regional": regional,
        "cdn_cert": cdn_cert,
        "alb_cert": alb_cert,
        "root": root,
        "sub": sub,
        "edge_template": template_of(edge),
        "regional_template": template_of(regional),
        "edge_alerts": edge_alerts,
        "regional_alerts": regional_alerts,
    }


def _alarms(template: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    found = {}
    for alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props.get("MetricName") != "DaysToExpiry":
            continue  # a handler's failure alarm (pki_constructs/_failures.py)
        [dimension] = props["Dimensions"]
        found[(props["Namespace"], dimension["Name"], str(dimension["Value"]))] = props
    return found


def test_every_alarm_is_in_its_certificates_region(app: dict[str, Any]) -> None:
    edge, regional = app["edge"], app["regional"]
    edge_alarms = _alarms(app["edge_template"])
    regional_alarms = _alarms(app["regional_template"])

    cdn = ("AWS/CertificateManager", "CertificateArn", str(edge.resolve(app["cdn_cert"].certificate_arn)))
    alb = ("AWS/CertificateManager", "CertificateArn", str(regional.resolve(app["alb_cert"].certificate_arn)))
    root = (
        "PkiConstructs",
        "CertificateAuthorityArn",
        str(regional.resolve(app["root"].certificate_authority_arn)),
    )
    sub = (
        "PkiConstructs",
        "CertificateAuthorityArn",
        str(regional.resolve(app["sub"].certificate_authority_arn)),
    )
    assert set(edge_alarms) == {cdn}
    assert set(regional_alarms) == {alb, root, sub}

    assert edge_alarms[cdn]["AlarmActions"] == [edge.resolve(app["edge_alerts"].topic_arn)]
    for key, threshold in ((alb, 30), (root, 365), (sub, 400)):
        assert regional_alarms[key]["Threshold"] == threshold
        assert regional_alarms[key]["AlarmActions"] == [regional.resolve(app["regional_alerts"].topic_arn)]
    for alarm in [*edge_alarms.values(), *regional_alarms.values()]:
        assert (alarm["Statistic"], alarm["TreatMissingData"]) == ("Minimum", "breaching")


def test_acm_events_reach_the_edge_topic(app: dict[str, Any]) -> None:
    rules = resources_of_type(app["edge_template"], "AWS::Events::Rule").values()
    sources = sorted(r["Properties"]["EventPattern"]["source"][0] for r in rules)
    assert sources == ["aws.acm", "aws.health"]
    for rule in rules:
        assert rule["Properties"]["Targets"][0]["Arn"] == app["edge"].resolve(app["edge_alerts"].topic_arn)


def test_no_account_wide_acm_configuration_was_taken_over(app: dict[str, Any]) -> None:
    for template in (app["edge_template"], app["regional_template"]):
        assert resources_of_type(template, "AWS::CertificateManager::Account") == {}


def test_cdk_nag_passes(app: dict[str, Any]) -> None:
    findings = nag_findings(app["app"])
    assert [f for f in findings if any(part in f for part in OURS)] == []  # ours first, for a clear message
    assert findings == []


@pytest.mark.parametrize(("stack", "region"), [("edge", "us-east-1"), ("regional", "eu-west-1")])
def test_cfn_lint_clean(app: dict[str, Any], stack: str, region: str) -> None:
    assert cfn_lint_errors(template_of(app[stack]), [region]) == []


def test_the_stacks_are_deployable_without_cross_region_references(app: dict[str, Any]) -> None:
    assembly = app["app"].synth()
    for stack in ("Edge", "Regional"):
        template = assembly.get_stack_by_name(stack).template
        assert "Fn::ImportValue" not in str(template)
        assert "Outputs" not in template or not any("ExportsOutput" in k for k in template["Outputs"])
    assert isinstance(assembly, cdk.cx_api.CloudAssembly)
