"""PublicCertificate: native DNS-validated ACM certificate, names checked at synth, usable across regions."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53

from pki_constructs import PkiValidationError, PublicCertificate
from pki_constructs.public_certificate import certificate_facts, certificate_in
from tests.gate_apps import built, public_zone
from tests.synth import make_app, make_stack, resources_of_type, snapshot_of, template_of


def _only_certificate(template: dict[str, Any]) -> dict[str, Any]:
    (cert,) = resources_of_type(template, "AWS::CertificateManager::Certificate").values()
    return cert["Properties"]  # type: ignore[no-any-return]


# --- snapshots ---------------------------------------------------------------------------------------


def test_snapshot_default(snapshot_json: Any) -> None:
    assert snapshot_of(built("public_certificate_default")["stack"]) == snapshot_json


def test_snapshot_ec_key(snapshot_json: Any) -> None:
    stack = make_stack()
    PublicCertificate(
        stack,
        "Site",
        domain_name="example.com",
        subject_alternative_names=["*.example.com"],
        hosted_zone=public_zone(stack),
        key_algorithm=acm.KeyAlgorithm.EC_PRIME256_V1,
    )
    template = snapshot_of(stack)
    assert _only_certificate(template)["KeyAlgorithm"] == "EC_prime256v1"
    assert template == snapshot_json


def test_snapshot_multi_zone(snapshot_json: Any) -> None:
    template = snapshot_of(built("public_certificate_multi_zone")["stack"])
    options = _only_certificate(template)["DomainValidationOptions"]
    # The wildcard shares its base name's record: one option per distinct validation record.
    assert options == [
        {"DomainName": "example.com", "HostedZoneId": "Z0000000000000000COM"},
        {"DomainName": "www.example.org", "HostedZoneId": "Z0000000000000000ORG"},
    ]
    assert template == snapshot_json


# --- behaviour ---------------------------------------------------------------------------------------


def test_names_are_lower_cased_and_deduplicated() -> None:
    stack = make_stack()
    cert = PublicCertificate(
        stack,
        "Site",
        domain_name="WWW.Example.com",
        subject_alternative_names=["www.example.com", "api.example.com", "API.example.com"],
        hosted_zone=public_zone(stack),
    )
    assert cert.domain_names == ["www.example.com", "api.example.com"]
    props = _only_certificate(template_of(stack))
    assert props["DomainName"] == "www.example.com"
    assert props["SubjectAlternativeNames"] == ["api.example.com"]
    assert props["ValidationMethod"] == "DNS"


def test_defaults_to_rsa_2048_and_is_an_acm_certificate() -> None:
    stack = make_stack()
    cert = PublicCertificate(stack, "Site", domain_name="example.com", hosted_zone=public_zone(stack))
    assert cert.key_algorithm == "RSA_2048"
    inner = cert.node.default_child
    assert isinstance(inner, acm.Certificate)
    assert stack.resolve(cert.certificate_arn) == {"Ref": stack.get_logical_id(inner.node.default_child)}  # type: ignore[arg-type]
    assert stack.resolve(cert.certificate_ref.certificate_arn) == stack.resolve(cert.certificate_arn)
    assert not hasattr(cert, "certificate")  # the wrapper accessor is gone: the construct is the certificate


def test_metric_days_to_expiry() -> None:
    stack = make_stack()
    cert = PublicCertificate(stack, "Site", domain_name="example.com", hosted_zone=public_zone(stack))
    config = cert.metric_days_to_expiry().to_metric_config().metric_stat
    assert config is not None
    assert (config.namespace, config.metric_name, config.statistic) == (
        "AWS/CertificateManager",
        "DaysToExpiry",
        "Minimum",
    )
    assert config.period.to_days() == 1
    assert [(d.name, stack.resolve(d.value)) for d in config.dimensions or []] == [
        ("CertificateArn", stack.resolve(cert.certificate_arn))
    ]


def test_raised_quota_allows_more_names() -> None:
    stack = make_stack()
    names = [f"n{i}.example.com" for i in range(14)]
    cert = PublicCertificate(
        stack,
        "Site",
        domain_name="example.com",
        subject_alternative_names=names,
        hosted_zone=public_zone(stack),
        max_names=15,
    )
    assert len(cert.domain_names) == 15


def test_facts() -> None:
    stack = make_stack(region="us-east-1")
    cert = PublicCertificate(stack, "Site", domain_name="example.com", hosted_zone=public_zone(stack))
    facts = certificate_facts(cert)
    assert (facts.region, facts.names, facts.private) == ("us-east-1", ("example.com",), False)
    imported = acm.Certificate.from_certificate_arn(
        stack, "Imported", "arn:aws:acm:eu-west-1:111111111111:certificate/abc"
    )
    facts = certificate_facts(imported)
    assert (facts.region, facts.names, facts.private) == ("eu-west-1", None, False)


# --- across stacks and regions -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def cross_region() -> tuple[cdk.App, dict[str, Any], dict[str, Any]]:
    built_app = built("public_certificate_cross_region")
    return built_app["app"], template_of(built_app["edge"]), template_of(built_app["consumer"])


def test_certificate_in_another_region_is_a_weak_reference(
    cross_region: tuple[cdk.App, dict[str, Any], dict[str, Any]],
) -> None:
    _, edge, consumer = cross_region
    (parameter,) = resources_of_type(edge, "AWS::SSM::Parameter").values()
    assert parameter["Properties"]["Name"] == "/pki-constructs/Edge/Site/certificate-arn"
    assert "Fn::ImportValue" not in json.dumps(consumer)
    assert "Outputs" not in edge
    assert len(resources_of_type(consumer, "Custom::PkiRegionalImport")) == 1


def test_certificate_in_same_stack_is_the_certificate() -> None:
    stack = make_stack()
    cert = PublicCertificate(stack, "Site", domain_name="example.com", hosted_zone=public_zone(stack))
    assert cert.certificate_in(stack) is cert


def test_plain_acm_certificate_of_another_stack_travels_weakly() -> None:
    app = make_app()
    edge = make_stack(app, "Edge", "us-east-1")
    consumer = make_stack(app, "Consumer", "eu-west-1")
    plain = acm.Certificate(
        edge,
        "Plain",
        domain_name="example.com",
        validation=acm.CertificateValidation.from_dns(public_zone(edge)),
    )
    cdk.CfnOutput(consumer, "Arn", value=certificate_in(plain, consumer).certificate_arn)
    assert "Fn::ImportValue" not in json.dumps(template_of(consumer))
    assert len(resources_of_type(template_of(edge), "AWS::SSM::Parameter")) == 1


def test_export_arn_is_idempotent() -> None:
    stack = make_stack()
    cert = PublicCertificate(stack, "Site", domain_name="example.com", hosted_zone=public_zone(stack))
    assert cert.export_arn(name="/app/cert") is cert.export_arn()


def test_fails_export_arn_with_a_second_name() -> None:
    stack = make_stack()
    cert = PublicCertificate(stack, "Site", domain_name="example.com", hosted_zone=public_zone(stack))
    cert.export_arn(name="/app/cert")
    with pytest.raises(PkiValidationError, match="name='/app/other'"):
        cert.export_arn(name="/app/other")


# --- failures ----------------------------------------------------------------------------------------


def _fails(match: str, **props: Any) -> PkiValidationError:
    stack = make_stack()
    props.setdefault("hosted_zone", public_zone(stack))
    props.setdefault("domain_name", "example.com")
    with pytest.raises(PkiValidationError, match=match) as info:
        PublicCertificate(stack, "Site", **props)
    return info.value


def test_fails_domain_name_syntax() -> None:
    _fails(r"domain_name='\*\.\*\.example\.com'.*wildcard", domain_name="*.*.example.com")


def test_fails_san_syntax_names_the_index() -> None:
    _fails(
        r"subject_alternative_names\[1\]='bad_name\.example\.com'",
        subject_alternative_names=["a.example.com", "bad_name.example.com"],
    )


def test_fails_label_longer_than_63() -> None:
    _fails(r"subject_alternative_names\[0\].*63", subject_alternative_names=["x" * 64 + ".example.com"])


def test_fails_name_longer_than_253() -> None:
    _fails(
        r"subject_alternative_names\[0\].*253",
        subject_alternative_names=[".".join(["abcdefghi"] * 25) + ".example.com"],
    )


def test_fails_common_name_longer_than_64() -> None:
    _fails(r"domain_name=.*subject CN", domain_name="a" * 60 + ".example.com")


def test_fails_more_than_ten_names() -> None:
    _fails(
        r"subject_alternative_names=.*quota",
        subject_alternative_names=[f"n{i}.example.com" for i in range(10)],
    )


def test_fails_key_algorithm_not_issued_by_acm() -> None:
    _fails(r"key_algorithm='RSA_4096'", key_algorithm=acm.KeyAlgorithm.RSA_4096)
    _fails(r"key_algorithm='EC_secp521r1'", key_algorithm="EC_secp521r1")


def test_fails_name_outside_its_zone() -> None:
    _fails(r"hosted_zone='www\.example\.org in example\.com'", subject_alternative_names=["www.example.org"])


def test_fails_mapping_without_a_zone_for_a_name() -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError, match=r"hosted_zone='www\.example\.org'.*mapping") as info:
        PublicCertificate(
            stack,
            "Site",
            domain_name="example.com",
            subject_alternative_names=["www.example.org"],
            hosted_zone={"example.com": public_zone(stack)},
        )
    assert "Site" in str(info.value)


def test_fails_private_hosted_zone() -> None:
    stack = make_stack()
    vpc = ec2.Vpc(stack, "Vpc", availability_zones=["us-east-1a"], nat_gateways=0, subnet_configuration=[])
    private = route53.PrivateHostedZone(stack, "Private", zone_name="example.com", vpc=vpc)
    with pytest.raises(PkiValidationError, match=r"hosted_zone=.*private hosted zone"):
        PublicCertificate(stack, "Site", domain_name="example.com", hosted_zone=private)


def test_fails_reports_every_problem_at_once() -> None:
    error = _fails(
        "2 invalid",
        domain_name="a" * 60 + ".example.com",
        key_algorithm="RSA_1024",
    )
    assert {p.field for p in error.problems} == {"domain_name", "key_algorithm"}


def test_add_expiry_alarm_lives_next_to_the_certificate() -> None:
    app = make_app()
    edge = make_stack(app, "Edge", "us-east-1")
    cert = PublicCertificate(edge, "Site", domain_name="example.com", hosted_zone=public_zone(edge))
    alarm = cert.add_expiry_alarm()
    assert cdk.Stack.of(alarm) is edge
    (props,) = [
        a["Properties"] for a in resources_of_type(template_of(edge), "AWS::CloudWatch::Alarm").values()
    ]
    assert props["MetricName"] == "DaysToExpiry"
    assert props["Dimensions"] == [{"Name": "CertificateArn", "Value": edge.resolve(cert.certificate_arn)}]


def test_fails_mapping_with_names_not_on_the_certificate() -> None:
    stack = make_stack()
    with pytest.raises(
        PkiValidationError, match=r"hosted_zone=\['api.example.com'\].*not on the certificate"
    ):
        PublicCertificate(
            stack,
            "Site",
            domain_name="example.com",
            hosted_zone={
                "example.com": public_zone(stack),
                "api.example.com": public_zone(stack, "api.example.com", "Z2"),
            },
        )


def test_wildcard_only_certificate_uses_its_base_name_zone_key() -> None:
    """The mapping may key a wildcard by its base name even when the base name is not on the certificate."""
    stack = make_stack()
    com = public_zone(stack, "example.com", "Z0000000000000000COM")
    org = public_zone(stack, "example.org", "Z0000000000000000ORG")
    PublicCertificate(
        stack,
        "Site",
        domain_name="*.example.com",
        subject_alternative_names=["www.example.org"],
        hosted_zone={"example.com": com, "www.example.org": org},
    )
    options = _only_certificate(template_of(stack))["DomainValidationOptions"]
    assert {o["HostedZoneId"] for o in options} == {"Z0000000000000000COM", "Z0000000000000000ORG"}


# --- handed to aws-cdk-lib in another stack (issue 10, finding 20) -------------------------------------


def _listener_in_another_stack(*, fixed: bool, site_region: str = "us-east-1") -> cdk.App:
    app = make_app()
    certs, site = make_stack(app, "Certs"), make_stack(app, "Site", region=site_region)
    cert = PublicCertificate(certs, "Www", domain_name="www.example.com", hosted_zone=public_zone(certs))
    vpc = ec2.Vpc(site, "Vpc", max_azs=2, nat_gateways=0)
    elbv2.ApplicationLoadBalancer(site, "Lb", vpc=vpc).add_listener(
        "Https",
        port=443,
        certificates=[cert.certificate_in(site) if fixed else cert],
        default_action=elbv2.ListenerAction.fixed_response(404),
    )
    return app


def test_fails_our_certificate_given_to_an_elbv2_listener_in_another_stack_and_names_certificate_in() -> None:
    with pytest.raises(RuntimeError) as raised:
        _listener_in_another_stack(fixed=False).synth()
    message = str(raised.value)
    assert "Site/Lb/Https/Resource: strong reference" in message
    assert "Certs/Www.certificate_in(consumer_scope)" in message


def test_certificate_in_carries_our_certificate_weakly_to_an_elbv2_listener() -> None:
    templates = {s.stack_name: s.template for s in _listener_in_another_stack(fixed=True).synth().stacks}
    assert "Fn::ImportValue" not in json.dumps(templates["Site"])
    assert "/pki-constructs/Certs/Www/certificate-arn" in json.dumps(templates["Site"]["Parameters"])


def test_fails_certificate_in_from_an_environment_agnostic_stack() -> None:
    app = make_app()
    agnostic, consumer = cdk.Stack(app, "Agnostic"), make_stack(app, "Consumer")
    cert = PublicCertificate(
        agnostic, "Www", domain_name="www.example.com", hosted_zone=public_zone(agnostic)
    )
    with pytest.raises(
        PkiValidationError, match=r"certificate='Agnostic/Www'.*Agnostic has no region"
    ) as raised:
        cert.certificate_in(consumer)
    assert {p.field for p in raised.value.problems} == {"certificate"}


@pytest.mark.parametrize("method", ["on_expiry_event", "on_renewal_failed"])
def test_fails_an_event_rule_twice_with_one_id(method: str) -> None:
    """The second rule named ``E`` would be jsii's "There is already a Construct" RuntimeError."""
    stack = make_stack()
    cert = PublicCertificate(stack, "Web", domain_name="www.example.com", hosted_zone=public_zone(stack))
    getattr(cert, method)("E")
    with pytest.raises(PkiValidationError) as error:
        getattr(cert, method)("E")
    assert [p.field for p in error.value.problems] == ["id"]
    assert "Web already has a child 'E'" in str(error.value)


def test_fails_add_expiry_alarm_and_metric_options_of_the_wrong_type() -> None:
    stack = make_stack()
    cert = PublicCertificate(stack, "Web", domain_name="www.example.com", hosted_zone=public_zone(stack))
    with pytest.raises(PkiValidationError) as error:
        cert.metric_days_to_expiry(period=5)  # type: ignore[arg-type]
    assert [p.field for p in error.value.problems] == ["period"]
    with pytest.raises(PkiValidationError) as error:
        cert.add_expiry_alarm(topic="arn:aws:sns:us-east-1:111111111111:alerts")  # type: ignore[arg-type]
    assert [p.field for p in error.value.problems] == ["topic"]


def test_certificate_in_twice_returns_the_same_import_with_the_source_facts() -> None:
    app = make_app()
    certs, site = make_stack(app, "Certs"), make_stack(app, "Site", region="eu-west-1")
    cert = PublicCertificate(certs, "Www", domain_name="www.example.com", hosted_zone=public_zone(certs))
    imported = cert.certificate_in(site)
    assert cert.certificate_in(site) is imported
    assert certificate_facts(imported) == certificate_facts(cert)


def test_fails_certificate_in_for_another_account_names_the_field_at_the_consumer() -> None:
    app = make_app()
    certs, member = make_stack(app, "Certs"), make_stack(app, "Member", account="222222222222")
    cert = PublicCertificate(certs, "Www", domain_name="www.example.com", hosted_zone=public_zone(certs))
    with pytest.raises(PkiValidationError, match=r"(?s)at Member:.*used only in its own account") as raised:
        cert.certificate_in(member)
    assert {p.field for p in raised.value.problems} == {"certificate"}
    assert "readable_by" not in str(raised.value)


def test_fails_certificate_in_of_another_region_on_an_aws_cdk_lib_listener() -> None:
    """Direct, the strong-reference check refuses it; through the accessor the region rule must still fire."""
    with pytest.raises(
        RuntimeError, match=r"certificate='Site/Lb/Https/Resource'.*Certs/Www is in us-east-1"
    ):
        _listener_in_another_stack(fixed=True, site_region="eu-west-1").synth()


def test_fails_certificate_in_of_another_region_on_an_aws_cdk_lib_distribution() -> None:
    app = make_app()
    certs, site = make_stack(app, "Certs", region="eu-west-1"), make_stack(app, "Site")
    cert = PublicCertificate(certs, "Www", domain_name="www.example.com", hosted_zone=public_zone(certs))
    cloudfront.Distribution(
        site,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(origin=origins.HttpOrigin("origin.example.com")),
        certificate=cert.certificate_in(site),
        domain_names=["www.example.com"],
    )
    with pytest.raises(
        RuntimeError, match=r"certificate='Site/Cdn/Resource'.*us-east-1 only; Certs/Www is in eu-west-1"
    ):
        app.synth()


def test_certificate_in_of_an_import_is_the_import_in_its_stack_and_the_source_elsewhere() -> None:
    app = make_app()
    certs, site, other = make_stack(app, "Certs"), make_stack(app, "Site"), make_stack(app, "Other")
    cert = PublicCertificate(certs, "Www", domain_name="www.example.com", hosted_zone=public_zone(certs))
    imported = cert.certificate_in(site)
    assert certificate_in(imported, site, "Again") is imported
    assert certificate_in(imported, certs) is cert
    assert certificate_in(imported, other) is cert.certificate_in(other)
