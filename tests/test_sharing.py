"""Sharing a CA through AWS RAM (ca.share) and issuing from a shared CA in a member account."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Annotations, Match, Template

from pki_constructs import (
    CaExpiryAlarm,
    CertifiedAlb,
    DistinguishedName,
    MutualTls,
    PkiValidationError,
    RamPermission,
    RootCa,
    ServiceCertificate,
    SubordinateCa,
    UsageMode,
)
from pki_constructs.sharing import PrincipalKind, principal_kind
from tests.synth import ACCOUNT, OTHER_ACCOUNT, make_app, make_stack, resources_of_type, snapshot_of

ORG = f"arn:aws:organizations::{ACCOUNT}:organization/o-a1b2c3d4e5"
OU = f"arn:aws:organizations::{ACCOUNT}:ou/o-a1b2c3d4e5/ou-ab12-cd34ef56"
SHARED_ARN = f"arn:aws:acm-pca:eu-west-1:{ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555"


def hierarchy(stack: cdk.Stack, **issuing: Any) -> tuple[RootCa, SubordinateCa]:
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Share Root"))
    props: dict[str, Any] = {"path_length": 0, **issuing}
    return root, SubordinateCa(
        stack, "Issuing", parent=root, subject=DistinguishedName(common_name="Share Issuing"), **props
    )


def shares(stack: cdk.Stack) -> dict[str, dict[str, Any]]:
    return resources_of_type(Template.from_stack(stack).to_json(), "AWS::RAM::ResourceShare")


# Principals -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "kind"),
    [
        (OTHER_ACCOUNT, PrincipalKind.ACCOUNT),
        (ORG, PrincipalKind.ORGANIZATION),
        (OU, PrincipalKind.ORGANIZATIONAL_UNIT),
        (ORG.replace("arn:aws:", "arn:aws-cn:"), PrincipalKind.ORGANIZATION),
        ("22222222222", None),  # 11 digits
        ("o-a1b2c3d4e5", None),  # an id, not the ARN RAM wants
        (f"arn:aws:iam::{OTHER_ACCOUNT}:root", None),
        (f"arn:aws:organizations::{ACCOUNT}:ou/o-a1b2c3d4e5/r-ab12", None),  # a root id, not an OU
    ],
)
def test_principal_kinds(principal: str, kind: str | None) -> None:
    assert principal_kind(principal) == kind


# Share shape ------------------------------------------------------------------------------------------


def test_share_with_an_account_uses_the_default_end_entity_permission_on_the_activated_arn() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    share = issuing.share("Workloads", principals=[OTHER_ACCOUNT])
    (resource,) = shares(stack).values()
    props = resource["Properties"]
    assert props["Principals"] == [OTHER_ACCOUNT]
    assert props["PermissionArns"] == [
        "arn:aws:ram::aws:permission/AWSRAMDefaultPermissionCertificateAuthority"
    ]
    assert props["AllowExternalPrincipals"] is True  # RAM's own default for account principals
    # The activation's ARN: the share is created once the CA is ACTIVE.
    assert props["ResourceArns"][0]["Ref"].startswith("IssuingActivation")
    assert share.permission is RamPermission.END_ENTITY
    Annotations.from_stack(stack).has_info("*", Match.string_like_regexp("ramInvitation"))
    Annotations.from_stack(stack).has_info(
        "*", Match.string_like_regexp("AWSServiceRoleForCertificateManager")
    )


def test_organization_share_keeps_external_principals_out_and_says_organization_sharing_must_be_on() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    issuing.share("Org", principals=[ORG, OU, ORG])
    (resource,) = shares(stack).values()
    assert resource["Properties"]["AllowExternalPrincipals"] is False
    assert resource["Properties"]["Principals"] == [ORG, OU]  # duplicates dropped
    Annotations.from_stack(stack).has_info(
        "*", Match.string_like_regexp("enable-sharing-with-aws-organization")
    )


@pytest.mark.parametrize("permission", list(RamPermission))
def test_each_permission_is_the_documented_managed_permission_arn(permission: RamPermission) -> None:
    stack = make_stack(region="eu-west-1")
    root, issuing = hierarchy(stack, path_length=1)
    ca = root if permission is RamPermission.SUBORDINATE_CA_PATH_LEN_0 else issuing
    ca.share("Share", principals=[OTHER_ACCOUNT], permission=permission)
    (resource,) = shares(stack).values()
    assert resource["Properties"]["PermissionArns"] == [f"arn:aws:ram::aws:permission/{permission.value}"]


def test_permission_arns_follow_the_partition() -> None:
    assert RamPermission.END_ENTITY.arn_in("aws-cn") == (
        "arn:aws-cn:ram::aws:permission/AWSRAMDefaultPermissionCertificateAuthority"
    )


def test_two_shares_of_one_ca_for_issue_and_revoke() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    issuing.share("Issue", principals=[ORG])
    issuing.share("Revoke", principals=[ORG], permission=RamPermission.REVOKE_CERTIFICATE)
    permissions = sorted(
        r["Properties"]["PermissionArns"][0].rsplit("/", 1)[1] for r in shares(stack).values()
    )
    assert permissions == [
        "AWSRAMDefaultPermissionCertificateAuthority",
        "AWSRAMRevokeCertificateCertificateAuthority",
    ]


def test_share_snapshot(snapshot_json: Any) -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    issuing.share("Org", principals=[ORG], name="issuing-ca")
    template = snapshot_of(stack)
    assert {
        k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::RAM::ResourceShare"
    } == snapshot_json


# Share rules ------------------------------------------------------------------------------------------


def _error(make: Any) -> str:
    with pytest.raises(PkiValidationError) as caught:
        make()
    return str(caught.value)


def test_fails_on_malformed_principals() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    message = _error(lambda: issuing.share("Bad", principals=["12345", "o-a1b2c3d4e5"]))
    assert "principals=['12345', 'o-a1b2c3d4e5']" in message


def test_fails_without_principals() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    assert "principals=[]" in _error(lambda: issuing.share("None", principals=[]))


def test_fails_sharing_with_the_cas_own_account() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    assert f"principals='{ACCOUNT}'" in _error(lambda: issuing.share("Self", principals=[ACCOUNT]))


def test_fails_on_a_principal_of_another_partition() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    message = _error(lambda: issuing.share("Cn", principals=[ORG.replace("arn:aws:", "arn:aws-cn:")]))
    assert "principals=" in message and "partition aws" in message


def test_fails_on_external_principals_for_an_organization_only_share() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    message = _error(lambda: issuing.share("Org", principals=[ORG], allow_external_principals=True))
    assert "allow_external_principals=True" in message


def test_fails_sharing_a_root_for_end_entity_issuance() -> None:
    stack = make_stack(region="eu-west-1")
    root, _ = hierarchy(stack)
    message = _error(lambda: root.share("Root", principals=[ORG]))
    assert "permission='END_ENTITY'" in message


def test_a_root_may_be_shared_for_path_length_0_subordinates() -> None:
    stack = make_stack(region="eu-west-1")
    root, _ = hierarchy(stack)
    root.share("Subordinates", principals=[ORG], permission=RamPermission.SUBORDINATE_CA_PATH_LEN_0)
    assert len(shares(stack)) == 1


def test_fails_sharing_a_path_length_0_ca_for_subordinate_issuance() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    message = _error(
        lambda: issuing.share("Sub", principals=[ORG], permission=RamPermission.SUBORDINATE_CA_PATH_LEN_0)
    )
    assert "permission='SUBORDINATE_CA_PATH_LEN_0'" in message and "path_length=0" in message


def test_fails_sharing_a_short_lived_ca_for_subordinate_issuance() -> None:
    stack = make_stack(region="eu-west-1")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Share Root"))
    mesh = SubordinateCa(
        stack,
        "Mesh",
        parent=root,
        subject=DistinguishedName(common_name="Mesh"),
        path_length=1,
        usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE,
    )
    message = _error(
        lambda: mesh.share("Sub", principals=[ORG], permission=RamPermission.SUBORDINATE_CA_PATH_LEN_0)
    )
    assert "permission='SUBORDINATE_CA_PATH_LEN_0'" in message and "short-lived" in message


def test_short_lived_ca_shared_for_end_entity_warns_that_acm_cannot_use_it() -> None:
    stack = make_stack(region="eu-west-1")
    _, mesh = hierarchy(stack, usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE)
    mesh.share("Mesh", principals=[ORG])
    Annotations.from_stack(stack).has_warning("*", Match.string_like_regexp("sharedShortLived"))


def test_fails_on_a_permission_that_is_not_a_ram_permission() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    message = _error(
        lambda: issuing.share(
            "Str", principals=[ORG], permission="AWSRAMDefaultPermissionCertificateAuthority"
        )
    )  # type: ignore[arg-type]
    assert "permission=" in message


# The member account's side ----------------------------------------------------------------------------


def member_stack(region: str = "eu-west-1") -> cdk.Stack:
    return make_stack(name="Member", region=region, account=OTHER_ACCOUNT)


def shared(stack: cdk.Stack, *permissions: RamPermission, **facts: Any) -> Any:
    return SubordinateCa.from_certificate_authority_attributes(
        stack,
        "Shared",
        certificate_authority_arn=SHARED_ARN,
        shared_permissions=list(permissions or [RamPermission.END_ENTITY]),
        **facts,
    )


def test_shared_ca_issues_service_certificates_and_aws_cdk_lib_private_certificates_by_its_arn() -> None:
    stack = member_stack()
    ca = shared(stack, key_algorithm=None)
    ServiceCertificate(stack, "Svc", certificate_authority=ca, domain_name="svc.internal.example")
    acm.PrivateCertificate(stack, "Plain", certificate_authority=ca, domain_name="plain.internal.example")
    certificates = resources_of_type(
        Template.from_stack(stack).to_json(), "AWS::CertificateManager::Certificate"
    )
    assert {c["Properties"]["CertificateAuthorityArn"] for c in certificates.values()} == {SHARED_ARN}
    Annotations.from_stack(stack).has_info(
        "*", Match.string_like_regexp("AWSServiceRoleForCertificateManager")
    )
    assert not resources_of_type(Template.from_stack(stack).to_json(), "AWS::ACMPCA::CertificateAuthority")


def test_shared_ca_in_a_trust_store() -> None:
    stack = member_stack()
    ca = shared(stack, depth=2)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    cert = ServiceCertificate(stack, "Svc", certificate_authority=ca, domain_name="svc.internal.example")
    CertifiedAlb(
        stack,
        "Alb",
        vpc=vpc,
        certificates=[cert],
        internet_facing=False,
        mutual_tls=MutualTls(trusted_cas=[ca]),
    )
    policies = Template.from_stack(stack).to_json()
    assert SHARED_ARN in str(policies)


def test_shared_ca_as_parent_of_a_path_length_0_subordinate_with_the_subordinate_permission() -> None:
    stack = member_stack()
    parent = shared(stack, RamPermission.SUBORDINATE_CA_PATH_LEN_0, path_length=1)
    SubordinateCa(
        stack, "Team", parent=parent, subject=DistinguishedName(common_name="Team CA"), path_length=0
    )
    assert resources_of_type(Template.from_stack(stack).to_json(), "AWS::ACMPCA::CertificateAuthority")


def test_fails_on_a_shared_ca_used_from_another_region() -> None:
    stack = member_stack(region="us-west-2")
    message = _error(lambda: shared(stack))
    assert "certificate_authority_arn=" in message and "eu-west-1" in message and "us-west-2" in message


def test_an_unshared_import_in_another_region_stays_allowed_and_says_how_another_account_is_reached() -> None:
    # A parent reached through an issuer role signs across regions: only shared CAs are tied to their region.
    stack = member_stack(region="us-west-2")
    SubordinateCa.from_certificate_authority_attributes(stack, "Parent", certificate_authority_arn=SHARED_ARN)
    Annotations.from_stack(stack).has_info("*", Match.string_like_regexp("crossAccountCa"))


def test_a_shared_import_with_a_token_arn_says_the_region_rule_was_skipped() -> None:
    stack = member_stack()
    arn = cdk.CfnParameter(stack, "CaArn").value_as_string
    SubordinateCa.from_certificate_authority_attributes(
        stack, "Shared", certificate_authority_arn=arn, shared_permissions=[RamPermission.END_ENTITY]
    )
    Annotations.from_stack(stack).has_info("*", Match.string_like_regexp("used from its own region"))


def test_fails_on_acm_issuance_from_a_ca_shared_only_for_subordinates() -> None:
    stack = member_stack()
    ca = shared(stack, RamPermission.SUBORDINATE_CA_PATH_LEN_0)
    message = _error(
        lambda: ServiceCertificate(stack, "Svc", certificate_authority=ca, domain_name="a.internal.example")
    )
    assert "certificate_authority=['SUBORDINATE_CA_PATH_LEN_0']" in message


def test_fails_on_a_child_ca_signed_through_a_share_without_the_subordinate_permission() -> None:
    stack = member_stack()
    parent = shared(stack, RamPermission.END_ENTITY)
    message = _error(
        lambda: SubordinateCa(
            stack, "Team", parent=parent, subject=DistinguishedName(common_name="Team"), path_length=0
        )
    )
    assert "parent.shared_permissions=" in message


def test_fails_on_shared_permissions_that_are_not_ram_permissions() -> None:
    stack = member_stack()
    message = _error(
        lambda: SubordinateCa.from_certificate_authority_attributes(
            stack,
            "Bad",
            certificate_authority_arn=SHARED_ARN,
            shared_permissions=["END_ENTITY"],  # type: ignore[list-item]
        )
    )
    assert "shared_permissions=" in message


def test_shared_facts_reach_the_rules() -> None:
    stack = member_stack()
    ca = shared(stack, usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE)
    message = _error(
        lambda: ServiceCertificate(stack, "Svc", certificate_authority=ca, domain_name="a.internal.example")
    )
    assert "short-lived" in message


def test_cross_account_app_with_the_share_and_the_member_stack_synthesizes() -> None:
    app = make_app()
    pki = make_stack(app, "Pki", region="eu-west-1")
    _, issuing = hierarchy(pki)
    issuing.share("Member", principals=[OTHER_ACCOUNT])
    member = make_stack(app, "Member", region="eu-west-1", account=OTHER_ACCOUNT)
    ca = shared(member)
    ServiceCertificate(member, "Svc", certificate_authority=ca, domain_name="svc.internal.example")
    app.synth()


@pytest.mark.parametrize("use", ["ServiceCertificate", "CaExpiryAlarm"])
def test_fails_our_shared_ca_construct_used_by_another_accounts_stack_and_says_to_import_it(use: str) -> None:
    """Our CA's ARN is a deploy-time attribute of the PKI account's stack; the member account names the shared
    CA by its literal ARN with the importer (as this section of the README shows)."""
    app = make_app()
    pki = make_stack(app, "Pki", region="eu-west-1")
    _, issuing = hierarchy(pki)
    issuing.share("Member", principals=[OTHER_ACCOUNT])
    member = make_stack(app, "Member", region="eu-west-1", account=OTHER_ACCOUNT)
    with pytest.raises(PkiValidationError) as error:
        if use == "ServiceCertificate":
            ServiceCertificate(
                member, "Svc", certificate_authority=issuing, domain_name="svc.internal.example"
            )
        else:
            CaExpiryAlarm(member, "Svc", certificate_authority=issuing)
    assert error.value.path == "Member/Svc"
    [problem] = error.value.problems
    assert problem.field == "certificate_authority"
    assert "from_certificate_authority_attributes" in problem.fix and OTHER_ACCOUNT in problem.rule


# Issue-15 acceptance: breakages an outside tester found ----------------------------------------------


def _without_partition_literals(region: str) -> cdk.Stack:
    # Without the flag Stack.partition is a token: the partition comes from the literal region.
    app = make_app(**{"@aws-cdk/core:enablePartitionLiterals": False})
    return make_stack(app, region=region)


@pytest.mark.parametrize(
    ("region", "principal"),
    [
        ("eu-west-1", ORG.replace("arn:aws:", "arn:aws-cn:")),
        ("eu-west-1", OU.replace("arn:aws:", "arn:aws-us-gov:")),
        ("cn-north-1", ORG),
    ],
)
def test_fails_on_a_principal_of_another_partition_without_the_partition_literals_flag(
    region: str, principal: str
) -> None:
    stack = _without_partition_literals(region)
    _, issuing = hierarchy(stack)
    message = _error(lambda: issuing.share("Other", principals=[principal]))
    assert "principals=" in message and "partition" in message


def test_a_principal_of_the_regions_partition_passes_without_the_flag() -> None:
    stack = _without_partition_literals("cn-north-1")
    _, issuing = hierarchy(stack)
    issuing.share("Cn", principals=[ORG.replace("arn:aws:", "arn:aws-cn:")])
    assert shares(stack)


def test_fails_on_an_account_id_given_as_a_number() -> None:
    stack = make_stack(region="eu-west-1")
    _, issuing = hierarchy(stack)
    message = _error(lambda: issuing.share("Int", principals=[222222222222]))  # type: ignore[list-item]
    assert "principals=[222222222222]" in message


def _late_error(stack: cdk.Stack) -> str:
    with pytest.raises(RuntimeError) as caught:
        Template.from_stack(stack)
    return str(caught.value)


@pytest.mark.parametrize(
    ("permissions", "facts", "rule"),
    [
        ([RamPermission.REVOKE_CERTIFICATE], {}, "AWSRAMDefaultPermissionCertificateAuthority"),
        ([RamPermission.SUBORDINATE_CA_PATH_LEN_0], {}, "AWSRAMDefaultPermissionCertificateAuthority"),
        ([RamPermission.END_ENTITY], {"usage_mode": UsageMode.SHORT_LIVED_CERTIFICATE}, "SHORT_LIVED"),
    ],
)
def test_fails_aws_cdk_lib_private_certificate_under_the_shared_import_rules(
    permissions: list[RamPermission], facts: dict[str, Any], rule: str
) -> None:
    stack = member_stack()
    ca = shared(stack, *permissions, **facts)
    acm.PrivateCertificate(stack, "Plain", certificate_authority=ca, domain_name="plain.internal.example")
    message = _late_error(stack)
    assert "certificate_authority='Member/Plain/Resource'" in message and rule in message


def test_fails_on_a_service_certificate_from_an_unshared_import_in_another_region() -> None:
    stack = member_stack(region="us-east-1")
    ca = SubordinateCa.from_certificate_authority_attributes(
        stack, "Ca", certificate_authority_arn=SHARED_ARN
    )
    message = _error(
        lambda: ServiceCertificate(stack, "Svc", certificate_authority=ca, domain_name="a.internal.example")
    )
    assert "certificate_authority=" in message and "eu-west-1" in message and "us-east-1" in message


def test_fails_on_a_service_certificate_from_an_aws_cdk_lib_import_in_another_region() -> None:
    from aws_cdk import aws_acmpca as acmpca

    stack = member_stack(region="us-east-1")
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Ca", SHARED_ARN)
    message = _error(
        lambda: ServiceCertificate(stack, "Svc", certificate_authority=ca, domain_name="a.internal.example")
    )
    assert "certificate_authority=" in message and "eu-west-1" in message


def _plain_import_certificate(app: cdk.App, ca_arn: str, region: str = "us-east-1") -> cdk.Stack:
    """aws-cdk-lib alone: its CA import and its acm.PrivateCertificate, in an app that has a CA of ours."""
    hierarchy(make_stack(app, name="Pki", region="eu-west-1"))
    stack = make_stack(app, name="Member", region=region, account=OTHER_ACCOUNT)
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Ca", ca_arn)
    acm.PrivateCertificate(stack, "Plain", certificate_authority=ca, domain_name="plain.internal.example")
    return stack


def test_fails_aws_cdk_lib_private_certificate_from_an_aws_cdk_lib_import_in_another_region() -> None:
    """The literal ARN tells the CA's region even though no construct of this library names the CA."""
    app = make_app()
    _plain_import_certificate(app, SHARED_ARN, region="us-east-1")
    with pytest.raises(RuntimeError) as caught:
        app.synth()
    message = str(caught.value)
    assert "[pki-constructs app check] CA " + SHARED_ARN in message
    assert "certificate_authority='Member/Plain/Resource'" in message and "eu-west-1" in message


def test_aws_cdk_lib_private_certificate_from_an_import_in_its_region_or_by_token_passes() -> None:
    app = make_app()
    _plain_import_certificate(app, SHARED_ARN, region="eu-west-1")
    token_stack = make_stack(app, name="Token", region="us-east-1")
    token_ca = acmpca.CertificateAuthority.from_certificate_authority_arn(
        token_stack, "Ca", cdk.CfnParameter(token_stack, "CaArn").value_as_string
    )
    acm.PrivateCertificate(
        token_stack, "Plain", certificate_authority=token_ca, domain_name="t.internal.example"
    )
    app.synth()


def test_fails_on_our_own_ca_used_from_a_stack_of_another_region() -> None:
    app = make_app()
    _, issuing = hierarchy(make_stack(app, name="Pki", region="eu-west-1"))
    other = make_stack(app, name="Other", region="us-east-1")
    message = _error(
        lambda: ServiceCertificate(
            other, "Svc", certificate_authority=issuing, domain_name="a.internal.example"
        )
    )
    assert "certificate_authority=" in message and "eu-west-1" in message and "us-east-1" in message


def test_fails_aws_cdk_lib_private_certificate_from_our_ca_in_another_region() -> None:
    app = make_app()
    _, issuing = hierarchy(make_stack(app, name="Pki", region="eu-west-1"))
    other = cdk.Stack(
        app, "Other", env=cdk.Environment(account=ACCOUNT, region="us-east-1"), cross_region_references=True
    )
    acm.PrivateCertificate(
        other, "Plain", certificate_authority=issuing, domain_name="plain.internal.example"
    )
    message = _late_error(other)
    assert "certificate_authority='Other/Plain/Resource'" in message and "eu-west-1" in message


def test_a_trust_store_of_a_shared_ca_says_how_its_renewed_certificate_gets_in() -> None:
    # CaCertificateVersions follows only CA certificates this app issues; a shared CA's renewal changes no
    # property, so the bundle is re-read only with a new pki-constructs:trustBundleRefresh value.
    stack = member_stack()
    ca = shared(stack, depth=2)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    cert = ServiceCertificate(stack, "Svc", certificate_authority=ca, domain_name="svc.internal.example")
    CertifiedAlb(
        stack,
        "Alb",
        vpc=vpc,
        certificates=[cert],
        internet_facing=False,
        mutual_tls=MutualTls(trusted_cas=[ca]),
    )
    (bundle,) = resources_of_type(Template.from_stack(stack).to_json(), "Custom::PkiTrustBundle").values()
    assert bundle["Properties"]["CaCertificateVersions"] == []
    Annotations.from_stack(stack).has_warning(
        "*", Match.string_like_regexp(r"Member/Shared.*pki-constructs:trustBundleRefresh=")
    )
