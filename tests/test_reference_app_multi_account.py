"""The reference app with a PKI account and a workload account (cdk.json's pki-reference context overridden):
the issuing CA lives in the PKI account, shared through AWS RAM, and the Workload stack has no CA."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match

from tests.gate_apps import PKI_ACCOUNT, WORKLOAD_ACCOUNT, built, two_account_app
from tests.synth import resources_of_type

STACKS = {
    "PkiReference-Pki": (PKI_ACCOUNT, "us-east-1"),
    "PkiReference-SharedIssuing": (PKI_ACCOUNT, "eu-west-1"),
    "PkiReference-Workload": (WORKLOAD_ACCOUNT, "eu-west-1"),
    "PkiReference-Edge": (WORKLOAD_ACCOUNT, "us-east-1"),
}


@pytest.fixture(scope="module")
def app() -> cdk.App:
    return built("reference_app_multi_account")["app"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def stacks(app: cdk.App) -> dict[str, dict[str, Any]]:
    assembly = Path(app.synth().directory)
    manifest = json.loads((assembly / "manifest.json").read_text())
    return {
        name: {
            "environment": tuple(artifact["environment"].removeprefix("aws://").split("/")),
            "template": json.loads((assembly / artifact["properties"]["templateFile"]).read_text()),
            "dependencies": artifact.get("dependencies", []),
        }
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }


def test_four_stacks_in_their_accounts_and_regions(stacks: dict[str, dict[str, Any]]) -> None:
    assert {name: stack["environment"] for name, stack in stacks.items()} == STACKS
    assert "PkiReference-Pki" in stacks["PkiReference-SharedIssuing"]["dependencies"]
    assert "PkiReference-SharedIssuing" in stacks["PkiReference-Workload"]["dependencies"]


def test_workload_stack_creates_no_ca_and_issues_from_the_shared_ca(
    stacks: dict[str, dict[str, Any]],
) -> None:
    workload = stacks["PkiReference-Workload"]["template"]
    assert not [r for r in workload["Resources"].values() if r["Type"].startswith("AWS::ACMPCA::")]
    certificates = [
        c
        for c in resources_of_type(workload, "AWS::CertificateManager::Certificate").values()
        if "CertificateAuthorityArn" in c["Properties"]
    ]
    assert len(certificates) == 3  # the internal ALB's server certificate and two client certificates
    readers = {c["Properties"]["CertificateAuthorityArn"]["Fn::GetAtt"][0] for c in certificates}
    (reader_id,) = readers
    reader = workload["Resources"][reader_id]
    assert reader["Type"] == "Custom::PkiRegionalImport"
    call = json.loads(reader["Properties"]["Create"])
    # The shared issuing CA's ARN, read in the PKI account through its reader role.
    assert call["parameters"] == {"Name": "/pki-reference/shared-issuing-ca-arn"}
    assert call["assumedRoleArn"].startswith(f"arn:aws:iam::{PKI_ACCOUNT}:role/")
    assert call["region"] == "eu-west-1"


def test_pki_account_shares_the_issuing_ca_with_the_workload_account(
    stacks: dict[str, dict[str, Any]],
) -> None:
    shared = stacks["PkiReference-SharedIssuing"]["template"]
    (share,) = resources_of_type(shared, "AWS::RAM::ResourceShare").values()
    props = share["Properties"]
    assert props["Principals"] == [WORKLOAD_ACCOUNT]
    assert props["PermissionArns"] == [
        "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionCertificateAuthority"
    ]
    (resource_arn,) = props["ResourceArns"]
    assert resource_arn["Fn::GetAtt"][1] == "CertificateAuthorityArn"  # the activated CA
    (ca,) = resources_of_type(shared, "AWS::ACMPCA::CertificateAuthority").values()
    assert ca["Properties"]["Subject"]["CommonName"] == "MyCompany Issuing CA eu-west-1 G1"
    readers = [
        r
        for r in resources_of_type(shared, "AWS::IAM::Role").values()
        if "sts:ExternalId" in json.dumps(r["Properties"]["AssumeRolePolicyDocument"])
        and WORKLOAD_ACCOUNT in json.dumps(r["Properties"]["AssumeRolePolicyDocument"])
    ]
    assert len(readers) == 1


def test_no_strong_cross_stack_reference(stacks: dict[str, dict[str, Any]]) -> None:
    text = json.dumps([stack["template"] for stack in stacks.values()])
    assert "Fn::ImportValue" not in text
    assert "Custom::CrossRegionExport" not in text
    assert not any(
        output.get("Export")
        for stack in stacks.values()
        for output in stack["template"].get("Outputs", {}).values()
    )


def test_ca_count_and_cost_follow_the_accounts(app: cdk.App) -> None:
    workload = app.node.find_child("PkiReference-Workload")
    shared = app.node.find_child("PkiReference-SharedIssuing")
    Annotations.from_stack(shared).has_info(  # type: ignore[arg-type]
        "/PkiReference-SharedIssuing", Match.string_like_regexp(r"all CAs of the app: about \$1200/month")
    )
    assert not [
        m
        for m in Annotations.from_stack(workload).find_info(
            "*", Match.string_like_regexp("CA\\(s\\) in this stack")
        )  # type: ignore[arg-type]
    ]


def _workload_bundle_versions(app: cdk.App) -> list[Any]:
    template = app.synth().get_stack_by_name("PkiReference-Workload").template
    (bundle,) = [r for r in template["Resources"].values() if r["Type"] == "Custom::PkiTrustBundle"]
    return bundle["Properties"]["CaCertificateVersions"]  # type: ignore[no-any-return]


def test_renewing_the_shared_issuing_ca_refreshes_the_workload_trust_bundle(
    app: cdk.App, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # The Workload stack trusts an import of the PKI account's CA: without its generation the bundle's
    # CaCertificateVersions stayed [] and a renewed CA certificate never reached the trust store.
    renewed = two_account_app(str(tmp_path_factory.mktemp("renewed")), issuingCaCertificateGeneration=2)
    assert _workload_bundle_versions(app) == []
    assert _workload_bundle_versions(renewed) == ["PkiReference-Workload/IssuingCa#certificate-generation=2"]
    Annotations.from_stack(renewed.node.find_child("PkiReference-Workload")).has_no_warning(  # type: ignore[arg-type]
        "*", Match.string_like_regexp("trustBundleUnversionedCa")
    )
