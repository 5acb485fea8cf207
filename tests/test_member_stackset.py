"""Many member accounts: one member-stack template stamped into every account of some OUs by a
service-managed StackSet (the reference app's ``memberStackSet`` context)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Annotations, Match

import app as reference_app
from pki_constructs import PkiValidationError
from stacks.member_stackset import MemberStackSet
from tests.gate_apps import MEMBER_CA_ARN as CA_ARN
from tests.gate_apps import MEMBER_OUS as OUS
from tests.gate_apps import built
from tests.synth import make_app, make_stack, pinned_context, resources_of_type


@pytest.fixture(scope="module")
def app() -> cdk.App:
    return built("member_stackset")["app"]  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def stack_set_template(app: cdk.App) -> dict[str, Any]:
    assembly = app.synth()
    return assembly.get_stack_by_name("PkiReference-MemberStackSet").template  # type: ignore[no-any-return]


def test_one_service_managed_stack_set_targets_the_ous_in_the_cas_region(
    stack_set_template: dict[str, Any],
) -> None:
    (stack_set,) = resources_of_type(stack_set_template, "AWS::CloudFormation::StackSet").values()
    props = stack_set["Properties"]
    assert props["PermissionModel"] == "SERVICE_MANAGED"
    assert props["CallAs"] == "SELF"
    assert props["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}
    (group,) = props["StackInstancesGroup"]
    assert group == {"DeploymentTargets": {"OrganizationalUnitIds": OUS}, "Regions": ["eu-west-1"]}


def test_the_template_body_is_the_member_stack_synthesized_once(
    app: cdk.App, stack_set_template: dict[str, Any]
) -> None:
    (stack_set,) = resources_of_type(stack_set_template, "AWS::CloudFormation::StackSet").values()
    body = json.loads(stack_set["Properties"]["TemplateBody"])
    member: MemberStackSet = app.node.find_child("PkiReference-MemberStackSet").node.find_child(
        "MemberCertificates"
    )  # type: ignore[assignment]
    assert body == member.template
    # Every instance deploys this one template: a private certificate from the shared CA, its alarm.
    (certificate,) = resources_of_type(body, "AWS::CertificateManager::Certificate").values()
    assert certificate["Properties"]["CertificateAuthorityArn"] == CA_ARN
    assert resources_of_type(body, "AWS::CloudWatch::Alarm")
    assert not [r for r in body["Resources"].values() if r["Type"].startswith("AWS::ACMPCA::")]
    # Bootstrapless: no asset, no bootstrap-version parameter or rule in a template meant for many accounts.
    text = json.dumps(body)
    assert "BootstrapVersion" not in text and "cdk-assets" not in text and "AssetParameters" not in text


def test_synth_says_one_template_is_reused(app: cdk.App) -> None:
    stack = app.node.find_child("PkiReference-MemberStackSet")
    Annotations.from_stack(stack).has_info(  # type: ignore[arg-type]
        "*",
        Match.string_like_regexp(
            r"one member template \(sha256 [0-9a-f]{12}, \d+ resources\).*ou-ab12-cd34ef56"
        ),
    )


def test_default_context_has_no_stack_set() -> None:
    assert reference_app.build(make_app()).node.try_find_child("PkiReference-MemberStackSet") is None


def test_fails_on_instances_outside_the_shared_cas_region() -> None:
    stack = make_stack(region="us-east-1")
    with pytest.raises(PkiValidationError) as caught:
        MemberStackSet(
            stack,
            "Members",
            certificate_authority_arn=CA_ARN,
            organizational_unit_ids=OUS,
            domain_name="svc.internal.example",
            regions=["eu-west-1", "us-west-2"],
        )
    assert "regions=" in str(caught.value) and "us-west-2" in str(caught.value)


def test_fails_without_target_ous() -> None:
    stack = make_stack(region="us-east-1")
    with pytest.raises(PkiValidationError, match="organizational_unit_ids=\\[\\]"):
        MemberStackSet(
            stack,
            "Members",
            certificate_authority_arn=CA_ARN,
            organizational_unit_ids=[],
            domain_name="a.example",
        )


@pytest.mark.parametrize("bad", ["ou-bad", "r-1", "OU-AB12-CD34EF56", "o-a1b2c3d4e5"])
def test_fails_on_malformed_target_ou_ids(bad: str) -> None:
    stack = make_stack(region="us-east-1")
    with pytest.raises(PkiValidationError) as caught:
        MemberStackSet(
            stack,
            "Members",
            certificate_authority_arn=CA_ARN,
            organizational_unit_ids=[OUS[0], bad],
            domain_name="a.example",
        )
    assert "organizational_unit_ids=" in str(caught.value) and bad in str(caught.value)


def test_a_root_id_is_a_valid_target() -> None:
    stack = make_stack(region="us-east-1")
    MemberStackSet(
        stack,
        "Members",
        certificate_authority_arn=CA_ARN,
        organizational_unit_ids=["r-ab12"],
        domain_name="a.example",
    )


def test_synth_warns_that_the_ca_must_be_shared_with_the_target_ous(app: cdk.App) -> None:
    # The StackSet reaches every account of the OUs; the RAM share is the CA owner's to widen to them.
    stack = app.node.find_child("PkiReference-MemberStackSet")
    Annotations.from_stack(stack).has_warning(  # type: ignore[arg-type]
        "*", Match.string_like_regexp(r"ou-ab12-cd34ef56.*share that CA.*pki-constructs:stackSetShare")
    )


def test_the_context_may_be_a_json_string_as_cdk_synth_dash_c_passes_it() -> None:
    context = dict(
        pinned_context()["pki-reference"],
        memberStackSet={"certificateAuthorityArn": CA_ARN, "organizationalUnitIds": OUS},
    )
    built = reference_app.build(make_app(**{"pki-reference": json.dumps(context)}))
    assert built.node.try_find_child("PkiReference-MemberStackSet") is not None


@pytest.mark.parametrize("bad", ["{not json", "[1, 2]"])
def test_fails_on_a_context_string_that_is_no_json_object_naming_the_key(bad: str) -> None:
    with pytest.raises(ValueError, match="context 'pki-reference'"):
        reference_app.build(make_app(**{"pki-reference": bad}))
