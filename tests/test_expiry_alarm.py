"""ExpiryAlarm (ACM DaysToExpiry): rules, region placement, the seed's broken alarm, topics, events."""

from __future__ import annotations

import inspect
import json
from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match
from syrupy.assertion import SnapshotAssertion

from pki_constructs import (
    DistinguishedName,
    PkiValidationError,
    PublicCertificate,
    RootCa,
    SubordinateCa,
    _arn,
)
from pki_constructs.certificate_facts import certificate_arn_problems
from pki_constructs.errors import Problem
from pki_constructs.expiry_alarm import ExpiryAlarm
from pki_constructs.expiry_rules import (
    account_days_before_expiry_problems,
    region_problems,
    renewal_advice,
    threshold_problems,
)
from pki_constructs.expiry_topic import ExpiryTopic
from pki_constructs.service_certificate import ServiceCertificate
from tests.gate_apps import built, private_certificate, public_certificate
from tests.synth import make_app, make_stack, resources_of_type, snapshot_of, template_of

CERT_ARN = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
CA_ARN = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"


def problems_of(error: pytest.ExceptionInfo[PkiValidationError]) -> dict[str, str]:
    return {p.field: p.describe() for p in error.value.problems}


# Pure rules ----------------------------------------------------------------------------------------------


ACM_PUBLIC_CERTIFICATE_LIFETIME = Duration.days(198)
BEFORE_2027 = "2026-06-01"
"""A date whose certificates renew before 2027-03-15: 198-day lifetime, 60-day renewal window."""


def test_threshold_rules() -> None:
    assert threshold_problems(Duration.days(30), lifetime=ACM_PUBLIC_CERTIFICATE_LIFETIME) == []
    assert threshold_problems(Duration.days(1), lifetime=None) == []
    assert [p.field for p in threshold_problems(Duration.hours(12), lifetime=None)] == ["threshold"] * 2
    assert len(threshold_problems(Duration.hours(36), lifetime=None)) == 1  # not whole days
    assert len(threshold_problems(Duration.days(198), lifetime=ACM_PUBLIC_CERTIFICATE_LIFETIME)) == 1
    assert threshold_problems(Duration.days(197), lifetime=ACM_PUBLIC_CERTIFICATE_LIFETIME) == []


def test_renewal_advice_only_at_or_above_acm_renewal_start() -> None:
    window = Duration.days(60)
    assert renewal_advice(Duration.days(59), renewal_window=window) is None
    assert "renewal" in (renewal_advice(Duration.days(60), renewal_window=window) or "")
    assert renewal_advice(Duration.days(90), renewal_window=None) is None  # imported: nobody renews it


def test_arn_rules() -> None:
    """The one certificate-ARN rule (certificate_facts), as ExpiryAlarm applies it to ``certificate=``."""

    def problems(arn: str) -> list[Problem]:
        return certificate_arn_problems("certificate", SimpleNamespace(certificate_arn=arn))

    assert problems(CERT_ARN) == []
    [pca] = problems(CA_ARN)
    assert "CaExpiryAlarm" in pca.fix
    [issued] = problems(CA_ARN + "/certificate/abc")
    assert "CaExpiryAlarm" in issued.fix
    [other] = problems("arn:aws:s3:::bucket")
    assert "not an ACM certificate ARN" in other.rule


def test_region_and_account_of_arns() -> None:
    assert (_arn.region_of(CERT_ARN), _arn.account_of(CERT_ARN)) == ("us-east-1", "111111111111")
    assert (_arn.region_of("arn:aws:s3:::bucket"), _arn.account_of("arn:aws:s3:::bucket")) == (None, None)
    assert (_arn.region_of("arn:aws"), _arn.account_of("not-an-arn")) == (None, None)
    assert _arn.region_of(cdk.Aws.REGION) is None


def test_region_rule() -> None:
    kwargs: dict[str, Any] = {"certificate_stack": "Edge", "field": "certificate"}
    assert region_problems(certificate_region="us-east-1", alarm_region="us-east-1", **kwargs) == []
    assert region_problems(certificate_region=None, alarm_region="eu-west-1", **kwargs) == []
    [p] = region_problems(certificate_region="us-east-1", alarm_region="eu-west-1", **kwargs)
    assert "us-east-1" in p.fix and "'Edge'" in p.fix


@pytest.mark.parametrize("days", [0, 46, 1.5, True])
def test_fails_account_days_before_expiry_out_of_range(days: Any) -> None:
    [p] = account_days_before_expiry_problems(days)
    assert p.field == "account_days_before_expiry"


# The construct -------------------------------------------------------------------------------------------


def _alarm(template: dict[str, Any]) -> dict[str, Any]:
    [alarm] = resources_of_type(template, "AWS::CloudWatch::Alarm").values()
    return alarm["Properties"]  # type: ignore[no-any-return]


def test_alarm_shape_for_a_public_certificate() -> None:
    stack = make_stack(make_app(**{"pki-constructs:today": BEFORE_2027}))
    cert = public_certificate(stack)
    ExpiryAlarm(stack, "Expiry", certificate=cert)
    alarm = _alarm(template_of(stack))
    assert alarm["Namespace"] == "AWS/CertificateManager"
    assert alarm["MetricName"] == "DaysToExpiry"
    assert alarm["Dimensions"] == [{"Name": "CertificateArn", "Value": stack.resolve(cert.certificate_arn)}]
    assert (alarm["Statistic"], alarm["Period"], alarm["EvaluationPeriods"]) == ("Minimum", 86400, 1)
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("LessThanThreshold", 30)
    assert alarm["TreatMissingData"] == "breaching"
    assert "AlarmActions" not in alarm


def test_fails_public_threshold_at_the_198_day_lifetime_not_395() -> None:
    stack = make_stack(make_app(**{"pki-constructs:today": BEFORE_2027}))
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack), threshold=Duration.days(200))
    assert "198 days" in problems_of(error)["threshold"]


def test_private_certificate_lifetime_is_395_days() -> None:
    stack = make_stack()
    ExpiryAlarm(stack, "Ok", certificate=private_certificate(stack), threshold=Duration.days(200))
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(
            stack, "TooHigh", certificate=private_certificate(stack, "P2"), threshold=Duration.days(395)
        )
    assert "395 days" in problems_of(error)["threshold"]


def test_imported_certificate_has_no_known_lifetime_and_no_renewal_advice() -> None:
    stack = make_stack()
    cert = acm.Certificate.from_certificate_arn(stack, "Imported", CERT_ARN)
    alarm = ExpiryAlarm(stack, "Expiry", certificate=cert, threshold=Duration.days(400))
    assert _alarm(template_of(stack))["Dimensions"][0]["Value"] == CERT_ARN
    assert Annotations.from_stack(stack).find_warning(f"/{alarm.node.path}", Match.any_value()) == []


@pytest.mark.parametrize("threshold", [Duration.days(0), Duration.hours(12), Duration.hours(36)])
def test_fails_threshold_not_whole_days_of_at_least_one(threshold: Duration) -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack), threshold=threshold)
    assert "threshold" in problems_of(error)


def test_threshold_in_renewal_window_warns() -> None:
    stack = make_stack()
    alarm = ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack), threshold=Duration.days(60))
    warnings = Annotations.from_stack(stack).find_warning(
        f"/{alarm.node.path}", Match.string_like_regexp("renewal")
    )
    assert len(warnings) == 1


def test_fails_alarm_in_another_region_than_the_certificate() -> None:
    app = make_app()
    edge = make_stack(app, "Edge", region="us-east-1")
    regional = make_stack(app, "Regional", region="eu-west-1")
    cert = public_certificate(edge)  # e.g. a CloudFront certificate
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(regional, "Expiry", certificate=cert)
    message = problems_of(error)["certificate"]
    assert "us-east-1" in message and "eu-west-1" in message and "'Edge'" in message
    assert "in_certificate_stack" in message


def test_in_certificate_stack_places_the_alarm_in_the_certificate_region() -> None:
    app = make_app()
    edge = make_stack(app, "Edge", region="us-east-1")
    regional = make_stack(app, "Regional", region="eu-west-1")
    cert = public_certificate(edge)
    alarm = ExpiryAlarm.in_certificate_stack(cert, "CertExpiry", threshold=Duration.days(20))
    assert cdk.Stack.of(alarm) is edge
    assert _alarm(template_of(edge))["Threshold"] == 20
    assert resources_of_type(template_of(regional), "AWS::CloudWatch::Alarm") == {}


def test_certificate_read_from_another_region_is_not_assumed_to_be_local() -> None:
    """certificate_in re-imports a us-east-1 certificate in eu-west-1 from a token ARN: that ARN says nothing
    about the region, so the alarm must not take the importing stack's region for the certificate's."""
    app = make_app()
    edge = make_stack(app, "Edge", region="us-east-1")
    regional = make_stack(app, "Regional", region="eu-west-1")
    zone = route53.HostedZone.from_hosted_zone_attributes(
        edge, "Zone", hosted_zone_id="Z0123456789ABCDEF", zone_name="example.com"
    )
    cert = PublicCertificate(edge, "Web", domain_name="www.example.com", hosted_zone=zone)
    imported = cert.certificate_in(regional, "EdgeCertificate")
    alarm = ExpiryAlarm(regional, "Expiry", certificate=imported)
    warnings = Annotations.from_stack(regional).find_warning(
        f"/{alarm.node.path}", Match.string_like_regexp("region of certificate .* not known")
    )
    assert len(warnings) == 1


@pytest.mark.parametrize("kind", ["public-certificate", "acm-certificate"])
def test_certificate_of_another_stack_in_the_region_is_read_weakly(kind: str) -> None:
    """A plain token would make aws-cdk-lib export the ARN (Fn::ImportValue): replacing the certificate would
    then fail with "export in use", the lock issue 4 is about."""
    app = make_app()
    certs = make_stack(app, "Certs", region="us-east-1")
    alarms = make_stack(app, "Alarms", region="us-east-1")
    zone = route53.HostedZone.from_hosted_zone_attributes(
        certs, "Zone", hosted_zone_id="Z0123456789ABCDEF", zone_name="example.com"
    )
    cert: Any = (
        PublicCertificate(certs, "Web", domain_name="www.example.com", hosted_zone=zone)
        if kind == "public-certificate"
        else public_certificate(certs)
    )
    alarm = ExpiryAlarm(alarms, "Expiry", certificate=cert, create_topic=True)
    alarm.on_expiry_event()
    alarm.on_renewal_failed()
    assembly = app.synth()
    assert "Fn::ImportValue" not in json.dumps(assembly.get_stack_by_name("Alarms").template)
    assert "Outputs" not in assembly.get_stack_by_name("Certs").template
    assert certs in alarms.dependencies
    (parameter,) = resources_of_type(
        assembly.get_stack_by_name("Certs").template, "AWS::SSM::Parameter"
    ).values()
    assert parameter["Properties"]["Value"] == certs.resolve(cert.certificate_arn)
    dimensions = _alarm(assembly.get_stack_by_name("Alarms").template)["Dimensions"]
    assert dimensions == [{"Name": "CertificateArn", "Value": alarms.resolve(alarm.certificate_arn)}]


def test_fails_dns_validated_certificate_created_in_another_region() -> None:
    stack = make_stack(region="eu-west-1")
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z0123456789ABCDEF", zone_name="example.com"
    )
    cert = acm.DnsValidatedCertificate(
        stack, "Cdn", domain_name="www.example.com", hosted_zone=zone, region="us-east-1"
    )
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=cert)
    assert "published in us-east-1" in problems_of(error)["certificate"]


def test_fails_imported_certificate_arn_from_another_region() -> None:
    stack = make_stack(region="eu-west-1")
    cert = acm.Certificate.from_certificate_arn(stack, "Edge", CERT_ARN)  # us-east-1 ARN
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=cert)
    assert "us-east-1" in problems_of(error)["certificate"]


def test_fails_certificate_of_another_account() -> None:
    stack = make_stack()
    cert = acm.Certificate.from_certificate_arn(
        stack, "Other", CERT_ARN.replace("111111111111", "222222222222")
    )
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=cert)
    assert "222222222222" in problems_of(error)["certificate"]


def test_fails_on_our_root_ca_and_points_to_the_ca_variant() -> None:
    stack = make_stack()
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Test Root", country="US"))
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=root)
    assert "CaExpiryAlarm" in problems_of(error)["certificate"]


def test_fails_on_an_acmpca_certificate_authority() -> None:
    stack = make_stack()
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Ca", CA_ARN)
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=ca)
    assert "CaExpiryAlarm" in problems_of(error)["certificate"]


def test_fails_on_a_ca_arn_wrapped_as_an_acm_certificate() -> None:
    stack = make_stack()
    disguised = acm.Certificate.from_certificate_arn(stack, "Disguised", CA_ARN)
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=disguised)
    assert "CaExpiryAlarm" in problems_of(error)["certificate"]


def test_public_certificate_add_expiry_alarm_in_its_own_stack() -> None:
    app = make_app(**{"pki-constructs:today": BEFORE_2027})
    edge = make_stack(app, "Edge", region="us-east-1")
    zone = route53.HostedZone.from_hosted_zone_attributes(
        edge, "Zone", hosted_zone_id="Z0123456789ABCDEF", zone_name="example.com"
    )
    cert = PublicCertificate(edge, "Web", domain_name="www.example.com", hosted_zone=zone)
    alarm = cert.add_expiry_alarm(threshold=Duration.days(21))
    assert alarm.node.scope is cert
    props = _alarm(template_of(edge))
    assert props["Dimensions"] == [{"Name": "CertificateArn", "Value": edge.resolve(cert.certificate_arn)}]
    assert props["Threshold"] == 21
    with pytest.raises(PkiValidationError) as error:
        cert.add_expiry_alarm("TooHigh", threshold=Duration.days(198))
    assert "198 days" in problems_of(error)["threshold"]
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(make_stack(app, "Far", region="eu-west-1"), "Expiry", certificate=cert)
    assert "'Edge'" in problems_of(error)["certificate"]


def test_service_certificate_is_private_with_the_395_day_lifetime() -> None:
    stack = make_stack()
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Test Root", country="US"))
    sub = SubordinateCa(
        stack, "Sub", parent=root, subject=DistinguishedName(common_name="Test Sub", country="US")
    )
    cert = ServiceCertificate(stack, "Api", certificate_authority=sub, domain_name="api.internal.example")
    ExpiryAlarm(stack, "Ok", certificate=cert, threshold=Duration.days(200))  # above the public 198
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "TooHigh", certificate=cert, threshold=Duration.days(395))
    assert "ACM private certificate lifetime of 395 days" in problems_of(error)["threshold"]
    dimensions = [
        a["Properties"]["Dimensions"]
        for a in resources_of_type(template_of(stack), "AWS::CloudWatch::Alarm").values()
    ]
    assert dimensions == [[{"Name": "CertificateArn", "Value": stack.resolve(cert.certificate_arn)}]]


# The seed's alarm had no CertificateArn dimension and so never received data -------------------------


def test_fails_without_a_certificate_so_the_seed_alarm_cannot_be_built() -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=None)
    assert "CertificateArn dimension" in problems_of(error)["certificate"]
    with pytest.raises(TypeError):
        ExpiryAlarm(stack, "NoCertificate")  # type: ignore[call-arg]


def test_no_prop_lets_a_caller_supply_the_metric_or_its_dimensions() -> None:
    props = set(inspect.signature(ExpiryAlarm.__init__).parameters) - {"self", "scope", "id"}
    assert not {p for p in props if "metric" in p or "dimension" in p or "namespace" in p}
    stack = make_stack()
    with pytest.raises(TypeError):
        ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack), metric=None)  # type: ignore[call-arg]


# Topics, events, account configuration -------------------------------------------------------------------


def test_fails_topic_and_create_topic_together() -> None:
    stack = make_stack()
    topic = sns.Topic(stack, "Topic")
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack), topic=topic, create_topic=True)
    assert "topic" in problems_of(error)


def test_fails_routing_events_without_a_topic_or_target() -> None:
    stack = make_stack()
    alarm = ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack))
    with pytest.raises(PkiValidationError) as error:
        alarm.on_expiry_event()
    assert "target" in problems_of(error)
    with pytest.raises(PkiValidationError) as error:
        alarm.on_renewal_failed()
    assert "target" in problems_of(error)


@pytest.mark.parametrize("method", ["on_expiry_event", "on_renewal_failed"])
def test_fails_routing_events_twice_with_one_id(method: str) -> None:
    """The second call with the default id would be jsii's "There is already a Construct" RuntimeError."""
    stack = make_stack()
    alarm = ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack), create_topic=True)
    getattr(alarm, method)()
    with pytest.raises(PkiValidationError) as error:
        getattr(alarm, method)()
    assert "already has a child" in problems_of(error)["id"]
    getattr(alarm, method)("Second")  # another id is another rule


def test_fails_routing_events_to_a_target_that_is_no_rule_target() -> None:
    stack = make_stack()
    alarm = ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack), create_topic=True)
    with pytest.raises(PkiValidationError) as error:
        alarm.on_expiry_event(target="arn:aws:sns:us-east-1:111111111111:t")  # type: ignore[arg-type]
    assert "IRuleTarget" in problems_of(error)["target"]


def test_fails_in_certificate_stack_with_an_arn_string() -> None:
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm.in_certificate_stack(CERT_ARN, "Expiry")  # type: ignore[arg-type]
    assert "from_certificate_arn" in problems_of(error)["certificate"]


def test_in_certificate_stack_has_the_constructors_keyword_signature() -> None:
    """Real keyword-only props (not ``**props``): mypy and Python name a misspelt one at the call itself."""
    constructor = inspect.signature(ExpiryAlarm.__init__).parameters
    method = inspect.signature(ExpiryAlarm.in_certificate_stack).parameters
    props = [name for name, p in constructor.items() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    assert [name for name in props if name != "certificate"] == [
        name for name, p in method.items() if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    stack = make_stack()
    with pytest.raises(
        TypeError, match=r"in_certificate_stack\(\) got an unexpected keyword argument 'thresold'"
    ):
        ExpiryAlarm.in_certificate_stack(
            public_certificate(stack),
            "Expiry",
            thresold=Duration.days(30),  # type: ignore[call-arg]
        )


def test_fails_on_a_certificate_imported_with_a_malformed_arn() -> None:
    stack = make_stack()
    garbage = acm.Certificate.from_certificate_arn(stack, "Garbage", "garbage")
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=garbage)
    assert "not an ACM certificate ARN" in problems_of(error)["certificate"]


def test_fails_topic_in_another_region() -> None:
    stack = make_stack()
    topic = sns.Topic.from_topic_arn(stack, "Far", "arn:aws:sns:eu-west-1:111111111111:alerts")
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack), topic=topic)
    assert "eu-west-1" in problems_of(error)["topic"]


def test_given_topic_becomes_the_alarm_action() -> None:
    stack = make_stack()
    topic = ExpiryTopic(stack, "Alerts")
    ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack), topic=topic.topic)
    assert _alarm(template_of(stack))["AlarmActions"] == [stack.resolve(topic.topic_arn)]


def test_account_configuration_only_when_asked_and_once_per_stack() -> None:
    plain = make_stack(name="Plain")
    ExpiryAlarm(plain, "Plain", certificate=public_certificate(plain))
    assert resources_of_type(template_of(plain), "AWS::CertificateManager::Account") == {}

    stack = make_stack(name="Configured")
    configured = ExpiryAlarm(
        stack, "Configured", certificate=public_certificate(stack), account_days_before_expiry=45
    )
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(
            stack, "Again", certificate=public_certificate(stack, "C2"), account_days_before_expiry=30
        )
    assert "already managed" in problems_of(error)["account_days_before_expiry"]
    [account] = resources_of_type(template_of(stack), "AWS::CertificateManager::Account").values()
    assert account["Properties"] == {"ExpiryEventsConfiguration": {"DaysBeforeExpiry": 45}}
    warnings = Annotations.from_stack(stack).find_warning(
        f"/{configured.node.path}", Match.string_like_regexp("account-wide")
    )
    assert len(warnings) == 1


def test_fails_account_days_before_expiry_on_the_construct() -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError) as error:
        ExpiryAlarm(stack, "Expiry", certificate=public_certificate(stack), account_days_before_expiry=60)
    assert "1 to 45" in problems_of(error)["account_days_before_expiry"]


# Snapshot of every variant (tests/test_gates.py lints them: app expiry_alarm_variants) ----------------------


@pytest.fixture(scope="module")
def variants() -> cdk.Stack:
    return built("expiry_alarm_variants")["stack"]  # type: ignore[no-any-return]


def test_snapshot(variants: cdk.Stack, snapshot_json: SnapshotAssertion) -> None:
    assert snapshot_of(variants) == snapshot_json


def test_every_alarm_has_the_certificate_arn_dimension(variants: cdk.Stack) -> None:
    alarms = resources_of_type(template_of(variants), "AWS::CloudWatch::Alarm").values()
    assert len(alarms) == 3
    for alarm in alarms:
        [dimension] = alarm["Properties"]["Dimensions"]
        assert dimension["Name"] == "CertificateArn" and dimension["Value"]
