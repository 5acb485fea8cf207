"""The one ARN helper of the constructs: parsing is exact for literals and silent for tokens."""

from __future__ import annotations

import pathlib
import re

import aws_cdk as cdk
import pytest

from pki_constructs import _arn

CA = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"


def test_parses_a_ca_arn() -> None:
    parts = _arn.parse_ca_arn(CA)
    assert parts is not None
    assert (parts.partition, parts.region, parts.account) == ("aws", "us-east-1", "111111111111")
    assert parts.resource_id == "11111111-2222-3333-4444-555555555555"


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:acm-pca:us-east-1:1:certificate-authority/x",  # short account
        f"{CA}/certificate/abc",  # a certificate issued by the CA
        "arn:aws:acm:us-east-1:111111111111:certificate/abc",  # ACM, not Private CA
        "not an arn",
        f"{CA}\n",  # `$` matches before a final newline: every pattern is a fullmatch
        CA.replace("111111111111", ""),  # a CA always names its owner's account
        CA.replace("111111111111", "aws"),  # only AWS-owned resources (templates) carry `aws`
    ],
)
def test_fails_to_parse_what_is_no_ca_arn(arn: str) -> None:
    assert _arn.parse_ca_arn(arn) is None


def test_tokens_are_unknown_not_wrong() -> None:
    stack = cdk.Stack()
    token = cdk.Fn.ref("Something")
    assert _arn.parse_ca_arn(token) is None and not _arn.is_literal(token)
    assert _arn.region_of(stack.format_arn(service="sns", resource="t")) is None


def test_acm_role_region_account_and_format() -> None:
    acm = _arn.parse_acm_arn("arn:aws-cn:acm:cn-north-1:111111111111:certificate/abc")
    assert acm is not None and acm.partition == "aws-cn"
    role = _arn.parse_role_arn("arn:aws:iam::111111111111:role/pki-constructs/ca-activation/x")
    assert role is not None and role.region == ""
    assert _arn.region_of("arn:aws:sns:eu-west-1:111111111111:topic") == "eu-west-1"
    assert _arn.account_of("arn:aws:sns:eu-west-1:111111111111:topic") == "111111111111"
    assert _arn.region_of("arn:aws:iam::111111111111:role/x") is None
    assert (
        _arn.format_role_arn(partition="aws", account="1" * 12, path="/p/", name="*")
        == "arn:aws:iam::111111111111:role/p/*"
    )


def test_fails_to_parse_certificate_and_role_arns_with_a_trailing_newline() -> None:
    acm = "arn:aws:acm:us-east-1:111111111111:certificate/abc"
    role = "arn:aws:iam::111111111111:role/x"
    assert _arn.parse_acm_arn(acm) is not None and _arn.parse_acm_arn(acm + "\n") is None
    assert _arn.parse_role_arn(role) is not None and _arn.parse_role_arn(role + "\n") is None
    assert _arn.parse_acm_arn(acm.replace("111111111111", "")) is None
    assert not _arn.is_account_id("111111111111\n")
    assert _arn.EXTERNAL_ID.match("pki-constructs-x") and not _arn.EXTERNAL_ID.match("pki-constructs-x\n")


def test_the_ca_arn_rule_accepts_real_ca_arns_and_tokens() -> None:
    assert _arn.ca_arn_problems("parent", CA) == []
    china = CA.replace("arn:aws:", "arn:aws-cn:").replace("us-east-1", "cn-north-1")
    assert _arn.ca_arn_problems("parent", china) == []
    assert _arn.ca_arn_problems("parent", cdk.Fn.ref("CaArn")) == []


@pytest.mark.parametrize(
    ("arn", "rule"),
    [
        ("arn:aws:acm:us-east-1:111111111111:certificate/abc", "ACM certificate ARN"),
        ("not-an-arn", "not an AWS Private CA ARN"),
        (f"{CA}/certificate/abc", "not an AWS Private CA ARN"),
        (CA.replace("us-east-1", "eu-west-1a"), "availability zone"),
        (CA.replace("arn:aws:", "arn:aws-cn:"), "partition 'aws-cn' has no region 'us-east-1'"),
        (f"{CA}\n", "not an AWS Private CA ARN"),
        (CA.replace("111111111111", ""), "not an AWS Private CA ARN"),
        (CA.replace("111111111111", "aws"), "not an AWS Private CA ARN"),
    ],
)
def test_fails_the_ca_arn_rule(arn: str, rule: str) -> None:
    [problem] = _arn.ca_arn_problems("certificate_authority", arn)
    assert problem.field == "certificate_authority"
    assert rule in problem.rule


def test_the_constructs_parse_arns_only_in_arn_and_pems_only_in_pem() -> None:
    """Issue 10: one ARN helper and one PEM helper per side; no module splits an ARN or matches PEM itself."""
    root = pathlib.Path(__file__).parent.parent
    offenders = []
    for path in [*root.glob("pki_constructs/*.py"), *root.glob("lambda/pki_handlers/*.py")]:
        if path.name in ("_arn.py", "_pem.py", "arns.py", "x509.py"):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if re.search(r'\.split\(":"|_CA_ARN = re\.compile|-----BEGIN CERTIFICATE-----\(', line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
