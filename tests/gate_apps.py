"""Every construct's test app, registered once for the cfn-lint / cdk-nag gate (tests/test_gates.py).

A builder makes one app variant and returns its handles: ``{"app": cdk.App, <name>: construct or stack,
...}``. The test module that checks an app's behaviour builds its fixture from the same registered
builder (``built(name)``), so the gate checks exactly the app those tests check, and no construction code
is copied. ``built`` caches: each app is built once per worker and shared by the gate and the module's
tests, so never add constructs to an app obtained from it (build a fresh one with the builder instead).

Registering an app: write a builder here, add a :class:`GateApp` to ``REGISTRY`` with what the gate must
excuse in it, each with its reason (``scaffolding``: construct paths the test builds around the constructs;
``expected_findings``: library findings the variant provokes on purpose), and use ``built(name)`` in the
module's fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import aws_cdk as cdk
from aws_cdk import Duration
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_route53 as route53

import app as reference
from pki_constructs import (
    CaExpiryAlarm,
    CertifiedAlb,
    CertifiedDistribution,
    CrlConfiguration,
    DistinguishedName,
    ExpiryAlarm,
    ExpiryTopic,
    KeyAlgorithm,
    MutualTlsApiDomain,
    MutualTlsTrustStore,
    OcspConfiguration,
    PrivateServiceTier,
    PublicCertificate,
    RegionalExport,
    RegionalImport,
    RootCa,
    ServiceCertificate,
    SubordinateCa,
)
from pki_constructs._compliance import NAG_PACKS
from tests.scaffolding import fixture_vpc, fixture_zone
from tests.synth import ACCOUNT, OTHER_ACCOUNT, env, make_app, make_stack, pinned_context

Built = dict[str, Any]
"""What a builder returns: ``"app"`` (the cdk.App) and the handles its module's tests use."""

PACKS = ("AwsSolutions", *NAG_PACKS)
"""The cdk-nag packs every app is gated with."""


def _dn(common_name: str, **attributes: str) -> DistinguishedName:
    return DistinguishedName(common_name=common_name, **attributes)


# --- RootCa / SubordinateCa (tests/test_private_ca.py) -------------------------------------------------

SEED_ROOT = _dn(
    "MyCompany Root CA", organization="MyCompany", organizational_unit="IT Department", country="US"
)
SEED_SUB = _dn(
    "MyCompany Subordinate CA", organization="MyCompany", organizational_unit="IT Department", country="US"
)


def private_ca_seed() -> Built:
    """The seed's ca-config.json: a root and a subordinate CA on their defaults."""
    stack = make_stack(name="Seed")
    root = RootCa(stack, "Root", subject=SEED_ROOT)
    sub = SubordinateCa(stack, "Subordinate", parent=root, subject=SEED_SUB)
    return {"app": stack.node.root, "stack": stack, "root": root, "sub": sub}


def private_ca_ec() -> Built:
    """EC keys, OCSP on, CRL off."""
    stack = make_stack(name="Ec")
    root = RootCa(stack, "Root", subject=_dn("Ec Root CA G1"), key_algorithm=KeyAlgorithm.EC_SECP384R1)
    SubordinateCa(
        stack,
        "Issuing",
        parent=root,
        subject=_dn("Ec Issuing CA G1"),
        key_algorithm=KeyAlgorithm.EC_PRIME256V1,
        validity=Duration.days(1095),
        ocsp=OcspConfiguration(),
        crl=CrlConfiguration.disabled(),
    )
    return {"app": stack.node.root, "stack": stack}


def private_ca_cloudfront_crl() -> Built:
    stack = make_stack(name="CloudFrontCrl")
    RootCa(
        stack,
        "Root",
        subject=_dn("Root CA G1"),
        crl=CrlConfiguration(cloudfront=True, expiration=Duration.days(30)),
    )
    return {"app": stack.node.root, "stack": stack}


def _partition_hierarchy(region: str, name: str, **root_props: Any) -> Built:
    """A root and a subordinate CA on their defaults in ``region`` (another partition than aws)."""
    stack = make_stack(name=name, region=region)
    root = RootCa(stack, "Root", subject=_dn(f"{name} Root CA G1"), **root_props)
    sub = SubordinateCa(stack, "Subordinate", parent=root, subject=_dn(f"{name} Issuing CA G1"))
    return {"app": stack.node.root, "stack": stack, "root": root, "sub": sub}


def private_ca_china() -> Built:
    """The default hierarchy in aws-cn (cn-north-1): no CloudFront CRL front there (no origin access control)."""
    return _partition_hierarchy("cn-north-1", "China")


def private_ca_china_sm2() -> Built:
    """The China-only SM2 hierarchy (cn-northwest-1)."""
    stack = make_stack(name="ChinaSm2", region="cn-northwest-1")
    root = RootCa(stack, "Root", subject=_dn("Sm2 Root CA G1"), key_algorithm=KeyAlgorithm.SM2)
    SubordinateCa(
        stack, "Subordinate", parent=root, subject=_dn("Sm2 Issuing CA G1"), key_algorithm=KeyAlgorithm.SM2
    )
    return {"app": stack.node.root, "stack": stack, "root": root}


def private_ca_govcloud() -> Built:
    """The default hierarchy in aws-us-gov (us-gov-west-1): no CloudFront there at all."""
    return _partition_hierarchy("us-gov-west-1", "GovCloud")


def private_ca_cross_stack() -> Built:
    """A parent in another stack of the same account and region."""
    app = make_app()
    pki = make_stack(app, "Pki")
    workload = make_stack(app, "Workload")
    root = RootCa(pki, "Root", subject=_dn("Root CA G1"))
    SubordinateCa(workload, "Issuing", parent=root, subject=_dn("Issuing CA G1"))
    return {"app": app, "pki": pki, "workload": workload}


# --- activation across regions (tests/test_activation.py) ------------------------------------------------


def cross_region_activation() -> Built:
    app = make_app()
    root_stack = make_stack(app, "RootStack", region="us-east-1")
    issuing_stack = make_stack(app, "IssuingStack", region="eu-west-1")
    root = RootCa(root_stack, "Root", subject=_dn("Example Root CA G1", organization="Example"))
    issuing = SubordinateCa(
        issuing_stack,
        "Issuing",
        parent=root,
        subject=_dn("Example Issuing CA G1", organization="Example"),
        path_length=1,
    )
    # a grandchild in the issuing CA's own region: its parent was activated by the custom resource, so it has no
    # chain CloudFormation can pass on; it shares the stack's single Provider
    team = SubordinateCa(
        issuing_stack,
        "Team",
        parent=issuing,
        subject=_dn("Example Team CA G1", organization="Example"),
        validity=Duration.days(900),
    )
    return {
        "app": app,
        "root_stack": root_stack,
        "issuing_stack": issuing_stack,
        "root": root,
        "issuing": issuing,
        "team": team,
    }


# --- CA expiry (tests/test_ca_expiry.py, tests/test_ca_expiry_with_acm_app.py) ---------------------------

FAR_CA_ARN = f"arn:aws:acm-pca:eu-west-1:{ACCOUNT}:certificate-authority/66666666-7777-8888-9999-000000000000"
CA_ARN = f"arn:aws:acm-pca:us-east-1:{ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555"


def ca_expiry() -> Built:
    """Alarms on our root (with a topic), our subordinate, and a CA of another region known by ARN."""
    app = make_app()
    stack = make_stack(app, "Checked")
    root = RootCa(stack, "Root", subject=_dn("Test Root CA", country="US"))
    sub = SubordinateCa(stack, "Sub", parent=root, subject=_dn("Test Sub CA", country="US"))
    root.add_expiry_alarm(create_topic=True)
    sub.add_expiry_alarm()
    far = SubordinateCa.from_certificate_authority_attributes(
        stack, "FarCa", certificate_authority_arn=FAR_CA_ARN
    )
    CaExpiryAlarm(stack, "FarExpiry", certificate_authority=far)
    return {"app": app, "stack": stack}


def ca_expiry_with_acm() -> Built:
    """Issue 5's "done when": a CloudFront certificate (us-east-1), an ACM private certificate of our
    subordinate CA and the CAs themselves (eu-west-1), alarmed with one call each."""
    app = make_app()
    edge = make_stack(app, "Edge", region="us-east-1")
    regional = make_stack(app, "Regional", region="eu-west-1")

    zone = route53.HostedZone.from_hosted_zone_attributes(
        edge, "Zone", hosted_zone_id="Z0123456789ABCDEF", zone_name="example.com"
    )
    cdn_cert = PublicCertificate(edge, "CdnCertificate", domain_name="www.example.com", hosted_zone=zone)
    root = RootCa(regional, "Root", subject=_dn("Example Root CA G1", country="US"))
    sub = SubordinateCa(regional, "Issuing", parent=root, subject=_dn("Example Issuing CA G1", country="US"))
    alb_cert = acm.PrivateCertificate(
        regional, "AlbCertificate", domain_name="api.internal.example", certificate_authority=sub
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
        "edge_alerts": edge_alerts,
        "regional_alerts": regional_alerts,
    }


# --- ExpiryAlarm (tests/test_expiry_alarm.py) -------------------------------------------------------------

CERT_ARN = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555"


def public_certificate(stack: cdk.Stack, id: str = "Cert") -> acm.Certificate:
    """An aws-cdk-lib DNS-validated certificate."""
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, f"{id}Zone", hosted_zone_id="Z0123456789ABCDEF", zone_name="example.com"
    )
    return acm.Certificate(
        stack, id, domain_name="app.example.com", validation=acm.CertificateValidation.from_dns(zone)
    )


def private_certificate(stack: cdk.Stack, id: str = "PrivateCert") -> acm.PrivateCertificate:
    """An aws-cdk-lib private certificate of a CA known by ARN."""
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, f"{id}Ca", CA_ARN)
    return acm.PrivateCertificate(stack, id, domain_name="app.internal.example", certificate_authority=ca)


def expiry_alarm_variants() -> Built:
    """A public, a private and an imported certificate's alarms, with a created and a shared topic."""
    stack = make_stack(name="ExpiryAlarms")
    shared = ExpiryTopic(stack, "Alerts")
    public = ExpiryAlarm(stack, "PublicExpiry", certificate=public_certificate(stack), create_topic=True)
    public.on_expiry_event()
    public.on_renewal_failed()
    ExpiryAlarm(stack, "PrivateExpiry", certificate=private_certificate(stack), topic=shared.topic)
    imported = ExpiryAlarm(
        stack,
        "ImportedExpiry",
        certificate=acm.Certificate.from_certificate_arn(stack, "Imported", CERT_ARN),
        threshold=Duration.days(14),
        topic=shared.topic,
    )
    imported.on_expiry_event()
    imported.on_renewal_failed()
    return {"app": stack.node.root, "stack": stack}


# --- handler failures (tests/test_handler_failures.py) ---------------------------------------------------


def handler_failures() -> Built:
    app = make_app()
    stack = make_stack(app, "Monitored")
    topic = ExpiryTopic(stack, "Alerts")
    # The checker exists before any topic is known, the renewal function after: both orders must notify.
    ca = SubordinateCa.from_certificate_authority_attributes(stack, "Ca", certificate_authority_arn=CA_ARN)
    CaExpiryAlarm(stack, "Quiet", certificate_authority=ca)
    CaExpiryAlarm(stack, "Loud", certificate_authority=ca, threshold=Duration.days(30), topic=topic.topic)
    root = RootCa(stack, "Root", subject=_dn("Root", organization="Example"))
    issuing = SubordinateCa(stack, "Issuing", parent=root, subject=_dn("Issuing", organization="Example"))
    ServiceCertificate(
        stack, "Api", certificate_authority=issuing, domain_name="api.internal.example", export=True
    )
    return {"app": app, "stack": stack, "topic": topic}


# --- CertifiedAlb, CertifiedDistribution (tests/test_certified_alb.py, test_certified_distribution.py) ---

ALB_REGION = "eu-west-1"
DISTRIBUTION_NAMES = ["example.com", "www.example.com"]


def certified_alb() -> Built:
    """The default CertifiedAlb with a public certificate, in eu-west-1."""
    app = make_app()
    stack = make_stack(app, region=ALB_REGION)
    certificate = PublicCertificate(
        stack, "Cert", domain_name="app.example.com", hosted_zone=fixture_zone(stack)
    )
    alb = CertifiedAlb(stack, "Alb", vpc=fixture_vpc(stack), certificates=[certificate])
    return {"app": app, "stack": stack, "alb": alb}


def edge_certificate(stack: cdk.Stack, names: list[str] = DISTRIBUTION_NAMES) -> PublicCertificate:
    return PublicCertificate(
        stack,
        "EdgeCert",
        domain_name=names[0],
        subject_alternative_names=names[1:],
        hosted_zone=fixture_zone(stack),
    )


def origin_alb(stack: cdk.Stack, names: list[str] = DISTRIBUTION_NAMES, **props: Any) -> CertifiedAlb:
    """An ALB that serves as a CloudFront origin, with its own public certificate."""
    certificate = PublicCertificate(
        stack,
        "AlbCert",
        domain_name=names[0],
        subject_alternative_names=names[1:],
        hosted_zone=fixture_zone(stack),
    )
    props.setdefault("cloudfront_origin", True)
    return CertifiedAlb(
        stack, "Alb", vpc=fixture_vpc(stack), certificates=props.pop("certificates", [certificate]), **props
    )


def certified_distribution_single() -> Built:
    """One us-east-1 stack with all three constructs: certificate, origin ALB, distribution."""
    app = make_app()
    stack = make_stack(app, "Public", "us-east-1")
    certificate = edge_certificate(stack)
    alb = CertifiedAlb(
        stack, "Alb", vpc=fixture_vpc(stack), certificates=[certificate], cloudfront_origin=True
    )
    distribution = CertifiedDistribution(
        stack,
        "Cdn",
        certificate=certificate,
        domain_names=DISTRIBUTION_NAMES,
        origin=alb,
        hosted_zone=stack.node.find_child("Zone"),  # type: ignore[arg-type]
    )
    return {"app": app, "stack": stack, "distribution": distribution}


def certified_distribution_pair() -> Built:
    """The certificate in us-east-1, the ALB and the distribution in eu-west-1; CDK's validation on."""
    app = make_app(validation=True)  # CDK's own template validation on, as in the app-level gate
    edge = make_stack(app, "Edge", "us-east-1")
    regional = make_stack(app, "Regional", "eu-west-1")
    certificate = edge_certificate(edge)
    alb = origin_alb(regional)
    CertifiedDistribution(
        regional,
        "Cdn",
        certificate=certificate,
        domain_names=DISTRIBUTION_NAMES,
        origin=alb,
        hosted_zone=regional.node.find_child("Zone"),  # type: ignore[arg-type]
    )
    return {"app": app, "edge": edge, "regional": regional}


def certified_distribution_third_region() -> Built:
    """The ALB in a third region (ap-southeast-2), the distribution in eu-west-1."""
    app = make_app()
    edge = make_stack(app, "Edge", "us-east-1")
    origin_stack = make_stack(app, "Origin", "ap-southeast-2")
    cdn_stack = make_stack(app, "Cdn", "eu-west-1")
    certificate = edge_certificate(edge)
    alb = origin_alb(origin_stack)
    CertifiedDistribution(
        cdn_stack, "Cdn", certificate=certificate, domain_names=DISTRIBUTION_NAMES, origin=alb
    )
    return {"app": app, "edge": edge, "origin": origin_stack, "cdn": cdn_stack}


# --- RegionalExport / RegionalImport (tests/test_cross_region.py) -----------------------------------------

REGIONAL_PARAMETER = "/pki-constructs/test/certificate-arn"


def regional_certificate(stack: cdk.Stack, *, san: list[str] | None = None) -> acm.Certificate:
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
    )
    return acm.Certificate(
        stack,
        "Cert",
        domain_name="www.example.com",
        subject_alternative_names=san,
        validation=acm.CertificateValidation.from_dns(zone),
    )


def cross_region_pair(*, san: list[str] | None = None, refresh: str | None = None) -> Built:
    """A certificate's ARN exported in us-east-1 and read in eu-west-1."""
    app = make_app()
    producer = make_stack(app, "Producer", "us-east-1")
    consumer = make_stack(app, "Consumer", "eu-west-1")
    certificate = regional_certificate(producer, san=san)
    export = RegionalExport(producer, "CertArn", name=REGIONAL_PARAMETER, value=certificate.certificate_arn)
    cdk.CfnOutput(consumer, "Arn", value=export.value_in(consumer, refresh=refresh))
    return {"app": app, "producer": producer, "consumer": consumer}


def regional_import_standalone() -> Built:
    """Two RegionalImports of parameters another app wrote, sharing one function."""
    app = make_app()
    stack = make_stack(app, "Consumer", "eu-west-1")
    reader = RegionalImport(stack, "EdgeArn", parameter_name="/other-app/edge/arn", region="us-east-1")
    second = RegionalImport(stack, "OtherArn", parameter_name="/other-app/edge/other", region="us-east-1")
    cdk.CfnOutput(stack, "Arn", value=reader.value)
    cdk.CfnOutput(stack, "Other", value=second.value)
    return {"app": app, "stack": stack, "reader": reader, "second": second}


# --- PublicCertificate (tests/test_public_certificate.py) -------------------------------------------------


def public_zone(
    stack: cdk.Stack, name: str = "example.com", zone_id: str = "Z0123456789ABCDEFGHIJ"
) -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(
        stack, f"Zone-{name}", hosted_zone_id=zone_id, zone_name=name
    )


def public_certificate_default() -> Built:
    stack = make_stack()
    PublicCertificate(
        stack,
        "Site",
        domain_name="example.com",
        subject_alternative_names=["www.example.com"],
        hosted_zone=public_zone(stack),
    )
    return {"app": stack.node.root, "stack": stack}


def public_certificate_multi_zone() -> Built:
    stack = make_stack()
    com = public_zone(stack, "example.com", "Z0000000000000000COM")
    org = public_zone(stack, "example.org", "Z0000000000000000ORG")
    PublicCertificate(
        stack,
        "Site",
        domain_name="example.com",
        subject_alternative_names=["*.example.com", "www.example.org"],
        hosted_zone={"example.com": com, "www.example.org": org},
    )
    return {"app": stack.node.root, "stack": stack}


def public_certificate_cross_region() -> Built:
    """A us-east-1 certificate used from eu-west-1 (``certificate_in``)."""
    app = make_app()
    edge = make_stack(app, "Edge", "us-east-1")
    consumer = make_stack(app, "Consumer", "eu-west-1")
    certificate = PublicCertificate(edge, "Site", domain_name="example.com", hosted_zone=public_zone(edge))
    imported = certificate.certificate_in(consumer)
    cdk.CfnOutput(consumer, "Arn", value=imported.certificate_arn)
    return {"app": app, "edge": edge, "consumer": consumer}


# --- ServiceCertificate (tests/test_service_certificate.py) -----------------------------------------------


def service_certificate_exported() -> Built:
    """Two exported service certificates of an EC issuing CA; a task role may read one of them."""
    app = make_app()
    stack = make_stack(app, "Services")
    root = RootCa(stack, "Root", subject=_dn("Example Root CA", organization="Example"))
    issuing = SubordinateCa(
        stack,
        "Issuing",
        parent=root,
        subject=_dn("Example Issuing CA", organization="Example"),
        key_algorithm=KeyAlgorithm.EC_PRIME256V1,
    )
    api = ServiceCertificate(
        stack,
        "Api",
        certificate_authority=issuing,
        domain_name="api.internal.example",
        subject_alternative_names=["API.internal.example", "api-v2.internal.example"],
        export=True,
    )
    worker = ServiceCertificate(
        stack, "Worker", certificate_authority=issuing, domain_name="worker.internal.example", export=True
    )
    reader = iam.Role(stack, "ApiTask", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    api.grant_read(reader)
    return {"app": app, "stack": stack, "api": api, "worker": worker}


# --- trust stores, mTLS API domain, private tier (test_trust_store.py, test_private_tier.py) --------------


def example_hierarchy(stack: cdk.Stack) -> SubordinateCa:
    """A root and an EC issuing CA named "Example ..."."""
    root = RootCa(stack, "Root", subject=_dn("Example Root CA", organization="Example"))
    return SubordinateCa(
        stack,
        "Issuing",
        parent=root,
        subject=_dn("Example Issuing CA", organization="Example"),
        key_algorithm=KeyAlgorithm.EC_PRIME256V1,
    )


def trust_store() -> Built:
    app = make_app()
    stack = make_stack(app, "Trust")
    issuing = example_hierarchy(stack)
    store = MutualTlsTrustStore(stack, "ClientTrust", trusted_cas=[issuing], revocation=True)
    return {"app": app, "stack": stack, "store": store}


def mtls_api_domain() -> Built:
    """A MutualTlsApiDomain in front of an example RestApi (scaffolding: the API and its certificate)."""
    app = make_app()
    stack = make_stack(app, "Api")
    issuing = example_hierarchy(stack)
    certificate = acm.Certificate(
        stack, "Public", domain_name="api.example.com", validation=acm.CertificateValidation.from_dns()
    )
    rest = apigw.RestApi(stack, "Rest", disable_execute_api_endpoint=True, deploy=False)
    rest.root.add_method("GET", apigw.MockIntegration())
    domain = MutualTlsApiDomain(
        stack, "Domain", domain_name="api.example.com", certificate=certificate, trusted_cas=[issuing]
    )
    return {"app": app, "stack": stack, "domain": domain, "rest": rest}


def private_tier() -> Built:
    app = make_app()
    stack = make_stack(app, "Tier")
    issuing = example_hierarchy(stack)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    tier = PrivateServiceTier(
        stack,
        "Private",
        vpc=vpc,
        certificate_authority=issuing,
        domain_name="api.internal.example",
        services=["orders", "payments"],
        revocation=True,
    )
    return {"app": app, "stack": stack, "tier": tier}


# --- the reference app (tests/test_reference_app*.py, tests/test_member_stackset.py) ----------------------

PKI_ACCOUNT = ACCOUNT
"""cdk.json's ``pkiAccount``."""
WORKLOAD_ACCOUNT = OTHER_ACCOUNT
MEMBER_CA_ARN = (
    f"arn:aws:acm-pca:eu-west-1:{ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555"
)
MEMBER_OUS = ["ou-ab12-cd34ef56", "ou-ab12-gh78ij90"]


def reference_app() -> Built:
    """app.py with cdk.json's context, CDK's built-in template validation on."""
    return {"app": reference.build(make_app(validation=True))}


def two_account_app(outdir: str | None = None, **settings: Any) -> cdk.App:
    """The reference app with a PKI account and a workload account (``workloadAccount`` overridden)."""
    context = dict(pinned_context()["pki-reference"], workloadAccount=WORKLOAD_ACCOUNT, **settings)
    zones = pinned_context()[f"availability-zones:account={PKI_ACCOUNT}:region=eu-west-1"]
    return reference.build(
        make_app(
            outdir=outdir,
            **{
                "pki-reference": context,
                f"availability-zones:account={WORKLOAD_ACCOUNT}:region=eu-west-1": zones,
            },
        )
    )


def reference_app_multi_account() -> Built:
    return {"app": two_account_app()}


def member_stackset() -> Built:
    """The reference app with the ``memberStackSet`` context: one member template for every account."""
    context = dict(
        pinned_context()["pki-reference"],
        memberStackSet={"certificateAuthorityArn": MEMBER_CA_ARN, "organizationalUnitIds": MEMBER_OUS},
    )
    return {"app": reference.build(make_app(**{"pki-reference": context}))}


def member_stackset_body(built_app: Built) -> list[tuple[str, dict[str, Any], str]]:
    """The StackSet's TemplateBody: a template CloudFormation deploys into every member account, in the
    CA's region."""
    stack = built_app["app"].node.find_child("PkiReference-MemberStackSet")
    member = stack.node.find_child("MemberCertificates")
    return [("MemberStackSet.TemplateBody", member.template, "eu-west-1")]


# --- the showcase (tests/test_scanners.py) -----------------------------------------------------------------


def showcase_app(outdir: str | None = None) -> cdk.App:
    """Each construct on its defaults, the way the README shows them: what a library user synthesizes."""
    app = make_app(outdir=outdir)
    pki = cdk.Stack(app, "ShowcasePki", env=env("eu-west-1"))
    root = RootCa(pki, "Root", subject=_dn("Showcase Root CA"))
    issuing = SubordinateCa(pki, "Issuing", parent=root, subject=_dn("Showcase Issuing CA"))
    # An existing VPC: the showcase judges the constructs, not a VPC (the reference app builds one).
    vpc = ec2.Vpc.from_vpc_attributes(
        pki,
        "Vpc",
        vpc_id="vpc-12345678",
        vpc_cidr_block="10.0.0.0/16",
        availability_zones=["eu-west-1a", "eu-west-1b"],
        public_subnet_ids=["subnet-00000001", "subnet-00000002"],
        private_subnet_ids=["subnet-00000003", "subnet-00000004"],
    )
    zone = route53.HostedZone.from_hosted_zone_attributes(
        pki, "Zone", hosted_zone_id="Z0000000000000EXAMPLE", zone_name="example.com"
    )
    PrivateServiceTier(
        pki,
        "Tier",
        vpc=vpc,
        certificate_authority=issuing,
        domain_name="api.internal.example.com",
        services=["orders"],
    )
    certificate = PublicCertificate(pki, "OriginCertificate", domain_name="www.example.com", hosted_zone=zone)
    # An expiry alarm with a topic: handler-failure alarms of the stack notify that topic too.
    certificate.add_expiry_alarm(topic=ExpiryTopic(pki, "Alerts").topic)
    public = CertifiedAlb(pki, "PublicAlb", vpc=vpc, certificates=[certificate])
    public.https_listener.add_action("Ok", action=elbv2.ListenerAction.fixed_response(200))
    origin = CertifiedAlb(pki, "OriginAlb", vpc=vpc, certificates=[certificate], cloudfront_origin=True)
    edge = cdk.Stack(app, "ShowcaseEdge", env=env("us-east-1"))
    edge_zone = route53.HostedZone.from_hosted_zone_attributes(
        edge, "Zone", hosted_zone_id="Z0000000000000EXAMPLE", zone_name="example.com"
    )
    site = PublicCertificate(edge, "SiteCertificate", domain_name="www.example.com", hosted_zone=edge_zone)
    CertifiedDistribution(edge, "Site", certificate=site, domain_names=["www.example.com"], origin=origin)
    return app


def showcase() -> Built:
    return {"app": showcase_app()}


# --- the registry -----------------------------------------------------------------------------------------

ExtraTemplates = Callable[[Built], list[tuple[str, dict[str, Any], str]]]


@dataclass(frozen=True)
class Scaffolding:
    """What a test builds around the constructs under test, excused in the packs where it has findings.

    :param reason: why its findings are not the library's.
    :param packs: the cdk-nag packs whose findings under it are excused; each must still have one.
        Default: - all four.
    """

    reason: str
    packs: tuple[str, ...] = PACKS


@dataclass(frozen=True)
class GateApp:
    """One registered app and what the gate must know about it.

    :param build: the builder (no arguments), cached by :func:`built`.
    :param scaffolding: construct paths (a path and everything under it) that the test builds around the
        constructs under test, each with its reason and packs; the gate asserts that each path still has
        findings to excuse in each of its packs and that every finding outside them is absent.
        Default: - none: the whole app is gated.
    :param expected_findings: library findings the app provokes on purpose, by ``(<pack>-<rule>, construct
        path)`` (the path and everything under it), each with the reason the library does not acknowledge
        it. The gate asserts each one still fires and nothing else does. Default: - none.
    :param extra_templates: templates the app carries that are not stack templates (a StackSet's body):
        ``(name, template, region)``, linted like a stack's. Default: - none.
    """

    build: Callable[[], Built]
    scaffolding: Mapping[str, Scaffolding] = field(default_factory=dict)
    expected_findings: Mapping[tuple[str, str], str] = field(default_factory=dict)
    extra_templates: ExtraTemplates | None = None


NO_ACTION = (
    "the app checks the variant with no topic on purpose (its tests pin alarms without actions): an alarm that "
    "notifies nobody is a true finding a user's own scan should show, so the library does not acknowledge it"
    " (handler-failure alarms without a topic also warn at synth)"
)
"""Why an alarm without an action (NIST/HIPAA ``CloudWatchAlarmAction``) is expected, not acknowledged."""


def alarms_without_action(*paths: str) -> dict[tuple[str, str], str]:
    """The NIST and HIPAA ``CloudWatchAlarmAction`` findings of the alarms at ``paths``."""
    return {
        (f"{pack}-CloudWatchAlarmAction", path): NO_ACTION
        for pack in ("NIST.800.53.R5", "HIPAA.Security")
        for path in paths
    }


TEST_VPC = Scaffolding(
    "a full ec2.Vpc the test builds around the construct (no flow logs, public subnets); its snapshot holds "
    "it. AwsSolutions VPC7 is acknowledged on it (tests/scaffolding.py), so AwsSolutions stays gated there",
    packs=NAG_PACKS,
)
TIER_VPC = Scaffolding(
    "the default ec2.Vpc the test passes to the tier (no flow logs, public subnets); its snapshot holds it"
)

REGISTRY: dict[str, GateApp] = {
    "private_ca_seed": GateApp(private_ca_seed),
    "private_ca_ec": GateApp(private_ca_ec),
    "private_ca_cloudfront_crl": GateApp(private_ca_cloudfront_crl),
    "private_ca_cross_stack": GateApp(private_ca_cross_stack),
    "private_ca_china": GateApp(private_ca_china),
    "private_ca_china_sm2": GateApp(private_ca_china_sm2),
    "private_ca_govcloud": GateApp(private_ca_govcloud),
    "cross_region_activation": GateApp(cross_region_activation),
    "ca_expiry": GateApp(
        ca_expiry, expected_findings=alarms_without_action("Checked/FarExpiry", "Checked/Sub/ExpiryAlarm")
    ),
    "ca_expiry_with_acm": GateApp(ca_expiry_with_acm),
    "expiry_alarm_variants": GateApp(expiry_alarm_variants),
    "handler_failures": GateApp(handler_failures, expected_findings=alarms_without_action("Monitored/Quiet")),
    "certified_alb": GateApp(certified_alb, scaffolding={"Test/Vpc": TEST_VPC}),
    "certified_distribution_single": GateApp(
        certified_distribution_single, scaffolding={"Public/Vpc": TEST_VPC}
    ),
    "certified_distribution_pair": GateApp(
        certified_distribution_pair, scaffolding={"Regional/Vpc": TEST_VPC}
    ),
    "certified_distribution_third_region": GateApp(
        certified_distribution_third_region, scaffolding={"Origin/Vpc": TEST_VPC}
    ),
    "cross_region_pair": GateApp(cross_region_pair),
    "regional_import_standalone": GateApp(regional_import_standalone),
    "public_certificate_default": GateApp(public_certificate_default),
    "public_certificate_multi_zone": GateApp(public_certificate_multi_zone),
    "public_certificate_cross_region": GateApp(public_certificate_cross_region),
    "service_certificate_exported": GateApp(
        service_certificate_exported,
        scaffolding={
            "Services/ApiTask": Scaffolding(
                "the task role the test grants read to: its inline DefaultPolicy is aws-cdk-lib's grant on "
                "the user's role",
                packs=NAG_PACKS,
            )
        },
        expected_findings=alarms_without_action("Services/PkiConstructsCertificateExports/RenewalFailures"),
    ),
    "trust_store": GateApp(trust_store),
    "mtls_api_domain": GateApp(
        mtls_api_domain,
        scaffolding={
            "Api/Rest": Scaffolding(
                "the example RestApi the domain fronts (no logging, authorizer or WAF: not ours)",
                packs=("AwsSolutions",),
            ),
        },
    ),
    "private_tier": GateApp(
        private_tier,
        scaffolding={"Tier/Vpc": TIER_VPC},
        expected_findings=alarms_without_action("Tier/PkiConstructsCertificateExports/RenewalFailures"),
    ),
    "reference_app": GateApp(reference_app),
    "reference_app_multi_account": GateApp(reference_app_multi_account),
    "member_stackset": GateApp(member_stackset, extra_templates=member_stackset_body),
    "showcase": GateApp(showcase),
}


@cache
def built(name: str) -> Built:
    """The registered app ``name``, built once per worker (shared: never add constructs to it)."""
    return REGISTRY[name].build()
