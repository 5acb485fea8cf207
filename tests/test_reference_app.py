"""App-level checks on the reference app: CDK's built-in validation, security invariants, the generated
hierarchy diagram, snapshots of every stack. cfn-lint and the cdk-nag packs: tests/test_gates.py (app
``reference_app``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match
from syrupy.assertion import SnapshotAssertion

import app as reference_app
from pki_constructs.diagram import hierarchy_mermaid
from tests.gate_apps import built
from tests.synth import ROOT, make_app, normalise, snapshot_parts

STACKS = {
    "PkiReference-Pki": "us-east-1",
    "PkiReference-Workload": "eu-west-1",
    "PkiReference-Edge": "us-east-1",
}

# `Resource: "*"` is allowed only where the API gives no narrower resource; each entry says why.
WILDCARD_RESOURCE_REASONS = {
    ("AWS::KMS::Key", "kms:"): "in a key policy '*' means this key itself",
    (
        "AWS::IAM::Policy",
        "cloudwatch:PutMetricData",
    ): "no resource-level permissions; limited by cloudwatch:namespace",
    (
        "AWS::IAM::Policy",
        "logs:CreateLogDelivery",
    ): "vended log delivery (Step Functions logging) has no resource ARNs",
    (
        "AWS::IAM::Policy",
        "tag:GetResources",
    ): "the Resource Groups Tagging API has no resource-level permissions (certificate renewal's daily check)",
}


@pytest.fixture(scope="module")
def app() -> cdk.App:
    return built("reference_app")["app"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def assembly(app: cdk.App) -> Path:
    return Path(app.synth().directory)


@pytest.fixture(scope="module")
def stacks(assembly: Path) -> dict[str, dict[str, Any]]:
    """Stack artifacts of the manifest by name: their region and template."""
    manifest = json.loads((assembly / "manifest.json").read_text())
    return {
        name: {
            "region": artifact["environment"].rsplit("/", 1)[1],
            "template": json.loads((assembly / artifact["properties"]["templateFile"]).read_text()),
            "dependencies": artifact.get("dependencies", []),
        }
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }


@pytest.fixture(scope="module")
def templates(stacks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: stack["template"] for name, stack in stacks.items()}


def test_the_three_stacks_in_their_regions_and_deploy_order(stacks: dict[str, dict[str, Any]]) -> None:
    assert {name: stack["region"] for name, stack in stacks.items()} == STACKS
    assert "PkiReference-Pki" in stacks["PkiReference-Workload"]["dependencies"]
    assert "PkiReference-Workload" in stacks["PkiReference-Edge"]["dependencies"]


def test_cdk_builtin_validation_has_no_findings(assembly: Path) -> None:
    report = json.loads((assembly / "validation-report.json").read_text())
    findings = [violation for plugin in report["pluginReports"] for violation in plugin.get("violations", [])]
    assert findings == []


WORLD = ("0.0.0.0/0", "::/0")


def _ingress_rules(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    rules = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::EC2::SecurityGroup":
            rules += [(logical_id, rule) for rule in resource["Properties"].get("SecurityGroupIngress", [])]
        elif resource["Type"] == "AWS::EC2::SecurityGroupIngress":
            rules.append((logical_id, resource["Properties"]))
    return rules


def test_no_security_group_admits_the_whole_internet(templates: dict[str, dict[str, Any]]) -> None:
    """Issue 13.1: nothing is reachable around CloudFront; no group admits 0.0.0.0/0 or ::/0 to anything."""
    open_rules = [
        (name, logical_id)
        for name, template in templates.items()
        for logical_id, rule in _ingress_rules(template)
        if rule.get("CidrIp") in WORLD or rule.get("CidrIpv6") in WORLD
    ]
    assert open_rules == []


def test_the_origin_alb_is_internal_and_admits_only_cloudfront_on_443(
    templates: dict[str, dict[str, Any]],
) -> None:
    workload = templates["PkiReference-Workload"]
    origin = [
        (logical_id, resource)
        for logical_id, resource in workload["Resources"].items()
        if resource["Type"] == "AWS::ElasticLoadBalancingV2::LoadBalancer"
        and logical_id.startswith("OriginAlb")
    ]
    [(_, balancer)] = origin
    assert balancer["Properties"]["Scheme"] == "internal"
    [group_ref] = balancer["Properties"]["SecurityGroups"]
    group_id = group_ref["Fn::GetAtt"][0]
    rules = [
        rule
        for _, rule in _ingress_rules(workload)
        if rule.get("GroupId", {}).get("Fn::GetAtt", [None])[0] == group_id
    ]
    assert [(r["FromPort"], r["ToPort"], "SourcePrefixListId" in r) for r in rules] == [(443, 443, True)]
    edge = templates["PkiReference-Edge"]
    assert [r["Type"] for r in edge["Resources"].values()].count("AWS::CloudFront::VpcOrigin") == 1


def test_trust_store_checks_revocation_and_waits_for_the_certificates_that_make_the_first_crl(
    templates: dict[str, dict[str, Any]],
) -> None:
    """Issue 13.2: revocation on from the first deploy; AWS Private CA writes a new CA's first CRL once it
    has issued, so the bundle (which reads the CRL) is created after the tier's certificates."""
    workload = templates["PkiReference-Workload"]
    [revocation] = [
        r
        for r in workload["Resources"].values()
        if r["Type"] == "AWS::ElasticLoadBalancingV2::TrustStoreRevocation"
    ]
    assert revocation["Properties"]["RevocationContents"]
    [bundle] = [r for r in workload["Resources"].values() if r["Type"] == "Custom::PkiTrustBundle"]
    certificates = {
        logical_id
        for logical_id, r in workload["Resources"].items()
        if r["Type"] == "AWS::CertificateManager::Certificate" and logical_id.startswith("PrivateTier")
    }
    assert len(certificates) >= 3 and certificates <= set(bundle.get("DependsOn", []))


def test_no_pem_key_material_or_cross_region_export(templates: dict[str, dict[str, Any]]) -> None:
    text = json.dumps(templates)
    assert "BEGIN CERTIFICATE" not in text
    assert "PRIVATE KEY" not in text
    assert "Fn::ImportValue" not in text  # the stacks span two regions; every crossing is a weak reference
    # nor aws-cdk-lib's cross-region export writer/reader (its lock would block renewing the root CA)
    assert "CrossRegionExport" not in text
    assert not any(
        template.get("Outputs", {}).get(k, {}).get("Export")
        for template in templates.values()
        for k in template.get("Outputs", {})
    )


def test_no_public_bucket(templates: dict[str, dict[str, Any]]) -> None:
    all_blocked = {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    for name, template in templates.items():
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] == "AWS::S3::Bucket":
                assert resource["Properties"].get("PublicAccessBlockConfiguration") == all_blocked, (
                    name,
                    logical_id,
                )


def _policy_documents(resource: dict[str, Any]) -> list[dict[str, Any]]:
    props = resource.get("Properties", {})
    if resource["Type"] == "AWS::IAM::Role":
        return [p["PolicyDocument"] for p in props.get("Policies", [])]
    document = props.get("PolicyDocument") or props.get("KeyPolicy")
    return [document] if document else []


def test_wildcard_resources_only_with_a_documented_api_reason(templates: dict[str, dict[str, Any]]) -> None:
    undocumented = []
    for name, template in templates.items():
        for logical_id, resource in template["Resources"].items():
            for document in _policy_documents(resource):
                for statement in document["Statement"]:
                    resources = statement.get("Resource")
                    if resources != "*" and not (isinstance(resources, list) and "*" in resources):
                        continue
                    actions = (
                        statement["Action"]
                        if isinstance(statement["Action"], list)
                        else [statement["Action"]]
                    )
                    if not any(
                        resource["Type"] == kind
                        and all(a.startswith(prefix.split(":")[0] + ":") for a in actions)
                        and any(a.startswith(prefix) for a in actions)
                        for kind, prefix in WILDCARD_RESOURCE_REASONS
                    ):
                        undocumented.append((name, logical_id, actions))
    assert undocumented == []


def test_cost_of_the_cas_is_printed_at_synth(app: cdk.App) -> None:
    pki = app.node.find_child("PkiReference-Pki")
    Annotations.from_stack(pki).has_info(  # type: ignore[arg-type]
        "/PkiReference-Pki", Match.string_like_regexp(r"all CAs of the app: about \$1200/month")
    )


def test_readme_hierarchy_diagram_is_generated_from_the_app(app: cdk.App) -> None:
    """`python -m stacks.diagram` regenerates it; this fails when the README drifts from the code."""
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- hierarchy:start -->\n```mermaid\n(.*?)```\n<!-- hierarchy:end -->", readme, re.S)
    assert match, "README lacks the generated hierarchy block"
    assert match.group(1) == hierarchy_mermaid(app)


def test_snapshot_every_stack(
    app: cdk.App, templates: dict[str, dict[str, Any]], snapshot_json: SnapshotAssertion
) -> None:
    """One snapshot file per stack and top-level construct (``[<stack>.<construct>]``), each reviewable alone."""
    for name, template in templates.items():
        stack = app.node.find_child(name)
        assert isinstance(stack, cdk.Stack)
        for part, fragment in snapshot_parts(stack, normalise(template)).items():
            assert fragment == snapshot_json(name=f"{name}.{part}")


def test_alarm_email_subscribes_every_regions_topic() -> None:
    from tests.synth import pinned_context, resources_of_type, template_of

    config = {**pinned_context()["pki-reference"], "alarmEmail": "pki-team@example.com"}
    app = reference_app.build(make_app(**{"pki-reference": config}))
    for name in STACKS:
        [subscription] = resources_of_type(
            template_of(app.node.find_child(name)), "AWS::SNS::Subscription"
        ).values()  # type: ignore[arg-type]
        assert subscription["Properties"]["Endpoint"] == "pki-team@example.com"


def test_exported_key_policies_grant_no_account_wide_kms_star(templates: dict[str, dict[str, Any]]) -> None:
    """Issue 13.4 (CT.KMS.PR.3): the keys of exported private keys are administered by the account and used
    only through Secrets Manager (kms:ViaService); no statement grants the account root kms:*."""
    workload = templates["PkiReference-Workload"]
    keys = {
        k: r
        for k, r in workload["Resources"].items()
        if r["Type"] == "AWS::KMS::Key" and k.startswith("PkiConstructsCertificateExportsKey")
    }
    assert len(keys) == 1  # the stack's one shared export key (issue 14.1)
    for logical_id, key in keys.items():
        statements = key["Properties"]["KeyPolicy"]["Statement"]
        assert all(statement["Action"] != "kms:*" for statement in statements), logical_id
        usage = [s for s in statements if "kms:Decrypt" in s["Action"]]
        assert usage and all("kms:ViaService" in s["Condition"]["StringEquals"] for s in usage), logical_id
