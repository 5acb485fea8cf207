"""A rehearsal, with moto, of issuing from a shared CA in a member account, driven by what we synthesize.

The PKI account creates the CA and the RAM share with our template's properties and publishes the CA's ARN
with its cross-account reader role; the member account reads the ARN the way our ``Custom::PkiRegionalImport``
does (assume the role with its external id, ``ssm:GetParameter`` in the CA's region) and requests an ACM
private certificate from the shared CA.

Where moto 5.2.5 falls short (each pinned by a test below, so a moto upgrade that closes a gap is noticed):
- ``moto.ram`` does not know ``acm-pca:CertificateAuthority``: sharing a CA ARN raises MalformedArnException and
  ``list_permissions`` rejects the resource type, so the share is rehearsed without its resource;
- moto evaluates neither RAM permissions nor resource policies, nor IAM trust policies and external ids: it
  cannot prove that AWS would refuse a member without the share;
- ``moto.acm`` issues a private certificate for any CA ARN without asking ``moto.acmpca``, and ``moto.acmpca``
  keeps each account's CAs apart, so a member account cannot read the shared CA's certificate (the trust-store
  handler's ``GetCertificateAuthorityCertificate`` across accounts is not rehearsed here).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from pki_constructs import DistinguishedName, RegionalExport, RootCa, SubordinateCa
from tests.synth import make_app, make_stack, resources_of_type, template_of

PKI_ACCOUNT = "123456789012"  # moto's default account
MEMBER_ACCOUNT = "222222222222"
REGION = "eu-west-1"
PARAMETER = "/pki-constructs/rehearsal/issuing-ca-arn"


@pytest.fixture(scope="module")
def synthesized() -> dict[str, Any]:
    """The share and the member's reader call, as our constructs synthesize them."""
    app = make_app()
    pki = make_stack(app, "Pki", region=REGION, account=PKI_ACCOUNT)
    root = RootCa(pki, "Root", subject=DistinguishedName(common_name="Rehearsal Root"))
    issuing = SubordinateCa(
        pki, "Issuing", parent=root, subject=DistinguishedName(common_name="Rehearsal Issuing"), path_length=0
    )
    issuing.share("Members", principals=[MEMBER_ACCOUNT])
    export = RegionalExport(pki, "IssuingArn", value=issuing.certificate_authority_arn, name=PARAMETER)
    export.readable_by(MEMBER_ACCOUNT)
    member = make_stack(app, "Member", region=REGION, account=MEMBER_ACCOUNT)
    arn = export.value_in(member)
    SubordinateCa.from_certificate_authority_attributes(member, "Shared", certificate_authority_arn=arn)
    pki_template, member_template = template_of(pki), template_of(member)
    (share,) = resources_of_type(pki_template, "AWS::RAM::ResourceShare").values()
    (reader,) = resources_of_type(member_template, "Custom::PkiRegionalImport").values()
    (role,) = [
        r
        for r in resources_of_type(pki_template, "AWS::IAM::Role").values()
        if "sts:ExternalId" in json.dumps(r["Properties"]["AssumeRolePolicyDocument"])
    ]
    return {
        "share": share["Properties"],
        "call": json.loads(reader["Properties"]["Create"]),
        "role": role["Properties"],
    }


@pytest.fixture
def accounts(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        credentials = boto3.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{MEMBER_ACCOUNT}:role/deployer", RoleSessionName="member-deploy"
        )["Credentials"]
        member = {
            "aws_access_key_id": credentials["AccessKeyId"],
            "aws_secret_access_key": credentials["SecretAccessKey"],
            "aws_session_token": credentials["SessionToken"],
        }
        yield {"member": member}


def _shared_ca() -> str:
    return boto3.client("acm-pca", region_name=REGION).create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "EC_prime256v1",
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Subject": {"CommonName": "Rehearsal Issuing"},
        },
        CertificateAuthorityType="SUBORDINATE",
    )["CertificateAuthorityArn"]


def test_member_account_reads_the_shared_ca_arn_and_issues_an_acm_private_certificate(
    synthesized: dict[str, Any], accounts: dict[str, Any]
) -> None:
    # PKI account: the CA, the share (our template's properties), the published ARN and the reader role.
    ca_arn = _shared_ca()
    share = synthesized["share"]
    ram = boto3.client("ram", region_name=REGION)
    created = ram.create_resource_share(
        name=share["Name"],
        principals=share["Principals"],
        permissionArns=share["PermissionArns"],
        allowExternalPrincipals=share["AllowExternalPrincipals"],
    )["resourceShare"]
    assert created["status"] == "ACTIVE"
    boto3.client("ssm", region_name=REGION).put_parameter(Name=PARAMETER, Value=ca_arn, Type="String")
    role = synthesized["role"]
    boto3.client("iam").create_role(
        RoleName=role["RoleName"], AssumeRolePolicyDocument=json.dumps(role["AssumeRolePolicyDocument"])
    )

    # Member account: what Custom::PkiRegionalImport does at deploy time.
    call = synthesized["call"]
    assert call["assumedRoleArn"] == f"arn:aws:iam::{PKI_ACCOUNT}:role/{role['RoleName']}"
    member_sts = boto3.client("sts", region_name=REGION, **accounts["member"])
    assert member_sts.get_caller_identity()["Account"] == MEMBER_ACCOUNT
    reader = member_sts.assume_role(
        RoleArn=call["assumedRoleArn"], RoleSessionName="pki-regional-import", ExternalId=call["externalId"]
    )["Credentials"]
    value = boto3.client(
        "ssm",
        region_name=call["region"],
        aws_access_key_id=reader["AccessKeyId"],
        aws_secret_access_key=reader["SecretAccessKey"],
        aws_session_token=reader["SessionToken"],
    ).get_parameter(**call["parameters"])["Parameter"]["Value"]
    assert value == ca_arn

    # The member's ACM private certificate names the shared CA.
    acm = boto3.client("acm", region_name=REGION, **accounts["member"])
    certificate_arn = acm.request_certificate(
        DomainName="svc.internal.example", CertificateAuthorityArn=value
    )["CertificateArn"]
    assert certificate_arn.split(":")[4] == MEMBER_ACCOUNT
    described = acm.describe_certificate(CertificateArn=certificate_arn)["Certificate"]
    assert described["Type"] == "PRIVATE"
    assert described["CertificateAuthorityArn"] == ca_arn


# Where moto falls short (pinned: a moto that closes a gap makes one of these fail, and the rehearsal can grow).


def test_moto_ram_cannot_share_a_private_ca(synthesized: dict[str, Any], accounts: dict[str, Any]) -> None:
    ca_arn = _shared_ca()
    share = synthesized["share"]
    with pytest.raises(ClientError, match="cannot share the selected resource type"):
        boto3.client("ram", region_name=REGION).create_resource_share(
            name=share["Name"], resourceArns=[ca_arn], principals=share["Principals"]
        )


def test_moto_ram_lists_no_private_ca_permissions(accounts: dict[str, Any]) -> None:
    with pytest.raises(ClientError, match="Invalid resource type"):
        boto3.client("ram", region_name=REGION).list_permissions(resourceType="acm-pca:CertificateAuthority")


def test_moto_acmpca_keeps_a_ca_invisible_to_other_accounts(accounts: dict[str, Any]) -> None:
    ca_arn = _shared_ca()
    member_pca = boto3.client("acm-pca", region_name=REGION, **accounts["member"])
    with pytest.raises(ClientError, match="not found"):
        member_pca.describe_certificate_authority(CertificateAuthorityArn=ca_arn)
