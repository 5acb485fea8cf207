"""CaExpiryAlarm: one checker per stack, least privilege, an alarm per CA, the synth-time rules."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from aws_cdk.assertions import Annotations, Match
from syrupy.assertion import SnapshotAssertion

from pki_constructs import DistinguishedName, PkiValidationError, RootCa, SubordinateCa
from pki_constructs._arn import ca_arn_problems
from pki_constructs.ca_expiry import CaExpiryAlarm, CaExpiryMonitor
from pki_constructs.expiry_metrics import ca_metric_period as alarm_period
from pki_constructs.expiry_rules import check_interval_problems
from tests.nag import nag_findings
from tests.synth import make_app, make_stack, resources_of_type, snapshot_of, template_of

CA_ARN = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"
FAR_CA_ARN = (
    "arn:aws:acm-pca:eu-west-1:111111111111:certificate-authority/66666666-7777-8888-9999-000000000000"
)
CERT_ARN = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"


def imported(stack: cdk.Stack, arn: str) -> acmpca.ICertificateAuthority:
    """A CA named by ARN, the one way: imported (once per stack and ARN)."""
    id = f"Ca{arn[-12:]}"
    existing = stack.node.try_find_child(id)
    if existing is not None:
        return existing  # type: ignore[return-value]
    return SubordinateCa.from_certificate_authority_attributes(stack, id, certificate_authority_arn=arn)


def problems_of(error: pytest.ExceptionInfo[PkiValidationError]) -> dict[str, str]:
    return {p.field: p.describe() for p in error.value.problems}


def hierarchy(stack: cdk.Stack) -> tuple[RootCa, SubordinateCa]:
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Test Root CA", country="US"))
    sub = SubordinateCa(
        stack, "Sub", parent=root, subject=DistinguishedName(common_name="Test Sub CA", country="US")
    )
    return root, sub


def statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for policy in resources_of_type(template, "AWS::IAM::Policy").values():
        found += policy["Properties"]["PolicyDocument"]["Statement"]
    return found


# Pure rules ----------------------------------------------------------------------------------------------


def test_check_interval_rules() -> None:
    assert check_interval_problems(Duration.hours(12)) == []
    assert check_interval_problems(Duration.hours(1)) == []
    for bad in (Duration.minutes(30), Duration.hours(13), Duration.days(1), Duration.seconds(3630)):
        [p] = check_interval_problems(bad)
        assert p.field == "check_interval"


def test_alarm_period_covers_two_runs() -> None:
    assert alarm_period(Duration.hours(12)).to_seconds() == 86400
    assert alarm_period(Duration.hours(6)).to_seconds() == 43200


def test_ca_arn_rules() -> None:
    """The CA-ARN rule every CA prop applies, as the alarm uses it (pki_constructs._arn)."""
    assert ca_arn_problems("certificate_authority", CA_ARN) == []
    [acm_arn] = ca_arn_problems("certificate_authority", CERT_ARN)
    assert "ExpiryAlarm" in acm_arn.fix
    [issued] = ca_arn_problems("certificate_authority", CA_ARN + "/certificate/abcdef")
    assert "not an AWS Private CA ARN" in issued.rule
    [garbage] = ca_arn_problems("certificate_authority", "root-ca")
    assert garbage.field == "certificate_authority"


# Root + subordinate, one call each ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca_stack() -> tuple[cdk.Stack, RootCa, SubordinateCa, dict[str, Any]]:
    stack = make_stack(name="CaExpiry")
    root, sub = hierarchy(stack)
    root.add_expiry_alarm(create_topic=True)
    sub.add_expiry_alarm(threshold=Duration.days(400))
    return stack, root, sub, template_of(stack)


def _expiry_alarms(template: dict[str, Any]) -> dict[str, Any]:
    """The DaysToExpiry alarms (not the checker's own failure alarms, see pki_constructs/_failures.py)."""
    return {
        k: a
        for k, a in resources_of_type(template, "AWS::CloudWatch::Alarm").items()
        if a["Properties"].get("MetricName") == "DaysToExpiry"
    }


def _alarm_for(template: dict[str, Any], arn: Any) -> dict[str, Any]:
    [alarm] = [
        a["Properties"]
        for a in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["Dimensions"] == [{"Name": "CertificateAuthorityArn", "Value": arn}]
    ]
    return alarm


def test_an_alarm_per_ca_on_our_metric(ca_stack: Any) -> None:
    stack, root, sub, template = ca_stack
    assert len(_expiry_alarms(template)) == 2
    for ca, threshold in ((root, 90), (sub, 400)):
        alarm = _alarm_for(template, stack.resolve(ca.certificate_authority_arn))
        assert (alarm["Namespace"], alarm["MetricName"]) == ("PkiConstructs", "DaysToExpiry")
        assert (alarm["Statistic"], alarm["Period"], alarm["EvaluationPeriods"]) == ("Minimum", 86400, 1)
        assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("LessThanThreshold", threshold)
        assert alarm["TreatMissingData"] == "breaching"
    root_alarm = _alarm_for(template, stack.resolve(root.certificate_authority_arn))
    assert len(root_alarm["AlarmActions"]) == 1
    assert "AlarmActions" not in _alarm_for(template, stack.resolve(sub.certificate_authority_arn))


def test_one_checker_per_stack_scheduled_and_run_after_each_deploy(ca_stack: Any) -> None:
    stack, root, sub, template = ca_stack
    [function] = [
        f["Properties"]
        for f in resources_of_type(template, "AWS::Lambda::Function").values()
        if f["Properties"].get("Handler") == "pki_handlers.ca_expiry.handler"
    ]
    assert function["Environment"]["Variables"] == {"METRIC_NAMESPACE": "PkiConstructs"}
    rules = {k: r["Properties"] for k, r in resources_of_type(template, "AWS::Events::Rule").items()}
    assert len(rules) == 2
    [scheduled] = [r for r in rules.values() if "ScheduleExpression" in r]
    assert scheduled["ScheduleExpression"] == "rate(12 hours)"
    [on_deploy] = [r for r in rules.values() if "EventPattern" in r]
    assert on_deploy["EventPattern"]["detail-type"] == ["CloudFormation Stack Status Change"]
    assert on_deploy["EventPattern"]["detail"]["stack-id"] == [{"Ref": "AWS::StackId"}]
    expected_input = stack.resolve(
        stack.to_json_string(
            {"CertificateAuthorityArns": [root.certificate_authority_arn, sub.certificate_authority_arn]}
        )
    )
    for rule in rules.values():
        assert rule["Targets"][0]["Input"] == expected_input


def test_least_privilege(ca_stack: Any) -> None:
    stack, root, sub, template = ca_stack
    checker = [
        s
        for s in statements(template)
        if any(str(a).split(":")[0] in ("acm-pca", "cloudwatch") for a in _list(s["Action"]))
    ]
    describe = [s for s in checker if s["Action"] == "acm-pca:DescribeCertificateAuthority"]
    assert len(describe) == 1
    assert _list(describe[0]["Resource"]) == [
        stack.resolve(root.certificate_authority_arn),
        stack.resolve(sub.certificate_authority_arn),
    ]
    [put] = [s for s in checker if s["Action"] == "cloudwatch:PutMetricData"]
    assert put["Resource"] == "*"
    assert put["Condition"] == {"StringEquals": {"cloudwatch:namespace": "PkiConstructs"}}
    # Nothing else in the stack's policies is granted on "*".
    assert [s for s in statements(template) if s.get("Resource") == "*"] == [put]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_snapshot_of_checker_and_alarms_for_arns(snapshot_json: SnapshotAssertion) -> None:
    """CAs named by ARN, with aws-cdk-lib's import and ours (the CA constructs have their own snapshots)."""
    stack = make_stack(name="CaExpiryArns")
    plain = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Imported", CA_ARN)
    CaExpiryAlarm(stack, "ImportedExpiry", certificate_authority=plain, create_topic=True)
    CaExpiryAlarm(
        stack, "FarExpiry", certificate_authority=imported(stack, FAR_CA_ARN), threshold=Duration.days(365)
    )
    assert snapshot_of(stack) == snapshot_json


def test_metric_days_to_expiry_matches_the_alarm(ca_stack: Any) -> None:
    stack, root, _, template = ca_stack
    metric = root.metric_days_to_expiry()
    assert (metric.namespace, metric.metric_name, metric.statistic) == (
        "PkiConstructs",
        "DaysToExpiry",
        "Minimum",
    )
    assert (
        metric.period.to_seconds()
        == _alarm_for(template, stack.resolve(root.certificate_authority_arn))["Period"]
    )
    assert stack.resolve(metric.dimensions["CertificateAuthorityArn"]) == stack.resolve(
        root.certificate_authority_arn
    )


def test_the_put_metric_data_acknowledgement_does_not_hide_other_roles() -> None:
    """The IAM5 acknowledgement sits on the checker's role only: a "*" on another role still fires. (That the
    checker's role holds no other "*" statement is asserted by test_least_privilege.)"""
    app = make_app()
    stack = make_stack(app, "Scoped")
    CaExpiryAlarm(stack, "Expiry", certificate_authority=imported(stack, CA_ARN))
    other = cdk.aws_iam.Role(stack, "Other", assumed_by=cdk.aws_iam.ServicePrincipal("lambda.amazonaws.com"))
    other.add_to_policy(cdk.aws_iam.PolicyStatement(actions=["cloudwatch:PutMetricData"], resources=["*"]))
    findings = [f for f in nag_findings(app) if "IAM5" in f]
    assert findings and all("Scoped/Other" in f for f in findings)


# Failures ------------------------------------------------------------------------------------------------


def test_fails_threshold_not_below_the_ca_validity() -> None:
    stack = make_stack()
    root, sub = hierarchy(stack)
    with pytest.raises(PkiValidationError) as error:
        root.add_expiry_alarm(threshold=Duration.days(3650))
    assert "3650 days" in problems_of(error)["threshold"]
    with pytest.raises(PkiValidationError) as error:
        sub.add_expiry_alarm(threshold=Duration.days(2000))
    assert "1825 days" in problems_of(error)["threshold"]


def test_plain_arn_has_no_known_validity() -> None:
    stack = make_stack()
    CaExpiryAlarm(
        stack, "Expiry", certificate_authority=imported(stack, CA_ARN), threshold=Duration.days(5000)
    )


@pytest.mark.parametrize("threshold", [Duration.days(0), Duration.hours(20)])
def test_fails_threshold_below_one_whole_day(threshold: Duration) -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError) as error:
        CaExpiryAlarm(stack, "Expiry", certificate_authority=imported(stack, CA_ARN), threshold=threshold)
    assert "threshold" in problems_of(error)


def test_fails_on_an_acm_certificate_and_points_to_expiry_alarm() -> None:
    stack = make_stack()
    cert = acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
    for given in (cert, CERT_ARN):
        with pytest.raises(PkiValidationError) as error:
            CaExpiryAlarm(stack, f"Expiry{type(given).__name__}", certificate_authority=given)
        assert "ExpiryAlarm" in problems_of(error)["certificate_authority"]


def test_fails_on_something_that_is_not_a_ca() -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError) as error:
        CaExpiryAlarm(stack, "Expiry", certificate_authority=42)
    assert "certificate_authority" in problems_of(error)


def test_fails_check_interval_out_of_range() -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError) as error:
        CaExpiryAlarm(
            stack, "Expiry", certificate_authority=imported(stack, CA_ARN), check_interval=Duration.days(1)
        )
    assert "check_interval" in problems_of(error)


def test_fails_a_second_check_interval_in_the_same_stack() -> None:
    stack = make_stack()
    CaExpiryAlarm(
        stack, "First", certificate_authority=imported(stack, CA_ARN), check_interval=Duration.hours(6)
    )
    with pytest.raises(PkiValidationError) as error:
        CaExpiryAlarm(stack, "Second", certificate_authority=imported(stack, FAR_CA_ARN))
    assert "every 6 hours" in problems_of(error)["check_interval"]


def test_fails_topic_and_create_topic_together() -> None:
    stack = make_stack()
    topic = cdk.aws_sns.Topic(stack, "Topic")
    with pytest.raises(PkiValidationError) as error:
        CaExpiryAlarm(
            stack, "Expiry", certificate_authority=imported(stack, CA_ARN), topic=topic, create_topic=True
        )
    assert "topic" in problems_of(error)


def test_fails_more_cas_than_the_event_input_holds() -> None:
    app = make_app()
    stack = make_stack(app, "Many")
    for i in range(61):
        CaExpiryAlarm(stack, f"Expiry{i}", certificate_authority=imported(stack, CA_ARN[:-12] + f"{i:012d}"))
    with pytest.raises(RuntimeError, match="at most 60 CAs"):
        app.synth()


def test_same_ca_twice_is_checked_once() -> None:
    stack = make_stack()
    CaExpiryAlarm(
        stack, "Warning", certificate_authority=imported(stack, CA_ARN), threshold=Duration.days(180)
    )
    CaExpiryAlarm(
        stack, "Critical", certificate_authority=imported(stack, CA_ARN), threshold=Duration.days(30)
    )
    monitor = stack.node.find_child("PkiConstructsCaExpiryMonitor")
    assert isinstance(monitor, CaExpiryMonitor)
    assert monitor.certificate_authority_arns == [CA_ARN]
    assert len(_expiry_alarms(template_of(stack))) == 2


def test_cross_account_ca_warns() -> None:
    stack = make_stack()
    alarm = CaExpiryAlarm(
        stack, "Expiry", certificate_authority=imported(stack, CA_ARN.replace("111111111111", "222222222222"))
    )
    warnings = Annotations.from_stack(stack).find_warning(
        f"/{alarm.node.path}", Match.string_like_regexp("RAM")
    )
    assert len(warnings) == 1


def test_event_input_is_valid_json_for_plain_arns() -> None:
    stack = make_stack()
    CaExpiryAlarm(stack, "A", certificate_authority=imported(stack, CA_ARN))
    CaExpiryAlarm(stack, "B", certificate_authority=imported(stack, FAR_CA_ARN))
    for rule in resources_of_type(template_of(stack), "AWS::Events::Rule").values():
        assert json.loads(rule["Properties"]["Targets"][0]["Input"]) == {
            "CertificateAuthorityArns": [CA_ARN, FAR_CA_ARN]
        }


@pytest.mark.parametrize("region", ["us-east-1", "eu-west-1"], ids=["same-region", "other-region"])
def test_ca_of_another_stack_is_read_weakly_not_exported(region: str) -> None:
    """An alarm stack watching a CA construct of another stack reads the ARN through an SSM parameter: a plain
    token would make aws-cdk-lib write a strong export (Fn::ImportValue, or its cross-region export writer)
    that locks the CA's ARN."""
    app = make_app()
    pki = make_stack(app, "Pki", region=region)
    monitoring = make_stack(app, "Monitoring", region="us-east-1")
    root = RootCa(pki, "Root", subject=DistinguishedName(common_name="Test Root CA", country="US"))
    alarm = CaExpiryAlarm(monitoring, "RootExpiry", certificate_authority=root)
    assembly = app.synth()
    for name in ("Pki", "Monitoring"):
        template = json.dumps(assembly.get_stack_by_name(name).template)
        assert "Fn::ImportValue" not in template and "ExportsWriter" not in template
        assert "ExportsReader" not in template
    assert pki in monitoring.dependencies
    (dimension,) = _alarm_dimensions(assembly.get_stack_by_name("Monitoring").template)
    assert monitoring.resolve(alarm.certificate_authority_arn) == dimension["Value"]
    (parameter,) = resources_of_type(
        assembly.get_stack_by_name("Pki").template, "AWS::SSM::Parameter"
    ).values()
    assert parameter["Properties"]["Value"] == pki.resolve(root.certificate_authority_arn)


def _alarm_dimensions(template: dict[str, Any]) -> list[dict[str, Any]]:
    (alarm,) = _expiry_alarms(template).values()
    return alarm["Properties"]["Dimensions"]  # type: ignore[no-any-return]
