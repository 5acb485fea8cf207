"""Issue 5's "done when": a public certificate (CloudFront, us-east-1), an ALB certificate (ACM private, issued
by our subordinate CA, eu-west-1) and a root + subordinate CA get correct expiry alarms in the right regions,
with one call each; cdk-nag and cfn-lint have nothing to say about them (tests/test_gates.py, app
``ca_expiry_with_acm``)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest

from tests.gate_apps import built
from tests.synth import resources_of_type, template_of


@pytest.fixture(scope="module")
def app() -> dict[str, Any]:
    built_app = built("ca_expiry_with_acm")
    return {
        **built_app,
        "edge_template": template_of(built_app["edge"]),
        "regional_template": template_of(built_app["regional"]),
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


def test_the_stacks_are_deployable_without_cross_region_references(app: dict[str, Any]) -> None:
    assembly = app["app"].synth()
    for stack in ("Edge", "Regional"):
        template = assembly.get_stack_by_name(stack).template
        assert "Fn::ImportValue" not in str(template)
        assert "Outputs" not in template or not any("ExportsOutput" in k for k in template["Outputs"])
    assert isinstance(assembly, cdk.cx_api.CloudAssembly)
