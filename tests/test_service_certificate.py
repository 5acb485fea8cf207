"""ServiceCertificate: ACM private certificates from our CAs, exported to Secrets Manager."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Annotations, Match
from syrupy.assertion import SnapshotAssertion

from pki_constructs import (
    DistinguishedName,
    KeyAlgorithm,
    PkiValidationError,
    RootCa,
    SubordinateCa,
    UsageMode,
)
from pki_constructs.service_certificate import (
    ServiceCertificate,
    default_key_algorithm,
    key_algorithm_problems,
    usage_mode_problems,
)
from tests.nag import nag_findings
from tests.synth import (
    cfn_lint_errors,
    make_app,
    make_stack,
    resources_of_type,
    snapshot_of,
    snapshot_parts,
    template_of,
)

ROOT = DistinguishedName(common_name="Example Root CA", organization="Example")
ISSUING = DistinguishedName(common_name="Example Issuing CA", organization="Example")


def hierarchy(
    stack: cdk.Stack, *, key: KeyAlgorithm = KeyAlgorithm.EC_PRIME256V1, **sub: Any
) -> SubordinateCa:
    root = RootCa(stack, "Root", subject=ROOT)
    return SubordinateCa(stack, "Issuing", parent=root, subject=ISSUING, key_algorithm=key, **sub)


@pytest.fixture(scope="module")
def exported() -> dict[str, Any]:
    app = make_app()
    stack = make_stack(app, "Services")
    issuing = hierarchy(stack)
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
    return {"app": app, "stack": stack, "template": template_of(stack), "api": api, "worker": worker}


def _one(template: dict[str, Any], type_name: str, **match: Any) -> tuple[str, dict[str, Any]]:
    found = [
        (k, r)
        for k, r in resources_of_type(template, type_name).items()
        if match.items() <= r.get("Properties", {}).items()
    ]
    assert len(found) == 1, found
    return found[0]


def test_snapshot(exported: dict[str, Any], snapshot_json: SnapshotAssertion) -> None:
    """One file per top-level construct (the certificate, the stack-wide export plumbing, ...)."""
    for part, fragment in snapshot_parts(exported["stack"], snapshot_of(exported["stack"])).items():
        assert fragment == snapshot_json(name=part)


def test_certificate_waits_for_the_ca_activation_and_its_acm_permission(exported: dict[str, Any]) -> None:
    template = exported["template"]
    _, cert = _one(template, "AWS::CertificateManager::Certificate", DomainName="api.internal.example")
    activations = resources_of_type(template, "AWS::ACMPCA::CertificateAuthorityActivation")
    issuing_activation = [k for k in activations if k.startswith("IssuingActivation")]
    assert cert["Properties"]["CertificateAuthorityArn"] == {"Ref": issuing_activation[0]}
    permission = [
        k for k in resources_of_type(template, "AWS::ACMPCA::Permission") if k.startswith("Issuing")
    ]
    assert permission[0] in cert["DependsOn"]
    assert cert["Properties"]["KeyAlgorithm"] == "EC_prime256v1"  # matches the EC issuing CA
    # Names are lower-cased and deduplicated; the CN stays the domain name.
    assert cert["Properties"]["SubjectAlternativeNames"] == [
        "api.internal.example",
        "api-v2.internal.example",
    ]


def test_secret_is_encrypted_with_a_rotating_cmk(exported: dict[str, Any]) -> None:
    template = exported["template"]
    _, secret = _one(template, "AWS::SecretsManager::Secret", Name=exported["api"].secret_name)
    key_id = secret["Properties"]["KmsKeyId"]["Fn::GetAtt"][0]
    key = template["Resources"][key_id]
    assert key["Type"] == "AWS::KMS::Key" and key["Properties"]["EnableKeyRotation"] is True
    assert "BEGIN" not in secret["Properties"]["SecretString"]


def test_export_resource_carries_names_not_material(exported: dict[str, Any]) -> None:
    template = exported["template"]
    _, export = _one(template, "Custom::PkiCertificateExport", SecretName=exported["api"].secret_name)
    props = export["Properties"]
    assert set(props) == {"ServiceToken", "CertificateArn", "SecretName", "KmsKeyArn"}
    assert any(d.startswith("ApiSecret") for d in export["DependsOn"])
    # One provider for both certificates.
    tokens = {
        json.dumps(r["Properties"]["ServiceToken"])
        for r in resources_of_type(template, "Custom::PkiCertificateExport").values()
    }
    assert len(tokens) == 1


def test_grant_read_is_exactly_that_secret_and_that_key(exported: dict[str, Any]) -> None:
    template = exported["template"]
    policies = [
        p
        for p in resources_of_type(template, "AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": _role(template, "ApiTask")}]
    ]
    statements = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    secret_name = exported["api"].secret_name
    assert statements == [
        {
            "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            "Effect": "Allow",
            "Resource": f"arn:aws:secretsmanager:us-east-1:111111111111:secret:{secret_name}-??????",
        },
        {
            "Action": "kms:Decrypt",
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": {
                        "Fn::Join": ["", ["secretsmanager.us-east-1.", {"Ref": "AWS::URLSuffix"}]]
                    }
                }
            },
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [_logical_of(template, "AWS::KMS::Key", "ApiSecretKey"), "Arn"]},
        },
    ]


def _role(template: dict[str, Any], prefix: str) -> str:
    return next(k for k in resources_of_type(template, "AWS::IAM::Role") if k.startswith(prefix))


def _logical_of(template: dict[str, Any], type_name: str, prefix: str) -> str:
    return next(k for k in resources_of_type(template, type_name) if k.startswith(prefix))


def test_renewal_reexports_on_acm_events_and_daily(exported: dict[str, Any]) -> None:
    template = exported["template"]
    rules = {
        k: r["Properties"]
        for k, r in resources_of_type(template, "AWS::Events::Rule").items()
        if k.startswith("Api")
    }
    event_rule = next(r for r in rules.values() if "EventPattern" in r)
    schedule = next(r for r in rules.values() if "ScheduleExpression" in r)
    cert = _logical_of(template, "AWS::CertificateManager::Certificate", "Api")
    assert event_rule["EventPattern"] == {
        "detail-type": ["ACM Certificate Available", "ACM Certificate Approaching Expiration"],
        "resources": [{"Ref": cert}],
        "source": ["aws.acm"],
    }
    assert schedule["ScheduleExpression"] == "rate(1 day)"
    function = template["Resources"][event_rule["Targets"][0]["Arn"]["Fn::GetAtt"][0]]
    assert function["Properties"]["Handler"] == "pki_handlers.cert_export.handler"
    assert schedule["Targets"][0]["Arn"] == event_rule["Targets"][0]["Arn"]
    # The same single function serves the second certificate too.
    functions = [
        k
        for k, f in resources_of_type(template, "AWS::Lambda::Function").items()
        if f["Properties"].get("Handler") == "pki_handlers.cert_export.handler"
    ]
    assert len(functions) == 1


def test_handler_permissions_are_scoped_to_each_certificate(exported: dict[str, Any]) -> None:
    template = exported["template"]
    policy = next(
        p["Properties"]["PolicyDocument"]["Statement"]
        for k, p in resources_of_type(template, "AWS::IAM::Policy").items()
        if k.startswith("PkiConstructsCertExportProviderOnEventRole")
    )
    acm_resources = [s["Resource"] for s in policy if "acm:ExportCertificate" in s["Action"]]
    flat = [
        r for resources in acm_resources for r in (resources if isinstance(resources, list) else [resources])
    ]
    certs = sorted(k for k in resources_of_type(template, "AWS::CertificateManager::Certificate"))
    assert sorted(r["Ref"] for r in flat) == certs
    assert all("*" not in json.dumps(s["Resource"]) for s in policy)


def test_cfn_lint_has_no_errors(exported: dict[str, Any]) -> None:
    assert cfn_lint_errors(exported["template"], ["us-east-1"]) == []


def test_cdk_nag_has_no_unacknowledged_findings(exported: dict[str, Any]) -> None:
    assert nag_findings(exported["app"]) == []


def test_without_export_there_is_only_the_certificate() -> None:
    stack = make_stack()
    cert = ServiceCertificate(
        stack,
        "Lb",
        certificate_authority=hierarchy(stack, key=KeyAlgorithm.RSA_2048),
        domain_name="lb.internal.example",
    )
    template = template_of(stack)
    assert cert.secret is None and cert.export_resource is None
    assert resources_of_type(template, "AWS::SecretsManager::Secret") == {}
    assert (
        _one(template, "AWS::CertificateManager::Certificate")[1]["Properties"]["KeyAlgorithm"] == "RSA_2048"
    )


def test_uses_a_given_key() -> None:
    stack = make_stack()
    key = kms.Key(stack, "Shared", enable_key_rotation=True)
    cert = ServiceCertificate(
        stack,
        "Api",
        certificate_authority=hierarchy(stack),
        domain_name="api.internal.example",
        export=True,
        secret_encryption_key=key,
        secret_name="svc/api/tls",
    )
    template = template_of(stack)
    assert cert.encryption_key is key
    assert len(resources_of_type(template, "AWS::KMS::Key")) == 1
    _, secret = _one(template, "AWS::SecretsManager::Secret", Name="svc/api/tls")
    assert secret["Properties"]["KmsKeyId"] == {
        "Fn::GetAtt": [_logical_of(template, "AWS::KMS::Key", "Shared"), "Arn"]
    }


def test_warns_when_the_ca_denies_acm_renewal() -> None:
    stack = make_stack()
    issuing = hierarchy(stack, acm_renewal_permission=False)
    ServiceCertificate(stack, "Api", certificate_authority=issuing, domain_name="api.internal.example")
    Annotations.from_stack(stack).has_warning("/Test/Api", Match.string_like_regexp("fail to renew"))


# Failing input ----------------------------------------------------------------------------------------


def _fails(field: str, **props: Any) -> PkiValidationError:
    stack = make_stack()
    ca_props = props.pop("ca", {})
    issuing = hierarchy(stack, **ca_props)
    with pytest.raises(PkiValidationError) as raised:
        ServiceCertificate(
            stack, "Api", certificate_authority=issuing, **{"domain_name": "api.internal.example", **props}
        )
    assert f"{field}=" in str(raised.value)
    return raised.value


def test_fails_on_a_short_lived_ca() -> None:
    error = _fails("certificate_authority", ca={"usage_mode": UsageMode.SHORT_LIVED_CERTIFICATE})
    assert "short-lived" in str(error) and "grant_issue" in str(error)


@pytest.mark.parametrize("kind", ["ours", "imported"])
def test_fails_on_a_ca_in_another_region(kind: str) -> None:
    app = make_app()
    ca_stack, eu = make_stack(app, "Pki", region="us-east-1"), make_stack(app, "Eu", region="eu-west-1")
    ca = (
        hierarchy(ca_stack)
        if kind == "ours"
        else SubordinateCa.from_certificate_authority_attributes(
            eu,
            "Imported",
            certificate_authority_arn=(
                "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"
            ),
        )
    )
    with pytest.raises(
        PkiValidationError, match=r"certificate_authority='us-east-1'.*own region \(eu-west-1\)"
    ):
        ServiceCertificate(eu, "Api", certificate_authority=ca, domain_name="api.internal.example")


def test_a_ca_of_another_account_in_the_same_region_is_accepted() -> None:
    # cross-account issuance is AWS's documented RAM/resource-policy path (ACM User Guide, ca-access.html)
    stack = make_stack()
    ca = SubordinateCa.from_certificate_authority_attributes(
        stack,
        "Shared",
        certificate_authority_arn=(
            "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/11111111-2222-3333-4444-555555555555"
        ),
    )
    ServiceCertificate(stack, "Api", certificate_authority=ca, domain_name="api.internal.example")


def test_fails_on_a_key_algorithm_acm_does_not_issue() -> None:
    _fails("key_algorithm", ca={"key": KeyAlgorithm.RSA_2048}, key_algorithm=KeyAlgorithm.RSA_4096)


def test_fails_on_a_key_family_other_than_the_cas() -> None:
    error = _fails(
        "key_algorithm", ca={"key": KeyAlgorithm.RSA_2048}, key_algorithm=KeyAlgorithm.EC_PRIME256V1
    )
    assert "family" in str(error)


def test_fails_on_an_invalid_domain_name() -> None:
    _fails("domain_name", domain_name="api..internal.example")


def test_fails_on_an_invalid_alternative_name() -> None:
    _fails("subject_alternative_names[0]", subject_alternative_names=["*.*.internal.example"])


def test_fails_with_a_secret_key_but_no_export() -> None:
    stack = make_stack()
    key = kms.Key(stack, "K", enable_key_rotation=True)
    with pytest.raises(PkiValidationError, match="secret_encryption_key="):
        ServiceCertificate(
            stack,
            "Api",
            certificate_authority=hierarchy(stack),
            domain_name="api.internal.example",
            secret_encryption_key=key,
        )


def test_fails_to_grant_read_without_export() -> None:
    stack = make_stack()
    cert = ServiceCertificate(
        stack, "Api", certificate_authority=hierarchy(stack), domain_name="api.internal.example"
    )
    role = iam.Role(stack, "R", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    with pytest.raises(PkiValidationError, match="export=False"):
        cert.grant_read(role)


def test_collects_every_problem_at_once() -> None:
    error = _fails(
        "key_algorithm",
        ca={"usage_mode": UsageMode.SHORT_LIVED_CERTIFICATE},
        key_algorithm=KeyAlgorithm.RSA_4096,
        domain_name="-bad.example",
    )
    assert {p.field for p in error.problems} == {"key_algorithm", "certificate_authority", "domain_name"}


# Pure rules ---------------------------------------------------------------------------------------------


def test_default_key_follows_the_ca_family() -> None:
    assert default_key_algorithm(KeyAlgorithm.EC_SECP384R1) is KeyAlgorithm.EC_PRIME256V1
    assert default_key_algorithm(KeyAlgorithm.RSA_4096) is KeyAlgorithm.RSA_2048
    assert default_key_algorithm(None) is KeyAlgorithm.RSA_2048


@pytest.mark.parametrize(
    "key", [KeyAlgorithm.RSA_2048, KeyAlgorithm.EC_PRIME256V1, KeyAlgorithm.EC_SECP384R1]
)
def test_acm_key_algorithms_pass_under_a_ca_of_their_family(key: KeyAlgorithm) -> None:
    assert key_algorithm_problems(key, key) == []


def test_usage_mode_rule() -> None:
    assert usage_mode_problems(UsageMode.GENERAL_PURPOSE) == []
    assert [p.field for p in usage_mode_problems(UsageMode.SHORT_LIVED_CERTIFICATE)] == [
        "certificate_authority"
    ]


def test_accepts_a_ca_known_only_by_arn() -> None:
    stack = make_stack()
    from aws_cdk import aws_acmpca as acmpca

    arn = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"
    imported = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Imported", arn)
    cert = ServiceCertificate(
        stack, "Api", certificate_authority=imported, domain_name="api.internal.example"
    )
    properties = _one(template_of(stack), "AWS::CertificateManager::Certificate")[1]["Properties"]
    assert properties["CertificateAuthorityArn"] == arn
    assert properties["KeyAlgorithm"] == "RSA_2048"  # family unknown: ACM's default
    assert cert.key_algorithm is KeyAlgorithm.RSA_2048


def test_fails_on_a_secret_name_secrets_manager_refuses() -> None:
    _fails("secret_name", export=True, secret_name="svc tls")


def test_fails_on_a_secret_name_that_looks_like_an_arn_suffix() -> None:
    error = _fails("secret_name", export=True, secret_name="svc/orders-abc123")
    assert "random suffix" in str(error)


def test_fails_on_a_secret_name_without_export() -> None:
    _fails("secret_name", secret_name="svc/orders/tls")
