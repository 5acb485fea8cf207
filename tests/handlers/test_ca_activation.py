"""pki_handlers.ca_activation against moto: the whole flow across two regions (two moto backends) and accounts,
and every fault of research list (b) that applies, injected with botocore before-call hooks on top of moto's
state (moto never answers RequestInProgress, throttling, AccessDenied, mismatches or quota errors).

moto ignores Validity (every certificate lasts 365 days), so the child asks for 300 days here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from moto import mock_aws

from tests.handlers.activation_support import (
    CHILD_REGION,
    PARENT_REGION,
    Faults,
    Provider,
    activate_natively,
    create_root,
    create_subordinate,
    event,
    load_handler,
    properties,
    status_of,
    tags_of,
)

index = load_handler()
OTHER_ACCOUNT = "222222222222"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Faults]:
    with mock_aws():
        index._plain_client.cache_clear()
        faults = Faults()
        real = index.client
        monkeypatch.setattr(index, "client", lambda *a, **k: faults.attach(real(*a, **k)))
        yield faults
        index._plain_client.cache_clear()


@pytest.fixture
def pair(aws: Faults) -> tuple[str, str]:
    """(root in us-east-1, pending child in eu-west-1)."""
    return create_root(PARENT_REGION), create_subordinate(CHILD_REGION)


def imported(child_arn: str) -> tuple[x509.Certificate, list[x509.Certificate]]:
    pca = boto3.client("acm-pca", region_name=CHILD_REGION)
    got = pca.get_certificate_authority_certificate(CertificateAuthorityArn=child_arn)
    chain = x509.load_pem_x509_certificates(got["CertificateChain"].encode())
    return x509.load_pem_x509_certificate(got["Certificate"].encode()), chain


def ca_certificate(arn: str) -> x509.Certificate:
    pca = boto3.client("acm-pca", region_name=arn.split(":")[3])
    pem = pca.get_certificate_authority_certificate(CertificateAuthorityArn=arn)["Certificate"]
    return x509.load_pem_x509_certificate(pem.encode())


# ------------------------------------------------------------------------------------------ the whole flow


def test_activates_cross_region_child_from_ssm_parameter(aws: Faults) -> None:
    root = create_root(PARENT_REGION)
    boto3.client("ssm", region_name=PARENT_REGION).put_parameter(
        Name="/pki-constructs/Root/arn", Value=root, Type="String"
    )
    child = create_subordinate(CHILD_REGION)
    props = properties(
        child, ParentArnParameter={"Name": "/pki-constructs/Root/arn", "Region": PARENT_REGION}
    )
    provider = Provider(index)

    response = provider.run(event("Create", props))

    assert status_of(child) == "ACTIVE"
    certificate, chain = imported(child)
    assert [c.subject for c in chain] == [ca_certificate(root).subject]
    certificate.verify_directly_issued_by(chain[0])
    assert response["PhysicalResourceId"].startswith(child + "/activation/")
    data = response["Data"]
    assert data["CertificateAuthorityArn"] == child
    assert data["ParentCertificateAuthorityArn"] == root
    assert data["CertificateArn"].startswith(root + "/certificate/")
    assert (
        data["CertificateSha256Fingerprint"].replace(":", "").lower()
        == certificate.fingerprint(hashes.SHA256()).hex()
    )
    assert int(data["CertificateSerial"].replace(":", ""), 16) == certificate.serial_number
    assert data["NotAfter"] == certificate.not_valid_after_utc.isoformat().replace("+00:00", "Z")
    assert "BEGIN" not in json.dumps(response["Data"]) and len(json.dumps(response["Data"])) < 4096
    assert provider.invocations == 2  # on_event issues, the first is_complete imports
    assert aws.calls["IssueCertificate"] == 1 and aws.calls["ImportCertificateAuthorityCertificate"] == 1


def test_imports_full_chain_root_last_for_an_intermediate_parent(aws: Faults) -> None:
    root = create_root(PARENT_REGION)
    policy = create_subordinate(PARENT_REGION, "Test Policy CA")
    activate_natively(root, policy, path_length=1)
    child = create_subordinate(CHILD_REGION)

    Provider(index).run(event("Create", properties(child, policy)))

    _, chain = imported(child)
    assert [c.subject for c in chain] == [ca_certificate(policy).subject, ca_certificate(root).subject]
    assert chain[-1].issuer == chain[-1].subject  # root last


@pytest.mark.parametrize("via_parameter", [False, True], ids=["arn", "ssm-parameter-in-parent-account"])
def test_cross_account_parent_through_assumed_role(aws: Faults, via_parameter: bool) -> None:
    sts = boto3.client("sts", region_name=PARENT_REGION)
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/pki-issuer"
    creds = sts.assume_role(RoleArn=role, RoleSessionName="setup")["Credentials"]
    other = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    root = create_root(PARENT_REGION, session=other)
    assert root.split(":")[4] == OTHER_ACCOUNT
    child = create_subordinate(CHILD_REGION)

    if via_parameter:  # a same-app parent in another account publishes its ARN in its own account
        other.client("ssm", region_name=PARENT_REGION).put_parameter(
            Name="/p/root", Value=root, Type="String"
        )
        parameter = {"Name": "/p/root", "Region": PARENT_REGION}
        props = properties(child, ParentArnParameter=parameter, IssuerRoleArn=role)
    else:
        props = properties(child, root, IssuerRoleArn=role, ExternalId="xyz")

    data = Provider(index).run(event("Create", props))["Data"]

    assert status_of(child) == "ACTIVE"
    assert data["CertificateArn"].split(":")[4] == OTHER_ACCOUNT
    assert aws.calls["AssumeRole"] >= 1


# ------------------------------------------------------------------------------------------ polling


def test_csr_in_progress_is_polled_not_failed(pair: tuple[str, str], aws: Faults) -> None:
    root, child = pair
    aws.fail("GetCertificateAuthorityCsr", "RequestInProgressException", times=2)
    provider = Provider(index)

    provider.run(event("Create", properties(child, root)))

    assert status_of(child) == "ACTIVE"
    assert aws.calls["IssueCertificate"] == 1
    assert provider.invocations == 3  # on_event + a poll that still saw no CSR + the poll that finished


def test_certificate_in_progress_is_polled_without_reissuing(pair: tuple[str, str], aws: Faults) -> None:
    root, child = pair
    aws.fail("GetCertificate", "RequestInProgressException", times=3)
    provider = Provider(index)

    provider.run(event("Create", properties(child, root)))

    assert status_of(child) == "ACTIVE"
    assert aws.calls["IssueCertificate"] == 1
    assert provider.invocations == 5


def test_throttling_that_outlives_sdk_retries_means_not_yet(pair: tuple[str, str], aws: Faults) -> None:
    root, child = pair
    assert index.aws.config().retries == {
        "mode": "standard",
        "total_max_attempts": 3,
    }  # the SDK retries first
    aws.fail("IssueCertificate", "ThrottlingException", "Rate exceeded")

    result = index.on_event(event("Create", properties(child, root)), None)

    assert result["PhysicalResourceId"].startswith(child)
    assert aws.calls["IssueCertificate"] == 0
    Provider(index).run(event("Create", properties(child, root)))
    assert status_of(child) == "ACTIVE"
    assert aws.calls["IssueCertificate"] == 1


@pytest.mark.parametrize("operation", ["DescribeCertificateAuthority", "ListTags", "TagCertificateAuthority"])
def test_not_yet_before_the_claim_still_activates(pair: tuple[str, str], aws: Faults, operation: str) -> None:
    """on_event throttled before it claimed the child: is_complete claims it, rather than mistaking the missing
    claim for a newer request's and reporting success on a CA that stays PENDING_CERTIFICATE."""
    root, child = pair
    aws.fail(operation, "ThrottlingException", "Rate exceeded")
    provider = Provider(index)

    response = provider.run(event("Create", properties(child, root)))

    assert status_of(child) == "ACTIVE"
    assert response["Data"]["CertificateArn"].startswith(root + "/certificate/")
    assert aws.calls["IssueCertificate"] == 1


def test_concurrent_modification_on_import_is_retried(pair: tuple[str, str], aws: Faults) -> None:
    root, child = pair
    aws.fail("ImportCertificateAuthorityCertificate", "ConcurrentModificationException")
    provider = Provider(index)
    provider.run(event("Create", properties(child, root)))
    assert status_of(child) == "ACTIVE"
    assert provider.invocations == 3


# ------------------------------------------------------------------------------------------ terminal faults


@pytest.mark.parametrize(
    ("operation", "code", "expected"),
    [
        ("AssumeRole", "AccessDenied", "trust policy"),
        ("IssueCertificate", "InvalidStateException", "must be ACTIVE"),
        ("IssueCertificate", "LimitExceededException", "L-F99AB81B"),
        ("IssueCertificate", "AccessDeniedException", "acm-pca:TemplateArn"),
    ],
    ids=["assume-role-denied", "parent-not-active", "quota", "issue-denied"],
)
def test_fails_in_on_event_with_aws_reason_and_cleans_up(
    pair: tuple[str, str], aws: Faults, operation: str, code: str, expected: str
) -> None:
    root, child = pair
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/pki-issuer" if operation == "AssumeRole" else None
    aws.fail(operation, code, "the AWS reason")

    with pytest.raises(index.ActivationError) as error:
        index.on_event(event("Create", properties(child, root, IssuerRoleArn=role)), None)

    assert code in str(error.value) and "the AWS reason" in str(error.value) and expected in str(error.value)
    assert not any(k.startswith("pki-constructs:") for k in tags_of(child))  # nothing left to trip a retry
    assert status_of(child) == "PENDING_CERTIFICATE"


@pytest.mark.parametrize(
    ("operation", "code", "expected", "misleading"),
    [
        ("ImportCertificateAuthorityCertificate", "InvalidStateException", "PENDING_CERTIFICATE", "parent"),
        ("GetCertificateAuthorityCsr", "AccessDeniedException", "handler's own role", "parent-side"),
    ],
    ids=["child-wrong-state", "child-denied"],
)
def test_fails_on_the_child_with_advice_about_the_child(
    pair: tuple[str, str], aws: Faults, operation: str, code: str, expected: str, misleading: str
) -> None:
    root, child = pair
    aws.fail(operation, code, "the AWS reason")
    with pytest.raises(index.ActivationError) as error:
        Provider(index).run(event("Create", properties(child, root)))
    hint = str(error.value).split("the AWS reason", 1)[1]
    assert "on child" in str(error.value) and expected in hint and misleading not in hint


def test_fails_request_failed_then_a_new_create_starts_clean(pair: tuple[str, str], aws: Faults) -> None:
    root, child = pair
    aws.fail("GetCertificate", "RequestFailedException", "Validity of the CA certificate exceeds its parent")
    provider = Provider(index)

    with pytest.raises(index.ActivationError, match=r"RequestFailedException.*exceeds its parent"):
        provider.run(event("Create", properties(child, root)))
    assert "pki-constructs:activation" not in tags_of(child)

    provider.run(event("Create", properties(child, root), request_id="req-2"))
    assert status_of(child) == "ACTIVE"
    assert aws.calls["IssueCertificate"] == 2  # the failed certificate is not reused


def test_fails_certificate_mismatch_on_import(pair: tuple[str, str], aws: Faults) -> None:
    root, child = pair
    aws.fail("ImportCertificateAuthorityCertificate", "CertificateMismatchException", "does not match")
    with pytest.raises(index.ActivationError, match=r"CertificateMismatchException.*does not match"):
        Provider(index).run(event("Create", properties(child, root)))
    assert status_of(child) == "PENDING_CERTIFICATE"
    assert "pki-constructs:activation" not in tags_of(child)


def test_fails_validity_not_shorter_than_parent_before_issuing(pair: tuple[str, str], aws: Faults) -> None:
    root, child = pair
    props = properties(child, root, Validity={"Type": "YEARS", "Value": "2"})  # moto's root lasts 365 days
    with pytest.raises(index.ActivationError, match="expire before its parent"):
        index.on_event(event("Create", props), None)
    assert aws.calls["IssueCertificate"] == 0


def test_fails_when_parent_parameter_is_missing(aws: Faults) -> None:
    child = create_subordinate(CHILD_REGION)
    props = properties(child, ParentArnParameter={"Name": "/missing", "Region": PARENT_REGION})
    with pytest.raises(index.ActivationError, match="deploy the parent stack first"):
        index.on_event(event("Create", props), None)


def test_fails_partition_mismatch(pair: tuple[str, str]) -> None:
    _, child = pair
    china = "arn:aws-cn:acm-pca:cn-north-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"
    with pytest.raises(index.ActivationError, match="different partitions"):
        index.on_event(event("Create", properties(child, china)), None)


def test_fails_create_on_child_already_active_with_foreign_certificate(aws: Faults) -> None:
    root = create_root(PARENT_REGION)
    child = create_subordinate(PARENT_REGION)
    activate_natively(root, child, path_length=0)  # e.g. someone ran the CLI flow by hand
    with pytest.raises(index.ActivationError, match="already ACTIVE"):
        index.on_event(event("Create", properties(child, root)), None)


# ------------------------------------------------------------------------------------------ idempotency


def test_duplicate_create_after_issuance_does_not_issue_again(pair: tuple[str, str], aws: Faults) -> None:
    root, child = pair
    e = event("Create", properties(child, root))
    first = index.on_event(e, None)
    second = index.on_event(e, None)  # Lambda retried the same request
    assert first == second
    Provider(index).run(e)
    assert aws.calls["IssueCertificate"] == 1
    # CloudFormation retries the Create with a new request id after everything succeeded
    Provider(index).run(event("Create", properties(child, root), request_id="req-9"))
    assert aws.calls["IssueCertificate"] == 1
    assert aws.calls["ImportCertificateAuthorityCertificate"] == 1  # already imported: fingerprint matched


def test_stale_is_complete_of_a_superseded_request_changes_nothing(
    pair: tuple[str, str], aws: Faults
) -> None:
    root, child = pair
    old = event("Create", properties(child, root), request_id="req-old")
    old_result = index.on_event(old, None)
    Provider(index).run(
        event(
            "Create", properties(child, root, Validity={"Type": "DAYS", "Value": "200"}), request_id="req-new"
        )
    )
    imports = aws.calls["ImportCertificateAuthorityCertificate"]

    done = index.is_complete({**old, **old_result}, None)

    assert done == {"IsComplete": True}
    assert aws.calls["ImportCertificateAuthorityCertificate"] == imports


# ------------------------------------------------------------------------------------------ update


class _NoCalls:
    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"unexpected AWS call {name}")


def test_update_that_changes_only_the_role_makes_no_calls(
    pair: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, child = pair
    created = Provider(index).run(event("Create", properties(child, root)))
    monkeypatch.setattr(index, "client", lambda *a, **k: _NoCalls())
    new = properties(child, root, IssuerRoleArn=f"arn:aws:iam::{OTHER_ACCOUNT}:role/other")

    result = index.on_event(
        event("Update", new, physical_id=created["PhysicalResourceId"], old=properties(child, root)), None
    )
    done = index.is_complete(
        {
            **event("Update", new, physical_id=created["PhysicalResourceId"], old=properties(child, root)),
            **result,
        },
        None,
    )

    assert result["PhysicalResourceId"] == created["PhysicalResourceId"]
    assert result["Data"] == {"CertificateAuthorityArn": child}
    assert done == {"IsComplete": True}


def test_update_of_validity_reissues_under_a_new_physical_id(pair: tuple[str, str], aws: Faults) -> None:
    root, child = pair
    provider = Provider(index)
    created = provider.run(event("Create", properties(child, root)))
    new = properties(child, root, Validity={"Type": "DAYS", "Value": "200"})

    updated = provider.run(
        event(
            "Update",
            new,
            request_id="req-2",
            physical_id=created["PhysicalResourceId"],
            old=properties(child, root),
        )
    )

    assert updated["PhysicalResourceId"] != created["PhysicalResourceId"]
    assert updated["Data"]["CertificateArn"] != created["Data"]["CertificateArn"]
    assert aws.calls["IssueCertificate"] == 2
    certificate, _ = imported(child)
    assert (
        updated["Data"]["CertificateSha256Fingerprint"].replace(":", "")
        == certificate.fingerprint(hashes.SHA256()).hex().upper()
    )
    # CloudFormation then deletes the old physical id: the child now belongs to the new activation
    index.on_event(
        event(
            "Delete", properties(child, root), request_id="req-3", physical_id=created["PhysicalResourceId"]
        ),
        None,
    )
    assert status_of(child) == "ACTIVE"


def test_update_rollback_reimports_the_previous_certificate_without_issuing(
    pair: tuple[str, str], aws: Faults
) -> None:
    root, child = pair
    provider = Provider(index)
    original = properties(child, root)
    created = provider.run(event("Create", original))
    changed = properties(child, root, Validity={"Type": "DAYS", "Value": "200"})
    aws.fail("GetCertificate", "RequestFailedException", "rejected by the parent")
    with pytest.raises(index.ActivationError):
        provider.run(
            event(
                "Update", changed, request_id="req-2", physical_id=created["PhysicalResourceId"], old=original
            )
        )
    issued = aws.calls["IssueCertificate"]

    rolled_back = provider.run(
        event("Update", original, request_id="req-3", physical_id=created["PhysicalResourceId"], old=changed)
    )

    assert rolled_back["PhysicalResourceId"] == created["PhysicalResourceId"]
    assert rolled_back["Data"]["CertificateArn"] == created["Data"]["CertificateArn"]
    assert aws.calls["IssueCertificate"] == issued
    assert status_of(child) == "ACTIVE"


def test_update_rollback_after_a_successful_update_restores_the_previous_certificate(
    pair: tuple[str, str], aws: Faults
) -> None:
    root, child = pair
    provider = Provider(index)
    original = properties(child, root)
    created = provider.run(event("Create", original))
    changed = properties(child, root, Validity={"Type": "DAYS", "Value": "200"})
    updated = provider.run(
        event("Update", changed, request_id="req-2", physical_id=created["PhysicalResourceId"], old=original)
    )
    # another resource of the stack failed: CloudFormation rolls us back with old/new swapped
    back = provider.run(
        event("Update", original, request_id="req-3", physical_id=updated["PhysicalResourceId"], old=changed)
    )

    assert back["Data"]["CertificateArn"] == created["Data"]["CertificateArn"]
    assert aws.calls["IssueCertificate"] == 2
    certificate, _ = imported(child)
    assert (
        back["Data"]["CertificateSha256Fingerprint"].replace(":", "").lower()
        == certificate.fingerprint(hashes.SHA256()).hex()
    )


# ------------------------------------------------------------------------------------------ delete


def test_delete_disables_the_child_and_never_touches_the_parent(pair: tuple[str, str], aws: Faults) -> None:
    root, child = pair
    created = Provider(index).run(event("Create", properties(child, root)))
    before = dict(aws.calls)

    result = index.on_event(
        event("Delete", properties(child, root), physical_id=created["PhysicalResourceId"]), None
    )

    assert result["PhysicalResourceId"] == created["PhysicalResourceId"]
    assert status_of(child) == "DISABLED"
    assert status_of(root) == "ACTIVE"
    new_calls = {k: v - before.get(k, 0) for k, v in aws.calls.items() if v != before.get(k, 0)}
    assert set(new_calls) == {"DescribeCertificateAuthority", "ListTags", "UpdateCertificateAuthority"}
    assert index.is_complete(
        event("Delete", properties(child, root), physical_id=result["PhysicalResourceId"]), None
    ) == {"IsComplete": True}


def test_delete_throttled_beyond_sdk_retries_finishes_in_is_complete(
    pair: tuple[str, str], aws: Faults
) -> None:
    root, child = pair
    created = Provider(index).run(event("Create", properties(child, root)))
    aws.fail("UpdateCertificateAuthority", "ThrottlingException", times=2)
    delete = event(
        "Delete", properties(child, root), request_id="req-2", physical_id=created["PhysicalResourceId"]
    )

    assert index.on_event(delete, None) == {"PhysicalResourceId": created["PhysicalResourceId"]}
    assert status_of(child) == "ACTIVE"
    assert index.is_complete(delete, None) == {"IsComplete": False}
    assert index.is_complete(delete, None) == {"IsComplete": True}
    assert status_of(child) == "DISABLED"


def test_delete_of_a_create_that_never_finished_makes_no_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index, "client", lambda *a, **k: _NoCalls())
    for placeholder in (
        "Issuing-IssuingCaActivation-1A2B3C4D5E6F",
        "AWSCDK::CustomResourceProviderFramework::CREATE_FAILED",
        "",
    ):
        e = event("Delete", {"CertificateAuthorityArn": "garbage"}, physical_id=placeholder)
        assert index.on_event(e, None) == {"PhysicalResourceId": placeholder}


def test_delete_succeeds_when_the_child_is_gone(aws: Faults) -> None:
    missing = f"arn:aws:acm-pca:{CHILD_REGION}:123456789012:certificate-authority/00000000-0000-0000-0000-000000000000"
    physical = f"{missing}/activation/0123456789abcdef"
    assert index.on_event(event("Delete", {}, physical_id=physical), None) == {"PhysicalResourceId": physical}

    child = create_subordinate(CHILD_REGION)
    boto3.client("acm-pca", region_name=CHILD_REGION).delete_certificate_authority(
        CertificateAuthorityArn=child
    )
    physical = f"{child}/activation/0123456789abcdef"
    assert index.on_event(event("Delete", {}, physical_id=physical), None) == {"PhysicalResourceId": physical}


def test_delete_leaves_a_child_this_activation_never_completed(pair: tuple[str, str]) -> None:
    _, child = pair
    physical = f"{child}/activation/0123456789abcdef"
    index.on_event(event("Delete", {}, physical_id=physical), None)
    assert status_of(child) == "PENDING_CERTIFICATE"


# ------------------------------------------------------------------------------------------ properties


def test_fails_bad_properties_name_the_field() -> None:
    child = f"arn:aws:acm-pca:{CHILD_REGION}:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"
    with pytest.raises(index.ActivationError, match="PathLength"):
        index.Props(properties(child, child, PathLength="4"))
    with pytest.raises(index.ActivationError, match="exactly one of"):
        index.Props(properties(child))
    with pytest.raises(index.ActivationError, match="Validity"):
        index.Props(properties(child, child, Validity={"Type": "WEEKS", "Value": "2"}))
    with pytest.raises(index.ActivationError, match="SchemaVersion"):
        index.Props(properties(child, child, SchemaVersion="2"))


def test_digest_changes_with_what_needs_a_new_certificate_only() -> None:
    child = f"arn:aws:acm-pca:{CHILD_REGION}:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"
    base = index.Props(properties(child, child)).digest
    assert (
        index.Props(properties(child, child, IssuerRoleArn="arn:aws:iam::1:role/x", ExternalId="e")).digest
        == base
    )
    assert index.Props(properties(child, child, PathLength="1")).digest != base
    assert index.Props(properties(child, child, Validity={"Type": "DAYS", "Value": "301"})).digest != base
    assert index.Props(properties(child, child, SigningAlgorithm="SHA384WITHRSA")).digest != base
    assert index.Props(properties(child, child, ParentFingerprint="new")).digest != base
