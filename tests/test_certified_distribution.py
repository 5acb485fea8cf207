"""CertifiedDistribution: public us-east-1 certificate from any region, TLS floor, HTTPS-only origin, records.

Also the issue's done-when gate: a us-east-1 certificate stack and an eu-west-1 stack with an ALB and a
distribution synthesize with no ``Fn::ImportValue`` and CDK's own template validation on; tests/test_gates.py
checks the same apps (``certified_distribution_*``) with cfn-lint and cdk-nag.
"""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3

from pki_constructs import CertifiedAlb, CertifiedDistribution, PkiValidationError, PublicCertificate
from pki_constructs.certified_distribution import SECURITY_POLICY_NAMES, minimum_protocol_problems
from tests.gate_apps import DISTRIBUTION_NAMES as NAMES
from tests.gate_apps import built, edge_certificate, origin_alb
from tests.scaffolding import fixture_vpc
from tests.synth import (
    make_app,
    make_stack,
    normalise,
    resources_of_type,
    snapshot_of,
    template_of,
)


def _distribution_config(template: dict[str, Any]) -> dict[str, Any]:
    (dist,) = resources_of_type(template, "AWS::CloudFront::Distribution").values()
    return dist["Properties"]["DistributionConfig"]  # type: ignore[no-any-return]


# --- one stack in us-east-1 with all three constructs ------------------------------------------------


@pytest.fixture(scope="module")
def single() -> tuple[cdk.App, cdk.Stack, dict[str, Any]]:
    built_app = built("certified_distribution_single")
    return built_app["app"], built_app["stack"], template_of(built_app["stack"])


def test_single_stack_snapshot(single: tuple[cdk.App, cdk.Stack, dict[str, Any]], snapshot_json: Any) -> None:
    _, _, template = single
    assert normalise(template) == snapshot_json


def test_acknowledgements_sit_on_the_constructs_they_concern(
    single: tuple[cdk.App, cdk.Stack, dict[str, Any]],
) -> None:
    _, stack, _ = single
    acknowledged: dict[str, str] = {}
    for construct in stack.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                acknowledged[construct.node.path] = acknowledged.get(construct.node.path, "") + json.dumps(
                    entry.data
                )
    assert "AwsSolutions" not in acknowledged.get("Public", "")  # never stack-wide
    assert any(path.startswith("Public/Cdn/Resource") for path in acknowledged)
    assert "AwsSolutions-CFR1" in acknowledged["Public/Cdn/Resource"]


def test_viewer_tls_defaults(single: tuple[cdk.App, cdk.Stack, dict[str, Any]]) -> None:
    _, stack, template = single
    config = _distribution_config(template)
    (cert_id,) = resources_of_type(template, "AWS::CertificateManager::Certificate")
    assert config["Aliases"] == NAMES
    assert config["ViewerCertificate"] == {
        "AcmCertificateArn": {"Ref": cert_id},
        "MinimumProtocolVersion": "TLSv1.2_2021",
        "SslSupportMethod": "sni-only",
    }
    behavior = config["DefaultCacheBehavior"]
    assert behavior["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behavior["ResponseHeadersPolicyId"] == stack.resolve(
        cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS.response_headers_policy_id
    )


def test_alb_origin_is_https_only_and_forwards_the_host(
    single: tuple[cdk.App, cdk.Stack, dict[str, Any]],
) -> None:
    _, stack, template = single
    config = _distribution_config(template)
    (origin,) = config["Origins"]
    (alb_id,) = resources_of_type(template, "AWS::ElasticLoadBalancingV2::LoadBalancer")
    assert origin["DomainName"] == {"Fn::GetAtt": [alb_id, "DNSName"]}
    # A CloudFront VPC origin (issue 13.1): the ALB is internal, reached only through CloudFront.
    assert "CustomOriginConfig" not in origin
    [(vpc_origin_id, vpc_origin)] = resources_of_type(template, "AWS::CloudFront::VpcOrigin").items()
    assert origin["VpcOriginConfig"]["VpcOriginId"] == {"Fn::GetAtt": [vpc_origin_id, "Id"]}
    endpoint = vpc_origin["Properties"]["VpcOriginEndpointConfig"]
    assert endpoint["Arn"] == {"Ref": alb_id}
    assert (endpoint["OriginProtocolPolicy"], endpoint["OriginSSLProtocols"]) == ("https-only", ["TLSv1.2"])
    behavior = config["DefaultCacheBehavior"]
    assert behavior["OriginRequestPolicyId"] == stack.resolve(
        cloudfront.OriginRequestPolicy.ALL_VIEWER.origin_request_policy_id
    )
    assert behavior["CachePolicyId"] == stack.resolve(cloudfront.CachePolicy.CACHING_DISABLED.cache_policy_id)


def test_logs_to_a_private_bucket_with_acls(single: tuple[cdk.App, cdk.Stack, dict[str, Any]]) -> None:
    _, _, template = single
    config = _distribution_config(template)
    bucket_id = config["Logging"]["Bucket"]["Fn::GetAtt"][0]
    bucket = template["Resources"][bucket_id]["Properties"]
    assert bucket["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    assert "BucketEncryption" in bucket


def test_a_and_aaaa_records_for_every_alias(single: tuple[cdk.App, cdk.Stack, dict[str, Any]]) -> None:
    _, _, template = single
    records = sorted(
        (r["Properties"]["Name"], r["Properties"]["Type"])
        for r in resources_of_type(template, "AWS::Route53::RecordSet").values()
    )
    assert records == [
        ("example.com.", "A"),
        ("example.com.", "AAAA"),
        ("www.example.com.", "A"),
        ("www.example.com.", "AAAA"),
    ]


# --- the stack pair: certificate in us-east-1, ALB + distribution in eu-west-1 -----------------------


@pytest.fixture(scope="module")
def pair() -> tuple[cdk.App, cdk.Stack, cdk.Stack]:
    built_app = built("certified_distribution_pair")
    return built_app["app"], built_app["edge"], built_app["regional"]


def test_pair_synthesizes_cleanly(pair: tuple[cdk.App, cdk.Stack, cdk.Stack]) -> None:
    app, _, _ = pair
    assembly = app.synth()  # raises on CDK validation errors
    assert {s.stack_name for s in assembly.stacks} == {"Edge", "Regional"}


def test_pair_has_no_cross_region_export(pair: tuple[cdk.App, cdk.Stack, cdk.Stack]) -> None:
    _, edge, regional = pair
    assert "Fn::ImportValue" not in json.dumps(template_of(regional))
    assert '"Export"' not in json.dumps(template_of(edge))
    assert edge in regional.dependencies


def test_pair_reads_the_certificate_arn_in_us_east_1(pair: tuple[cdk.App, cdk.Stack, cdk.Stack]) -> None:
    _, edge, regional = pair
    template = template_of(regional)
    (reader_id, reader) = next(iter(resources_of_type(template, "Custom::PkiRegionalImport").items()))
    assert json.loads(reader["Properties"]["Create"])["region"] == "us-east-1"
    config = _distribution_config(template)
    assert config["ViewerCertificate"]["AcmCertificateArn"] == {"Fn::GetAtt": [reader_id, "Parameter.Value"]}
    (parameter,) = resources_of_type(template_of(edge), "AWS::SSM::Parameter").values()
    assert json.loads(reader["Properties"]["Create"])["parameters"]["Name"] == parameter["Properties"]["Name"]


def test_pair_snapshot(pair: tuple[cdk.App, cdk.Stack, cdk.Stack], snapshot_json: Any) -> None:
    _, edge, regional = pair
    assert {"Edge": snapshot_of(edge), "Regional": snapshot_of(regional)} == snapshot_json


# --- ALB in a third region -----------------------------------------------------------------------------


def test_alb_in_another_region_than_the_distribution(snapshot_json: Any) -> None:
    built_app = built("certified_distribution_third_region")
    edge, origin_stack, cdn_stack = built_app["edge"], built_app["origin"], built_app["cdn"]
    template = template_of(cdn_stack)
    assert "Fn::ImportValue" not in json.dumps(template)
    readers = resources_of_type(template, "Custom::PkiRegionalImport")
    regions = sorted(json.loads(r["Properties"]["Create"])["region"] for r in readers.values())
    assert regions == [
        "ap-southeast-2",
        "ap-southeast-2",
        "us-east-1",
    ]  # the ALB's ARN and DNS name, the certificate
    (origin,) = _distribution_config(template)["Origins"]
    assert "VpcOriginId" in origin["VpcOriginConfig"]  # a CloudFront VPC origin: the ALB is internal
    [vpc_origin] = resources_of_type(template, "AWS::CloudFront::VpcOrigin").values()
    config = vpc_origin["Properties"]["VpcOriginEndpointConfig"]
    assert (config["OriginProtocolPolicy"], config["OriginSSLProtocols"]) == ("https-only", ["TLSv1.2"])
    assert {edge, origin_stack} <= set(cdn_stack.dependencies)
    assert snapshot_of(cdn_stack) == snapshot_json


# --- other origins and options ---------------------------------------------------------------------------


def test_https_custom_origin_is_accepted_and_no_records_without_zone() -> None:
    stack = make_stack()
    cert = edge_certificate(stack)
    dist = CertifiedDistribution(
        stack,
        "Cdn",
        certificate=cert,
        domain_names=["www.example.com"],
        origin=origins.HttpOrigin(
            "origin.example.net", protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY
        ),
        web_acl_id="arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/1",
    )
    template = template_of(stack)
    assert dist.records == []
    assert resources_of_type(template, "AWS::Route53::RecordSet") == {}
    assert (
        _distribution_config(template)["WebACLId"] == "arn:aws:wafv2:us-east-1:111111111111:global/webacl/x/1"
    )


def test_wildcard_certificate_covers_one_level() -> None:
    stack = make_stack()
    cert = edge_certificate(stack, ["*.example.com"])
    origin = origins.HttpOrigin(
        "origin.example.net", protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY
    )
    CertifiedDistribution(
        stack, "Cdn", certificate=cert, domain_names=["a.example.com", "B.example.com"], origin=origin
    )
    assert _distribution_config(template_of(stack))["Aliases"] == ["a.example.com", "b.example.com"]


@pytest.mark.parametrize("name", SECURITY_POLICY_NAMES)
def test_minimum_protocol_rules(name: str) -> None:
    problems, warnings = minimum_protocol_problems(cloudfront.SecurityPolicyProtocol[name])
    value = SECURITY_POLICY_NAMES[name]
    if value in {"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"}:
        assert [p.field for p in problems] == ["minimum_protocol_version"]
    elif value in {"TLSv1.2_2018", "TLSv1.2_2019"}:
        assert problems == [] and warnings
    else:
        assert problems == [] and warnings == []


def test_newer_minimum_protocol_is_written() -> None:
    stack = make_stack()
    cert = edge_certificate(stack)
    origin = origins.HttpOrigin(
        "origin.example.net", protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY
    )
    CertifiedDistribution(
        stack,
        "Cdn",
        certificate=cert,
        domain_names=NAMES,
        origin=origin,
        minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_3_2025,
    )
    assert (
        _distribution_config(template_of(stack))["ViewerCertificate"]["MinimumProtocolVersion"]
        == "TLSv1.3_2025"
    )


# --- failures ----------------------------------------------------------------------------------------


def _https_origin() -> cloudfront.IOrigin:
    return origins.HttpOrigin(
        "origin.example.net", protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY
    )


def test_fails_alias_not_covered_by_the_certificate() -> None:
    stack = make_stack()
    cert = edge_certificate(stack, ["*.example.com"])
    with pytest.raises(PkiValidationError) as info:
        CertifiedDistribution(
            stack,
            "Cdn",
            certificate=cert,
            domain_names=["example.com", "a.b.example.com", "ok.example.com"],
            origin=_https_origin(),
        )
    fields = [p.field for p in info.value.problems]
    assert fields == ["domain_names[0]", "domain_names[1]"]
    assert "domain_names[0]='example.com'" in str(info.value)


def test_fails_certificate_outside_us_east_1() -> None:
    app = make_app()
    stack = make_stack(app, "Eu", "eu-west-1")
    cert = edge_certificate(stack)
    with pytest.raises(
        PkiValidationError, match=r"certificate='Eu/EdgeCert in eu-west-1'.*us-east-1.*Fix: create"
    ):
        CertifiedDistribution(stack, "Cdn", certificate=cert, domain_names=NAMES, origin=_https_origin())


def test_fails_imported_certificate_arn_outside_us_east_1() -> None:
    stack = make_stack(region="eu-west-1")
    cert = acm.Certificate.from_certificate_arn(
        stack, "Cert", "arn:aws:acm:eu-west-1:111111111111:certificate/x"
    )
    with pytest.raises(PkiValidationError, match=r"certificate=.*in eu-west-1"):
        CertifiedDistribution(stack, "Cdn", certificate=cert, domain_names=NAMES, origin=_https_origin())


@pytest.mark.parametrize(
    "arn",
    [
        "garbage",
        "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555",
    ],
)
def test_fails_certificate_imported_with_an_arn_that_is_no_acm_certificate(arn: str) -> None:
    """aws-cdk-lib's import takes any string; CloudFront's own ARN parse would fail inside jsii."""
    stack = make_stack()
    cert = acm.Certificate.from_certificate_arn(stack, "Cert", arn)
    with pytest.raises(
        PkiValidationError, match=r"certificate=.*(not an ACM certificate ARN|Private CA ARN)"
    ) as error:
        CertifiedDistribution(stack, "Cdn", certificate=cert, domain_names=NAMES, origin=_https_origin())
    assert [p.field for p in error.value.problems] == ["certificate"]


def test_fails_private_certificate() -> None:
    stack = make_stack()
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(
        stack,
        "Ca",
        "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-1111-1111-1111-111111111111",
    )
    private = acm.PrivateCertificate(stack, "Private", domain_name="example.com", certificate_authority=ca)
    with pytest.raises(PkiValidationError, match=r"certificate='Test/Private'.*publicly trusted"):
        CertifiedDistribution(
            stack, "Cdn", certificate=private, domain_names=["example.com"], origin=_https_origin()
        )


def test_fails_alb_origin_with_a_private_certificate() -> None:
    stack = make_stack()
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(
        stack,
        "Ca",
        "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-1111-1111-1111-111111111111",
    )
    private = acm.PrivateCertificate(
        stack,
        "Private",
        domain_name="example.com",
        subject_alternative_names=["www.example.com"],
        certificate_authority=ca,
    )
    alb = CertifiedAlb(stack, "Alb", vpc=fixture_vpc(stack), certificates=[private], cloudfront_origin=True)
    cert = edge_certificate(stack)
    with pytest.raises(PkiValidationError, match=r"origin='Test/Alb'.*public CA"):
        CertifiedDistribution(stack, "Cdn", certificate=cert, domain_names=NAMES, origin=alb)


def test_fails_alb_origin_certificate_not_covering_the_aliases() -> None:
    stack = make_stack()
    alb = origin_alb(stack, ["example.com"])
    cert = PublicCertificate(
        stack,
        "EdgeCert",
        domain_name="example.com",
        subject_alternative_names=["www.example.com"],
        hosted_zone=stack.node.find_child("Zone"),  # type: ignore[arg-type]
    )
    with pytest.raises(PkiValidationError, match=r"origin=.*lacks \['www.example.com'\].*Host header"):
        CertifiedDistribution(stack, "Cdn", certificate=cert, domain_names=NAMES, origin=alb)


def test_fails_minimum_protocol_below_tls_1_2() -> None:
    stack = make_stack()
    cert = edge_certificate(stack)
    with pytest.raises(PkiValidationError, match=r"minimum_protocol_version='TLSv1.1_2016'"):
        CertifiedDistribution(
            stack,
            "Cdn",
            certificate=cert,
            domain_names=NAMES,
            origin=_https_origin(),
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_1_2016,
        )


def test_fails_alias_outside_the_zone() -> None:
    stack = make_stack()
    cert = edge_certificate(stack)
    with pytest.raises(PkiValidationError, match=r"hosted_zone='www.example.com in other.example.com'"):
        CertifiedDistribution(
            stack,
            "Cdn",
            certificate=cert,
            domain_names=["www.example.com"],
            origin=_https_origin(),
            hosted_zone=cdk.aws_route53.HostedZone.from_hosted_zone_attributes(
                stack, "Other", hosted_zone_id="Z9", zone_name="other.example.com"
            ),
        )


def test_fails_invalid_alias() -> None:
    stack = make_stack()
    cert = edge_certificate(stack)
    with pytest.raises(PkiValidationError, match=r"domain_names\[0\]='\*\.\*\.example\.com'.*wildcard"):
        CertifiedDistribution(
            stack, "Cdn", certificate=cert, domain_names=["*.*.example.com"], origin=_https_origin()
        )


def test_fails_log_bucket_without_acls() -> None:
    stack = make_stack()
    cert = edge_certificate(stack)
    bucket = s3.Bucket(
        stack, "NoAcl", object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED, enforce_ssl=True
    )
    with pytest.raises(PkiValidationError, match=r"log_bucket='Test/NoAcl'.*ACL"):
        CertifiedDistribution(
            stack, "Cdn", certificate=cert, domain_names=NAMES, origin=_https_origin(), log_bucket=bucket
        )


@pytest.mark.parametrize(
    "ownership", [None, s3.ObjectOwnership.BUCKET_OWNER_ENFORCED], ids=["s3-default", "enforced"]
)
def test_fails_log_bucket_with_s3_default_ownership(ownership: s3.ObjectOwnership | None) -> None:
    """Without object_ownership CDK writes no OwnershipControls and S3 disables ACLs on new buckets."""
    stack = make_stack()
    cert = edge_certificate(stack)
    bucket = s3.Bucket(stack, "Plain", object_ownership=ownership, enforce_ssl=True)
    with pytest.raises(PkiValidationError, match=r"log_bucket='Test/Plain'.*ACLs disabled"):
        CertifiedDistribution(
            stack, "Cdn", certificate=cert, domain_names=NAMES, origin=_https_origin(), log_bucket=bucket
        )


@pytest.mark.parametrize("region", ["af-south-1", "eu-south-2", "il-central-1"])
def test_fails_log_bucket_in_an_opt_in_region(region: str) -> None:
    """Standard logging (legacy) never delivers to opt-in regions (aws-cdk-lib RegionInfo.is_opt_in_region)."""
    stack = make_stack()
    cert = edge_certificate(stack)
    bucket = s3.Bucket.from_bucket_attributes(stack, "Far", bucket_name="far-logs", region=region)
    with pytest.raises(PkiValidationError, match=rf"log_bucket='Test/Far \({region}\)'.*opt-in"):
        CertifiedDistribution(
            stack, "Cdn", certificate=cert, domain_names=NAMES, origin=_https_origin(), log_bucket=bucket
        )


def test_fails_default_log_bucket_in_an_opt_in_region() -> None:
    """The bucket the construct would create lives in its stack's region: an opt-in one needs log_bucket=."""
    app = make_app()
    cert = edge_certificate(make_stack(app, "Edge", "us-east-1"))
    stack = make_stack(app, "Cape", "af-south-1")
    with pytest.raises(PkiValidationError, match=r"log_bucket='a new bucket in af-south-1'.*opt-in"):
        CertifiedDistribution(stack, "Cdn", certificate=cert, domain_names=NAMES, origin=_https_origin())


@pytest.mark.parametrize(
    "ownership", [s3.ObjectOwnership.BUCKET_OWNER_PREFERRED, s3.ObjectOwnership.OBJECT_WRITER]
)
def test_log_bucket_with_acls_is_used(ownership: s3.ObjectOwnership) -> None:
    stack = make_stack()
    cert = edge_certificate(stack)
    bucket = s3.Bucket(stack, "Logs", object_ownership=ownership, enforce_ssl=True)
    dist = CertifiedDistribution(
        stack, "Cdn", certificate=cert, domain_names=NAMES, origin=_https_origin(), log_bucket=bucket
    )
    assert dist.log_bucket is bucket


def test_fails_origin_not_https_only() -> None:
    app = make_app()
    stack = make_stack(app)
    cert = edge_certificate(stack)
    # Known in the constructor, so it fails there (issue 11, class 7), not as a late RuntimeError at synth.
    with pytest.raises(PkiValidationError, match=r"origin=.*match-viewer.*HTTPS only"):
        CertifiedDistribution(
            stack,
            "Cdn",
            certificate=cert,
            domain_names=NAMES,
            origin=origins.HttpOrigin(
                "origin.example.net", protocol_policy=cloudfront.OriginProtocolPolicy.MATCH_VIEWER
            ),
        )


def test_fails_origin_accepting_tls_below_1_2() -> None:
    app = make_app()
    stack = make_stack(app)
    cert = edge_certificate(stack)
    with pytest.raises(PkiValidationError, match=r"origin=.*TLSv1\.1.*origin TLS must be 1\.2"):
        CertifiedDistribution(
            stack,
            "Cdn",
            certificate=cert,
            domain_names=NAMES,
            origin=origins.HttpOrigin(
                "origin.example.net",
                protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
                origin_ssl_protocols=[
                    cloudfront.OriginSslPolicy.TLS_V1_1,
                    cloudfront.OriginSslPolicy.TLS_V1_2,
                ],
            ),
        )


def test_certificate_of_unknown_region_warns() -> None:
    stack = make_stack(region="eu-west-1")
    arn = cdk.aws_ssm.StringParameter.value_for_string_parameter(stack, "/app/edge/certificate-arn")
    cert = acm.Certificate.from_certificate_arn(stack, "ByToken", arn)
    dist = CertifiedDistribution(stack, "Cdn", certificate=cert, domain_names=NAMES, origin=_https_origin())
    warnings = cdk.assertions.Annotations.from_stack(stack).find_warning(
        f"/{dist.node.path}", cdk.assertions.Match.string_like_regexp("not known at synth.*us-east-1")
    )
    assert len(warnings) == 1


def _service_certificate(stack: cdk.Stack) -> Any:
    from pki_constructs.service_certificate import ServiceCertificate

    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(
        stack,
        "IssuingCa",
        "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/22222222-2222-2222-2222-222222222222",
    )
    return ServiceCertificate(
        stack,
        "Svc",
        certificate_authority=ca,
        domain_name="example.com",
        subject_alternative_names=["www.example.com"],
    )


def test_fails_certificate_issued_by_our_ca() -> None:
    stack = make_stack()
    service = _service_certificate(stack)
    with pytest.raises(PkiValidationError, match=r"certificate='Test/Svc'.*publicly trusted"):
        CertifiedDistribution(stack, "Cdn", certificate=service, domain_names=NAMES, origin=_https_origin())


def test_fails_alb_origin_carrying_a_certificate_issued_by_our_ca() -> None:
    stack = make_stack()
    alb = CertifiedAlb(
        stack,
        "Alb",
        vpc=fixture_vpc(stack),
        certificates=[_service_certificate(stack)],
        cloudfront_origin=True,
    )
    assert alb.has_private_certificate
    assert alb.certificate_names == ("example.com", "www.example.com")
    cert = edge_certificate(stack)
    with pytest.raises(PkiValidationError, match=r"origin='Test/Alb'.*public CA"):
        CertifiedDistribution(stack, "Cdn", certificate=cert, domain_names=NAMES, origin=alb)


def test_fails_without_domain_names() -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError, match=r"domain_names=\[\]"):
        CertifiedDistribution(
            stack, "Cdn", certificate=edge_certificate(stack), domain_names=[], origin=_https_origin()
        )


@pytest.mark.parametrize("internet_facing", [True, False])
def test_fails_alb_origin_not_made_for_cloudfront(internet_facing: bool) -> None:
    """Issue 13: an ALB origin CloudFront does not reach as a VPC origin is reachable around the distribution
    (internet-facing) or not at all (an internal ALB whose group does not admit CloudFront)."""
    stack = make_stack()
    alb = origin_alb(stack, cloudfront_origin=False, internet_facing=internet_facing)
    cert = PublicCertificate(
        stack,
        "EdgeCert",
        domain_name="example.com",
        subject_alternative_names=["www.example.com"],
        hosted_zone=stack.node.find_child("Zone"),  # type: ignore[arg-type]
    )
    with pytest.raises(PkiValidationError, match=r"origin='Test/Alb'.*cloudfront_origin=True"):
        CertifiedDistribution(stack, "Cdn", certificate=cert, domain_names=NAMES, origin=alb)
