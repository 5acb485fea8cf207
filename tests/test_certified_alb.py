"""CertifiedAlb: explicit current TLS policy, redirect, private access logs, certificate rules."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from pki_constructs import CertifiedAlb, PkiValidationError, PublicCertificate
from pki_constructs.certified_alb import (
    CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST,
    DEFAULT_SSL_POLICY,
    SSL_POLICY_NAMES,
    minimum_tls_version,
    ssl_policy_name,
    ssl_policy_problems,
)
from tests.gate_apps import ALB_REGION as REGION
from tests.gate_apps import built
from tests.nag import nag_findings
from tests.scaffolding import fixture_vpc, fixture_zone
from tests.synth import make_app, make_stack, resources_of_type, template_of


def _alb(stack: cdk.Stack | None = None, **props: Any) -> tuple[cdk.Stack, CertifiedAlb]:
    stack = stack or make_stack(region=REGION)
    if "certificates" not in props:
        props["certificates"] = [
            PublicCertificate(stack, "Cert", domain_name="app.example.com", hosted_zone=fixture_zone(stack))
        ]
    return stack, CertifiedAlb(stack, "Alb", vpc=props.pop("vpc", None) or fixture_vpc(stack), **props)


@pytest.fixture(scope="module")
def default_alb() -> tuple[cdk.App, dict[str, Any], CertifiedAlb]:
    built_app = built("certified_alb")
    return built_app["app"], template_of(built_app["stack"]), built_app["alb"]


def _listener(template: dict[str, Any], port: int) -> dict[str, Any]:
    (listener,) = [
        r["Properties"]
        for r in resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
        if r["Properties"]["Port"] == port
    ]
    return listener


def _attributes(template: dict[str, Any]) -> dict[str, Any]:
    (alb,) = resources_of_type(template, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    return {a["Key"]: a["Value"] for a in alb["Properties"]["LoadBalancerAttributes"]}


# --- policy rules (pure) ---------------------------------------------------------------------------


def test_default_policy_is_the_2025_pq_policy() -> None:
    assert ssl_policy_name(DEFAULT_SSL_POLICY) == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"


def test_policy_table_matches_what_aws_cdk_lib_synthesizes() -> None:
    """Every SslPolicy member, on one throwaway ALB: the table must say what CDK writes."""
    stack = make_stack(region=REGION)
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=fixture_vpc(stack))
    listeners = {}
    for port, member in enumerate(elbv2.SslPolicy, start=1000):
        listener = alb.add_listener(
            member.name,
            port=port,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=[
                elbv2.ListenerCertificate.from_arn(f"arn:aws:acm:{REGION}:111111111111:certificate/x")
            ],
            ssl_policy=member,
            default_action=elbv2.ListenerAction.fixed_response(404),
        )
        listeners[member.name] = listener.node.default_child.ssl_policy  # type: ignore[union-attr]
    assert listeners == SSL_POLICY_NAMES


@pytest.mark.parametrize(
    ("name", "minimum"),
    [
        ("ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09", "1.2"),
        ("ELBSecurityPolicy-TLS13-1-3-2021-06", "1.3"),
        ("ELBSecurityPolicy-TLS13-1-0-PQ-2025-09", "1.0"),
        ("ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04", "1.1"),
        ("ELBSecurityPolicy-TLS-1-2-2017-01", "1.2"),
        ("ELBSecurityPolicy-TLS-1-1-2017-01", "1.1"),
        ("ELBSecurityPolicy-TLS-1-0-2015-04", "1.0"),
        ("ELBSecurityPolicy-FS-1-2-Res-2020-10", "1.2"),
        ("ELBSecurityPolicy-FS-1-1-2019-08", "1.1"),
        ("ELBSecurityPolicy-FS-2018-06", "1.0"),
        ("ELBSecurityPolicy-2016-08", "1.0"),
        ("ELBSecurityPolicy-2015-05", "1.0"),
        ("MyOwnPolicy", None),
    ],
)
def test_minimum_tls_version(name: str, minimum: str | None) -> None:
    assert minimum_tls_version(name) == minimum


def test_every_cdk_policy_has_a_known_minimum() -> None:
    assert all(minimum_tls_version(name) for name in SSL_POLICY_NAMES.values())


@pytest.mark.parametrize(
    "policy",
    [
        elbv2.SslPolicy.RECOMMENDED,
        elbv2.SslPolicy.LEGACY,
        elbv2.SslPolicy.TLS11,
        elbv2.SslPolicy.TLS13_10,
        elbv2.SslPolicy.FORWARD_SECRECY,
        "ELBSecurityPolicy-2016-08",
        "ELBSecurityPolicy-TLS13-1-1-2021-06",
    ],
)
def test_fails_legacy_policies(policy: elbv2.SslPolicy | str) -> None:
    problems, _ = ssl_policy_problems(ssl_policy_name(policy), allow_legacy_tls=False)
    (problem,) = problems
    assert problem.field == "ssl_policy"
    assert "allow_legacy_tls=True" in problem.fix


def test_legacy_policy_allowed_explicitly_warns() -> None:
    problems, warnings = ssl_policy_problems("ELBSecurityPolicy-2016-08", allow_legacy_tls=True)
    assert problems == []
    assert "TLS 1.0" in warnings[0]


def test_tls12_only_policy_warns() -> None:
    problems, warnings = ssl_policy_problems("ELBSecurityPolicy-TLS-1-2-2017-01", allow_legacy_tls=False)
    assert problems == []
    assert "no TLS 1.3" in warnings[0]


# --- the construct ---------------------------------------------------------------------------------


def test_snapshot(default_alb: tuple[cdk.App, dict[str, Any], CertifiedAlb], snapshot_json: Any) -> None:
    from tests.synth import normalise

    _, template, _ = default_alb
    assert normalise(template) == snapshot_json


def test_https_listener_has_the_explicit_policy_and_certificate(
    default_alb: tuple[cdk.App, dict[str, Any], CertifiedAlb],
) -> None:
    _, template, alb = default_alb
    https = _listener(template, 443)
    assert https["Protocol"] == "HTTPS"
    assert https["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
    (cert_id,) = resources_of_type(template, "AWS::CertificateManager::Certificate")
    assert https["Certificates"] == [{"CertificateArn": {"Ref": cert_id}}]
    assert alb.https_listener.node.default_child is not None
    assert isinstance(alb.load_balancer, elbv2.ApplicationLoadBalancer)


def test_http_redirects_to_https(default_alb: tuple[cdk.App, dict[str, Any], CertifiedAlb]) -> None:
    _, template, _ = default_alb
    http = _listener(template, 80)
    assert http["Protocol"] == "HTTP"
    assert http["DefaultActions"] == [
        {"RedirectConfig": {"Port": "443", "Protocol": "HTTPS", "StatusCode": "HTTP_301"}, "Type": "redirect"}
    ]


def test_drops_invalid_headers_and_logs_to_a_private_bucket(
    default_alb: tuple[cdk.App, dict[str, Any], CertifiedAlb],
) -> None:
    _, template, _ = default_alb
    attributes = _attributes(template)
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    (bucket_id, bucket) = next(iter(resources_of_type(template, "AWS::S3::Bucket").items()))
    assert attributes["access_logs.s3.bucket"] == {"Ref": bucket_id}
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
        "ServerSideEncryptionByDefault"
    ] == {"SSEAlgorithm": "AES256"}
    (policy,) = resources_of_type(template, "AWS::S3::BucketPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert any(
        s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}} and s["Effect"] == "Deny"
        for s in statements
    )


def test_internal_alb_is_open_to_the_vpc_only() -> None:
    stack, _ = _alb(internet_facing=False)
    template = template_of(stack)
    (group,) = resources_of_type(template, "AWS::EC2::SecurityGroup").values()
    ingress = group["Properties"]["SecurityGroupIngress"]
    assert {rule["FromPort"] for rule in ingress} == {443}  # HTTPS only: no redirect listener inside a VPC
    assert all(rule.get("CidrIp") != "0.0.0.0/0" for rule in ingress)
    assert all(rule["CidrIp"] == {"Fn::GetAtt": ["Vpc8378EB38", "CidrBlock"]} for rule in ingress)
    listeners = resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
    assert [listener["Properties"]["Port"] for listener in listeners] == [443]


PREFIX_LIST = "pl-0123abcd"


def test_cloudfront_origin_is_internal_https_only_and_admits_only_cloudfront() -> None:
    """Issue 13.1: the origin is reachable only through CloudFront (a VPC origin); no port 80, no public address."""
    stack, alb = _alb(cloudfront_origin=True, origin_facing_prefix_list_id=PREFIX_LIST)
    template = template_of(stack)
    assert alb.internet_facing is False and alb.http_listener is None
    [balancer] = resources_of_type(template, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    assert balancer["Properties"]["Scheme"] == "internal"
    [listener] = resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
    assert (listener["Properties"]["Port"], listener["Properties"]["Protocol"]) == (443, "HTTPS")
    (group,) = resources_of_type(template, "AWS::EC2::SecurityGroup").values()
    assert "SecurityGroupIngress" not in group["Properties"]
    [rule] = resources_of_type(template, "AWS::EC2::SecurityGroupIngress").values()
    assert {k: v for k, v in rule["Properties"].items() if k != "GroupId"} == {
        "Description": "CloudFront origin-facing servers only",
        "FromPort": 443,
        "IpProtocol": "tcp",
        "SourcePrefixListId": PREFIX_LIST,
        "ToPort": 443,
    }


def test_cloudfront_origin_looks_the_prefix_list_up_by_name() -> None:
    stack, _ = _alb(cloudfront_origin=True)
    [rule] = resources_of_type(template_of(stack), "AWS::EC2::SecurityGroupIngress").values()
    assert (
        rule["Properties"]["SourcePrefixListId"] == "pl-00000000"
    )  # cdk.json's cached lookup of the managed list
    assert CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST == "com.amazonaws.global.cloudfront.origin-facing"


def test_fails_internet_facing_cloudfront_origin() -> None:
    with pytest.raises(PkiValidationError, match=r"internet_facing=True.*around the distribution"):
        _alb(cloudfront_origin=True, internet_facing=True)


def test_fails_cloudfront_origin_lookup_without_an_environment() -> None:
    stack = cdk.Stack(make_app(), "Agnostic")
    cert = acm.Certificate.from_certificate_arn(
        stack, "Cert", "arn:aws:acm:eu-west-1:111111111111:certificate/x"
    )
    with pytest.raises(PkiValidationError, match=r"origin_facing_prefix_list_id=None"):
        CertifiedAlb(stack, "Alb", vpc=fixture_vpc(stack), certificates=[cert], cloudfront_origin=True)


def test_deletion_protection_is_on_by_default_and_can_be_turned_off() -> None:
    for props, expected in (({}, "true"), ({"deletion_protection": False}, "false")):
        stack, _ = _alb(**props)
        [balancer] = resources_of_type(
            template_of(stack), "AWS::ElasticLoadBalancingV2::LoadBalancer"
        ).values()
        attributes = {a["Key"]: a["Value"] for a in balancer["Properties"]["LoadBalancerAttributes"]}
        assert attributes["deletion_protection.enabled"] == expected


def test_access_logs_expire() -> None:
    stack, _ = _alb()
    [bucket] = resources_of_type(template_of(stack), "AWS::S3::Bucket").values()
    assert bucket["Properties"]["LifecycleConfiguration"]["Rules"] == [
        {"ExpirationInDays": 365, "Id": "ExpireLogs", "Status": "Enabled"}
    ]


def test_ec23_is_acknowledged_only_on_a_security_group_the_construct_creates() -> None:
    """Issue 18.4: a group the user passes in keeps its own findings (its world-open rule is reported)."""
    stack = make_stack(region=REGION)
    vpc = fixture_vpc(stack)
    mine = ec2.SecurityGroup(stack, "Mine", vpc=vpc)
    mine.add_ingress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(22))
    _alb(stack, security_group=mine, vpc=vpc)
    findings = nag_findings(stack)
    assert any("AwsSolutions-EC23" in f and "/Mine/" in f for f in findings), findings


def test_existing_bucket_is_used() -> None:
    stack = make_stack(region=REGION)
    bucket = s3.Bucket(stack, "Mine", encryption=s3.BucketEncryption.S3_MANAGED, enforce_ssl=True)
    _, alb = _alb(stack, access_logs_bucket=bucket, access_logs_prefix="alb")
    assert alb.access_logs_bucket is bucket
    attributes = _attributes(template_of(stack))
    assert attributes["access_logs.s3.prefix"] == "alb"
    assert len(resources_of_type(template_of(stack), "AWS::S3::Bucket")) == 1


def test_string_policy_name_is_written_as_is() -> None:
    stack, alb = _alb(ssl_policy="ELBSecurityPolicy-TLS13-1-3-PQ-2025-09")
    assert _listener(template_of(stack), 443)["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09"
    assert alb.ssl_policy_name == "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09"


def test_legacy_policy_with_opt_in_synthesizes_with_a_warning() -> None:
    stack, _ = _alb(ssl_policy=elbv2.SslPolicy.RECOMMENDED, allow_legacy_tls=True)
    assert _listener(template_of(stack), 443)["SslPolicy"] == "ELBSecurityPolicy-2016-08"
    warnings = [m for m in stack.node.find_all() for m in m.node.metadata if m.type == "aws:cdk:warning"]
    assert any("TLS 1.0" in str(w.data) for w in warnings)


def test_certificate_of_another_stack_in_the_same_region_has_no_export() -> None:
    app = make_app()
    certs = make_stack(app, "Certs", REGION)
    stack = make_stack(app, "App", REGION)
    cert = PublicCertificate(certs, "Cert", domain_name="app.example.com", hosted_zone=fixture_zone(certs))
    _alb(stack, certificates=[cert])
    assert "Fn::ImportValue" not in str(template_of(stack))
    assert certs in stack.dependencies


def test_several_certificates_and_facts() -> None:
    stack = make_stack(region=REGION)
    zone = fixture_zone(stack)
    a = PublicCertificate(stack, "A", domain_name="a.example.com", hosted_zone=zone)
    b = PublicCertificate(stack, "B", domain_name="*.example.com", hosted_zone=zone)
    _, alb = _alb(stack, certificates=[a, b])
    assert alb.certificate_names == ("a.example.com", "*.example.com")
    assert not alb.has_private_certificate
    https = _listener(template_of(stack), 443)
    assert len(https["Certificates"]) == 1  # the default; the others are ListenerCertificate resources
    assert len(resources_of_type(template_of(stack), "AWS::ElasticLoadBalancingV2::ListenerCertificate")) == 1


# --- failures ----------------------------------------------------------------------------------------


def test_fails_legacy_policy_by_default() -> None:
    with pytest.raises(PkiValidationError, match=r"ssl_policy='ELBSecurityPolicy-2016-08'.*TLS 1.0"):
        _alb(ssl_policy=elbv2.SslPolicy.RECOMMENDED)


def test_fails_certificate_in_another_region() -> None:
    stack = make_stack(region=REGION)
    other = acm.Certificate.from_certificate_arn(
        stack, "Far", "arn:aws:acm:us-east-1:111111111111:certificate/abc"
    )
    with pytest.raises(PkiValidationError, match=r"certificates\[0\]=.*us-east-1.*own region \(eu-west-1\)"):
        _alb(stack, certificates=[other])


def test_fails_private_ca_arn_disguised_as_a_certificate() -> None:
    stack = make_stack(region=REGION)
    disguised = acm.Certificate.from_certificate_arn(
        stack,
        "Ca",
        f"arn:aws:acm-pca:{REGION}:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555",
    )
    with pytest.raises(
        PkiValidationError, match=r"certificates\[0\]='arn:aws:acm-pca:.*Private CA ARN"
    ) as error:
        _alb(stack, certificates=[disguised])
    assert {p.field for p in error.value.problems} == {"certificates[0]"}


def test_fails_certificate_imported_with_a_malformed_arn() -> None:
    """The same certificate-ARN rule as CertifiedDistribution's and ExpiryAlarm's (one rule for every prop)."""
    stack = make_stack(region=REGION)
    garbage = acm.Certificate.from_certificate_arn(stack, "Garbage", "garbage")
    with pytest.raises(
        PkiValidationError, match=r"certificates\[1\]='garbage'.*not an ACM certificate ARN"
    ) as error:
        good = acm.Certificate.from_certificate_arn(
            stack,
            "Good",
            f"arn:aws:acm:{REGION}:111111111111:certificate/11111111-2222-3333-4444-555555555555",
        )
        _alb(stack, certificates=[good, garbage])
    assert {p.field for p in error.value.problems} == {"certificates[1]"}


def test_fails_public_certificate_of_a_stack_in_another_region() -> None:
    app = make_app()
    edge = make_stack(app, "Edge", "us-east-1")
    stack = make_stack(app, "App", REGION)
    cert = PublicCertificate(edge, "Cert", domain_name="app.example.com", hosted_zone=fixture_zone(edge))
    with pytest.raises(PkiValidationError, match=r"certificates\[0\]='Edge/Cert in us-east-1'"):
        _alb(stack, certificates=[cert])


@pytest.mark.parametrize("count", [0, 27])
def test_fails_certificate_count(count: int) -> None:
    stack = make_stack(region=REGION)
    certs = [
        acm.Certificate.from_certificate_arn(
            stack, f"C{i}", f"arn:aws:acm:{REGION}:111111111111:certificate/{i}"
        )
        for i in range(count)
    ]
    with pytest.raises(PkiValidationError, match=rf"certificates='<{count} certificates>'"):
        _alb(stack, certificates=certs)


def test_twenty_six_certificates_are_allowed() -> None:
    stack = make_stack(region=REGION)
    certs = [
        acm.Certificate.from_certificate_arn(
            stack, f"C{i}", f"arn:aws:acm:{REGION}:111111111111:certificate/{i}"
        )
        for i in range(26)
    ]
    _, alb = _alb(stack, certificates=certs)
    assert len(alb.certificate_facts) == 26


def test_fails_kms_encrypted_log_bucket() -> None:
    stack = make_stack(region=REGION)
    bucket = s3.Bucket(stack, "Kms", encryption_key=kms.Key(stack, "Key"), enforce_ssl=True)
    with pytest.raises(PkiValidationError, match=r"access_logs_bucket=.*SSE-S3"):
        _alb(stack, access_logs_bucket=bucket)


@pytest.mark.parametrize(
    ("encryption", "algorithm"),
    [(s3.BucketEncryption.KMS_MANAGED, "aws:kms"), (s3.BucketEncryption.DSSE_MANAGED, "aws:kms:dsse")],
)
def test_fails_log_bucket_with_aws_managed_kms(encryption: s3.BucketEncryption, algorithm: str) -> None:
    """No customer key to see (``encryption_key`` is None), but the bucket's own encryption says KMS."""
    stack = make_stack(region=REGION)
    bucket = s3.Bucket(stack, "Managed", encryption=encryption, enforce_ssl=True)
    with pytest.raises(
        PkiValidationError, match=rf"access_logs_bucket='Test/Managed \({algorithm}\)'.*SSE-S3"
    ):
        _alb(stack, access_logs_bucket=bucket)


def test_fails_log_bucket_in_another_region() -> None:
    stack = make_stack(region=REGION)
    bucket = s3.Bucket.from_bucket_attributes(
        stack, "Elsewhere", bucket_name="logs-elsewhere", region="us-west-2"
    )
    with pytest.raises(PkiValidationError, match=rf"access_logs_bucket=.*us-west-2.*region \({REGION}\)"):
        _alb(stack, access_logs_bucket=bucket)


@pytest.mark.parametrize("encryption", [None, s3.BucketEncryption.S3_MANAGED])
def test_sse_s3_log_bucket_in_the_region_is_used(encryption: s3.BucketEncryption | None) -> None:
    stack = make_stack(region=REGION)
    bucket = s3.Bucket(stack, "Plain", encryption=encryption, enforce_ssl=True)
    _, alb = _alb(stack, access_logs_bucket=bucket)
    assert alb.access_logs_bucket is bucket


def test_fails_certificate_of_an_environment_agnostic_stack_naming_its_index() -> None:
    """Its ARN cannot travel to the ALB's stack; the error names which of the certificates it is."""
    app = make_app()
    agnostic = cdk.Stack(app, "Agnostic")
    certificate = acm.Certificate(agnostic, "Cert", domain_name="www.example.com")
    stack = make_stack(app, region=REGION)
    with pytest.raises(PkiValidationError, match=r"certificates\[0\]='Agnostic/Cert'.*no region"):
        _alb(stack, certificates=[certificate])


def test_fails_certificate_of_another_account() -> None:
    """ACM certificates have no resource policy or sharing (botocore acm model): a listener uses its own account's."""
    stack = make_stack(region=REGION, account="222222222222")
    foreign = acm.Certificate.from_certificate_arn(
        stack,
        "Foreign",
        f"arn:aws:acm:{REGION}:111111111111:certificate/11111111-2222-3333-4444-555555555555",
    )
    with pytest.raises(PkiValidationError, match=r"used only in its own account \(111111111111\)") as error:
        _alb(stack, certificates=[foreign])
    assert {p.field for p in error.value.problems} == {"certificates[0]"}


def test_fails_certificate_in_of_another_region_still_checked_through_the_accessor() -> None:
    """certificate_in's import carries the source's region: the ALB's region rule fires as on a direct pass."""
    app = make_app()
    certs, site = make_stack(app, "Certs", region="us-east-1"), make_stack(app, "Site", region=REGION)
    cert = PublicCertificate(certs, "Www", domain_name="www.example.com", hosted_zone=fixture_zone(certs))
    with pytest.raises(PkiValidationError, match=r"certificates\[0\]='Certs/Www in us-east-1'"):
        _alb(site, certificates=[cert.certificate_in(site)])
