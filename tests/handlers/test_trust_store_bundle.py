"""pki_handlers.trust_store_bundle: CA bundle and PEM CRL publication, against moto S3/PCA and local CAs."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from cryptography import x509
from moto import mock_aws

from tests.handler_loading import load_handler as load_named
from tests.local_pki import LocalCa, generate_key, pem

REGION = "us-east-1"
BUCKET = "trust-bundles"
CRL_BUCKET = "ca-crls"
KEY = "trust/bundle.pem"


def load_handler() -> ModuleType:
    return load_named("trust_store_bundle")


def ca_arn(ca_id: str, region: str = REGION) -> str:
    return f"arn:aws:acm-pca:{region}:111111111111:certificate-authority/{ca_id}"


@pytest.fixture(scope="module")
def pki() -> dict[str, LocalCa]:
    """root -> issuing-a, root -> issuing-b (shared root), and an unrelated other root."""
    root = LocalCa.root("Test Root CA", key_algorithm="EC_secp384r1")
    return {
        "root": root,
        "a": root.subordinate("Issuing A", key_algorithm="EC_prime256v1", path_length=0),
        "b": root.subordinate("Issuing B", key_algorithm="EC_prime256v1", path_length=0),
        "other": LocalCa.root("Other Root CA", key_algorithm="EC_prime256v1"),
    }


@pytest.fixture
def handler() -> Iterator[ModuleType]:
    module = load_handler()
    yield module
    module._client.cache_clear()


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        for bucket in (BUCKET, CRL_BUCKET):
            client.create_bucket(Bucket=bucket)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield client


@pytest.fixture
def pca(handler: ModuleType, s3: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubber]:
    """acm-pca scripted with local CA answers (moto's CA certificates lack the extensions TLS needs)."""
    client = boto3.client("acm-pca", region_name=REGION, config=Config(retries={"max_attempts": 1}))
    clients = {"acm-pca": client, "s3": s3}

    def factory(service: str, region: str | None = None) -> Any:
        return clients[service]

    factory.cache_clear = lambda: None  # type: ignore[attr-defined]
    monkeypatch.setattr(handler, "_client", factory)
    with Stubber(client) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def answer(stubber: Stubber, ca: LocalCa, arn: str, *, crlf: bool = False) -> None:
    response = ca.get_certificate_authority_certificate()
    if crlf:  # what a Windows-edited or hand-pasted chain looks like
        response = {k: v.replace("\n", "\r\n") for k, v in response.items()}
    stubber.add_response("get_certificate_authority_certificate", response, {"CertificateAuthorityArn": arn})


PREFIX = "trust/revocation/"


def create(handler: ModuleType, arns: list[str], request: str = "Create", **props: Any) -> dict[str, Any]:
    """What the Provider framework does: on_event, then (with Revocation) one is_complete poll, whose Data it
    merges into on_event's. ``IsComplete`` tells whether the poll finished."""
    if props.get("Revocation"):
        props.setdefault("RevocationKeyPrefix", PREFIX)
    event = {
        "RequestType": request,
        "PhysicalResourceId": f"s3://{BUCKET}/{KEY}",
        "ResourceProperties": {"CertificateAuthorityArns": arns, "Bucket": BUCKET, "BundleKey": KEY, **props},
    }
    result: dict[str, Any] = handler.on_event(event)
    if props.get("Revocation"):
        poll = handler.is_complete(event)
        result["IsComplete"] = poll["IsComplete"]
        result["Data"] = {**result["Data"], **poll.get("Data", {})}
    return result


def crl_key(handler: ModuleType, data: dict[str, str], index: int = 0) -> str:
    return handler.revocation_key(PREFIX, data["RevocationGeneration"], index)  # type: ignore[no-any-return]


def read(s3: Any, key: str = KEY, version: str | None = None) -> str:
    extra = {"VersionId": version} if version else {}
    return s3.get_object(Bucket=BUCKET, Key=key, **extra)["Body"].read().decode()  # type: ignore[no-any-return]


# ------------------------------------------------------------------------------------------------- bundle


def test_bundle_holds_each_ca_and_its_chain_once(
    handler: ModuleType, s3: Any, pca: Stubber, pki: dict[str, LocalCa]
) -> None:
    answer(pca, pki["a"], ca_arn("a"), crlf=True)
    answer(pca, pki["b"], ca_arn("b"))

    result = create(handler, [ca_arn("a"), ca_arn("b")])

    data = result["Data"]
    body = read(s3, version=data["BundleVersionId"])
    assert "\r" not in body and body.endswith("-----END CERTIFICATE-----\n")
    # Issuing A, the shared root once, Issuing B: stable order, no duplicates.
    assert x509.load_pem_x509_certificates(body.encode()) == [
        pki["a"].certificate,
        pki["root"].certificate,
        pki["b"].certificate,
    ]
    assert data["CertificateCount"] == "3"
    assert data["ChainDepth"] == "2"
    assert data["BundleSha256"] == hashlib.sha256(body.encode()).hexdigest()
    assert data["BundleUri"] == f"s3://{BUCKET}/{KEY}"
    assert result["PhysicalResourceId"] == f"s3://{BUCKET}/{KEY}"
    assert "BEGIN" not in json.dumps(result) and len(json.dumps(result)) < 4096


def test_same_bundle_again_keeps_the_object_version(
    handler: ModuleType, s3: Any, pca: Stubber, pki: dict[str, LocalCa]
) -> None:
    answer(pca, pki["a"], ca_arn("a"))
    answer(pca, pki["a"], ca_arn("a"))

    first = create(handler, [ca_arn("a")])["Data"]
    second = create(handler, [ca_arn("a")])["Data"]

    assert second["BundleVersionId"] == first["BundleVersionId"]
    assert len(s3.list_object_versions(Bucket=BUCKET, Prefix=KEY)["Versions"]) == 1


def test_changed_ca_certificate_publishes_a_new_version(
    handler: ModuleType, s3: Any, pca: Stubber, pki: dict[str, LocalCa]
) -> None:
    answer(pca, pki["a"], ca_arn("a"))
    answer(pca, pki["b"], ca_arn("a"))  # same CA ARN, new CA certificate (e.g. re-activated after renewal)

    first = create(handler, [ca_arn("a")])["Data"]
    second = create(handler, [ca_arn("a")])["Data"]

    assert second["BundleVersionId"] != first["BundleVersionId"]
    assert pki["a"].pem in read(s3, version=first["BundleVersionId"])
    assert pki["b"].pem in read(s3, version=second["BundleVersionId"])


def test_fails_when_more_than_25_ca_certificates(
    handler: ModuleType, s3: Any, pca: Stubber, pki: dict[str, LocalCa]
) -> None:
    roots = [LocalCa.root(f"Root {i}", key_algorithm="EC_prime256v1") for i in range(26)]
    for i, root in enumerate(roots):
        answer(pca, root, ca_arn(f"r{i}"))
    with pytest.raises(handler.BundleRuleError, match=r"26 CA certificates.*at most 25"):
        create(handler, [ca_arn(f"r{i}") for i in range(26)])
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


def test_25_ca_certificates_are_accepted(handler: ModuleType) -> None:
    roots = [LocalCa.root(f"Root {i}", key_algorithm="EC_prime256v1") for i in range(25)]
    bundle, depth = handler.build_bundle([[root.pem] for root in roots])
    assert bundle.count("BEGIN CERTIFICATE") == 25 and depth == 1


def test_fails_when_chain_depth_exceeds_4(handler: ModuleType, s3: Any, pca: Stubber) -> None:
    ca = LocalCa.root("Deep Root", key_algorithm="EC_prime256v1")
    for level, path_length in enumerate((3, 2, 1, 0)):
        ca = ca.subordinate(
            f"Level {level + 1}",
            key_algorithm="EC_prime256v1",
            path_length=path_length,
            days=1800 - 100 * level,
        )
    answer(pca, ca, ca_arn("deep"))
    with pytest.raises(handler.BundleRuleError, match=r"5 certificates deep.*at most 4"):
        create(handler, [ca_arn("deep")])


def test_fails_clearly_when_the_ca_is_not_activated(handler: ModuleType, s3: Any, pca: Stubber) -> None:
    pca.add_client_error("get_certificate_authority_certificate", "InvalidStateException")
    with pytest.raises(RuntimeError, match="activation"):
        create(handler, [ca_arn("pending")])


def test_fails_when_the_bucket_is_not_versioned(
    handler: ModuleType, s3: Any, pca: Stubber, pki: dict[str, LocalCa]
) -> None:
    answer(pca, pki["a"], ca_arn("a"))
    with pytest.raises(RuntimeError, match="not versioned"):
        handler.on_event(
            {
                "RequestType": "Create",
                "ResourceProperties": {
                    "CertificateAuthorityArns": [ca_arn("a")],
                    "Bucket": CRL_BUCKET,
                    "BundleKey": KEY,
                },
            }
        )


def test_fails_on_a_foreign_arn(handler: ModuleType, s3: Any, pca: Stubber) -> None:
    with pytest.raises(ValueError, match="not an AWS Private CA ARN"):
        create(handler, ["arn:aws:acm:us-east-1:111111111111:certificate/abc"])


def test_delete_makes_no_call(handler: ModuleType, pca: Stubber) -> None:
    result = handler.on_event(
        {
            "RequestType": "Delete",
            "PhysicalResourceId": f"s3://{BUCKET}/{KEY}",
            "ResourceProperties": {
                "CertificateAuthorityArns": [ca_arn("a")],
                "Bucket": BUCKET,
                "BundleKey": KEY,
            },
        }
    )
    assert result == {"PhysicalResourceId": f"s3://{BUCKET}/{KEY}"}


def test_bundle_from_a_moto_private_ca(handler: ModuleType, s3: Any) -> None:
    """The unscripted path: real boto3 calls against moto's Private CA."""
    pca = boto3.client("acm-pca", region_name=REGION)
    arn = pca.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": "Moto Root"},
        },
        CertificateAuthorityType="ROOT",
    )["CertificateAuthorityArn"]
    csr = pca.get_certificate_authority_csr(CertificateAuthorityArn=arn)["Csr"]
    cert_arn = pca.issue_certificate(
        CertificateAuthorityArn=arn,
        Csr=csr,
        SigningAlgorithm="SHA256WITHRSA",
        TemplateArn="arn:aws:acm-pca:::template/RootCACertificate/V1",
        Validity={"Type": "YEARS", "Value": 10},
    )["CertificateArn"]
    ca_pem = pca.get_certificate(CertificateAuthorityArn=arn, CertificateArn=cert_arn)["Certificate"]
    pca.import_certificate_authority_certificate(CertificateAuthorityArn=arn, Certificate=ca_pem.encode())

    data = create(handler, [arn])["Data"]

    assert x509.load_pem_x509_certificates(read(s3).encode()) == [
        x509.load_pem_x509_certificate(ca_pem.encode())
    ]
    assert data["CertificateCount"] == "1" and data["ChainDepth"] == "1"


# ------------------------------------------------------------------------------------------------- CRL


def test_der_crl_converts_to_an_equivalent_pem_crl(handler: ModuleType, pki: dict[str, LocalCa]) -> None:
    leaf = pki["a"].issue_end_entity(generate_key("EC_prime256v1"), dns_names=["revoked.internal.example"])
    der = pki["a"].crl(revoked=[leaf])

    converted = handler.crl_to_pem(der)

    assert converted.startswith("-----BEGIN X509 CRL-----\n") and converted.endswith(
        "-----END X509 CRL-----\n"
    )
    assert all(len(line) <= 64 for line in converted.splitlines())
    crl = x509.load_pem_x509_crl(converted.encode())
    assert crl == x509.load_der_x509_crl(der)
    assert crl.get_revoked_certificate_by_serial_number(leaf.serial_number) is not None
    assert crl.is_signature_valid(pki["a"].certificate.public_key())  # type: ignore[arg-type]
    # Already PEM (e.g. a hand-uploaded CRL): normalised, not double-encoded.
    assert handler.crl_to_pem(converted.replace("\n", "\r\n").encode()) == converted


def test_fails_on_a_crl_that_is_neither_der_nor_pem(handler: ModuleType) -> None:
    with pytest.raises(ValueError, match="neither DER"):
        handler.crl_to_pem(b"<html>AccessDenied</html>")


def test_publishes_the_cas_crl_as_pem_under_a_key_naming_its_content(
    handler: ModuleType, s3: Any, pca: Stubber, pki: dict[str, LocalCa]
) -> None:
    revoked = pki["a"].issue_end_entity(generate_key("EC_prime256v1"), dns_names=["gone.internal.example"])
    s3.put_object(Bucket=CRL_BUCKET, Key="crl/a.crl", Body=pki["a"].crl(revoked=[revoked]))
    answer(pca, pki["a"], ca_arn("a"))

    result = create(
        handler, [ca_arn("a")], Revocation=[{"CertificateAuthorityArn": ca_arn("a"), "CrlBucket": CRL_BUCKET}]
    )
    data = result["Data"]

    # One value for all CRLs: their keys name their content (issue 12.2: nothing per CA in the response).
    assert result["IsComplete"] is True
    assert not [k for k in data if k.startswith(("RevocationVersionId", "RevocationKey", "RevocationSha"))]
    body = read(s3, crl_key(handler, data))
    crl = x509.load_pem_x509_crl(body.encode())
    assert crl.get_revoked_certificate_by_serial_number(revoked.serial_number) is not None
    head = s3.head_object(Bucket=BUCKET, Key=crl_key(handler, data))
    assert head["Metadata"]["sha256"] == hashlib.sha256(body.encode()).hexdigest()
    assert data["RevocationGeneration"] == handler.crl_generation([body])


def test_waits_until_the_ca_has_published_its_first_crl(
    handler: ModuleType, s3: Any, pca: Stubber, pki: dict[str, LocalCa], caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 13.2: a new CA's first CRL comes ~30 minutes after its first issuance; the bundle polls for it."""
    caplog.set_level("INFO")
    answer(pca, pki["a"], ca_arn("a"))
    revocation = [{"CertificateAuthorityArn": ca_arn("a"), "CrlBucket": CRL_BUCKET}]
    pending = create(handler, [ca_arn("a")], Revocation=revocation)
    assert pending["IsComplete"] is False and "RevocationGeneration" not in pending["Data"]
    assert "no CRL at s3://ca-crls/crl/a.crl yet (S3 answered NoSuchKey)" in caplog.text

    der = pki["a"].crl()
    s3.put_object(Bucket=CRL_BUCKET, Key="crl/a.crl", Body=der)
    event = {
        "RequestType": "Create",
        "ResourceProperties": {
            "CertificateAuthorityArns": [ca_arn("a")],
            "Bucket": BUCKET,
            "BundleKey": KEY,
            "Revocation": revocation,
            "RevocationKeyPrefix": PREFIX,
        },
    }
    done = handler.is_complete(event)
    assert done["IsComplete"] is True
    assert x509.load_pem_x509_crl(
        read(s3, crl_key(handler, done["Data"])).encode()
    ) == x509.load_der_x509_crl(der)


def test_pem_helpers_round_trip(handler: ModuleType, pki: dict[str, LocalCa]) -> None:
    text = pki["b"].pem + "junk between blocks\n" + pki["root"].pem
    assert handler.split_pem(text, "CERTIFICATE") == [pki["b"].pem, pki["root"].pem]
    assert pem(pki["b"].certificate) == handler.der_to_pem(
        handler.pem_to_der(pki["b"].pem, "CERTIFICATE"), "CERTIFICATE"
    )


def test_reads_the_crl_under_the_cas_custom_path(
    handler: ModuleType, s3: Any, pca: Stubber, pki: dict[str, LocalCa]
) -> None:
    der = pki["a"].crl()
    s3.put_object(Bucket=CRL_BUCKET, Key="revocation/lists/a.crl", Body=der)
    answer(pca, pki["a"], ca_arn("a"))
    revocation = [
        {"CertificateAuthorityArn": ca_arn("a"), "CrlBucket": CRL_BUCKET, "CrlPath": "revocation/lists/"}
    ]
    data = create(handler, [ca_arn("a")], Revocation=revocation)["Data"]
    crl = x509.load_pem_x509_crl(read(s3, crl_key(handler, data)).encode())
    assert crl == x509.load_der_x509_crl(der)


# ------------------------------------------------------------------------------------------------- S3 403s


@pytest.fixture
def stubbed_s3(handler: ModuleType, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Stubber]]:
    """Both clients scripted: S3 answers the way it answers a role that may not list the bucket."""
    no_retry = Config(retries={"max_attempts": 1})
    clients = {
        "acm-pca": boto3.client("acm-pca", region_name=REGION, config=no_retry),
        "s3": boto3.client("s3", region_name=REGION, config=no_retry),
    }

    def factory(service: str, region: str | None = None) -> Any:
        return clients[service]

    factory.cache_clear = lambda: None  # type: ignore[attr-defined]
    monkeypatch.setattr(handler, "_client", factory)
    stubbers = {name: Stubber(client) for name, client in clients.items()}
    for stubber in stubbers.values():
        stubber.activate()
    yield stubbers
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()


def test_first_bundle_is_written_when_s3_hides_the_missing_object_behind_403(
    handler: ModuleType, stubbed_s3: dict[str, Stubber], pki: dict[str, LocalCa]
) -> None:
    """HeadObject on a key that does not exist yet is 403 (not 404) unless S3 deems the caller allowed to list
    the bucket; the first deploy must still write the bundle."""
    answer(stubbed_s3["acm-pca"], pki["a"], ca_arn("a"))
    stubbed_s3["s3"].add_client_error("head_object", service_error_code="403", http_status_code=403)
    stubbed_s3["s3"].add_response("put_object", {"VersionId": "v1"})

    data = create(handler, [ca_arn("a")])["Data"]

    assert data["BundleVersionId"] == "v1"


def test_waits_when_the_crl_is_missing_and_s3_says_access_denied(
    handler: ModuleType,
    stubbed_s3: dict[str, Stubber],
    pki: dict[str, LocalCa],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The role may read exactly the CRL key and may not list the CRL bucket: a missing CRL is AccessDenied."""
    caplog.set_level("INFO")
    answer(stubbed_s3["acm-pca"], pki["a"], ca_arn("a"))
    stubbed_s3["s3"].add_response("head_object", {"VersionId": "v1", "Metadata": {}})
    stubbed_s3["s3"].add_response("put_object", {"VersionId": "v2"})
    stubbed_s3["s3"].add_client_error("get_object", service_error_code="AccessDenied", http_status_code=403)
    result = create(
        handler, [ca_arn("a")], Revocation=[{"CertificateAuthorityArn": ca_arn("a"), "CrlBucket": CRL_BUCKET}]
    )
    assert result["IsComplete"] is False
    assert "no CRL at s3://ca-crls/crl/a.crl yet (S3 answered AccessDenied)" in caplog.text


def test_refresh_update_publishes_a_new_crl_and_keeps_the_unchanged_bundle(
    handler: ModuleType, s3: Any, pca: Stubber, pki: dict[str, LocalCa]
) -> None:
    """What a new ``Refresh`` value buys after a revocation: the new CRL gets a new key, the bundle keeps its
    version."""
    revocation = [{"CertificateAuthorityArn": ca_arn("a"), "CrlBucket": CRL_BUCKET}]
    s3.put_object(Bucket=CRL_BUCKET, Key="crl/a.crl", Body=pki["a"].crl())
    answer(pca, pki["a"], ca_arn("a"))
    first = create(handler, [ca_arn("a")], Revocation=revocation, Refresh="1")["Data"]

    revoked = pki["a"].issue_end_entity(generate_key("EC_prime256v1"), dns_names=["late.internal.example"])
    s3.put_object(Bucket=CRL_BUCKET, Key="crl/a.crl", Body=pki["a"].crl(revoked=[revoked]))
    answer(pca, pki["a"], ca_arn("a"))
    second = create(handler, [ca_arn("a")], "Update", Revocation=revocation, Refresh="2")["Data"]

    assert second["BundleVersionId"] == first["BundleVersionId"]
    assert crl_key(handler, second) != crl_key(handler, first)
    crl = x509.load_pem_x509_crl(read(s3, crl_key(handler, second)).encode())
    assert crl.get_revoked_certificate_by_serial_number(revoked.serial_number) is not None


def test_delete_does_not_depend_on_the_properties(handler: ModuleType, pca: Stubber) -> None:
    physical_id = f"s3://{BUCKET}/{KEY}"
    event = {"RequestType": "Delete", "PhysicalResourceId": physical_id, "ResourceProperties": {}}
    assert handler.on_event(event) == {"PhysicalResourceId": physical_id}
