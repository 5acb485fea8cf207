"""pki_handlers.cert_export: ACM private certificate -> Secrets Manager, against moto and Stubber faults."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from moto import mock_aws

from tests.handler_loading import load_handler as load_named
from tests.local_pki import sha256_fingerprint

REGION = "us-east-1"
ARN = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
SECRET = "svc/api/tls"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:svc/api/tls-AbCdEf"
OLD_VERSION = "00000000-0000-0000-0000-000000000000"


def load_handler() -> ModuleType:
    return load_named("cert_export")


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    module = load_handler()
    delays: list[float] = []
    monkeypatch.setattr(module, "sleep", delays.append)
    module.delays = delays  # type: ignore[attr-defined]
    yield module
    module._client.cache_clear()


def event(request: str = "Create", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "RequestType": request,
        "ResourceProperties": {"CertificateArn": ARN, "SecretName": SECRET, "KmsKeyArn": KEY_ARN},
    }
    body.update(extra)
    return body


# ------------------------------------------------------------------------------------------------ moto flows


@pytest.fixture
def aws(handler: ModuleType) -> Iterator[dict[str, Any]]:
    """moto: an active Private CA, an ACM private certificate it issued, a CMK and the stack's secret."""
    with mock_aws():
        pca = boto3.client("acm-pca", region_name=REGION)
        ca_arn = pca.create_certificate_authority(
            CertificateAuthorityConfiguration={
                "KeyAlgorithm": "RSA_2048",
                "SigningAlgorithm": "SHA256WITHRSA",
                "Subject": {"CommonName": "Issuing CA"},
            },
            CertificateAuthorityType="ROOT",
        )["CertificateAuthorityArn"]
        acm = boto3.client("acm", region_name=REGION)
        cert_arn = acm.request_certificate(DomainName="api.internal.example", CertificateAuthorityArn=ca_arn)[
            "CertificateArn"
        ]
        key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
        sm = boto3.client("secretsmanager", region_name=REGION)
        # What the construct's secretsmanager.Secret creates: a placeholder the export overwrites.
        sm.create_secret(Name=SECRET, KmsKeyId=key_arn, SecretString="{}")
        exports: list[str] = []
        handler._client("acm").meta.events.register(
            "provide-client-params.acm.ExportCertificate",
            lambda params, **kw: exports.append(params["CertificateArn"]),
        )
        props = {"CertificateArn": cert_arn, "SecretName": SECRET, "KmsKeyArn": key_arn}
        yield {
            "acm": acm,
            "sm": sm,
            "cert_arn": cert_arn,
            "key_arn": key_arn,
            "props": props,
            "exports": exports,
        }


def create(handler: ModuleType, aws: dict[str, Any]) -> dict[str, Any]:
    return handler.on_event({"RequestType": "Create", "ResourceProperties": aws["props"]})  # type: ignore[no-any-return]


def secret_value(aws: dict[str, Any]) -> dict[str, Any]:
    return json.loads(aws["sm"].get_secret_value(SecretId=SECRET)["SecretString"])  # type: ignore[no-any-return]


def test_create_exports_certificate_chain_and_encrypted_key(handler: ModuleType, aws: dict[str, Any]) -> None:
    result = create(handler, aws)

    value = secret_value(aws)
    acm_cert = aws["acm"].get_certificate(CertificateArn=aws["cert_arn"])
    certificate = x509.load_pem_x509_certificate(value["certificate"].encode())
    assert certificate == x509.load_pem_x509_certificate(acm_cert["Certificate"].encode())
    assert x509.load_pem_x509_certificates(value["certificate_chain"].encode())
    assert "BEGIN ENCRYPTED PRIVATE KEY" in value["private_key"]
    with pytest.raises(TypeError):  # encrypted: unusable without the passphrase
        serialization.load_pem_private_key(value["private_key"].encode(), password=None)
    key = serialization.load_pem_private_key(value["private_key"].encode(), value["passphrase"].encode())
    assert key.public_key() == certificate.public_key()
    assert not set("#$%") & set(value["passphrase"]) and len(value["passphrase"]) >= 32

    data = result["Data"]
    assert result["PhysicalResourceId"] == SECRET  # stable: the secret a Delete must look at
    assert data["CertificateArn"] == aws["cert_arn"]
    assert data["SecretArn"] == aws["sm"].describe_secret(SecretId=SECRET)["ARN"]
    assert data["Serial"] == value["serial"] == str(certificate.serial_number)
    assert data["Sha256Fingerprint"] == sha256_fingerprint(certificate)
    assert dt.datetime.fromisoformat(data["NotAfter"]) == certificate.not_valid_after_utc
    assert data["SecretVersionId"] == handler.version_token(aws["cert_arn"], data["Serial"], aws["key_arn"])


def test_response_and_logs_carry_no_key_material(
    handler: ModuleType, aws: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        result = create(handler, aws)
    value = secret_value(aws)
    response = json.dumps(result)
    handler_logs = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("pki_handlers"))
    assert handler_logs  # it does log what it does ...
    for text in (response, handler_logs):  # ... but never the secret parts
        assert "BEGIN" not in text
        assert value["passphrase"] not in text
    assert len(response.encode()) < 4096


def test_retried_create_does_not_export_twice(handler: ModuleType, aws: dict[str, Any]) -> None:
    first = create(handler, aws)
    second = create(handler, aws)

    assert aws["exports"] == [aws["cert_arn"]]
    assert second == first
    versions = aws["sm"].list_secret_version_ids(SecretId=SECRET)["Versions"]
    assert [v["VersionId"] for v in versions if "AWSCURRENT" in v["VersionStages"]] == [
        first["Data"]["SecretVersionId"]
    ]


def test_renewal_event_reexports_the_new_certificate(handler: ModuleType, aws: dict[str, Any]) -> None:
    from moto.acm.models import CertBundle, acm_backends

    first = create(handler, aws)
    # ACM renews in place: same ARN, new serial and key. moto has no renewal, so swap the bundle's material.
    bundle = acm_backends["123456789012"][REGION].get_certificate(aws["cert_arn"])
    fresh = CertBundle.generate_cert("api.internal.example", "123456789012", REGION)
    bundle.cert, bundle.key, bundle._cert, bundle._key = fresh.cert, fresh.key, fresh._cert, fresh._key

    renewal = {**aws["props"], "Trigger": "ACM Certificate Available"}
    data = handler.handler(renewal)

    assert aws["exports"] == [aws["cert_arn"], aws["cert_arn"]]
    assert data["Serial"] == str(fresh._cert.serial_number) != first["Data"]["Serial"]
    value = secret_value(aws)
    assert (
        x509.load_pem_x509_certificate(value["certificate"].encode()).serial_number
        == fresh._cert.serial_number
    )
    # A later scheduled check finds the secret current and exports nothing.
    assert handler.handler(aws["props"]) == data
    assert len(aws["exports"]) == 2


def test_secret_scheduled_for_deletion_is_restored(handler: ModuleType, aws: dict[str, Any]) -> None:
    aws["sm"].delete_secret(SecretId=SECRET, RecoveryWindowInDays=7)

    result = create(handler, aws)

    description = aws["sm"].describe_secret(SecretId=SECRET)
    assert description.get("DeletedDate") is None
    assert result["Data"]["SecretArn"] == description["ARN"]
    assert secret_value(aws)["serial"] == result["Data"]["Serial"]


def test_secret_deleted_out_of_band_is_recreated_with_the_cmk(
    handler: ModuleType, aws: dict[str, Any]
) -> None:
    aws["sm"].delete_secret(SecretId=SECRET, ForceDeleteWithoutRecovery=True)

    result = create(handler, aws)

    description = aws["sm"].describe_secret(SecretId=SECRET)
    assert description["KmsKeyId"] == aws["key_arn"]
    assert result["Data"]["SecretArn"] == description["ARN"]
    assert secret_value(aws)["serial"] == result["Data"]["Serial"]


def test_delete_leaves_the_secret_to_cloudformation(handler: ModuleType, aws: dict[str, Any]) -> None:
    create(handler, aws)
    result = handler.on_event(
        {"RequestType": "Delete", "PhysicalResourceId": aws["cert_arn"], "ResourceProperties": aws["props"]}
    )
    assert result == {"PhysicalResourceId": aws["cert_arn"]}
    assert secret_value(aws)["serial"]


# ------------------------------------------------------------------------------------------- Stubber faults


@pytest.fixture
def stubbed(handler: ModuleType, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Stubber]]:
    clients = {
        name: boto3.client(name, region_name=REGION, config=Config(retries={"max_attempts": 1}))
        for name in ("acm", "secretsmanager")
    }
    monkeypatch.setattr(handler, "_client", _cached(clients))
    stubbers = {name: Stubber(client) for name, client in clients.items()}
    for stubber in stubbers.values():
        stubber.activate()
    yield stubbers
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()


def _cached(clients: dict[str, Any]) -> Any:
    def factory(service: str) -> Any:
        return clients[service]

    factory.cache_clear = lambda: None  # type: ignore[attr-defined]
    return factory


def describe(status: str = "ISSUED", **extra: Any) -> dict[str, Any]:
    certificate: dict[str, Any] = {
        "CertificateArn": ARN,
        "Status": status,
        "Type": "PRIVATE",
        "Serial": "0a:0b",
        "NotAfter": dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    }
    certificate.update(extra)
    return {"Certificate": certificate}


def test_fails_clearly_when_certificate_is_not_issued_yet(
    handler: ModuleType, stubbed: dict[str, Stubber]
) -> None:
    stubbed["acm"].add_response(
        "describe_certificate", describe("PENDING_VALIDATION"), {"CertificateArn": ARN}
    )
    with pytest.raises(handler.NotYetIssued, match="PENDING_VALIDATION"):
        handler.on_event(event())


def test_fails_clearly_when_export_is_still_in_progress(
    handler: ModuleType, stubbed: dict[str, Stubber]
) -> None:
    stubbed["acm"].add_response("describe_certificate", describe(), {"CertificateArn": ARN})
    stubbed["secretsmanager"].add_client_error("describe_secret", "ResourceNotFoundException")
    stubbed["acm"].add_client_error("export_certificate", "RequestInProgressException")
    with pytest.raises(handler.NotYetIssued, match="still being issued"):
        handler.on_event(event())


def test_fails_with_a_hint_when_acm_could_not_issue_from_an_inactive_ca(
    handler: ModuleType, stubbed: dict[str, Stubber]
) -> None:
    stubbed["acm"].add_response(
        "describe_certificate", describe("FAILED", FailureReason="PCA_INVALID_STATE"), {"CertificateArn": ARN}
    )
    with pytest.raises(RuntimeError, match=r"PCA_INVALID_STATE.*activation"):
        handler.on_event(event())


def test_fails_for_a_public_certificate(handler: ModuleType, stubbed: dict[str, Stubber]) -> None:
    stubbed["acm"].add_response(
        "describe_certificate", describe(Type="AMAZON_ISSUED"), {"CertificateArn": ARN}
    )
    with pytest.raises(ValueError, match="AMAZON_ISSUED"):
        handler.on_event(event())


def _pem_response() -> dict[str, str]:
    from tests.local_pki import LocalCa, generate_key, pem

    ca = LocalCa.root("Stub CA")
    leaf_key = generate_key("EC_prime256v1")
    leaf = ca.issue_end_entity(leaf_key, dns_names=["api.internal.example"])
    encrypted = leaf_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"stub-passphrase"),
    ).decode()
    return {"Certificate": pem(leaf), "CertificateChain": ca.pem, "PrivateKey": encrypted}


def test_throttled_export_backs_off_and_succeeds(handler: ModuleType, stubbed: dict[str, Stubber]) -> None:
    stubbed["acm"].add_response("describe_certificate", describe(), {"CertificateArn": ARN})
    stubbed["secretsmanager"].add_response(
        "describe_secret", {"ARN": SECRET_ARN, "Name": SECRET, "VersionIdsToStages": {}}, {"SecretId": SECRET}
    )
    stubbed["acm"].add_client_error("export_certificate", "ThrottlingException")
    stubbed["acm"].add_client_error("export_certificate", "ThrottlingException")
    stubbed["acm"].add_response("export_certificate", _pem_response())
    stubbed["secretsmanager"].add_response("put_secret_value", {"ARN": SECRET_ARN, "VersionId": "0" * 32})

    result = handler.on_event(event())

    assert result["Data"]["SecretArn"] == SECRET_ARN
    assert len(handler.delays) == 2 and all(d > 0 for d in handler.delays)  # backed off twice


def test_fails_after_bounded_retries_when_throttling_persists(
    handler: ModuleType, stubbed: dict[str, Stubber]
) -> None:
    for _ in range(handler._ATTEMPTS):
        stubbed["acm"].add_client_error("describe_certificate", "ThrottlingException")
    with pytest.raises(RuntimeError, match="throttled after"):
        handler.on_event(event())
    assert len(handler.delays) == handler._ATTEMPTS - 1


def test_interrupted_earlier_attempt_is_promoted_not_stored_twice(
    handler: ModuleType, stubbed: dict[str, Stubber]
) -> None:
    token = handler.version_token(ARN, "0a:0b", KEY_ARN)
    stubbed["acm"].add_response("describe_certificate", describe(), {"CertificateArn": ARN})
    # The version exists (an earlier invocation stored it) but is not AWSCURRENT.
    stubbed["secretsmanager"].add_response(
        "describe_secret",
        {"ARN": SECRET_ARN, "VersionIdsToStages": {token: ["AWSPENDING"], OLD_VERSION: ["AWSCURRENT"]}},
    )
    stubbed["acm"].add_response("export_certificate", _pem_response())
    stubbed["secretsmanager"].add_client_error("put_secret_value", "ResourceExistsException")
    stubbed["secretsmanager"].add_response(
        "describe_secret",
        {"ARN": SECRET_ARN, "VersionIdsToStages": {token: ["AWSPENDING"], OLD_VERSION: ["AWSCURRENT"]}},
    )
    stubbed["secretsmanager"].add_response(
        "update_secret_version_stage",
        {"ARN": SECRET_ARN},
        {
            "SecretId": SECRET,
            "VersionStage": "AWSCURRENT",
            "MoveToVersionId": token,
            "RemoveFromVersionId": OLD_VERSION,
        },
    )
    assert handler.on_event(event())["Data"]["SecretVersionId"] == token


def test_access_denied_is_not_retried(handler: ModuleType, stubbed: dict[str, Stubber]) -> None:
    stubbed["acm"].add_client_error("describe_certificate", "AccessDeniedException")
    with pytest.raises(
        handler.aws.HandlerError,
        match=r"DescribeCertificate on arn:\S+ failed: AccessDeniedException.*permission",
    ):
        handler.on_event(event())
    assert handler.delays == []


def test_delete_makes_no_call(handler: ModuleType, stubbed: dict[str, Stubber]) -> None:
    # No stubbed responses: any AWS call would raise.
    assert handler.on_event(event("Delete", PhysicalResourceId=ARN)) == {"PhysicalResourceId": ARN}


def test_renewal_check_fails_loudly_when_acm_let_the_certificate_expire(
    handler: ModuleType, stubbed: dict[str, Stubber]
) -> None:
    expired = describe(NotAfter=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    token = handler.version_token(ARN, "0a:0b", KEY_ARN)
    stubbed["acm"].add_response("describe_certificate", expired)
    stubbed["secretsmanager"].add_response(
        "describe_secret", {"ARN": SECRET_ARN, "VersionIdsToStages": {token: ["AWSCURRENT"]}}
    )
    stubbed["acm"].add_response("get_certificate", {"Certificate": _pem_response()["Certificate"]})
    with pytest.raises(RuntimeError, match=r"expired.*AWS::ACMPCA::Permission"):
        handler.handler({"CertificateArn": ARN, "SecretName": SECRET, "KmsKeyArn": KEY_ARN})


def test_fails_when_a_property_is_missing(handler: ModuleType) -> None:
    with pytest.raises(ValueError, match="KmsKeyArn"):
        handler.on_event(
            {"RequestType": "Create", "ResourceProperties": {"CertificateArn": ARN, "SecretName": "x"}}
        )


def test_a_new_kms_key_gets_a_version_encrypted_with_it(handler: ModuleType, aws: dict[str, Any]) -> None:
    first = create(handler, aws)
    new_key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    aws["sm"].update_secret(SecretId=SECRET, KmsKeyId=new_key)  # what CloudFormation does on a key change

    second = handler.on_event(
        {"RequestType": "Update", "ResourceProperties": {**aws["props"], "KmsKeyArn": new_key}}
    )

    assert second["Data"]["SecretVersionId"] != first["Data"]["SecretVersionId"]
    assert len(aws["exports"]) == 2
    assert secret_value(aws)["serial"] == first["Data"]["Serial"]


def test_renewal_check_names_the_renewal_causes_when_acm_marked_the_certificate_expired(
    handler: ModuleType, stubbed: dict[str, Stubber]
) -> None:
    """Once NotAfter has passed ACM reports Status EXPIRED (no FailureReason), not ISSUED with an old date."""
    expired = describe("EXPIRED", NotAfter=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    stubbed["acm"].add_response("describe_certificate", expired, {"CertificateArn": ARN})
    with pytest.raises(RuntimeError, match=r"expired and ACM has not renewed it.*AWS::ACMPCA::Permission"):
        handler.handler({"CertificateArn": ARN, "SecretName": SECRET, "KmsKeyArn": KEY_ARN})


def test_delete_does_not_depend_on_the_properties(handler: ModuleType, stubbed: dict[str, Stubber]) -> None:
    """A Delete carrying properties of another (older or broken) shape must still succeed: a failed Delete can
    block the stack."""
    assert handler.on_event(
        {"RequestType": "Delete", "PhysicalResourceId": ARN, "ResourceProperties": {}}
    ) == {"PhysicalResourceId": ARN}


# ------------------------------------------------------------------------------------------- no orphaned keys


def _stack_delete(handler: ModuleType, aws: dict[str, Any], physical_id: str, original_arn: str) -> None:
    """What CloudFormation does on stack delete: the export (it depends on the secret) first, then the secret
    resource by the ARN it recorded at create time."""
    handler.on_event(
        {"RequestType": "Delete", "PhysicalResourceId": physical_id, "ResourceProperties": aws["props"]}
    )
    try:
        aws["sm"].delete_secret(SecretId=original_arn, ForceDeleteWithoutRecovery=True)
    except aws["sm"].exceptions.ResourceNotFoundException:
        pass  # CloudFormation treats a secret that is already gone as deleted


def test_stack_delete_after_an_out_of_band_delete_leaves_no_secret(
    handler: ModuleType, aws: dict[str, Any]
) -> None:
    original_arn = aws["sm"].describe_secret(SecretId=SECRET)["ARN"]
    created = create(handler, aws)
    aws["sm"].delete_secret(SecretId=SECRET, ForceDeleteWithoutRecovery=True)  # out of band

    updated = handler.on_event(
        {
            "RequestType": "Update",
            "PhysicalResourceId": created["PhysicalResourceId"],
            "ResourceProperties": aws["props"],
        }
    )

    assert updated["PhysicalResourceId"] == created["PhysicalResourceId"] == SECRET  # the same resource
    recreated = aws["sm"].describe_secret(SecretId=SECRET)
    assert recreated["ARN"] != original_arn  # CloudFormation's Delete would miss it ...
    assert secret_value(aws)["serial"] == updated["Data"]["Serial"]
    _stack_delete(handler, aws, updated["PhysicalResourceId"], original_arn)
    assert aws["sm"].list_secrets()["SecretList"] == []  # ... the export's Delete did not


def test_delete_leaves_the_stacks_own_secret_to_cloudformation(
    handler: ModuleType, aws: dict[str, Any]
) -> None:
    created = create(handler, aws)
    handler.on_event(
        {
            "RequestType": "Delete",
            "PhysicalResourceId": created["PhysicalResourceId"],
            "ResourceProperties": aws["props"],
        }
    )
    assert (
        secret_value(aws)["serial"] == created["Data"]["Serial"]
    )  # CloudFormation deletes it (or retains it)


def test_delete_keeps_a_recreated_secret_when_the_stack_retains_its_secret(
    handler: ModuleType, aws: dict[str, Any]
) -> None:
    created = create(handler, aws)
    aws["sm"].delete_secret(SecretId=SECRET, ForceDeleteWithoutRecovery=True)
    retained = {**aws["props"], "RetainSecret": "true"}
    handler.on_event({"RequestType": "Update", "PhysicalResourceId": SECRET, "ResourceProperties": retained})
    handler.on_event({"RequestType": "Delete", "PhysicalResourceId": SECRET, "ResourceProperties": retained})
    assert secret_value(aws)["serial"] == created["Data"]["Serial"]
