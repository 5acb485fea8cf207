"""Every prop that takes a certificate accepts every kind of ``acm.ICertificate``: ours (``PublicCertificate``,
``ServiceCertificate``) and aws-cdk-lib's (``acm.Certificate``, ``acm.PrivateCertificate``, an import by ARN).

Public kinds synthesize everywhere; private kinds synthesize where a private certificate may go (ALB listeners,
expiry alarms) and elsewhere fail with our error naming ``certificate`` — never a jsii crash (issue 10: a
``PublicCertificate`` passed to ``MutualTlsApiDomain`` died with "Cannot read properties of undefined").
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import aws_cdk as cdk
import pytest
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Annotations, Match

from pki_constructs import (
    CertifiedAlb,
    CertifiedDistribution,
    CrlConfiguration,
    DistinguishedName,
    ExpiryAlarm,
    MutualTlsApiDomain,
    PkiValidationError,
    PrivateServiceTier,
    PublicCertificate,
    RootCa,
    ServiceCertificate,
    SubordinateCa,
)
from pki_constructs.imported_ca import ImportedCertificateAuthority
from pki_constructs.private_ca import CertificateAuthorityBase
from tests.scaffolding import fixture_vpc, fixture_zone
from tests.synth import make_app, make_stack, resources_of_type, template_of

NAME = "api.example.com"
CERT_ARN = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
CA_ARN = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"

Kind = Callable[[cdk.Stack], acm.ICertificate]


def _public(stack: cdk.Stack) -> acm.ICertificate:
    return PublicCertificate(stack, "Cert", domain_name=NAME, hosted_zone=fixture_zone(stack))


def _acm_certificate(stack: cdk.Stack) -> acm.ICertificate:
    return acm.Certificate(
        stack, "Cert", domain_name=NAME, validation=acm.CertificateValidation.from_dns(fixture_zone(stack))
    )


def _imported(stack: cdk.Stack) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)


def _service(stack: cdk.Stack) -> acm.ICertificate:
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Ca", CA_ARN)
    return ServiceCertificate(stack, "Cert", certificate_authority=ca, domain_name=NAME)


def _acm_private(stack: cdk.Stack) -> acm.ICertificate:
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Ca", CA_ARN)
    return acm.PrivateCertificate(stack, "Cert", domain_name=NAME, certificate_authority=ca)


PUBLIC_KINDS: dict[str, Kind] = {
    "PublicCertificate": _public,
    "acm.Certificate": _acm_certificate,
    "acm.Certificate.from_certificate_arn": _imported,
}
PRIVATE_KINDS: dict[str, Kind] = {"ServiceCertificate": _service, "acm.PrivateCertificate": _acm_private}
ALL_KINDS = {**PUBLIC_KINDS, **PRIVATE_KINDS}


def _root(stack: cdk.Stack) -> CertificateAuthorityBase:
    return RootCa(stack, "Root", subject=DistinguishedName(common_name="Clients Root", country="US"))


@pytest.mark.parametrize("kind", list(ALL_KINDS))
def test_every_kind_is_an_acm_certificate_for_aws_cdk_lib(kind: str) -> None:
    """aws-cdk-lib itself takes every kind (the jsii interface is satisfied, not duck-typed)."""
    stack = make_stack(make_app())
    cert = ALL_KINDS[kind](stack)
    elbv2.ListenerCertificate.from_certificate_manager(cert)
    apigw.DomainName(stack, "Plain", domain_name=NAME, certificate=cert)
    [domain] = resources_of_type(template_of(stack), "AWS::ApiGateway::DomainName").values()
    assert domain["Properties"]["RegionalCertificateArn"] == stack.resolve(cert.certificate_arn)


@pytest.mark.parametrize("kind", list(ALL_KINDS))
def test_alb_and_expiry_alarm_take_every_kind(kind: str) -> None:
    stack = make_stack(make_app())
    cert = ALL_KINDS[kind](stack)
    CertifiedAlb(stack, "Alb", vpc=fixture_vpc(stack), certificates=[cert], internet_facing=False)
    ExpiryAlarm(stack, "Expiry", certificate=cert)
    template = template_of(stack)
    [listener] = [
        listener
        for listener in resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
        if listener["Properties"]["Protocol"] == "HTTPS"
    ]
    assert listener["Properties"]["Certificates"] == [{"CertificateArn": stack.resolve(cert.certificate_arn)}]
    [alarm] = resources_of_type(template, "AWS::CloudWatch::Alarm").values()
    assert alarm["Properties"]["Dimensions"][0]["Value"] == stack.resolve(cert.certificate_arn)


@pytest.mark.parametrize("kind", list(PUBLIC_KINDS))
def test_distribution_and_mtls_api_domain_take_every_public_kind(kind: str) -> None:
    stack = make_stack(make_app())
    cert = PUBLIC_KINDS[kind](stack)
    CertifiedDistribution(
        stack, "Cdn", certificate=cert, domain_names=[NAME], origin=origins.HttpOrigin("origin.example.com")
    )
    MutualTlsApiDomain(stack, "Api", domain_name=NAME, certificate=cert, trusted_cas=[_root(stack)])
    template = template_of(stack)
    # The root's default CRL has a CloudFront front of its own; the site's distribution is Cdn's.
    [distribution] = [
        d
        for k, d in resources_of_type(template, "AWS::CloudFront::Distribution").items()
        if k.startswith("Cdn")
    ]
    viewer = distribution["Properties"]["DistributionConfig"]["ViewerCertificate"]
    assert viewer["AcmCertificateArn"] == stack.resolve(cert.certificate_arn)
    [domain] = resources_of_type(template, "AWS::ApiGateway::DomainName").values()
    assert domain["Properties"]["RegionalCertificateArn"] == stack.resolve(cert.certificate_arn)


@pytest.mark.parametrize("kind", list(PUBLIC_KINDS))
def test_crl_distribution_takes_every_public_kind(kind: str) -> None:
    stack = make_stack(make_app())
    cert = PUBLIC_KINDS[kind](stack)
    # the CNAME must be a name the certificate covers (CertifiedDistribution's rule)
    crl = CrlConfiguration(cloudfront=True, custom_cname=NAME, cloudfront_certificate=cert)
    RootCa(stack, "Root", subject=DistinguishedName(common_name="Root", country="US"), crl=crl)
    [distribution] = resources_of_type(template_of(stack), "AWS::CloudFront::Distribution").values()
    viewer = distribution["Properties"]["DistributionConfig"]["ViewerCertificate"]
    assert viewer["AcmCertificateArn"] == stack.resolve(cert.certificate_arn)


@pytest.mark.parametrize("kind", list(PRIVATE_KINDS))
def test_fails_private_kinds_where_clients_need_a_public_certificate(kind: str) -> None:
    stack = make_stack(make_app())
    cert = PRIVATE_KINDS[kind](stack)
    with pytest.raises(PkiValidationError) as error:
        CertifiedDistribution(
            stack,
            "Cdn",
            certificate=cert,
            domain_names=[NAME],
            origin=origins.HttpOrigin("origin.example.com"),
        )
    assert "certificate" in {p.field for p in error.value.problems}
    with pytest.raises(PkiValidationError) as error:
        MutualTlsApiDomain(stack, "Api", domain_name=NAME, certificate=cert, trusted_cas=[_root(stack)])
    assert "certificate" in {p.field for p in error.value.problems}


def test_fails_mtls_api_domain_with_something_that_is_not_a_certificate() -> None:
    stack = make_stack(make_app())
    with pytest.raises(PkiValidationError) as error:
        MutualTlsApiDomain(stack, "Api", domain_name=NAME, certificate=object(), trusted_cas=[_root(stack)])  # type: ignore[arg-type]
    assert "not an acm.ICertificate" in {p.field: p.rule for p in error.value.problems}["certificate"]


@pytest.mark.parametrize(
    "owner", [PublicCertificate, ServiceCertificate, CertificateAuthorityBase, ImportedCertificateAuthority]
)
def test_metric_days_to_expiry_has_aws_cdk_libs_signature(owner: type) -> None:
    """One signature everywhere: aws-cdk-lib's ``ICertificate.metric_days_to_expiry`` (MetricOptions)."""
    expected = inspect.signature(acm.ICertificate.metric_days_to_expiry).parameters
    actual = inspect.signature(owner.metric_days_to_expiry).parameters
    assert [(p.name, p.kind) for p in actual.values()] == [(p.name, p.kind) for p in expected.values()]


@pytest.mark.parametrize("kind", [*PUBLIC_KINDS, *PRIVATE_KINDS])
def test_metric_days_to_expiry_ignores_region_as_aws_cdk_lib_does(kind: str) -> None:
    """aws-cdk-lib's certificate-base.ts sets ``region: this.region`` after ``...props``: the data is published
    only in the certificate's region, so a caller's ``region=`` never moves the metric (outside attack round 2,
    finding 09). Ours and aws-cdk-lib's agree, for every kind."""
    stack = make_stack(make_app())
    metric = ALL_KINDS[kind](stack).metric_days_to_expiry(region="eu-west-1")
    assert metric.to_metric_config().metric_stat.region is None  # type: ignore[union-attr]


def test_ca_metric_days_to_expiry_ignores_region() -> None:
    stack = make_stack(make_app())
    imported = SubordinateCa.from_certificate_authority_attributes(
        stack, "Imp", certificate_authority_arn=CA_ARN
    )
    for ca in (_root(stack), imported):
        assert ca.metric_days_to_expiry(region="eu-west-1").to_metric_config().metric_stat.region is None  # type: ignore[union-attr]


_ROOTS: dict[str, Callable[[cdk.Stack], acmpca.ICertificateAuthority]] = {
    "RootCa": _root,
    "RootCa import": lambda s: RootCa.from_certificate_authority_attributes(
        s, "ImportedRoot", certificate_authority_arn=CA_ARN
    ),
}
_END_ENTITY_USES: dict[str, Callable[[cdk.Stack, acmpca.ICertificateAuthority], object]] = {
    "ServiceCertificate": lambda s, ca: ServiceCertificate(
        s, "Svc", certificate_authority=ca, domain_name="svc.internal.example"
    ),
    "PrivateServiceTier": lambda s, ca: PrivateServiceTier(
        s,
        "Tier",
        vpc=ec2.Vpc(s, "Vpc", nat_gateways=0),
        certificate_authority=ca,
        domain_name="api.internal.example",
        services=["orders"],
    ),
    "acm.PrivateCertificate": lambda s, ca: acm.PrivateCertificate(
        s, "Svc", certificate_authority=ca, domain_name="svc.internal.example"
    ),
}


@pytest.mark.parametrize("use", _END_ENTITY_USES)
@pytest.mark.parametrize("root", _ROOTS)
def test_a_root_issuing_an_acm_certificate_is_one_warning_everywhere(root: str, use: str) -> None:
    """ "Roots sign only subordinates": one rule (acm_issuance.py) for every ACM certificate naming a root, ours or
    imported (outside attack round 2, finding 16); exactly one warning per certificate."""
    stack = make_stack(make_app())
    _END_ENTITY_USES[use](stack, _ROOTS[root](stack))
    warnings = Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("rootIssuesEndEntity")
    )
    certificates = resources_of_type(template_of(stack), "AWS::CertificateManager::Certificate")
    assert len(warnings) == len(certificates) >= 1, warnings


def test_an_issuing_ca_gets_no_root_warning() -> None:
    stack = make_stack(make_app())
    issuing = SubordinateCa(stack, "Issuing", parent=_root(stack), subject=DistinguishedName(common_name="I"))
    acm.PrivateCertificate(stack, "Svc", certificate_authority=issuing, domain_name="svc.internal.example")
    assert not Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("rootIssuesEndEntity")
    )


@pytest.mark.parametrize("kind", ["PublicCertificate", "ServiceCertificate"])
def test_removal_policy_reaches_the_certificate_resource(kind: str) -> None:
    """``IResource.apply_removal_policy`` works on ours as on aws-cdk-lib's certificates."""
    stack = make_stack(make_app())
    cert = ALL_KINDS[kind](stack)
    cert.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
    [resource] = resources_of_type(template_of(stack), "AWS::CertificateManager::Certificate").values()
    assert resource["DeletionPolicy"] == "Retain"
