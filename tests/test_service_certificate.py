"""ServiceCertificate: ACM private certificates from our CAs, exported to Secrets Manager."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
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
from tests.gate_apps import built
from tests.synth import (
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
    built_app = built("service_certificate_exported")
    return {**built_app, "template": template_of(built_app["stack"])}


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


def _exports(template: dict[str, Any]) -> dict[str, Any]:
    return _one(template, "Custom::PkiCertificateExports")[1]["Properties"]


def _shared_key(template: dict[str, Any]) -> str:
    return _logical_of(template, "AWS::KMS::Key", "PkiConstructsCertificateExportsKey")


def test_secrets_share_the_stacks_rotating_cmk(exported: dict[str, Any]) -> None:
    template = exported["template"]
    keys = resources_of_type(template, "AWS::KMS::Key")
    assert list(keys) == [_shared_key(template)]  # one key, however many exports
    key = keys[_shared_key(template)]
    assert key["Properties"]["EnableKeyRotation"] is True and key["DeletionPolicy"] == "Retain"
    assert _exports(template)["KmsKeyArn"] == {"Fn::GetAtt": [_shared_key(template), "Arn"]}
    assert exported["api"].encryption_key is exported["worker"].encryption_key


def test_one_export_resource_carries_names_not_material(exported: dict[str, Any]) -> None:
    template = exported["template"]
    props = _exports(template)
    assert set(props) == {"ServiceToken", "Scope", "KmsKeyArn", "Exports"}
    assert props["Scope"] == {"Ref": "AWS::StackName"}
    api = _logical_of(template, "AWS::CertificateManager::Certificate", "Api")
    worker = _logical_of(template, "AWS::CertificateManager::Certificate", "Worker")
    assert sorted(props["Exports"].values(), key=lambda e: e["SecretName"]) == [
        {"CertificateArn": {"Ref": api}, "SecretName": exported["api"].secret_name},
        {"CertificateArn": {"Ref": worker}, "SecretName": exported["worker"].secret_name},
    ]
    assert "BEGIN" not in json.dumps(props)
    # The handler creates the secrets; CloudFormation holds none.
    assert resources_of_type(template, "AWS::SecretsManager::Secret") == {}
    assert exported["api"].export_resource is exported["worker"].export_resource


def test_each_certificate_names_its_secret_in_its_tags(exported: dict[str, Any]) -> None:
    """The shared key is not repeated per certificate: the renewal function knows it (a certificate with a key
    of its own names it: test_a_certificate_may_have_its_own_key_and_retained_secret)."""
    template = exported["template"]
    _, cert = _one(template, "AWS::CertificateManager::Certificate", DomainName="api.internal.example")
    assert {t["Key"]: t["Value"] for t in cert["Properties"]["Tags"]} == {
        "pki-constructs:export-scope": {"Ref": "AWS::StackName"},
        "pki-constructs:export-secret": exported["api"].secret_name,
    }


def test_grant_read_is_exactly_that_secret_and_that_key(exported: dict[str, Any]) -> None:
    template = exported["template"]
    policies = [
        p
        for p in resources_of_type(template, "AWS::IAM::Policy").values()
        if p["Properties"]["Roles"] == [{"Ref": _role(template, "ApiTask")}]
    ]
    statements = policies[0]["Properties"]["PolicyDocument"]["Statement"]
    secret_arn = f"arn:aws:secretsmanager:us-east-1:111111111111:secret:{exported['api'].secret_name}-??????"
    assert statements == [
        {
            "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            "Effect": "Allow",
            "Resource": secret_arn,
        },
        {
            "Action": "kms:Decrypt",
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": {
                        "Fn::Join": ["", ["secretsmanager.us-east-1.", {"Ref": "AWS::URLSuffix"}]]
                    }
                },
                # The key is shared: decrypt only this secret's versions (Secrets Manager's encryption context).
                "StringLike": {"kms:EncryptionContext:SecretARN": secret_arn},
            },
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [_shared_key(template), "Arn"]},
        },
    ]


def _role(template: dict[str, Any], prefix: str) -> str:
    return next(k for k in resources_of_type(template, "AWS::IAM::Role") if k.startswith(prefix))


def _logical_of(template: dict[str, Any], type_name: str, prefix: str) -> str:
    return next(k for k in resources_of_type(template, type_name) if k.startswith(prefix))


def test_one_rule_and_one_schedule_reexport_every_certificate(exported: dict[str, Any]) -> None:
    template = exported["template"]
    rules = [r["Properties"] for r in resources_of_type(template, "AWS::Events::Rule").values()]
    assert len(rules) == 2
    event_rule = next(r for r in rules if "EventPattern" in r)
    schedule = next(r for r in rules if "ScheduleExpression" in r)
    # No certificate ARNs in the pattern: the function tells its certificates by their tags.
    assert event_rule["EventPattern"] == {
        "detail-type": ["ACM Certificate Available", "ACM Certificate Approaching Expiration"],
        "source": ["aws.acm"],
    }
    assert schedule["ScheduleExpression"] == "rate(1 day)"
    assert "Input" not in event_rule["Targets"][0] and "Input" not in schedule["Targets"][0]
    function = template["Resources"][event_rule["Targets"][0]["Arn"]["Fn::GetAtt"][0]]
    assert function["Properties"]["Handler"] == "pki_handlers.cert_export.handler"
    assert function["Properties"]["Environment"]["Variables"] == {
        "EXPORT_SCOPE": {"Ref": "AWS::StackName"},
        "EXPORT_KMS_KEY_ARN": {"Fn::GetAtt": [_shared_key(template), "Arn"]},
    }
    assert schedule["Targets"][0]["Arn"] == event_rule["Targets"][0]["Arn"]
    assert len(resources_of_type(template, "AWS::Lambda::Permission")) == 2


def _statements(template: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    return next(  # type: ignore[no-any-return]
        p["Properties"]["PolicyDocument"]["Statement"]
        for k, p in resources_of_type(template, "AWS::IAM::Policy").items()
        if k.startswith(prefix)
    )


@pytest.mark.parametrize(
    "role", ["PkiConstructsCertExportProviderOnEventRole", "PkiConstructsCertificateExportsRenewalRole"]
)
def test_handler_permissions_are_scoped_by_the_stacks_tag(exported: dict[str, Any], role: str) -> None:
    scope = {"Ref": "AWS::StackName"}
    by_action = {
        action: statement
        for statement in _statements(exported["template"], role)
        for action in (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
    }
    for action in ("acm:ExportCertificate", "acm:DescribeCertificate", "acm:GetCertificate"):
        assert by_action[action]["Resource"] == "arn:aws:acm:us-east-1:111111111111:certificate/*"
        assert by_action[action]["Condition"] == {
            "StringEquals": {"aws:ResourceTag/pki-constructs:export-scope": scope}
        }
    for action in ("secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"):
        assert by_action[action]["Condition"] == {
            "StringEquals": {"aws:ResourceTag/pki-constructs:export-scope": scope}
        }
    assert by_action["secretsmanager:CreateSecret"]["Condition"]["StringEquals"] == {
        "aws:RequestTag/pki-constructs:export-scope": scope
    }
    assert by_action["kms:GenerateDataKey"]["Resource"] == {
        "Fn::GetAtt": [_shared_key(exported["template"]), "Arn"]
    }
    assert "secretsmanager:GetSecretValue" not in by_action
    # '*' only for the Tagging API, which has no resource-level permissions.
    assert [a for a, s in by_action.items() if s["Resource"] == "*"] == (
        ["tag:GetResources"] if "Renewal" in role else []
    )


def test_an_extra_exported_certificate_adds_at_most_three_resources() -> None:
    """Issue 14: 1 resource per extra exported certificate (its ACM certificate); the limit asserted is 3."""

    def count(n: int) -> int:
        stack = make_stack()
        issuing = hierarchy(stack)
        for i in range(n):
            ServiceCertificate(
                stack,
                f"Svc{i}",
                certificate_authority=issuing,
                domain_name=f"svc{i}.internal.example",
                export=True,
            )
        return len(template_of(stack)["Resources"])

    one, three = count(1), count(3)
    assert (three - one) / 2 <= 3
    assert three - one == 2  # exactly the two ACM certificates


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
    assert resources_of_type(template, "Custom::PkiCertificateExports") == {}
    assert resources_of_type(template, "AWS::KMS::Key") == {}
    _, resource = _one(template, "AWS::CertificateManager::Certificate")
    assert resource["Properties"]["KeyAlgorithm"] == "RSA_2048" and "Tags" not in resource["Properties"]


def test_a_certificate_may_have_its_own_key_and_retained_secret() -> None:
    stack = make_stack()
    issuing = hierarchy(stack)
    own = kms.Key(stack, "Own", enable_key_rotation=True)
    cert = ServiceCertificate(
        stack,
        "Api",
        certificate_authority=issuing,
        domain_name="api.internal.example",
        export=True,
        secret_encryption_key=own,
        secret_name="svc/api/tls",
        removal_policy=cdk.RemovalPolicy.RETAIN,
    )
    ServiceCertificate(
        stack, "Other", certificate_authority=issuing, domain_name="other.internal.example", export=True
    )
    template = template_of(stack)
    own_arn = {"Fn::GetAtt": [_logical_of(template, "AWS::KMS::Key", "Own"), "Arn"]}
    assert cert.encryption_key is own and cert.secret is not None
    entries = list(_exports(template)["Exports"].values())
    assert {
        "CertificateArn": {"Ref": _logical_of(template, "AWS::CertificateManager::Certificate", "Api")},
        "SecretName": "svc/api/tls",
        "KmsKeyArn": own_arn,
        "Retain": "true",
    } in entries
    _, resource = _one(template, "AWS::CertificateManager::Certificate", DomainName="api.internal.example")
    assert {"Key": "pki-constructs:export-kms-key", "Value": own_arn} in resource["Properties"]["Tags"]
    # Both handlers may use both keys, and nothing else.
    for role in ("PkiConstructsCertExportProviderOnEventRole", "PkiConstructsCertificateExportsRenewalRole"):
        kms_statement = next(s for s in _statements(template, role) if "kms:GenerateDataKey" in s["Action"])
        expected = [{"Fn::GetAtt": [_shared_key(template), "Arn"]}, own_arn]
        assert sorted(map(json.dumps, kms_statement["Resource"])) == sorted(map(json.dumps, expected))


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
        PkiValidationError,
        match=r"certificate_authority=.*CA's region.*this CA is in us-east-1, the use in eu-west-1",
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


def test_fails_on_a_secret_name_longer_than_an_acm_tag_value() -> None:
    error = _fails("secret_name", export=True, secret_name="svc/" + "a" * 253)
    assert "256" in str(error)
    stack = make_stack()
    ServiceCertificate(  # 256 characters pass
        stack,
        "Api",
        certificate_authority=hierarchy(stack),
        domain_name="api.internal.example",
        export=True,
        secret_name="svc/" + "a" * 252,
    )


# Handed to aws-cdk-lib in another stack (issue 10, finding 20) --------------------------------------------


def _listener_with_service_certificate(*, fixed: bool) -> cdk.App:
    app = make_app()
    pki, site = make_stack(app, "Pki"), make_stack(app, "Site")
    cert = ServiceCertificate(
        pki, "Api", certificate_authority=hierarchy(pki), domain_name="api.internal.example"
    )
    vpc = ec2.Vpc(site, "Vpc", max_azs=2, nat_gateways=0)
    elbv2.ApplicationLoadBalancer(site, "Lb", vpc=vpc).add_listener(
        "Https",
        port=443,
        certificates=[cert.certificate_in(site) if fixed else cert],
        default_action=elbv2.ListenerAction.fixed_response(404),
    )
    return app


def test_fails_service_certificate_given_to_a_listener_in_another_stack_and_names_certificate_in() -> None:
    with pytest.raises(RuntimeError) as raised:
        _listener_with_service_certificate(fixed=False).synth()
    assert "Pki/Api.certificate_in(consumer_scope)" in str(raised.value)


def test_service_certificate_in_another_stack_travels_weakly() -> None:
    templates = {
        s.stack_name: s.template for s in _listener_with_service_certificate(fixed=True).synth().stacks
    }
    assert "Fn::ImportValue" not in json.dumps(templates["Site"])
    assert "/pki-constructs/Pki/Api/certificate-arn" in json.dumps(templates["Site"]["Parameters"])


def test_grant_read_to_a_role_of_another_stack_reads_the_key_arn_weakly() -> None:
    app = make_app()
    pki, workload = make_stack(app, "Pki"), make_stack(app, "Workload")
    root = RootCa(pki, "Root", subject=DistinguishedName(common_name="Root"))
    issuing = SubordinateCa(pki, "Issuing", parent=root, subject=DistinguishedName(common_name="Issuing"))
    cert = ServiceCertificate(
        pki, "Svc", certificate_authority=issuing, domain_name="svc.internal.example", export=True
    )
    cert.grant_read(iam.Role(workload, "Task", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com")))
    templates = {s.stack_name: json.dumps(s.template) for s in app.synth().stacks}
    assert "Fn::ImportValue" not in templates["Workload"]
    assert "/pki-constructs/Pki/Svc/encryption-key-arn" in templates["Workload"]


def test_fails_grant_read_to_a_role_of_another_account() -> None:
    app = make_app()
    pki, member = make_stack(app, "Pki"), make_stack(app, "Member", account="222222222222")
    root = RootCa(pki, "Root", subject=DistinguishedName(common_name="Root"))
    issuing = SubordinateCa(pki, "Issuing", parent=root, subject=DistinguishedName(common_name="Issuing"))
    cert = ServiceCertificate(
        pki, "Svc", certificate_authority=issuing, domain_name="svc.internal.example", export=True
    )
    with pytest.raises(PkiValidationError) as raised:
        cert.grant_read(iam.Role(member, "Task", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com")))
    assert [p.field for p in raised.value.problems] == ["grantee"]
