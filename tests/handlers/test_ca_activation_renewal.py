"""lambda/ca_activation: a new CertificateGeneration re-issues and re-imports into the ACTIVE child, once."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from types import ModuleType

import boto3
import pytest
from moto import mock_aws

from tests.handlers.activation_support import (
    CHILD_REGION,
    PARENT_REGION,
    Faults,
    Provider,
    create_root,
    create_subordinate,
    event,
    load_handler,
    properties,
    status_of,
)


@pytest.fixture
def index() -> Iterator[ModuleType]:
    with mock_aws():
        yield load_handler()


def current_certificate(arn: str) -> str:
    pca = boto3.client("acm-pca", region_name=CHILD_REGION)
    return str(pca.get_certificate_authority_certificate(CertificateAuthorityArn=arn)["Certificate"])


def test_generation_1_keeps_the_digest_of_activations_deployed_before_renewal(index: ModuleType) -> None:
    child = "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/child"
    parent = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/parent"
    absent = index.Props(properties(child, parent))
    explicit = index.Props(properties(child, parent, CertificateGeneration="1"))
    old_formula = json.dumps([child, parent, None, 0, {"Type": "DAYS", "Value": 300}, None], sort_keys=True)
    assert absent.digest == explicit.digest == hashlib.sha256(old_formula.encode()).hexdigest()[:16]
    assert index.Props(properties(child, parent, CertificateGeneration="2")).digest != absent.digest


def test_fails_a_generation_that_is_not_a_positive_whole_number(index: ModuleType) -> None:
    for bad in ("0", "-1", "two"):
        with pytest.raises(index.ActivationError, match="CertificateGeneration"):
            index.Props(
                properties(
                    "arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/c",
                    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/p",
                    CertificateGeneration=bad,
                )
            )


def test_renewal_update_re_issues_once_and_keeps_the_child_active(index: ModuleType) -> None:
    parent, child = create_root(PARENT_REGION), create_subordinate(CHILD_REGION)
    provider = Provider(index)
    first = properties(child, parent)
    created = provider.run(event("Create", first))
    g1 = current_certificate(child)

    faults = Faults()
    original = index._plain_client

    def counted(service: str, region: str) -> object:
        return faults.attach(original(service, region))

    index._plain_client = counted
    second = properties(child, parent, CertificateGeneration="2")
    update = event("Update", second, request_id="req-2", physical_id=created["PhysicalResourceId"], old=first)
    renewed = provider.run(update)
    assert renewed["PhysicalResourceId"] != created["PhysicalResourceId"]
    assert faults.calls["IssueCertificate"] == 1
    assert faults.calls["ImportCertificateAuthorityCertificate"] == 1
    g2 = current_certificate(child)
    assert g2 != g1 and status_of(child) == "ACTIVE"

    provider.run(update)  # the same request again (a retry): nothing new is issued or imported
    assert faults.calls["IssueCertificate"] == 1
    assert faults.calls["ImportCertificateAuthorityCertificate"] == 1
    # CloudFormation's cleanup deletes the old physical id: the child is not its activation any more
    provider.run(event("Delete", first, request_id="req-3", physical_id=created["PhysicalResourceId"]))
    assert status_of(child) == "ACTIVE" and current_certificate(child) == g2


def test_fails_renewal_of_a_disabled_child_before_the_parent_issues(index: ModuleType) -> None:
    parent, child = create_root(PARENT_REGION), create_subordinate(CHILD_REGION)
    provider = Provider(index)
    first = properties(child, parent)
    created = provider.run(event("Create", first))
    boto3.client("acm-pca", region_name=CHILD_REGION).update_certificate_authority(
        CertificateAuthorityArn=child, Status="DISABLED"
    )
    faults = Faults()
    original = index._plain_client
    index._plain_client = lambda service, region: faults.attach(original(service, region))
    second = properties(child, parent, CertificateGeneration="2")
    update = event("Update", second, request_id="req-2", physical_id=created["PhysicalResourceId"], old=first)
    with pytest.raises(index.ActivationError, match=f"child CA {child} is DISABLED.*enable it"):
        provider.run(update)
    assert faults.calls["IssueCertificate"] == 0  # no certificate spent on a CA that cannot take it
