"""Bounded responses (issue 12.2): at the largest configuration synth accepts, the whole object the Provider
framework sends to CloudFormation (Status, Reason, ids, Data) stays under CloudFormation's 4,096 bytes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from tests.handler_loading import load_handler
from tests.handlers import activation_support as act
from tests.local_pki import LocalCa

framework = load_handler("framework")
LIMIT = framework.RESPONSE_LIMIT_BYTES
STACK_NAME = "S" * 128  # CloudFormation's longest stack name
LOGICAL_ID = "L" * 255  # and longest logical id


def provider_event(kind: str, props: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "RequestType": kind,
        "RequestId": "0" * 36,
        "StackId": f"arn:aws:cloudformation:eu-west-1:123456789012:stack/{STACK_NAME}/{'0' * 36}",
        "LogicalResourceId": LOGICAL_ID,
        "ResourceProperties": props,
        **extra,
    }


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def test_response_size_counts_the_whole_response_object() -> None:
    event = provider_event("Create", {})
    empty = framework.response_size(event, {"PhysicalResourceId": "x"})
    assert empty > len(STACK_NAME) + len(LOGICAL_ID)  # ids count, not only Data
    assert framework.response_size(event, {"PhysicalResourceId": "x", "Data": {"K": "v" * 100}}) > empty + 100


def test_ca_activation_response_is_bounded(aws: None) -> None:
    index = load_handler("ca_activation")
    root, child = act.create_root(act.PARENT_REGION), act.create_subordinate(act.CHILD_REGION)
    event = provider_event(
        "Create", act.properties(child, root, IssuerRoleArn="arn:aws:iam::123456789012:role/" + "r" * 64)
    )
    first = index.on_event(event, None)
    done = index.is_complete({**event, **first}, None)
    merged = {**first, "Data": {**first.get("Data", {}), **done["Data"]}}
    assert framework.response_size(event, merged) < LIMIT


def test_cert_export_response_is_bounded_at_the_longest_secret_name(aws: None) -> None:
    """The manifest's response carries counts only, whatever the names and however many certificates."""
    index = load_handler("cert_export")
    pca = boto3.client("acm-pca", region_name="us-east-1")
    ca = pca.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": "Issuing CA"},
        },
        CertificateAuthorityType="ROOT",
    )["CertificateAuthorityArn"]
    acm = boto3.client("acm", region_name="us-east-1")
    key = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
    exports = {}
    for i in range(3):
        cert = acm.request_certificate(DomainName=f"api{i}.internal.example", CertificateAuthorityArn=ca)[
            "CertificateArn"
        ]
        name = f"pki-constructs/{i}" + "n" * (512 - len(f"pki-constructs/{i}"))  # Secrets Manager's longest
        exports[f"Cert{i}"] = {"CertificateArn": cert, "SecretName": name}
    event = provider_event("Create", {"Scope": STACK_NAME, "KmsKeyArn": key, "Exports": exports})
    assert framework.response_size(event, index.on_event(event, None)) < LIMIT


def _trust_bundle_response_size(index: Any, count: int) -> int:
    """The merged response (on_event's Data + is_complete's, as the Provider framework sends it) for a bundle of
    ``count`` roots, each with its CRL, at the longest names."""
    cas = [LocalCa.root(f"Root {i}", key_algorithm="EC_prime256v1", days=30) for i in range(count)]
    arns = [
        f"arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/{i:08d}-0000-0000-0000-000000000000"
        for i in range(count)
    ]
    bucket, crl_bucket = "b" * 63, "c" * 63  # S3's longest bucket names
    prefix = "p" * 200  # the construct's key prefix (a unique id)
    s3 = boto3.client("s3", region_name="us-east-1")
    for name in (bucket, crl_bucket):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for ca, arn in zip(cas, arns, strict=True):
        s3.put_object(Bucket=crl_bucket, Key=f"crl/{arn.split('/')[-1]}.crl", Body=ca.crl())
    pca = boto3.client("acm-pca", region_name="us-east-1")
    index._client = lambda service, region=None: pca if service == "acm-pca" else s3
    props = {
        "CertificateAuthorityArns": arns,
        "CaCertificateVersions": ["x" * 64] * count,
        "Bucket": bucket,
        "BundleKey": f"{prefix}/ca-bundle.pem",
        "Revocation": [
            {"CertificateAuthorityArn": arn, "CrlBucket": crl_bucket, "CrlPath": "crl"} for arn in arns
        ],
        "RevocationKeyPrefix": f"{prefix}/revocation/",
    }
    event = provider_event("Create", props)
    with Stubber(pca) as stubber:
        for ca, arn in zip(cas, arns, strict=True):
            stubber.add_response(
                "get_certificate_authority_certificate",
                ca.get_certificate_authority_certificate(),
                {"CertificateAuthorityArn": arn},
            )
        first = index.on_event(event, None)
    done = index.is_complete(event, None)
    assert done["IsComplete"] is True
    merged = {**first, "Data": {**first["Data"], **done["Data"]}}
    assert len(merged["Data"]) == 8  # nothing per CA
    return int(framework.response_size(event, merged))


def test_trust_bundle_response_does_not_grow_with_the_number_of_cas(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = load_handler("trust_store_bundle")
    monkeypatch.setattr(index, "_client", index._client)  # restored after the test
    one = _trust_bundle_response_size(index, 1)
    most = index.MAX_CA_CERTIFICATES  # 25 roots, each with its CRL
    largest = _trust_bundle_response_size(index, most)
    # Only CertificateCount's digits differ ("1" vs "25"): nothing grows per CA.
    assert largest == one + len(str(most)) - 1
    assert largest < LIMIT
