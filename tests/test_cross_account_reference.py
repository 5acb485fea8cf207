"""RegionalExport.readable_by: a weak reference across accounts, through a reader role, never an export."""

from __future__ import annotations

import json

import pytest

from pki_constructs import PkiValidationError, RegionalExport, RegionalImport
from tests.synth import ACCOUNT, OTHER_ACCOUNT, make_app, make_stack, resources_of_type, template_of


def test_consumer_in_another_account_assumes_the_reader_role_and_reads_one_parameter() -> None:
    app = make_app()
    producer = make_stack(app, "Producer", region="eu-west-1")
    consumer = make_stack(app, "Consumer", region="us-east-1", account=OTHER_ACCOUNT)
    export = RegionalExport(producer, "Value", value="hello", name="/test/value")
    export.readable_by(OTHER_ACCOUNT)
    value = export.value_in(consumer)
    assert value.startswith("${Token")
    assert producer in consumer.dependencies

    producer_template = template_of(producer)
    (role,) = resources_of_type(producer_template, "AWS::IAM::Role").values()
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [
        {
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": export.external_id}},
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
        }
    ]
    (policy,) = resources_of_type(producer_template, "AWS::IAM::Policy").values()
    granted = json.dumps(policy["Properties"]["PolicyDocument"])
    assert "ssm:GetParameter" in granted and "ssm:PutParameter" not in granted

    consumer_template = template_of(consumer)
    (reader,) = resources_of_type(consumer_template, "Custom::PkiRegionalImport").values()
    call = json.loads(reader["Properties"]["Create"])
    assert call["assumedRoleArn"] == f"arn:aws:iam::{ACCOUNT}:role/{role['Properties']['RoleName']}"
    assert call["externalId"] == export.external_id
    assert call["region"] == "eu-west-1"
    text = json.dumps(consumer_template)
    assert "Fn::ImportValue" not in text and "CrossRegionExport" not in text
    # The reader's own role may only assume that one role.
    (reader_policy,) = [
        p
        for p in resources_of_type(consumer_template, "AWS::IAM::Policy").values()
        if "sts:AssumeRole" in str(p)
    ]
    statements = reader_policy["Properties"]["PolicyDocument"]["Statement"]
    assert [s["Action"] for s in statements] == ["sts:AssumeRole"]


def test_fails_consumer_in_an_account_the_export_is_not_readable_by() -> None:
    app = make_app()
    producer = make_stack(app, "Producer", region="eu-west-1")
    consumer = make_stack(app, "Consumer", region="eu-west-1", account="333333333333")
    export = RegionalExport(producer, "Value", value="hello", name="/test/value")
    export.readable_by(OTHER_ACCOUNT)
    with pytest.raises(PkiValidationError, match=r"scope=.*readable_by\('333333333333'\)"):
        export.value_in(consumer)


def test_fails_on_a_reader_account_that_is_no_account_id() -> None:
    producer = make_stack(region="eu-west-1")
    export = RegionalExport(producer, "Value", value="hello", name="/test/value")
    with pytest.raises(PkiValidationError, match=r"accounts=\['2222'\]"):
        export.readable_by("2222")


def test_fails_on_a_role_without_its_account() -> None:
    stack = make_stack(region="eu-west-1")
    with pytest.raises(PkiValidationError, match="role_arn="):
        RegionalImport(
            stack,
            "Reader",
            parameter_name="/test/value",
            region="us-east-1",
            role_arn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/reader",
        )


def test_fails_on_a_second_readable_by() -> None:
    producer = make_stack(region="eu-west-1")
    export = RegionalExport(producer, "Value", value="hello", name="/test/value")
    export.readable_by(OTHER_ACCOUNT)
    with pytest.raises(PkiValidationError, match=r"accounts=\['333333333333'\].*one reader role per export"):
        export.readable_by("333333333333")
