"""CaBundle, MutualTlsTrustStore, MutualTls and MutualTlsApiDomain as synthesized templates."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Annotations, Match
from syrupy.assertion import SnapshotAssertion

from pki_constructs import (
    CrlConfiguration,
    CrlType,
    DistinguishedName,
    KeyAlgorithm,
    PkiValidationError,
    RootCa,
    SubordinateCa,
)
from pki_constructs.api_mtls import MutualTlsApiDomain
from pki_constructs.trust_store import (
    CaBundle,
    MutualTls,
    MutualTlsMode,
    MutualTlsTrustStore,
    bundle_problems,
    chain_of,
    mode_problems,
    verify_listener_problems,
)
from tests.gate_apps import built
from tests.synth import make_app, make_stack, resources_of_type, snapshot_of, template_of


def dn(name: str) -> DistinguishedName:
    return DistinguishedName(common_name=name, organization="Example")


def hierarchy(stack: cdk.Stack, **issuing: Any) -> tuple[RootCa, SubordinateCa]:
    root = RootCa(stack, "Root", subject=dn("Example Root CA"))
    sub = SubordinateCa(
        stack,
        "Issuing",
        parent=root,
        subject=dn("Example Issuing CA"),
        key_algorithm=KeyAlgorithm.EC_PRIME256V1,
        **issuing,
    )
    return root, sub


@pytest.fixture(scope="module")
def trust() -> dict[str, Any]:
    built_app = built("trust_store")
    return {**built_app, "template": template_of(built_app["stack"])}


def _one(template: dict[str, Any], type_name: str) -> tuple[str, dict[str, Any]]:
    found = list(resources_of_type(template, type_name).items())
    assert len(found) == 1, found
    return found[0]


def test_snapshot(trust: dict[str, Any], snapshot_json: SnapshotAssertion) -> None:
    assert snapshot_of(trust["stack"]) == snapshot_json


def test_trust_store_follows_the_bundle_object_version(trust: dict[str, Any]) -> None:
    template = trust["template"]
    bundle_id, bundle = _one(template, "Custom::PkiTrustBundle")
    _, store = _one(template, "AWS::ElasticLoadBalancingV2::TrustStore")
    props = store["Properties"]
    assert props["CaCertificatesBundleS3ObjectVersion"] == {"Fn::GetAtt": [bundle_id, "BundleVersionId"]}
    assert props["CaCertificatesBundleS3Key"] == bundle["Properties"]["BundleKey"]
    assert props["CaCertificatesBundleS3Bucket"] == bundle["Properties"]["Bucket"]
    # The bundle is fetched from the activated CA, so it exists only once the CA has its certificate.
    activation = next(
        k
        for k in resources_of_type(template, "AWS::ACMPCA::CertificateAuthorityActivation")
        if k.startswith("Issuing")
    )
    assert bundle["Properties"]["CertificateAuthorityArns"] == [{"Ref": activation}]


def test_a_reissued_ca_certificate_rebuilds_the_bundle(trust: dict[str, Any]) -> None:
    """The CA ARN survives a new CA certificate; the certificates' ARNs don't, so they trigger the Update."""
    template = trust["template"]
    _, bundle = _one(template, "Custom::PkiTrustBundle")
    certificates = sorted(resources_of_type(template, "AWS::ACMPCA::Certificate"))  # Issuing's and Root's
    versions = bundle["Properties"]["CaCertificateVersions"]
    assert sorted(v["Fn::GetAtt"][0] for v in versions) == certificates
    assert all(v["Fn::GetAtt"][1] == "Arn" for v in versions)


def test_revocation_list_is_the_cas_crl_as_pem(trust: dict[str, Any]) -> None:
    template = trust["template"]
    bundle_id, bundle = _one(template, "Custom::PkiTrustBundle")
    store_id, _ = _one(template, "AWS::ElasticLoadBalancingV2::TrustStore")
    _, revocation = _one(template, "AWS::ElasticLoadBalancingV2::TrustStoreRevocation")
    entry = bundle["Properties"]["Revocation"][0]
    crl_bucket = next(k for k in resources_of_type(template, "AWS::S3::Bucket") if k.startswith("IssuingCrl"))
    assert entry["CrlBucket"] == {"Ref": crl_bucket} and entry["CrlPath"] == "crl"
    assert revocation["Properties"] == {
        "RevocationContents": [
            {
                "RevocationType": "CRL",
                "S3Bucket": bundle["Properties"]["Bucket"],
                # The key names the CRLs' content: one attribute, whatever the number of CAs (issue 12.2).
                "S3Key": {
                    "Fn::Join": [
                        "",
                        [
                            bundle["Properties"]["RevocationKeyPrefix"],
                            {"Fn::GetAtt": [bundle_id, "RevocationGeneration"]},
                            "/0.pem",
                        ],
                    ]
                },
            }
        ],
        "TrustStoreArn": {"Fn::GetAtt": [store_id, "TrustStoreArn"]},
    }


def test_bundle_bucket_is_private_versioned_and_ssl_only(trust: dict[str, Any]) -> None:
    template = trust["template"]
    bucket_id, bucket = next(
        (k, b)
        for k, b in resources_of_type(template, "AWS::S3::Bucket").items()
        if k.startswith("ClientTrust")
    )
    props = bucket["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert all(props["PublicAccessBlockConfiguration"].values())
    assert bucket["DeletionPolicy"] == "Retain"
    policy = next(
        p
        for p in resources_of_type(template, "AWS::S3::BucketPolicy").values()
        if p["Properties"]["Bucket"] == {"Ref": bucket_id}
    )
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy["Properties"]["PolicyDocument"]["Statement"]
    )


def test_handler_may_touch_only_its_objects_and_the_cas_crl(trust: dict[str, Any]) -> None:
    template = trust["template"]
    statements = next(
        p["Properties"]["PolicyDocument"]["Statement"]
        for k, p in resources_of_type(template, "AWS::IAM::Policy").items()
        if k.startswith("PkiConstructsTrustStoreBundleRevocationProviderOnEventRole")
    )
    text = json.dumps(statements)
    # The one wildcard: the CRL objects' keys name their content, under this bundle's revocation prefix.
    assert text.count("*") == 2, text  # the object statement and the ListBucket prefix condition
    assert text.count("/revocation/*") == 2, text
    crl_read = next(s for s in statements if s["Action"] == "s3:GetObject")
    assert "/crl/" in json.dumps(crl_read["Resource"]) and ".crl" in json.dumps(crl_read["Resource"])


def test_one_bundle_feeds_two_trust_stores_and_a_custom_crl_path() -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack, crl=CrlConfiguration(custom_path="revocation"))
    bundle = CaBundle(stack, "Shared", trusted_cas=[issuing], revocation=True)
    MutualTlsTrustStore(stack, "A", bundle=bundle, revocation=True)
    MutualTlsTrustStore(stack, "B", bundle=bundle)
    template = template_of(stack)
    assert len(resources_of_type(template, "Custom::PkiTrustBundle")) == 1
    assert len(resources_of_type(template, "AWS::ElasticLoadBalancingV2::TrustStore")) == 2
    assert len(resources_of_type(template, "AWS::ElasticLoadBalancingV2::TrustStoreRevocation")) == 1
    assert (
        _one(template, "Custom::PkiTrustBundle")[1]["Properties"]["Revocation"][0]["CrlPath"] == "revocation"
    )


# MutualTls on a listener -------------------------------------------------------------------------------


def _alb(stack: cdk.Stack) -> elbv2.ApplicationLoadBalancer:
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    return elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc)


def test_mutual_tls_binds_verify_mode_with_a_trust_store() -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack)
    alb = _alb(stack)
    listener = alb.add_listener(
        "Https",
        port=443,
        certificates=[elbv2.ListenerCertificate.from_arn("arn:aws:acm:us-east-1:111111111111:certificate/x")],
        mutual_authentication=MutualTls(trusted_cas=[issuing]).bind(alb),
        default_action=elbv2.ListenerAction.fixed_response(404),
    )
    del listener
    template = template_of(stack)
    store_id, _ = _one(template, "AWS::ElasticLoadBalancingV2::TrustStore")
    _, listener_resource = _one(template, "AWS::ElasticLoadBalancingV2::Listener")
    assert listener_resource["Properties"]["MutualAuthentication"] == {
        "IgnoreClientCertificateExpiry": False,
        "AdvertiseTrustStoreCaNames": "off",
        "Mode": "verify",
        "TrustStoreArn": {"Fn::GetAtt": [store_id, "TrustStoreArn"]},
    }


def test_passthrough_needs_no_trust_store() -> None:
    stack = make_stack()
    auth = MutualTls(mode=MutualTlsMode.PASSTHROUGH).bind(stack)
    assert auth.mutual_authentication_mode is elbv2.MutualAuthenticationMode.PASS_THROUGH
    assert resources_of_type(template_of(stack), "AWS::ElasticLoadBalancingV2::TrustStore") == {}


# Failing input ----------------------------------------------------------------------------------------


def test_fails_verify_without_trusted_cas() -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError, match=r"trusted_cas=\[\]"):
        MutualTls().bind(stack)


def test_fails_passthrough_with_trusted_cas() -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack)
    with pytest.raises(PkiValidationError, match="mode='passthrough'"):
        MutualTls(mode=MutualTlsMode.PASSTHROUGH, trusted_cas=[issuing]).bind(stack)


def test_fails_more_than_25_ca_certificates() -> None:
    stack = make_stack()
    roots = [RootCa(stack, f"Root{i}", subject=dn(f"Root {i}")) for i in range(26)]
    with pytest.raises(PkiValidationError, match=r"trusted_cas='<26 CA certificates"):
        MutualTlsTrustStore(stack, "Trust", trusted_cas=roots)


def test_25_ca_certificates_pass() -> None:
    stack = make_stack()
    root = RootCa(stack, "Root", subject=dn("Root"))
    subs = [SubordinateCa(stack, f"Sub{i}", parent=root, subject=dn(f"Sub {i}")) for i in range(24)]
    assert bundle_problems(subs) == []  # 24 subordinates + their shared root = 25


def test_fails_chain_depth_over_4() -> None:
    stack = make_stack()
    ca: RootCa | SubordinateCa = RootCa(stack, "L1", subject=dn("Level 1"))
    validity = 3000
    for level, path_length in enumerate((3, 2, 1, 0), start=2):
        validity -= 300
        ca = SubordinateCa(
            stack,
            f"L{level}",
            parent=ca,
            subject=dn(f"Level {level}"),
            path_length=path_length,
            validity=cdk.Duration.days(validity),
        )
    assert ca.depth == 5 and len(chain_of(ca)) == 5
    with pytest.raises(PkiValidationError, match=r"trusted_cas=\['Test/L5 \(depth 5\)'\]"):
        MutualTlsTrustStore(stack, "Trust", trusted_cas=[ca])


def test_fails_trusted_ca_of_another_account() -> None:
    app = make_app()
    pki, workload = make_stack(app, "Pki"), make_stack(app, "Workload", account="222222222222")
    _, issuing = hierarchy(pki)
    with pytest.raises(PkiValidationError, match=r"trusted_cas=\['Pki/Issuing \(account 111111111111\)'\]"):
        CaBundle(workload, "Bundle", trusted_cas=[issuing])


def test_fails_trusted_ca_imported_from_another_account() -> None:
    stack = make_stack()
    other = acmpca.CertificateAuthority.from_certificate_authority_arn(
        stack,
        "Other",
        "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/11111111-2222-3333-4444-555555555555",
    )
    with pytest.raises(PkiValidationError, match=r"trusted_cas=.*account 222222222222"):
        CaBundle(stack, "Bundle", trusted_cas=[other])


def test_fails_revocation_with_a_ca_without_crl() -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack, crl=CrlConfiguration.disabled())
    with pytest.raises(PkiValidationError, match=r"revocation=\['Test/Issuing'\]"):
        MutualTlsTrustStore(stack, "Trust", trusted_cas=[issuing], revocation=True)


def test_fails_revocation_with_a_partitioned_crl() -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack, crl=CrlConfiguration(crl_type=CrlType.PARTITIONED))
    with pytest.raises(PkiValidationError, match=r"revocation=.*partitioned"):
        MutualTlsTrustStore(stack, "Trust", trusted_cas=[issuing], revocation=True)


def test_fails_revocation_with_a_bundle_that_publishes_no_crl() -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack)
    bundle = CaBundle(stack, "Bundle", trusted_cas=[issuing])
    with pytest.raises(PkiValidationError, match="revocation=True"):
        MutualTlsTrustStore(stack, "Trust", bundle=bundle, revocation=True)


def test_verify_listener_rule() -> None:
    assert verify_listener_problems(2) == []
    assert [p.field for p in verify_listener_problems(3)] == ["mutual_tls"]


def test_mode_rule() -> None:
    assert mode_problems(MutualTlsMode.VERIFY, [], False) == []
    assert [p.field for p in mode_problems(MutualTlsMode.PASSTHROUGH, [], True)] == ["mode"]


# API Gateway ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def api() -> dict[str, Any]:
    built_app = built("mtls_api_domain")
    return {**built_app, "template": template_of(built_app["stack"])}


def test_api_domain_truststore_is_the_bundle_at_its_version(api: dict[str, Any]) -> None:
    template = api["template"]
    bundle_id, bundle = _one(template, "Custom::PkiTrustBundle")
    _, domain = _one(template, "AWS::ApiGateway::DomainName")
    props = domain["Properties"]
    assert props["MutualTlsAuthentication"] == {
        "TruststoreUri": {
            "Fn::Join": [
                "",
                ["s3://", bundle["Properties"]["Bucket"], "/" + bundle["Properties"]["BundleKey"]],
            ]
        },
        "TruststoreVersion": {"Fn::GetAtt": [bundle_id, "BundleVersionId"]},
    }
    assert props["EndpointConfiguration"] == {"Types": ["REGIONAL"]}
    assert props["SecurityPolicy"] == "TLS_1_2"


def test_api_domain_snapshot(api: dict[str, Any], snapshot_json: SnapshotAssertion) -> None:
    assert snapshot_of(api["stack"]) == snapshot_json


def test_warns_when_the_default_endpoint_bypasses_mtls() -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack)
    rest = apigw.RestApi(stack, "Rest", deploy=False)
    rest.root.add_method("GET", apigw.MockIntegration())
    certificate = acm.Certificate.from_certificate_arn(
        stack, "C", "arn:aws:acm:us-east-1:111111111111:certificate/x"
    )
    MutualTlsApiDomain(
        stack,
        "Domain",
        domain_name="api.example.com",
        certificate=certificate,
        trusted_cas=[issuing],
        mapping=rest,
    )
    Annotations.from_stack(stack).has_warning("/Test/Domain", Match.string_like_regexp("execute-api"))


def test_fails_api_domain_with_a_private_certificate_and_edge_endpoint() -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack)
    private = acm.PrivateCertificate(stack, "P", domain_name="api.example.com", certificate_authority=issuing)
    with pytest.raises(PkiValidationError) as raised:
        MutualTlsApiDomain(
            stack,
            "Domain",
            domain_name="api.example.com",
            certificate=private,
            trusted_cas=[issuing],
            endpoint_type=apigw.EndpointType.EDGE,
        )
    assert {p.field for p in raised.value.problems} == {"certificate", "endpoint_type"}


def test_fails_api_domain_with_upper_case_name() -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack)
    certificate = acm.Certificate.from_certificate_arn(
        stack, "C", "arn:aws:acm:us-east-1:111111111111:certificate/x"
    )
    with pytest.raises(PkiValidationError, match=r"domain_name='Api\.example\.com'"):
        MutualTlsApiDomain(
            stack, "Domain", domain_name="Api.example.com", certificate=certificate, trusted_cas=[issuing]
        )


def test_fails_settings_a_shared_trust_store_would_silently_ignore() -> None:
    stack = make_stack()
    root, issuing = hierarchy(stack)
    store = MutualTlsTrustStore(stack, "Shared", trusted_cas=[issuing])
    with pytest.raises(PkiValidationError, match=r"trust_store='Test/Shared'.*passthrough"):
        MutualTls(mode=MutualTlsMode.PASSTHROUGH, trust_store=store).bind(stack)
    with pytest.raises(PkiValidationError) as raised:
        MutualTls(trusted_cas=[root], revocation=True, trust_store=store).bind(stack)
    assert {p.field for p in raised.value.problems} == {"trusted_cas", "revocation"}
    assert "no revocation list" in str(raised.value)
    # Consistent settings (or none) are fine.
    assert MutualTls(trusted_cas=[issuing], trust_store=store).problems() == []
    assert MutualTls(trust_store=store).problems() == []


def test_a_new_refresh_context_value_rereads_the_crls() -> None:
    """A new CRL changes no property of the bundle resource, so a plain redeploy would keep the old one."""

    def bundle_properties(refresh: str | None) -> dict[str, Any]:
        app = make_app()
        if refresh is not None:
            app.node.set_context("pki-constructs:trustBundleRefresh", refresh)
        stack = make_stack(app)
        _, issuing = hierarchy(stack)
        MutualTlsTrustStore(stack, "Trust", trusted_cas=[issuing], revocation=True)
        return _one(template_of(stack), "Custom::PkiTrustBundle")[1]["Properties"]  # type: ignore[no-any-return]

    unset, first, second = bundle_properties(None), bundle_properties("1"), bundle_properties("2")
    assert "Refresh" not in unset  # deterministic templates unless asked
    assert first["Refresh"] == "1" and second["Refresh"] == "2"
    assert {k: v for k, v in first.items() if k != "Refresh"} == unset


@pytest.mark.parametrize(
    "policy", [apigw.SecurityPolicy.TLS_1_0, apigw.SecurityPolicy.TLS13_1_3_2025_09], ids=lambda p: p.value
)
def test_fails_api_domain_with_a_policy_that_cannot_carry_mtls(policy: apigw.SecurityPolicy) -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack)
    certificate = acm.Certificate.from_certificate_arn(
        stack, "C", "arn:aws:acm:us-east-1:111111111111:certificate/x"
    )
    with pytest.raises(PkiValidationError, match=rf"security_policy='{policy.value}'"):
        MutualTlsApiDomain(
            stack,
            "Domain",
            domain_name="api.example.com",
            certificate=certificate,
            trusted_cas=[issuing],
            security_policy=policy,
        )


def test_revocation_waits_for_the_first_crl_after_the_stacks_certificates() -> None:
    """Issue 13.2: a new CA writes its first CRL only after it has issued a certificate, ~30 minutes later; the
    bundle depends on the stack's certificates from its CAs and polls for the CRLs, so the first deploy works."""
    stack = make_stack()
    _, issuing = hierarchy(stack)
    acm.PrivateCertificate(
        stack, "Client", domain_name="client.internal.example", certificate_authority=issuing
    )
    MutualTlsTrustStore(stack, "Trust", trusted_cas=[issuing], revocation=True)
    template = template_of(stack)
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("first deploy|CRL"))
    _, bundle = _one(template, "Custom::PkiTrustBundle")
    client = next(iter(resources_of_type(template, "AWS::CertificateManager::Certificate")))
    assert client in bundle["DependsOn"]
    is_complete = [
        k
        for k, f in resources_of_type(template, "AWS::Lambda::Function").items()
        if f["Properties"]["Handler"] == "pki_handlers.trust_store_bundle.is_complete"
    ]
    assert len(is_complete) == 1
    waiter = json.dumps(resources_of_type(template, "AWS::StepFunctions::StateMachine"))
    assert '\\"MaxAttempts\\":55' in waiter, waiter[:2000]  # 55 min / 1 min (REVOCATION_WAIT)


def test_bundle_without_revocation_stays_synchronous() -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack)
    MutualTlsTrustStore(stack, "Trust", trusted_cas=[issuing])
    template = template_of(stack)
    assert resources_of_type(template, "AWS::StepFunctions::StateMachine") == {}


def test_no_first_crl_warning_for_a_ca_of_another_stack() -> None:
    app = make_app()
    pki_stack = make_stack(app, "Pki")
    _, issuing = hierarchy(pki_stack)
    stack = make_stack(app, "Edge")
    MutualTlsTrustStore(stack, "Trust", trusted_cas=[issuing], revocation=True)
    Annotations.from_stack(stack).has_no_warning("*", Match.string_like_regexp("first deploy"))


def test_fails_trusted_cas_that_a_given_bundle_would_override() -> None:
    stack = make_stack()
    root, issuing = hierarchy(stack)
    bundle = CaBundle(stack, "Bundle", trusted_cas=[issuing])
    with pytest.raises(PkiValidationError, match=r"trusted_cas=\['Test/Root'\]"):
        MutualTlsTrustStore(stack, "Trust", bundle=bundle, trusted_cas=[root])
    MutualTlsTrustStore(stack, "Same", bundle=bundle, trusted_cas=[issuing])  # consistent: fine


@pytest.mark.parametrize(
    ("arn", "rule"),
    [
        (
            "arn:aws:acm:eu-west-1:111111111111:certificate/x",
            r"Test/C in eu-west-1.*own region \(us-east-1\)",
        ),
        (
            "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555",
            "Private CA ARN",
        ),
    ],
)
def test_fails_api_domain_certificate_of_another_region_or_a_disguised_ca(arn: str, rule: str) -> None:
    stack = make_stack()
    _, issuing = hierarchy(stack)
    certificate = acm.Certificate.from_certificate_arn(stack, "C", arn)
    with pytest.raises(PkiValidationError, match=rf"certificate=.*{rule}") as raised:
        MutualTlsApiDomain(
            stack, "Domain", domain_name="api.example.com", certificate=certificate, trusted_cas=[issuing]
        )
    assert {p.field for p in raised.value.problems} == {"certificate"}


# A bundle or trust store of another stack (issue 10, finding 19) ----------------------------------------


def _shared_and_consumer(consumer_region: str = "us-east-1") -> tuple[cdk.App, cdk.Stack, cdk.Stack]:
    app = make_app()
    return app, make_stack(app, "Shared"), make_stack(app, "Consumer", region=consumer_region)


def _no_export(app: cdk.App) -> dict[str, dict[str, Any]]:
    """Every template of ``app`` (synthesized with the app checks), none carrying an export."""
    templates = {s.stack_name: s.template for s in app.synth().stacks}
    for name, template in templates.items():
        assert "Fn::ImportValue" not in json.dumps(template), name
        assert "Custom::CrossRegionExport" not in json.dumps(template), name
    return templates


def _ssm_parameter(template: dict[str, Any], reference: object) -> str:
    """The SSM parameter name behind a ``{"Ref": <CloudFormation parameter>}``."""
    assert isinstance(reference, dict), reference
    parameter = template["Parameters"][reference["Ref"]]
    assert parameter["Type"] == "AWS::SSM::Parameter::Value<String>"
    return str(parameter["Default"])


def test_a_bundle_of_another_stack_is_read_weakly_by_trust_store_and_api_domain() -> None:
    app, shared, consumer = _shared_and_consumer()
    _, issuing = hierarchy(shared)
    bundle = CaBundle(shared, "Bundle", trusted_cas=[issuing], revocation=True)
    MutualTlsTrustStore(consumer, "Store", bundle=bundle, revocation=True)
    certificate = acm.Certificate.from_certificate_arn(
        consumer, "Cert", "arn:aws:acm:us-east-1:111111111111:certificate/x"
    )
    MutualTlsApiDomain(consumer, "Api", domain_name="api.example.com", certificate=certificate, bundle=bundle)
    template = _no_export(app)["Consumer"]
    _, store = _one(template, "AWS::ElasticLoadBalancingV2::TrustStore")
    properties = store["Properties"]
    assert _ssm_parameter(template, properties["CaCertificatesBundleS3Bucket"]) == (
        "/pki-constructs/Shared/Bundle/bundle-bucket"
    )
    # The object version changes with the bundle: a parameter CloudFormation resolves on every deploy.
    assert _ssm_parameter(template, properties["CaCertificatesBundleS3ObjectVersion"]) == (
        "/pki-constructs/Shared/Bundle/bundle-version"
    )
    _, revocation = _one(template, "AWS::ElasticLoadBalancingV2::TrustStoreRevocation")
    key_parts = revocation["Properties"]["RevocationContents"][0]["S3Key"]["Fn::Join"][1]
    assert _ssm_parameter(template, key_parts[1]) == "/pki-constructs/Shared/Bundle/revocation-generation"
    _, domain = _one(template, "AWS::ApiGateway::DomainName")
    assert _ssm_parameter(template, domain["Properties"]["MutualTlsAuthentication"]["TruststoreVersion"]) == (
        "/pki-constructs/Shared/Bundle/bundle-version"
    )


def test_a_shared_trust_store_of_another_stack_is_read_weakly_by_the_listener() -> None:
    app, shared, consumer = _shared_and_consumer()
    _, issuing = hierarchy(shared)
    store = MutualTlsTrustStore(shared, "Store", trusted_cas=[issuing])
    alb = _alb(consumer)
    alb.add_listener(
        "Https",
        port=443,
        certificates=[elbv2.ListenerCertificate.from_arn("arn:aws:acm:us-east-1:111111111111:certificate/x")],
        mutual_authentication=MutualTls(trust_store=store).bind(alb),
        default_action=elbv2.ListenerAction.fixed_response(404),
    )
    template = _no_export(app)["Consumer"]
    _, listener = _one(template, "AWS::ElasticLoadBalancingV2::Listener")
    arn = listener["Properties"]["MutualAuthentication"]["TrustStoreArn"]
    assert _ssm_parameter(template, arn) == "/pki-constructs/Shared/Store/trust-store-arn"
    assert store.trust_store_in(shared) is store.trust_store


@pytest.mark.parametrize(
    ("region", "account"), [("eu-west-1", "111111111111"), ("us-east-1", "222222222222")]
)
def test_fails_bundle_of_another_region_or_account(region: str, account: str) -> None:
    app = make_app()
    shared, consumer = make_stack(app, "Shared"), make_stack(app, "Consumer", region=region, account=account)
    _, issuing = hierarchy(shared)
    bundle = CaBundle(shared, "Bundle", trusted_cas=[issuing])
    with pytest.raises(PkiValidationError, match=r"bundle='Shared/Bundle.*own account and region") as raised:
        MutualTlsTrustStore(consumer, "Store", bundle=bundle)
    assert {p.field for p in raised.value.problems} == {"bundle"}
    certificate = acm.Certificate.from_certificate_arn(
        consumer, "Cert", f"arn:aws:acm:{region}:{account}:certificate/x"
    )
    with pytest.raises(PkiValidationError, match=r"bundle='Shared/Bundle"):
        MutualTlsApiDomain(
            consumer, "Api", domain_name="api.example.com", certificate=certificate, bundle=bundle
        )


def test_fails_shared_trust_store_of_another_region() -> None:
    _, shared, consumer = _shared_and_consumer("eu-west-1")
    _, issuing = hierarchy(shared)
    store = MutualTlsTrustStore(shared, "Store", trusted_cas=[issuing])
    with pytest.raises(
        PkiValidationError, match=r"trust_store='Shared/Store.*own account and region"
    ) as raised:
        MutualTls(trust_store=store).bind(consumer)
    assert {p.field for p in raised.value.problems} == {"trust_store"}


def test_fails_bundle_of_an_environment_agnostic_stack() -> None:
    app = make_app()
    agnostic, consumer = cdk.Stack(app, "Agnostic"), make_stack(app, "Consumer")
    bundle = CaBundle(agnostic, "Bundle", trusted_cas=[hierarchy(agnostic)[1]])
    with pytest.raises(PkiValidationError, match=r"bundle='Agnostic/Bundle'.*Agnostic has no region"):
        MutualTlsTrustStore(consumer, "Store", bundle=bundle)


def test_api_domain_reads_a_certificate_of_another_stack_weakly() -> None:
    app, shared, consumer = _shared_and_consumer()
    certificate = acm.Certificate(shared, "Cert", domain_name="api.example.com")
    MutualTlsApiDomain(
        consumer,
        "Api",
        domain_name="api.example.com",
        certificate=certificate,
        trusted_cas=[hierarchy(consumer)[1]],
    )
    template = _no_export(app)["Consumer"]
    _, domain = _one(template, "AWS::ApiGateway::DomainName")
    assert _ssm_parameter(template, domain["Properties"]["RegionalCertificateArn"]) == (
        "/pki-constructs/Shared/Cert/certificate-arn"
    )


def test_fails_api_domain_certificate_of_an_environment_agnostic_stack() -> None:
    app = make_app()
    agnostic, consumer = cdk.Stack(app, "Agnostic"), make_stack(app, "Consumer")
    certificate = acm.Certificate(agnostic, "Cert", domain_name="api.example.com")
    with pytest.raises(
        PkiValidationError, match=r"certificate='Agnostic/Cert'.*Agnostic has no region"
    ) as raised:
        MutualTlsApiDomain(
            consumer,
            "Api",
            domain_name="api.example.com",
            certificate=certificate,
            trusted_cas=[hierarchy(consumer)[1]],
        )
    assert {p.field for p in raised.value.problems} == {"certificate"}


def test_fails_bundle_values_given_to_aws_cdk_lib_in_another_stack_and_names_location_in() -> None:
    app, shared, consumer = _shared_and_consumer()
    _, issuing = hierarchy(shared)
    bundle = CaBundle(shared, "Bundle", trusted_cas=[issuing])
    elbv2.TrustStore(consumer, "Own", bucket=bundle.bucket, key=bundle.key, version=bundle.object_version)
    with pytest.raises(RuntimeError) as raised:
        app.synth()
    assert "Consumer/Own/Resource: strong reference" in str(raised.value)
    assert "Shared/Bundle.location_in(consumer_scope)" in str(raised.value)
    location = bundle.location_in(consumer)
    elbv2.TrustStore(
        consumer, "Weak", bucket=location.bucket, key=location.key, version=location.object_version
    )


def test_a_bundle_in_a_bucket_known_by_name_needs_no_parameter_for_the_name() -> None:
    app, shared, consumer = _shared_and_consumer()
    bucket = s3.Bucket.from_bucket_name(shared, "Existing", "example-trust-bundles")
    bundle = CaBundle(shared, "Bundle", trusted_cas=[hierarchy(shared)[1]], bucket=bucket)
    MutualTlsTrustStore(consumer, "Store", bundle=bundle)
    template = _no_export(app)["Consumer"]
    _, store = _one(template, "AWS::ElasticLoadBalancingV2::TrustStore")
    assert store["Properties"]["CaCertificatesBundleS3Bucket"] == "example-trust-bundles"
    assert "bundle-bucket" not in json.dumps(template)


def test_trust_store_in_and_location_in_twice_return_the_same_import() -> None:
    """A second call for the same consumer used to crash with jsii's duplicate-id RuntimeError."""
    _app, shared, consumer = _shared_and_consumer()
    _, issuing = hierarchy(shared)
    bundle = CaBundle(shared, "Bundle", trusted_cas=[issuing])
    store = MutualTlsTrustStore(shared, "Store", bundle=bundle)
    assert store.trust_store_in(consumer) is store.trust_store_in(consumer)
    assert bundle.location_in(consumer) is bundle.location_in(consumer)
