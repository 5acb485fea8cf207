"""Weak cross-region references: SSM parameter in the producer's region, read there by the consumer."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from constructs import Construct

from pki_constructs.cross_region import (
    RegionalExport,
    RegionalImport,
    default_parameter_name,
    parameter_name_problems,
)
from pki_constructs.errors import PkiValidationError
from tests.gate_apps import REGIONAL_PARAMETER as PARAMETER
from tests.gate_apps import built, cross_region_pair, regional_certificate
from tests.synth import (
    ACCOUNT,
    OTHER_ACCOUNT,
    make_app,
    make_stack,
    resources_of_type,
    snapshot_of,
    template_of,
)


def _pair(
    *, san: list[str] | None = None, refresh: str | None = None
) -> tuple[cdk.App, cdk.Stack, cdk.Stack]:
    built_app = cross_region_pair(san=san, refresh=refresh)
    return built_app["app"], built_app["producer"], built_app["consumer"]


@pytest.fixture(scope="module")
def pair() -> tuple[cdk.App, dict[str, Any], dict[str, Any]]:
    built_app = built("cross_region_pair")
    return built_app["app"], template_of(built_app["producer"]), template_of(built_app["consumer"])


def _fingerprint(template: dict[str, Any]) -> str:
    (reader,) = resources_of_type(template, "Custom::PkiRegionalImport").values()
    return str(reader["Properties"]["SourceFingerprint"])


# --- pure rules -----------------------------------------------------------------------------------------


def test_parameter_name_accepts_a_fully_qualified_name() -> None:
    assert parameter_name_problems("/app/edge/certificate-arn") == []


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("app/cert", "fully qualified"),
        ("/app/cert/", "fully qualified"),
        ("/app//cert", "fully qualified"),
        ("/app/cert arn", "a-zA-Z0-9_.-"),
        ("/app/cert:arn", "a-zA-Z0-9_.-"),
        ("/aws/cert", "reserves"),
        ("/SSM-things/cert", "reserves"),
        ("/" + "/".join(["l"] * 16), "15 levels"),
        ("/" + "x" * 1000, "1011 characters"),
    ],
)
def test_fails_parameter_name_rules(name: str, rule: str) -> None:
    problems = parameter_name_problems(name, field="parameter_name")
    assert problems, name
    assert all(p.field == "parameter_name" for p in problems)
    assert any(rule in p.rule for p in problems), [p.rule for p in problems]


def test_fails_parameter_name_token() -> None:
    (problem,) = parameter_name_problems(cdk.Fn.ref("SomeParameter"))
    assert problem.field == "name"
    assert "literal" in problem.rule


def test_default_parameter_name_is_valid_and_stable() -> None:
    app = make_app()
    stack = make_stack(app, "My-Stack", "us-east-1")
    scope = Construct(stack, "Edge_v2.x")
    export = RegionalExport(scope, "Cert Arn!", value="arn:aws:acm:us-east-1:111111111111:certificate/x")
    name = default_parameter_name(export, "value")
    assert name == "/pki-constructs/My-Stack/Edge_v2.x/Cert-Arn-/value"
    assert export.parameter_name == name
    assert parameter_name_problems(name) == []


# --- cross-region --------------------------------------------------------------------------------------


def test_producer_writes_the_value_to_ssm_in_its_own_region(
    pair: tuple[cdk.App, dict[str, Any], dict[str, Any]],
) -> None:
    _, producer, _ = pair
    (parameter,) = resources_of_type(producer, "AWS::SSM::Parameter").values()
    assert parameter["Properties"]["Name"] == PARAMETER
    assert parameter["Properties"]["Type"] == "String"
    (cert_id,) = resources_of_type(producer, "AWS::CertificateManager::Certificate")
    assert parameter["Properties"]["Value"] == {"Ref": cert_id}


def test_weak_reference_has_no_import_value_and_no_export(
    pair: tuple[cdk.App, dict[str, Any], dict[str, Any]],
) -> None:
    _, producer, consumer = pair
    assert "Fn::ImportValue" not in json.dumps(consumer)
    assert "Fn::ImportValue" not in json.dumps(producer)
    assert "Outputs" not in producer  # no export at all on the producer side


def test_consumer_reads_the_parameter_in_the_producer_region(
    pair: tuple[cdk.App, dict[str, Any], dict[str, Any]],
) -> None:
    _, _, consumer = pair
    (reader,) = resources_of_type(consumer, "Custom::PkiRegionalImport").values()
    for phase in ("Create", "Update"):
        call = json.loads(reader["Properties"][phase])
        assert call["service"] == "SSM"
        assert call["action"] == "getParameter"
        assert call["region"] == "us-east-1"
        assert call["parameters"] == {"Name": PARAMETER}
        assert call["outputPaths"] == ["Parameter.Value"]
    assert reader["Properties"]["InstallLatestAwsSdk"] is False


def test_consumer_may_read_exactly_one_parameter_arn(
    pair: tuple[cdk.App, dict[str, Any], dict[str, Any]],
) -> None:
    _, _, consumer = pair
    (policy,) = resources_of_type(consumer, "AWS::IAM::Policy").values()
    assert policy["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": "ssm:GetParameter",
            "Effect": "Allow",
            "Resource": f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter/pki-constructs/test/certificate-arn",
        }
    ]


def test_consumer_stack_depends_on_producer_stack() -> None:
    app, producer, consumer = _pair()
    assert producer in consumer.dependencies
    manifest = app.synth().get_stack_by_name("Consumer").dependencies
    assert "Producer" in [d.id for d in manifest]


def test_fingerprint_is_stable_across_synths(pair: tuple[cdk.App, dict[str, Any], dict[str, Any]]) -> None:
    _, _, consumer = pair
    _, _, again = _pair()
    assert _fingerprint(consumer) == _fingerprint(template_of(again))


def test_fingerprint_changes_when_the_producing_resource_changes(
    pair: tuple[cdk.App, dict[str, Any], dict[str, Any]],
) -> None:
    _, _, consumer = pair
    _, _, replaced = _pair(san=["api.example.com"])
    assert _fingerprint(consumer) != _fingerprint(template_of(replaced))


def test_refresh_forces_a_new_fingerprint(pair: tuple[cdk.App, dict[str, Any], dict[str, Any]]) -> None:
    _, _, consumer = pair
    _, _, refreshed = _pair(refresh="2026-11-27")
    assert _fingerprint(consumer) != _fingerprint(template_of(refreshed))


def test_one_reader_per_export_and_consumer_stack() -> None:
    app = make_app()
    producer = make_stack(app, "Producer", "us-east-1")
    consumer = make_stack(app, "Consumer", "eu-west-1")
    export = RegionalExport(producer, "Value", value="v")
    first = export.value_in(consumer)
    second = export.value_in(consumer)
    assert consumer.resolve(first) == consumer.resolve(second)
    assert len(resources_of_type(template_of(consumer), "Custom::PkiRegionalImport")) == 1


def test_consumer_snapshot(snapshot_json: Any) -> None:
    _, _, consumer = _pair()
    assert snapshot_of(consumer) == snapshot_json


# --- same region, same stack -------------------------------------------------------------------------


def test_same_region_uses_an_ssm_parameter_type_not_an_export() -> None:
    app = make_app()
    producer = make_stack(app, "Producer", "us-east-1")
    consumer = make_stack(app, "Consumer", "us-east-1")
    cert = regional_certificate(producer)
    export = RegionalExport(producer, "CertArn", name=PARAMETER, value=cert.certificate_arn)
    cdk.CfnOutput(consumer, "Arn", value=export.value_in(consumer))
    template = template_of(consumer)
    assert "Fn::ImportValue" not in json.dumps(template)
    assert resources_of_type(template, "Custom::PkiRegionalImport") == {}
    ssm_parameters = [
        p for p in template["Parameters"].values() if p["Type"] == "AWS::SSM::Parameter::Value<String>"
    ]
    assert {"Type": "AWS::SSM::Parameter::Value<String>", "Default": PARAMETER} in ssm_parameters
    assert producer in consumer.dependencies


def test_same_stack_returns_the_value_itself() -> None:
    stack = make_stack()
    cert = regional_certificate(stack)
    export = RegionalExport(stack, "CertArn", value=cert.certificate_arn)
    assert export.value_in(stack) == cert.certificate_arn


def _ssm_reads(stack: cdk.Stack) -> list[str]:
    """The SSM parameters a stack's template reads as AWS::SSM::Parameter::Value template parameters."""
    return [
        p["Default"]
        for p in template_of(stack).get("Parameters", {}).values()
        if p["Type"].startswith("AWS::SSM::Parameter::Value") and p["Default"].startswith("/pki-constructs/")
    ]


@pytest.mark.parametrize("direction", ["parent_to_nested", "nested_to_parent", "nested_to_nested"])
def test_within_one_top_level_stack_the_value_travels_as_a_nested_parameter_or_output(direction: str) -> None:
    """A NestedStack deploys with its parent: CDK carries the value as the nested stack's parameter or output
    (no export, nothing locked). An SSM read would break: the parent resolves its SSM template parameters
    before its nested stack creates the parameter, and CDK refuses a nested stack depending on its parent."""
    app = make_app()
    top = make_stack(app, "Top")
    first, second = cdk.NestedStack(top, "First"), cdk.NestedStack(top, "Second")
    producer, consumer = {
        "parent_to_nested": (top, first),
        "nested_to_parent": (first, top),
        "nested_to_nested": (first, second),
    }[direction]
    cert = regional_certificate(producer)
    export = RegionalExport(producer, "CertArn", value=cert.certificate_arn)
    assert export.value_in(consumer) == cert.certificate_arn
    cdk.CfnOutput(consumer, "Arn", value=export.value_in(consumer))
    app.synth()
    for stack in (top, first, second):
        assert _ssm_reads(stack) == [], stack.node.path
        assert "Fn::ImportValue" not in json.dumps(template_of(stack))


def test_a_nested_stack_reads_a_value_of_another_top_level_stack_weakly() -> None:
    app = make_app()
    producer_top, consumer_top = make_stack(app, "ProducerTop"), make_stack(app, "ConsumerTop")
    producer = cdk.NestedStack(producer_top, "Producer")
    consumer = cdk.NestedStack(consumer_top, "Consumer")
    export = RegionalExport(producer, "CertArn", value=regional_certificate(producer).certificate_arn)
    cdk.CfnOutput(consumer, "Arn", value=export.value_in(consumer))
    app.synth()
    assert _ssm_reads(consumer) == [export.parameter_name]
    assert (
        producer_top in consumer_top.dependencies
    )  # the top-level stacks are ordered (nested ones can't be)


def test_fails_value_in_across_a_stage() -> None:
    app = make_app()
    producer = make_stack(app, "Producer")
    stage = cdk.Stage(app, "Prod", env=cdk.Environment(account=ACCOUNT, region="us-east-1"))
    consumer = cdk.Stack(stage, "Consumer")
    export = RegionalExport(producer, "Value", value="v")
    with pytest.raises(PkiValidationError, match=r"scope='Prod/Consumer'.*different Stages") as error:
        export.value_in(consumer)
    assert "RegionalImport(parameter_name=, region=)" in str(error.value)


# --- failures ------------------------------------------------------------------------------------------


def test_fails_export_with_bad_name() -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError, match="name='no-slash'"):
        RegionalExport(stack, "Bad", name="no-slash", value="v")


def test_fails_consumer_in_another_account() -> None:
    app = make_app()
    producer = make_stack(app, "Producer", "us-east-1")
    consumer = make_stack(app, "Consumer", "eu-west-1", account=OTHER_ACCOUNT)
    export = RegionalExport(producer, "Value", value="v")
    with pytest.raises(PkiValidationError, match=r"scope=.*own account"):
        export.value_in(consumer)


def test_fails_consumer_with_unknown_region() -> None:
    app = make_app()
    producer = make_stack(app, "Producer", "us-east-1")
    consumer = cdk.Stack(app, "Agnostic")
    export = RegionalExport(producer, "Value", value="v")
    with pytest.raises(PkiValidationError, match=r"scope=.*regions are known") as info:
        export.value_in(consumer)
    # An unknown account is not "another account": one problem, no token in the message.
    (problem,) = info.value.problems
    assert "own account" not in problem.rule and "${Token" not in str(info.value)


def test_fails_consumer_with_unknown_account_in_a_known_region() -> None:
    app = make_app()
    producer = make_stack(app, "Producer", "us-east-1")
    consumer = cdk.Stack(app, "RegionOnly", env=cdk.Environment(region="eu-west-1"))
    export = RegionalExport(producer, "Value", value="v")
    with pytest.raises(PkiValidationError, match=r"scope='RegionOnly'.*accounts and regions are known"):
        export.value_in(consumer)


def test_fails_import_with_token_region() -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError, match="region="):
        RegionalImport(stack, "Read", parameter_name=PARAMETER, region=cdk.Aws.REGION)


def test_standalone_import_reads_a_named_parameter_without_fingerprint() -> None:
    built_app = built("regional_import_standalone")
    stack, reader = built_app["stack"], built_app["reader"]
    template = template_of(stack)
    readers = resources_of_type(template, "Custom::PkiRegionalImport")
    assert len(readers) == 2
    assert all("SourceFingerprint" not in r["Properties"] for r in readers.values())
    assert reader.parameter_arn == "arn:aws:ssm:us-east-1:111111111111:parameter/other-app/edge/arn"
    function = stack.node.find_child("AWS679f53fac002430cb0da5b7982bd2287")
    acknowledgements = [
        e for e in function.node.metadata if e.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    ]
    assert len(acknowledgements) == 2  # IAM4 and L1, once each however many readers share the function
