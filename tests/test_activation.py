"""SubordinateCa(parent=...) for parents CloudFormation cannot reach, as synthesized templates: cross-region
(no exports), by ARN (cross-account), offline (two phases); the IAM and Provider they create; the synth-time
rules; and the handler run against moto from the very properties the template passes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import boto3
import pytest
from aws_cdk import Duration
from aws_cdk import aws_acmpca as acmpca
from aws_cdk.assertions import Annotations
from moto import mock_aws
from syrupy.assertion import SnapshotAssertion

from pki_constructs import (
    DistinguishedName,
    IssuerRole,
    KeyAlgorithm,
    KeyStorageSecurityStandard,
    OfflineParent,
    PkiValidationError,
    RootCa,
    SubordinateCa,
    UsageMode,
)
from pki_constructs.custom_activation import RESOURCE_TYPE, CaActivation
from tests.gate_apps import built
from tests.handlers.activation_support import (
    Provider,
    create_root,
    create_subordinate,
    load_handler,
    status_of,
)
from tests.local_pki import LocalCa, generate_key, make_csr
from tests.synth import (
    ACCOUNT,
    OTHER_ACCOUNT,
    make_app,
    make_stack,
    resources_of_type,
    snapshot_of,
    template_of,
)

ROOT_NAME = DistinguishedName(common_name="Example Root CA G1", organization="Example")
ISSUING_NAME = DistinguishedName(common_name="Example Issuing CA G1", organization="Example")
TEAM_NAME = DistinguishedName(common_name="Example Team CA G1", organization="Example")
PARENT_ARN = (
    f"arn:aws:acm-pca:us-east-1:{OTHER_ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555"
)
ISSUER_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/pki-issuer"


@pytest.fixture(scope="module")
def xr() -> dict[str, Any]:
    built_app = built("cross_region_activation")
    return {
        **built_app,
        "root_template": template_of(built_app["root_stack"]),
        "issuing_template": template_of(built_app["issuing_stack"]),
    }


def activations(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return resources_of_type(template, RESOURCE_TYPE)


def handler_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    """Statements of the ca_activation handler roles (not the Provider framework's)."""
    statements = []
    for logical_id, policy in resources_of_type(template, "AWS::IAM::Policy").items():
        if logical_id.startswith(
            (
                "PkiConstructsCaActivationProviderOnEventRole",
                "PkiConstructsCaActivationProviderIsCompleteRole",
            )
        ):
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def actions(statement: dict[str, Any]) -> list[str]:
    value = statement["Action"]
    return [value] if isinstance(value, str) else list(value)


# ------------------------------------------------------------------------------------------ cross-region


def test_cross_region_has_no_export_and_orders_the_stacks(xr: dict[str, Any]) -> None:
    for template in (xr["root_template"], xr["issuing_template"]):
        text = json.dumps(template)
        assert "Fn::ImportValue" not in text
        assert "Outputs" not in template or not any("Export" in o for o in template["Outputs"].values())
        assert "Custom::CrossRegion" not in text  # no crossRegionReferences machinery
    assert xr["root_stack"] in xr["issuing_stack"].dependencies
    assert not xr["issuing_stack"].node.try_get_context("@aws-cdk/core:crossRegionReferences")


def test_cross_region_custom_resource_properties(xr: dict[str, Any]) -> None:
    by_path = {
        r["Properties"]["PathLength"]: r["Properties"] for r in activations(xr["issuing_template"]).values()
    }
    issuing = by_path["1"]
    assert issuing["ParentArnParameter"] == {
        "Name": "/pki-constructs/RootStack/Root/certificate-authority-arn",
        "Region": "us-east-1",
    }
    assert issuing["IssuerRoleArn"].startswith(f"arn:aws:iam::{ACCOUNT}:role/")  # a literal, not a reference
    assert issuing["Validity"] == {"Type": "DAYS", "Value": "1825"}
    assert issuing["SigningAlgorithm"] == "SHA256WITHRSA"
    assert "ParentCertificateAuthorityArn" not in issuing
    team = by_path["0"]
    assert "Fn::GetAtt" in team["ParentCertificateAuthorityArn"]  # the issuing CA's activation, same stack
    assert "IssuerRoleArn" not in team
    parameters = resources_of_type(xr["root_template"], "AWS::SSM::Parameter")
    assert [p["Properties"]["Name"] for p in parameters.values()] == [issuing["ParentArnParameter"]["Name"]]


def test_one_provider_per_stack(xr: dict[str, Any]) -> None:
    template = xr["issuing_template"]
    assert len(activations(template)) == 2
    assert len(resources_of_type(template, "AWS::StepFunctions::StateMachine")) == 1
    tokens = {json.dumps(r["Properties"]["ServiceToken"]) for r in activations(template).values()}
    assert len(tokens) == 1


def test_handler_iam_is_on_exact_arns(xr: dict[str, Any]) -> None:
    statements = handler_statements(xr["issuing_template"])
    assert statements
    for statement in statements:
        assert statement["Resource"] != "*" and "*" not in json.dumps(statement["Resource"])
        if "acm-pca:IssueCertificate" in actions(statement):
            assert actions(statement) == ["acm-pca:IssueCertificate"]
            assert statement["Condition"] == {
                "StringEquals": {
                    "acm-pca:TemplateArn": "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1"
                }
            }
    assume = [s for s in statements if "sts:AssumeRole" in actions(s)]
    assert {s["Resource"] for s in assume} == {
        activations(xr["issuing_template"])[k]["Properties"]["IssuerRoleArn"]
        for k, r in activations(xr["issuing_template"]).items()
        if "IssuerRoleArn" in r["Properties"]
    }


def test_issuer_role_in_the_parent_stack(xr: dict[str, Any]) -> None:
    template = xr["root_template"]
    roles = {k: r for k, r in resources_of_type(template, "AWS::IAM::Role").items() if "IssuerRole" in k}
    assert len(roles) == 1
    role = next(iter(roles.values()))["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "AWS": f"arn:aws:iam::{ACCOUNT}:root"
    }
    policy = next(p for k, p in resources_of_type(template, "AWS::IAM::Policy").items() if "IssuerRole" in k)
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    issue = [s for s in statements if "acm-pca:IssueCertificate" in actions(s)]
    assert [s["Condition"]["StringEquals"]["acm-pca:TemplateArn"] for s in issue] == [
        "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen1/V1"
    ]
    assert all("Ref" in json.dumps(s["Resource"]) for s in statements)  # the activated root and the parameter
    assert sorted(a for s in statements for a in actions(s)) == [
        "acm-pca:GetCertificate",
        "acm-pca:GetCertificateAuthorityCertificate",
        "acm-pca:IssueCertificate",
        "ssm:GetParameter",
    ]


def test_cross_region_snapshots(xr: dict[str, Any], snapshot_json: SnapshotAssertion) -> None:
    """One file per stack: the root's and the issuing CA's sides of a cross-region activation."""
    assert snapshot_of(xr["root_stack"]) == snapshot_json(name="root")
    assert snapshot_of(xr["issuing_stack"]) == snapshot_json(name="issuing")


def test_same_app_parent_in_another_account_is_reached_through_its_issuer_role() -> None:
    app = make_app()
    root_stack = make_stack(app, "PkiAccount", region="us-east-1", account=OTHER_ACCOUNT)
    child_stack = make_stack(app, "Workload", region="us-east-1", account=ACCOUNT)
    root = RootCa(root_stack, "Root", subject=ROOT_NAME)
    SubordinateCa(child_stack, "Issuing", parent=root, subject=ISSUING_NAME)
    root_template, child_template = template_of(root_stack), template_of(child_stack)

    (resource,) = activations(child_template).values()
    assert resource["Properties"]["IssuerRoleArn"].startswith(f"arn:aws:iam::{OTHER_ACCOUNT}:role/")
    assert resource["Properties"]["ParentArnParameter"]["Region"] == "us-east-1"
    assert "Fn::ImportValue" not in json.dumps(child_template)
    (role,) = (r for k, r in resources_of_type(root_template, "AWS::IAM::Role").items() if "IssuerRole" in k)
    principal = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    assert principal == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    assert root_stack in child_stack.dependencies


def test_parent_replacement_changes_the_fingerprint() -> None:
    def fingerprint(subject: DistinguishedName, **root_props: Any) -> str:
        app = make_app()
        root = RootCa(make_stack(app, "R", region="us-east-1"), "Root", subject=subject, **root_props)
        child_stack = make_stack(app, "C", region="eu-west-1")
        SubordinateCa(child_stack, "Issuing", parent=root, subject=ISSUING_NAME)
        (resource,) = activations(template_of(child_stack)).values()
        return str(resource["Properties"]["ParentFingerprint"])

    assert fingerprint(ROOT_NAME) == fingerprint(ROOT_NAME)
    assert fingerprint(ROOT_NAME) != fingerprint(DistinguishedName(common_name="Example Root CA G2"))
    # every create-only property of AWS::ACMPCA::CertificateAuthority replaces the parent, the rarer ones too
    assert fingerprint(ROOT_NAME) != fingerprint(
        ROOT_NAME, key_storage_security_standard=KeyStorageSecurityStandard.CCPC_LEVEL_1_OR_HIGHER
    )
    assert fingerprint(DistinguishedName(common_name="Root", serial_number="1")) != fingerprint(
        DistinguishedName(common_name="Root", serial_number="2")
    )


# ------------------------------------------------------------------------------------------ the handler, from the template


def _resolve(value: Any, refs: dict[str, str]) -> Any:
    """Replace the template's intrinsic functions by deploy-time values; fail on any we don't know."""
    if isinstance(value, dict):
        if set(value) == {"Fn::GetAtt"}:
            return refs[value["Fn::GetAtt"][0]]
        if set(value) == {"Ref"}:
            return refs[value["Ref"]]
        assert not any(k.startswith("Fn::") for k in value), value
        return {k: _resolve(v, refs) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, refs) for v in value]
    return value


def test_handler_activates_from_the_synthesized_properties(
    xr: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    template = xr["issuing_template"]
    ((logical_id, resource),) = (
        (k, r) for k, r in activations(template).items() if r["Properties"]["PathLength"] == "1"
    )
    child_logical_id = resource["Properties"]["CertificateAuthorityArn"]["Fn::GetAtt"][0]
    raw = {k: v for k, v in resource["Properties"].items() if k != "ServiceToken"}
    index = load_handler()
    with mock_aws():
        index._plain_client.cache_clear()
        # the parent's account: where the issuer role lives (its literal ARN names the account)
        creds = boto3.client("sts", region_name="us-east-1").assume_role(
            RoleArn=raw["IssuerRoleArn"], RoleSessionName="parent-stack"
        )["Credentials"]
        parent_account = boto3.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
        )
        root = create_root("us-east-1", session=parent_account)
        # what the parent stack's RegionalExport writes
        parent_account.client("ssm", region_name="us-east-1").put_parameter(
            Name=raw["ParentArnParameter"]["Name"], Value=root, Type="String"
        )
        child = create_subordinate("eu-west-1")
        # moto's root certificate lasts 365 days whatever was asked, so the deployed 1825 days would be refused
        props = _resolve(raw, {child_logical_id: child, "AWS::Partition": "aws"})
        props["Validity"]["Value"] = "300"
        event = {
            "RequestType": "Create",
            "RequestId": "r-1",
            "StackId": "arn:aws:cloudformation:eu-west-1:111111111111:stack/IssuingStack/1",
            "LogicalResourceId": logical_id,
            "ResourceType": resource["Type"],
            "ResourceProperties": props,
        }
        provider = Provider(index)
        response = provider.run(event)
        assert status_of(child) == "ACTIVE"
        assert response["Data"]["ParentCertificateAuthorityArn"] == root
        assert provider.invocations == 2
        index._plain_client.cache_clear()


# ------------------------------------------------------------------------------------------ by ARN


def imported(arn: str, **facts: Any) -> dict[str, Any]:
    """The attributes of a parent imported with from_certificate_authority_attributes (made in the child stack)."""
    return {"certificate_authority_arn": arn, **facts}


def child_stack_with(parent: dict[str, Any], **child: Any) -> dict[str, Any]:
    stack = make_stack(name="Child", region="eu-west-1")
    ca = SubordinateCa.from_certificate_authority_attributes(stack, "Parent", **parent)
    SubordinateCa(stack, "Issuing", parent=ca, subject=ISSUING_NAME, **child)
    return template_of(stack)


def test_cross_account_parent_by_arn_assumes_only_the_given_role(snapshot_json: SnapshotAssertion) -> None:
    template = child_stack_with(imported(PARENT_ARN, issuer_role_arn=ISSUER_ROLE, external_id="corp-pki"))
    (resource,) = activations(template).values()
    props = resource["Properties"]
    assert props["ParentCertificateAuthorityArn"] == PARENT_ARN
    assert props["IssuerRoleArn"] == ISSUER_ROLE and props["ExternalId"] == "corp-pki"
    assert "SigningAlgorithm" not in props  # derived at deploy time from the parent's key
    statements = handler_statements(template)
    assert {s["Resource"] for s in statements if "sts:AssumeRole" in actions(s)} == {ISSUER_ROLE}
    assert not [s for s in statements if json.dumps(s["Resource"]).find(PARENT_ARN) >= 0]
    assert {"activation": props, "handler_policy": statements} == snapshot_json


def test_same_account_parent_by_arn_is_called_directly_with_a_template_condition() -> None:
    arn = PARENT_ARN.replace(OTHER_ACCOUNT, ACCOUNT)
    template = child_stack_with(imported(arn, path_length=1), path_length=0)
    statements = [s for s in handler_statements(template) if s["Resource"] == arn]
    assert sorted({a for s in statements for a in actions(s)}) == [
        "acm-pca:GetCertificate",
        "acm-pca:GetCertificateAuthorityCertificate",
        "acm-pca:IssueCertificate",
    ]
    issue, *same = [s for s in statements if "acm-pca:IssueCertificate" in actions(s)]
    assert all(other == issue for other in same)  # the same statement on the OnEvent and IsComplete roles
    assert issue["Condition"]["StringEquals"]["acm-pca:TemplateArn"] == (
        "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1"
    )
    assert not [s for s in handler_statements(template) if "sts:AssumeRole" in actions(s)]


def test_fails_cross_account_resource_policy_parent_for_path_length_1() -> None:
    with pytest.raises(PkiValidationError, match=r"parent\.issuer_role_arn.*PathLen0"):
        child_stack_with(imported(PARENT_ARN), path_length=1)
    child_stack_with(imported(PARENT_ARN), path_length=0)  # allowed


@pytest.mark.parametrize(
    ("ref", "field"),
    [
        (
            imported("arn:aws:acm-pca:us-east-1:1:ca/x"),
            "certificate_authority_arn",
        ),
        (imported(PARENT_ARN.replace("arn:aws:", "arn:aws-cn:")), "partition"),
        (
            imported(PARENT_ARN, issuer_role_arn=f"arn:aws:iam::{ACCOUNT}:role/x"),
            "issuer_role_arn",
        ),
        (imported(PARENT_ARN, issuer_role_arn="role/x"), "issuer_role_arn"),
        (imported(PARENT_ARN, external_id="abc"), "external_id"),
        (
            imported(PARENT_ARN, issuer_role_arn=ISSUER_ROLE, external_id="a b"),
            "external_id",
        ),
    ],
    ids=[
        "bad-arn",
        "partition",
        "role-in-child-account",
        "bad-role",
        "external-id-without-role",
        "bad-external-id",
    ],
)
def test_fails_bad_parent_reference(ref: dict[str, Any], field: str) -> None:
    with pytest.raises(PkiValidationError, match=field):
        child_stack_with(ref)


def test_fails_hierarchy_rules_apply_to_known_ref_fields() -> None:
    ref = imported(
        PARENT_ARN,
        issuer_role_arn=ISSUER_ROLE,
        validity=Duration.days(1000),
        path_length=0,
        key_algorithm=KeyAlgorithm.EC_PRIME256V1,
    )
    with pytest.raises(PkiValidationError) as error:
        child_stack_with(ref, validity=Duration.days(1825))
    fields = {p.field for p in error.value.problems}
    assert {"validity", "path_length"} <= fields


def test_fails_cross_environment_parent_without_literal_env() -> None:
    app = make_app()
    root = RootCa(cdk.Stack(app, "Agnostic"), "Root", subject=ROOT_NAME)
    with pytest.raises(PkiValidationError, match="literal account and region"):
        SubordinateCa(make_stack(app, "C", region="eu-west-1"), "Issuing", parent=root, subject=ISSUING_NAME)


def test_fails_ca_activation_from_a_parameter_without_an_issuer_role() -> None:
    """The handler's own role is granted nothing for a parent it only finds in SSM: it would fail at deploy."""
    stack = make_stack(name="Direct", region="eu-west-1")
    root = RootCa(stack, "Root", subject=ROOT_NAME)
    common: dict[str, Any] = {
        "certificate_authority_arn": root.resource.attr_arn,
        "path_length": 0,
        "validity": Duration.days(100),
        "parent_parameter": ("/p/arn", "us-east-1"),
    }
    with pytest.raises(PkiValidationError, match="issuer_role_arn"):
        CaActivation(stack, "Bad", **common)
    CaActivation(stack, "Good", issuer_role_arn=ISSUER_ROLE, **common)


# ------------------------------------------------------------------------------------------ offline


@pytest.fixture(scope="module")
def offline_material(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("signed")
    root = LocalCa.root("Offline Root", key_algorithm="EC_secp384r1")
    certificate = root.issue_subordinate(
        make_csr(generate_key("EC_prime256v1"), "Example Issuing CA G1"), days=1000
    )
    (folder / "certificate.pem").write_text(root.get_certificate(certificate)["Certificate"])
    (folder / "chain.pem").write_text(root.pem)
    return {"folder": folder, "root": root, "certificate": certificate}


def offline_stack(parent: OfflineParent, **context: Any) -> cdk.Stack:
    stack = make_stack(make_app(**context), name="Offline", region="eu-west-1")
    SubordinateCa(stack, "Issuing", parent=parent, subject=ISSUING_NAME)
    return stack


def test_offline_phase_one_publishes_the_csr_and_waits() -> None:
    stack = offline_stack(OfflineParent(context_key="issuingSigned"))
    template = template_of(stack)
    outputs = template["Outputs"]
    csr = next(v for k, v in outputs.items() if k.startswith("IssuingCsr") and "Command" not in k)
    assert csr["Value"] == {
        "Fn::GetAtt": [
            next(iter(resources_of_type(template, "AWS::ACMPCA::CertificateAuthority"))),
            "CertificateSigningRequest",
        ]
    }
    command = json.dumps(next(v for k, v in outputs.items() if "CsrCommand" in k)["Value"])
    assert "aws acm-pca get-certificate-authority-csr --certificate-authority-arn " in command
    assert not resources_of_type(template, "AWS::ACMPCA::CertificateAuthorityActivation")
    assert not resources_of_type(template, "AWS::Lambda::Function")
    warnings = Annotations.from_stack(stack).find_warning(
        "*", cdk.assertions.Match.string_like_regexp("PENDING_CERTIFICATE")
    )
    assert warnings


@pytest.mark.parametrize("via", ["files", "context"])
def test_offline_phase_two_activates_natively(offline_material: dict[str, Any], via: str) -> None:
    folder = offline_material["folder"]
    if via == "files":
        stack = offline_stack(
            OfflineParent(
                certificate_file=str(folder / "certificate.pem"), chain_file=str(folder / "chain.pem")
            )
        )
    else:
        stack = offline_stack(OfflineParent(context_key="issuingSigned"), issuingSigned=str(folder))
    template = template_of(stack)
    (activation,) = resources_of_type(template, "AWS::ACMPCA::CertificateAuthorityActivation").values()
    props = activation["Properties"]
    assert props["Status"] == "ACTIVE"
    assert props["Certificate"] == (folder / "certificate.pem").read_text()
    assert props["CertificateChain"] == offline_material["root"].pem
    assert not resources_of_type(template, "AWS::Lambda::Function")
    assert "Outputs" not in template or not any("Csr" in k for k in template["Outputs"])


def test_fails_offline_material_problems(offline_material: dict[str, Any], tmp_path: Path) -> None:
    folder = offline_material["folder"]
    with pytest.raises(PkiValidationError, match="supplied together"):
        offline_stack(OfflineParent(certificate_file=str(folder / "certificate.pem")))
    (tmp_path / "empty.pem").write_text("not a certificate")
    with pytest.raises(PkiValidationError, match=r"parent\.chain_file.*PEM"):
        offline_stack(
            OfflineParent(
                certificate_file=str(folder / "certificate.pem"), chain_file=str(tmp_path / "empty.pem")
            )
        )
    (tmp_path / "with-self.pem").write_text(
        (folder / "certificate.pem").read_text() + offline_material["root"].pem
    )
    with pytest.raises(PkiValidationError, match="must not contain the certificate"):
        offline_stack(
            OfflineParent(
                certificate_file=str(folder / "certificate.pem"), chain_file=str(tmp_path / "with-self.pem")
            )
        )
    with pytest.raises(PkiValidationError, match="cannot read"):
        offline_stack(
            OfflineParent(
                certificate_file=str(tmp_path / "missing.pem"), chain_file=str(folder / "chain.pem")
            )
        )


# ------------------------------------------------------------------------------------------ IssuerRole directly


def test_issuer_role_for_another_app(snapshot_json: SnapshotAssertion) -> None:
    stack = make_stack(name="PkiAccount", region="us-east-1", account=OTHER_ACCOUNT)
    root = RootCa(stack, "Root", subject=ROOT_NAME)
    IssuerRole(
        stack,
        "WorkloadIssuer",
        certificate_authority=root,
        trusted_accounts=[ACCOUNT],
        path_lengths=[0, 1],
        external_id="corp-pki",
        role_name="pki-issuer",
    )
    template = template_of(stack)
    role = next(r for k, r in resources_of_type(template, "AWS::IAM::Role").items() if "WorkloadIssuer" in k)
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]
    assert trust["Condition"] == {
        "StringEquals": {"sts:ExternalId": "corp-pki"},
        # only the library's activation handler roles of the trusted account, not the whole account
        "ArnLike": {"aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/pki-constructs/ca-activation/*"]},
    }
    assert role["Properties"]["RoleName"] == "pki-issuer"
    policy = next(
        p for k, p in resources_of_type(template, "AWS::IAM::Policy").items() if "WorkloadIssuer" in k
    )
    assert policy["Properties"]["PolicyDocument"] == snapshot_json


def test_fails_issuer_role_bad_props() -> None:
    stack = make_stack(name="PkiAccount", region="us-east-1")
    with pytest.raises(PkiValidationError) as error:
        IssuerRole(
            stack,
            "Bad",
            certificate_authority=acmpca.CertificateAuthority.from_certificate_authority_arn(
                stack, "OtherAccountsCa", PARENT_ARN
            ),
            trusted_accounts=["12"],
            path_lengths=[4],
        )
    assert {p.field for p in error.value.problems} == {
        "trusted_accounts",
        "path_lengths",
        "certificate_authority",
    }


def issuer_role_cas() -> dict[str, Any]:
    stack = make_stack(name="PkiAccount", region="us-east-1")
    root = RootCa(stack, "Root", subject=ROOT_NAME)
    sub1 = SubordinateCa(
        stack, "Sub1", parent=root, subject=ISSUING_NAME, path_length=1, validity=Duration.days(3000)
    )
    return {
        "stack": stack,
        "root": root,
        "sub0": SubordinateCa(stack, "Sub0", parent=root, subject=TEAM_NAME, path_length=0),
        "sub1": sub1,
        "short": SubordinateCa(
            stack,
            "Short",
            parent=sub1,
            subject=DistinguishedName(common_name="Example Mesh CA G1"),
            usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE,
        ),
        "import0": SubordinateCa.from_certificate_authority_attributes(
            stack,
            "Import0",
            certificate_authority_arn=PARENT_ARN.replace(OTHER_ACCOUNT, ACCOUNT),
            path_length=0,
        ),
        "other_account": SubordinateCa.from_certificate_authority_attributes(
            stack, "OtherAccount", certificate_authority_arn=PARENT_ARN
        ),
    }


@pytest.mark.parametrize(
    ("ca", "path_lengths", "field"),
    [
        ("sub0", [0], "path_lengths"),  # a path-length-0 CA issues no CA certificates
        ("sub1", [1], "path_lengths"),  # a child's path length is below its issuer's
        ("import0", [0], "path_lengths"),
        ("short", [0], "certificate_authority"),
        ("other_account", [0], "certificate_authority"),  # IAM grants only on the role's own account's CAs
        ("root", [], "path_lengths"),  # no IssueCertificate statement at all
    ],
)
def test_fails_issuer_role_on_what_its_ca_cannot_issue(ca: str, path_lengths: list[int], field: str) -> None:
    cas = issuer_role_cas()
    with pytest.raises(PkiValidationError) as error:
        IssuerRole(
            cas["stack"],
            "Issuer",
            certificate_authority=cas[ca],
            trusted_accounts=[OTHER_ACCOUNT],
            path_lengths=path_lengths,
        )
    assert field in {p.field for p in error.value.problems}


def test_issuer_role_on_a_path_length_1_ca_may_issue_path_length_0() -> None:
    cas = issuer_role_cas()
    IssuerRole(cas["stack"], "Issuer", certificate_authority=cas["sub1"], trusted_accounts=[OTHER_ACCOUNT])


# ------------------------------------------------------------------------------------------ issuer role trust


def test_in_app_issuer_role_trusts_only_the_child_handler_role_with_the_external_id_the_child_passes() -> (
    None
):
    app = make_app()
    root_stack = make_stack(app, "RootStack", region="us-east-1", account=OTHER_ACCOUNT)
    child_stack = make_stack(app, "ChildStack", region="us-east-1")
    root = RootCa(root_stack, "Root", subject=ROOT_NAME)
    SubordinateCa(child_stack, "Issuing", parent=root, subject=ISSUING_NAME)
    root_template, child_template = template_of(root_stack), template_of(child_stack)
    (role,) = [r for k, r in resources_of_type(root_template, "AWS::IAM::Role").items() if "IssuerRole" in k]
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    external_id = trust["Condition"]["StringEquals"]["sts:ExternalId"]
    assert external_id.startswith("pki-constructs-")
    assert trust["Condition"]["ArnLike"] == {
        "aws:PrincipalArn": [f"arn:aws:iam::{ACCOUNT}:role/pki-constructs/ca-activation/*"]
    }
    assert role["Properties"]["MaxSessionDuration"] == 3600  # IAM's minimum
    (activation,) = activations(child_template).values()
    assert activation["Properties"]["ExternalId"] == external_id  # the handler passes it to AssumeRole
    handler_roles = resources_of_type(child_template, "AWS::IAM::Role").values()
    paths = {
        r["Properties"].get("Path")
        for r in handler_roles
        if "ca_activation" in r["Properties"].get("Description", "")
    }
    assert paths == {"/pki-constructs/ca-activation/"}


def test_fails_imported_parent_with_an_external_id_its_in_app_issuer_role_does_not_demand() -> None:
    app = make_app()
    root_stack = make_stack(app, "RootStack", region="us-east-1", account=OTHER_ACCOUNT)
    child_stack = make_stack(app, "ChildStack", region="us-east-1")
    root = RootCa(root_stack, "Root", subject=ROOT_NAME)
    role = IssuerRole(
        root_stack, "Issuer", certificate_authority=root, trusted_accounts=[ACCOUNT], role_name="pki-issuer"
    )
    parent = SubordinateCa.from_certificate_authority_attributes(
        child_stack,
        "Parent",
        certificate_authority_arn=PARENT_ARN,
        issuer_role_arn=role.role_arn,
        external_id="not-the-right-one",
    )
    # the role exists already: checked in the constructor
    with pytest.raises(
        PkiValidationError, match=r"external_id='<different>'.*demands another sts:ExternalId"
    ):
        SubordinateCa(child_stack, "Issuing", parent=parent, subject=ISSUING_NAME)


def test_fails_issuer_role_created_after_the_child_with_another_external_id() -> None:
    app = make_app()
    root_stack = make_stack(app, "RootStack", region="us-east-1", account=OTHER_ACCOUNT)
    child_stack = make_stack(app, "ChildStack", region="us-east-1")
    root = RootCa(root_stack, "Root", subject=ROOT_NAME)
    parent = SubordinateCa.from_certificate_authority_attributes(
        child_stack,
        "Parent",
        certificate_authority_arn=PARENT_ARN,
        issuer_role_arn=ISSUER_ROLE,
        external_id="not-the-right-one",
    )
    SubordinateCa(child_stack, "Issuing", parent=parent, subject=ISSUING_NAME)
    IssuerRole(
        root_stack, "Issuer", certificate_authority=root, trusted_accounts=[ACCOUNT], role_name="pki-issuer"
    )
    # a late check (the role comes after the child): CDK reports it as a failed validation
    with pytest.raises(RuntimeError, match=r"external_id='<different>'.*demands another sts:ExternalId"):
        app.synth()


def test_fails_imported_parent_naming_the_in_app_issuer_role_by_literal_arn_with_another_external_id() -> (
    None
):
    app = make_app()
    root_stack = make_stack(app, "RootStack", region="us-east-1", account=OTHER_ACCOUNT)
    child_stack = make_stack(app, "ChildStack", region="us-east-1")
    root = RootCa(root_stack, "Root", subject=ROOT_NAME)
    IssuerRole(
        root_stack,
        "Issuer",
        certificate_authority=root,
        trusted_accounts=[ACCOUNT],
        role_name="pki-issuer",
        external_id="corp-pki",
    )
    parent = SubordinateCa.from_certificate_authority_attributes(
        child_stack,
        "Parent",
        certificate_authority_arn=PARENT_ARN,
        issuer_role_arn=ISSUER_ROLE,  # arn:aws:iam::<other>:role/pki-issuer, a literal
        external_id="another-id",
    )
    with pytest.raises(PkiValidationError, match=r"external_id='<different>'") as error:
        SubordinateCa(child_stack, "Issuing", parent=parent, subject=ISSUING_NAME)
    assert {p.field for p in error.value.problems} == {"external_id"}


def test_fails_imported_parent_whose_in_app_issuer_role_does_not_trust_the_child_account() -> None:
    app = make_app()
    root_stack = make_stack(app, "RootStack", region="us-east-1", account=OTHER_ACCOUNT)
    child_stack = make_stack(app, "ChildStack", region="us-east-1")
    root = RootCa(root_stack, "Root", subject=ROOT_NAME)
    role = IssuerRole(
        root_stack,
        "Issuer",
        certificate_authority=root,
        trusted_accounts=["333333333333"],
        role_name="pki-issuer",
    )
    parent = SubordinateCa.from_certificate_authority_attributes(
        child_stack,
        "Parent",
        certificate_authority_arn=PARENT_ARN,
        issuer_role_arn=role.role_arn,
        external_id=role.external_id,
    )
    with pytest.raises(PkiValidationError, match=rf"issuer_role_arn=.*not this child's account {ACCOUNT}"):
        SubordinateCa(child_stack, "Issuing", parent=parent, subject=ISSUING_NAME)


def test_imported_parent_matching_its_in_app_issuer_role_synthesizes() -> None:
    app = make_app()
    root_stack = make_stack(app, "RootStack", region="us-east-1", account=OTHER_ACCOUNT)
    child_stack = make_stack(app, "ChildStack", region="us-east-1")
    root = RootCa(root_stack, "Root", subject=ROOT_NAME)
    role = IssuerRole(
        root_stack, "Issuer", certificate_authority=root, trusted_accounts=[ACCOUNT], role_name="pki-issuer"
    )
    parent = SubordinateCa.from_certificate_authority_attributes(
        child_stack,
        "Parent",
        certificate_authority_arn=PARENT_ARN,
        issuer_role_arn=role.role_arn,
        external_id=role.external_id,
    )
    SubordinateCa(child_stack, "Issuing", parent=parent, subject=ISSUING_NAME)
    app.synth()
