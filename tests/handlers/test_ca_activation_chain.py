"""pki_handlers.ca_activation with AWS scripted by botocore Stubbers whose answers come from tests/local_pki (certificates
shaped like the AWS templates): what the handler imports is a chain a real verifier accepts, root last, with
the PathLen template's constraints; plus the child states moto cannot reach (CREATING, FAILED)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.stub import ANY, Stubber
from cryptography import x509

from tests.handler_loading import load_handler as load_named
from tests.handlers.activation_support import CHILD_REGION, PARENT_REGION, event, load_handler, properties
from tests.local_pki import LocalCa, generate_key, make_csr, pem

index = load_handler()
ACCOUNT = "123456789012"
PARENT = (
    f"arn:aws:acm-pca:{PARENT_REGION}:{ACCOUNT}:certificate-authority/aaaaaaaa-1111-2222-3333-444444444444"
)
CHILD = f"arn:aws:acm-pca:{CHILD_REGION}:{ACCOUNT}:certificate-authority/bbbbbbbb-1111-2222-3333-444444444444"
CERT_ARN = f"{PARENT}/certificate/0f1e2d3c4b5a69788796a5b4c3d2e1f0"
TEMPLATE = "arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1"


@pytest.fixture(scope="module")
def pki() -> dict[str, Any]:
    root = LocalCa.root("Example Root CA G1", key_algorithm="EC_secp384r1", days=3650)
    policy = root.subordinate("Example Policy CA G1", key_algorithm="EC_secp384r1", path_length=1, days=1825)
    child_key = generate_key("EC_prime256v1")
    return {
        "root": root,
        "policy": policy,
        "child_key": child_key,
        "csr": make_csr(child_key, "Example Issuing CA"),
    }


@pytest.fixture
def stubs(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Stubber, Stubber]]:
    child = boto3.client("acm-pca", region_name=CHILD_REGION)
    parent = boto3.client("acm-pca", region_name=PARENT_REGION)
    clients = {CHILD_REGION: child, PARENT_REGION: parent}
    monkeypatch.setattr(index, "client", lambda service, region, *a, **k: clients[region])
    with Stubber(child) as child_stub, Stubber(parent) as parent_stub:
        yield child_stub, parent_stub
        child_stub.assert_no_pending_responses()
        parent_stub.assert_no_pending_responses()


def describe(stub: Stubber, status: str, **extra: Any) -> None:
    ca = {"Arn": CHILD, "Status": status, "Type": "SUBORDINATE", **extra}
    stub.add_response(
        "describe_certificate_authority", {"CertificateAuthority": ca}, {"CertificateAuthorityArn": CHILD}
    )


def tags(stub: Stubber, values: dict[str, str]) -> None:
    # AWS omits Tags when there are none (the list has a minimum length of 1)
    response = {"Tags": [{"Key": k, "Value": v} for k, v in values.items()]} if values else {}
    stub.add_response("list_tags", response, {"CertificateAuthorityArn": CHILD})


def script_create(child: Stubber, parent: Stubber, pki: dict[str, Any], days: int = 1000) -> x509.Certificate:
    """on_event of a Create: read state, claim, read CSR, check the parent, issue, remember the ARN."""
    describe(child, "PENDING_CERTIFICATE")
    tags(child, {})
    child.add_response("tag_certificate_authority", {}, {"CertificateAuthorityArn": CHILD, "Tags": ANY})
    child.add_response(
        "get_certificate_authority_csr", {"Csr": pem(pki["csr"])}, {"CertificateAuthorityArn": CHILD}
    )
    parent.add_response(
        "get_certificate_authority_certificate",
        pki["policy"].get_certificate_authority_certificate(),
        {"CertificateAuthorityArn": PARENT},
    )
    parent.add_response(
        "issue_certificate",
        {"CertificateArn": CERT_ARN},
        {
            "CertificateAuthorityArn": PARENT,
            "Csr": pem(pki["csr"]).encode(),
            "SigningAlgorithm": "SHA384WITHECDSA",  # derived from the parent's P-384 key
            "TemplateArn": TEMPLATE,
            "Validity": {"Type": "DAYS", "Value": days},
            "IdempotencyToken": ANY,
        },
    )
    child.add_response(
        "tag_certificate_authority",
        {},
        {"CertificateAuthorityArn": CHILD, "Tags": [{"Key": index.TAG_CERTIFICATE, "Value": CERT_ARN}]},
    )
    return pki["policy"].issue_subordinate(pki["csr"], path_length=0, days=days)


def test_imports_a_verifiable_chain_root_last(stubs: tuple[Stubber, Stubber], pki: dict[str, Any]) -> None:
    child, parent = stubs
    root, policy = pki["root"], pki["policy"]
    e = event("Create", properties(CHILD, PARENT, Validity={"Type": "DAYS", "Value": "1000"}))
    issued = script_create(child, parent, pki)
    result = index.on_event(e, None)
    polled = {**e, **result}
    activation = index.Activation(index.Props(e["ResourceProperties"]), e)

    describe(child, "PENDING_CERTIFICATE")
    tags(
        child,
        {index.TAG_ACTIVATION: f"{activation.digest} {activation.request}", index.TAG_CERTIFICATE: CERT_ARN},
    )
    parent.add_response(
        "get_certificate",
        policy.get_certificate(issued),
        {"CertificateAuthorityArn": PARENT, "CertificateArn": CERT_ARN},
    )
    child.add_response(
        "import_certificate_authority_certificate",
        {},
        {
            "CertificateAuthorityArn": CHILD,
            "Certificate": pem(issued).encode(),
            "CertificateChain": (policy.pem + root.pem).encode(),  # parent first, root last, not the child
        },
    )
    done = index.is_complete(polled, None)

    assert done["IsComplete"] is True
    assert done["Data"]["NotAfter"] == issued.not_valid_after_utc.isoformat().replace("+00:00", "Z")
    # what was imported is a working issuing CA: a leaf from the child's key verifies to the root
    child_ca = LocalCa.from_parts(pki["child_key"], issued, [policy.certificate, root.certificate])
    leaf = child_ca.issue_end_entity(generate_key("EC_prime256v1"), dns_names=["app.example"])
    path = root.verify_server(leaf, "app.example", intermediates=[issued, policy.certificate])
    assert len(path) == 4
    assert issued.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0


def test_reorders_a_chain_returned_root_first_and_completes_a_short_one(
    stubs: tuple[Stubber, Stubber], pki: dict[str, Any]
) -> None:
    child, parent = stubs
    root, policy = pki["root"], pki["policy"]
    e = event("Create", properties(CHILD, PARENT, Validity={"Type": "DAYS", "Value": "1000"}))
    activation = index.Activation(index.Props(e["ResourceProperties"]), e)
    issued = policy.issue_subordinate(pki["csr"], path_length=0, days=1000)
    mine = {
        index.TAG_ACTIVATION: f"{activation.digest} {activation.request}",
        index.TAG_CERTIFICATE: CERT_ARN,
    }
    expected_import = {
        "CertificateAuthorityArn": CHILD,
        "Certificate": pem(issued).encode(),
        "CertificateChain": (policy.pem + root.pem).encode(),
    }
    # 1: root first, with the child's own certificate mixed in
    describe(child, "PENDING_CERTIFICATE")
    tags(child, mine)
    parent.add_response(
        "get_certificate",
        {"Certificate": pem(issued), "CertificateChain": root.pem + pem(issued) + policy.pem},
        {"CertificateAuthorityArn": PARENT, "CertificateArn": CERT_ARN},
    )
    child.add_response("import_certificate_authority_certificate", {}, expected_import)
    assert index.is_complete({**e, "PhysicalResourceId": activation.props.physical_id}, None)["IsComplete"]
    # 2: only the issuer (what moto returns): completed from the issuer's own chain
    describe(child, "PENDING_CERTIFICATE")
    tags(child, mine)
    parent.add_response(
        "get_certificate",
        {"Certificate": pem(issued), "CertificateChain": policy.pem},
        {"CertificateAuthorityArn": PARENT, "CertificateArn": CERT_ARN},
    )
    parent.add_response(
        "get_certificate_authority_certificate",
        policy.get_certificate_authority_certificate(),
        {"CertificateAuthorityArn": PARENT},
    )
    child.add_response("import_certificate_authority_certificate", {}, expected_import)
    assert index.is_complete({**e, "PhysicalResourceId": activation.props.physical_id}, None)["IsComplete"]


def test_fails_chain_that_does_not_reach_a_root(stubs: tuple[Stubber, Stubber], pki: dict[str, Any]) -> None:
    child, parent = stubs
    policy = pki["policy"]
    e = event("Create", properties(CHILD, PARENT, Validity={"Type": "DAYS", "Value": "1000"}))
    activation = index.Activation(index.Props(e["ResourceProperties"]), e)
    issued = policy.issue_subordinate(pki["csr"], path_length=0, days=1000)
    mine = {
        index.TAG_ACTIVATION: f"{activation.digest} {activation.request}",
        index.TAG_CERTIFICATE: CERT_ARN,
    }
    describe(child, "PENDING_CERTIFICATE")
    tags(child, mine)
    parent.add_response(
        "get_certificate",
        {"Certificate": pem(issued), "CertificateChain": policy.pem},
        {"CertificateAuthorityArn": PARENT, "CertificateArn": CERT_ARN},
    )
    parent.add_response(
        "get_certificate_authority_certificate",
        {"Certificate": policy.pem},
        {"CertificateAuthorityArn": PARENT},
    )
    tags(child, mine)  # the clean-up after the failure rewinds the claim
    child.add_response("untag_certificate_authority", {}, {"CertificateAuthorityArn": CHILD, "Tags": ANY})
    with pytest.raises(index.ActivationError, match="does not reach a root"):
        index.is_complete({**e, "PhysicalResourceId": activation.props.physical_id}, None)


def test_child_still_creating_is_not_yet(stubs: tuple[Stubber, Stubber]) -> None:
    child, _ = stubs
    e = event("Create", properties(CHILD, PARENT))
    describe(child, "CREATING")
    assert index.on_event(e, None)["PhysicalResourceId"].startswith(CHILD)
    describe(child, "CREATING")
    assert index.is_complete({**e, "PhysicalResourceId": "x"}, None) == {"IsComplete": False}


def test_fails_child_in_failed_state_with_its_reason(stubs: tuple[Stubber, Stubber]) -> None:
    child, _ = stubs
    describe(child, "FAILED", FailureReason="UNSUPPORTED_ALGORITHM")
    tags(child, {})  # clean-up reads the tags; nothing of ours to rewind
    with pytest.raises(index.ActivationError, match="FAILED UNSUPPORTED_ALGORITHM"):
        index.on_event(event("Create", properties(CHILD, PARENT)), None)


def test_idempotency_token_is_deterministic_and_fits_the_api() -> None:
    props = index.Props(properties(CHILD, PARENT))
    a = index.Activation.__new__(index.Activation)
    b = index.Activation.__new__(index.Activation)
    for activation, request in ((a, "req-1"), (b, "req-1")):
        activation.props, activation.event, activation.digest = (
            props,
            event("Create", {}, request_id=request),
            props.digest,
        )
        activation.request = request
    assert a.idempotency_token == b.idempotency_token
    assert 1 <= len(a.idempotency_token) <= 36
    b.request = "req-2"
    assert a.idempotency_token != b.idempotency_token


def test_der_reader_matches_cryptography(pki: dict[str, Any]) -> None:
    for ca in (pki["root"], pki["policy"]):
        cert = index.Cert.from_pem(ca.pem)
        assert int(cert.serial_hex.replace(":", ""), 16) == ca.certificate.serial_number
        assert cert.not_after == ca.certificate.not_valid_after_utc
        assert cert.not_before == ca.certificate.not_valid_before_utc
        assert cert.signing_algorithm() == "SHA384WITHECDSA"
    for key_algorithm, expected in (
        ("RSA_2048", "SHA256WITHRSA"),
        ("EC_prime256v1", "SHA256WITHECDSA"),
        ("EC_secp521r1", "SHA512WITHECDSA"),
    ):
        ca = LocalCa.root(key_algorithm=key_algorithm, days=30)
        assert index.Cert.from_pem(ca.pem).signing_algorithm() == expected
    # UTCTime years >= 50 are 19xx (RFC 5280)
    assert load_named("x509")._der_time(b"500101000000Z", (0x17, 0, 13)) == dt.datetime(
        1950, 1, 1, tzinfo=dt.UTC
    )
