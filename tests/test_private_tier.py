"""The private tier: PrivateServiceTier, CertifiedAlb(mutual_tls=...), and short-lived runtime issuance."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from cryptography import x509
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError
from syrupy.assertion import SnapshotAssertion

from pki_constructs import (
    CertificateTemplate,
    CertifiedAlb,
    DistinguishedName,
    KeyAlgorithm,
    MutualTls,
    MutualTlsMode,
    PkiValidationError,
    RootCa,
    SubordinateCa,
    UsageMode,
)
from pki_constructs.private_tier import PrivateServiceTier, service_names_problems
from tests.gate_apps import built
from tests.local_pki import CLIENT_AUTH_TEMPLATE, LocalCa, generate_key
from tests.synth import (
    make_stack,
    resources_of_type,
    snapshot_of,
    snapshot_parts,
    template_of,
)


def dn(name: str) -> DistinguishedName:
    return DistinguishedName(common_name=name, organization="Example")


def hierarchy(stack: cdk.Stack, **issuing: Any) -> SubordinateCa:
    root = RootCa(stack, "Root", subject=dn("Example Root CA"))
    return SubordinateCa(
        stack,
        "Issuing",
        parent=root,
        subject=dn("Example Issuing CA"),
        key_algorithm=KeyAlgorithm.EC_PRIME256V1,
        **issuing,
    )


@pytest.fixture(scope="module")
def tier() -> dict[str, Any]:
    built_app = built("private_tier")
    return {**built_app, "template": template_of(built_app["stack"])}


def test_snapshot(tier: dict[str, Any], snapshot_json: SnapshotAssertion) -> None:
    """One file per top-level construct, the tier cut further (``[Private.LoadBalancer]``, ...)."""
    for part, fragment in snapshot_parts(tier["stack"], snapshot_of(tier["stack"])).items():
        assert fragment == snapshot_json(name=part)


def test_internal_alb_with_a_private_server_certificate_and_mtls_verify(tier: dict[str, Any]) -> None:
    template = tier["template"]
    (alb,) = resources_of_type(template, "AWS::ElasticLoadBalancingV2::LoadBalancer").values()
    assert alb["Properties"]["Scheme"] == "internal"
    https = next(
        listener["Properties"]
        for listener in resources_of_type(template, "AWS::ElasticLoadBalancingV2::Listener").values()
        if listener["Properties"]["Port"] == 443
    )
    server_cert = next(
        k
        for k, c in resources_of_type(template, "AWS::CertificateManager::Certificate").items()
        if c["Properties"]["DomainName"] == "api.internal.example"
    )
    assert https["Certificates"] == [{"CertificateArn": {"Ref": server_cert}}]
    assert https["SslPolicy"] == "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09"
    (store_id,) = resources_of_type(template, "AWS::ElasticLoadBalancingV2::TrustStore")
    assert https["MutualAuthentication"]["Mode"] == "verify"
    assert https["MutualAuthentication"]["TrustStoreArn"] == {"Fn::GetAtt": [store_id, "TrustStoreArn"]}
    assert len(resources_of_type(template, "AWS::ElasticLoadBalancingV2::TrustStoreRevocation")) == 1


def test_each_service_reads_only_its_own_client_certificate(tier: dict[str, Any]) -> None:
    template = tier["template"]
    services = tier["tier"].services
    assert set(services) == {"orders", "payments"}
    for name, service in services.items():
        role_id = cdk.Stack.of(service.role).resolve(service.role.role_name)["Ref"]
        statements = [
            s
            for p in resources_of_type(template, "AWS::IAM::Policy").values()
            if {"Ref": role_id} in p["Properties"]["Roles"]
            for s in p["Properties"]["PolicyDocument"]["Statement"]
        ]
        secret_reads = [s["Resource"] for s in statements if "secretsmanager:GetSecretValue" in s["Action"]]
        assert secret_reads == [service.secret_arn_pattern]
        other = next(s for n, s in services.items() if n != name)
        assert other.secret_arn_pattern not in json.dumps(statements)
        cert = template["Resources"][
            cdk.Stack.of(service.role).resolve(service.client_certificate.certificate_arn)["Ref"]
        ]
        assert cert["Properties"]["DomainName"] == f"{name}.clients.api.internal.example"


# Failing input ----------------------------------------------------------------------------------------


def test_fails_on_bad_and_duplicate_service_names() -> None:
    stack = make_stack()
    issuing = hierarchy(stack)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    with pytest.raises(PkiValidationError) as raised:
        PrivateServiceTier(
            stack,
            "Private",
            vpc=vpc,
            certificate_authority=issuing,
            domain_name="api.internal.example",
            services=["orders", "Payments_API", "orders"],
        )
    assert "services=['Payments_API']" in str(raised.value) and "services=['orders']" in str(raised.value)


def test_service_names_rule() -> None:
    assert service_names_problems(["orders", "payment-service"]) == []
    assert [p.field for p in service_names_problems([])] == ["services"]


def test_fails_on_a_short_lived_ca() -> None:
    stack = make_stack()
    issuing = hierarchy(stack, usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    with pytest.raises(PkiValidationError, match="certificate_authority='SHORT_LIVED_CERTIFICATE'"):
        PrivateServiceTier(
            stack,
            "Private",
            vpc=vpc,
            certificate_authority=issuing,
            domain_name="api.internal.example",
            services=["a"],
        )


def _alb(stack: cdk.Stack, mutual_tls: MutualTls) -> CertifiedAlb:
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    cert = acm.Certificate.from_certificate_arn(
        stack, "Cert", "arn:aws:acm:us-east-1:111111111111:certificate/x"
    )
    return CertifiedAlb(
        stack, "Alb", vpc=vpc, certificates=[cert], internet_facing=False, mutual_tls=mutual_tls
    )


def test_fails_certified_alb_passthrough_with_trusted_cas() -> None:
    stack = make_stack()
    issuing = hierarchy(stack)
    with pytest.raises(PkiValidationError, match="mode='passthrough'"):
        _alb(stack, MutualTls(mode=MutualTlsMode.PASSTHROUGH, trusted_cas=[issuing]))


def test_certified_alb_passthrough() -> None:
    stack = make_stack()
    alb = _alb(stack, MutualTls(mode=MutualTlsMode.PASSTHROUGH))
    listener = alb.https_listener.node.default_child
    assert isinstance(listener, elbv2.CfnListener)
    assert stack.resolve(listener.mutual_authentication) == {"mode": "passthrough"}


def test_fails_a_third_verify_listener_on_the_alb() -> None:
    stack = make_stack()
    issuing = hierarchy(stack)
    alb = _alb(stack, MutualTls(trusted_cas=[issuing]))  # the first verify listener; two more follow
    for port in (8443, 9443):
        alb.load_balancer.add_listener(
            f"Extra{port}",
            port=port,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=[
                elbv2.ListenerCertificate.from_arn("arn:aws:acm:us-east-1:111111111111:certificate/x")
            ],
            default_action=elbv2.ListenerAction.fixed_response(404),
            mutual_authentication=MutualTls(trusted_cas=[issuing]).bind(stack, f"Mtls{port}"),
        )
    with pytest.raises(Exception, match=r"mutual_tls='<3 verify-mode listeners>'"):
        template_of(stack)


def test_two_verify_listeners_are_allowed() -> None:
    stack = make_stack()
    issuing = hierarchy(stack)
    alb = _alb(stack, MutualTls(trusted_cas=[issuing]))
    alb.load_balancer.add_listener(
        "Extra",
        port=8443,
        protocol=elbv2.ApplicationProtocol.HTTPS,
        certificates=[elbv2.ListenerCertificate.from_arn("arn:aws:acm:us-east-1:111111111111:certificate/x")],
        default_action=elbv2.ListenerAction.fixed_response(404),
        mutual_authentication=MutualTls(trusted_cas=[issuing]).bind(stack, "Mtls8443"),
    )
    # The two verify-mode HTTPS listeners; an internal ALB has no port-80 redirect.
    assert len(resources_of_type(template_of(stack), "AWS::ElasticLoadBalancingV2::Listener")) == 2


# Short-lived runtime issuance (item 4) ------------------------------------------------------------------


def test_short_lived_workload_issuance_is_limited_to_the_client_auth_template() -> None:
    """The $50/month path: a SHORT_LIVED_CERTIFICATE subordinate issues ≤ 7-day client certificates straight
    to workloads (acm-pca:IssueCertificate), no ACM involved; the grant pins the template."""
    stack = make_stack()
    mesh = hierarchy(stack, usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE)
    workload = iam.Role(stack, "Workload", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    mesh.grant_issue(workload, CertificateTemplate.END_ENTITY_CLIENT_AUTH)
    template = template_of(stack)
    (policy,) = [
        p
        for p in resources_of_type(template, "AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": stack.resolve(workload.role_name)["Ref"]}]
    ]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    issue = next(s for s in statements if s["Action"] == "acm-pca:IssueCertificate")
    activation = next(
        k
        for k in resources_of_type(template, "AWS::ACMPCA::CertificateAuthorityActivation")
        if k.startswith("Issuing")
    )
    assert issue["Resource"] == {"Ref": activation}
    assert issue["Condition"] == {
        "StringEquals": {
            "acm-pca:TemplateArn": ["arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1"]
        }
    }
    (ca,) = [
        c["Properties"]
        for k, c in resources_of_type(template, "AWS::ACMPCA::CertificateAuthority").items()
        if k.startswith("Issuing")
    ]
    assert ca["UsageMode"] == "SHORT_LIVED_CERTIFICATE"
    assert "acm-pca:*" not in json.dumps(statements)


def test_a_7_day_client_certificate_from_a_short_lived_style_ca_verifies() -> None:
    root = LocalCa.root("Mesh Root", key_algorithm="EC_secp384r1")
    mesh = root.subordinate("Mesh Issuing", key_algorithm="EC_prime256v1", path_length=0, days=365)
    leaf = mesh.issue_end_entity(
        generate_key("EC_prime256v1"),
        dns_names=["orders.mesh.internal"],
        template=CLIENT_AUTH_TEMPLATE,
        days=7,
    )

    assert leaf.not_valid_after_utc - leaf.not_valid_before_utc <= dt.timedelta(
        days=7, hours=1
    )  # 60-min backdate
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]

    def verify(at: dt.datetime) -> None:
        verifier = PolicyBuilder().store(Store([root.certificate])).time(at).build_client_verifier()
        verifier.verify(leaf, [mesh.certificate])

    now = dt.datetime.now(dt.UTC)
    verify(now)
    verify(now + dt.timedelta(days=6, hours=23))
    with pytest.raises(VerificationError):
        verify(now + dt.timedelta(days=7, minutes=1))


def test_fails_on_one_string_instead_of_a_list_and_on_names_with_the_same_construct_id() -> None:
    assert [str(p.value) for p in service_names_problems("orders")] == ["orders"]
    (clash,) = service_names_problems(["a1b", "a1-b", "orders"])
    assert clash.field == "services" and clash.value == ["a1-b", "a1b"] and "construct id" in clash.rule
