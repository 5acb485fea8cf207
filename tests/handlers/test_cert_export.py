"""pki_handlers.cert_export: the stack's manifest of exported ACM private certificates -> Secrets Manager, and the
stack-wide renewal function, against moto and Stubber faults."""

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

REGION = "us-east-1"
ARN = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
SECRET = "svc/api/tls"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:svc/api/tls-AbCdEf"
OLD_VERSION = "00000000-0000-0000-0000-000000000000"
SCOPE = "Services"  # the stack's name
SCOPE_TAG = "pki-constructs:export-scope"
OURS = [{"Key": SCOPE_TAG, "Value": SCOPE}]


def load_handler() -> ModuleType:
    return load_named("cert_export")


@pytest.fixture
def handler(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    monkeypatch.setenv("EXPORT_SCOPE", SCOPE)
    monkeypatch.setenv("EXPORT_KMS_KEY_ARN", KEY_ARN)
    module = load_handler()
    delays: list[float] = []
    monkeypatch.setattr(module, "sleep", delays.append)
    module.delays = delays  # type: ignore[attr-defined]
    yield module
    module._client.cache_clear()


def manifest(*entries: dict[str, Any], key_arn: str = KEY_ARN) -> dict[str, Any]:
    """The Custom::PkiCertificateExports properties, as CloudFormation passes them (strings)."""
    return {"Scope": SCOPE, "KmsKeyArn": key_arn, "Exports": {f"Cert{i}": e for i, e in enumerate(entries)}}


def event(request: str = "Create", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "RequestType": request,
        "ResourceProperties": manifest({"CertificateArn": ARN, "SecretName": SECRET}),
    }
    body.update(extra)
    return body


def acm_event(certificate_arn: str, detail_type: str = "ACM Certificate Available") -> dict[str, Any]:
    """ACM's EventBridge event (ACM user guide, "Amazon EventBridge support for ACM")."""
    return {
        "version": "0",
        "detail-type": detail_type,
        "source": "aws.acm",
        "account": "123456789012",
        "region": REGION,
        "resources": [certificate_arn],
        "detail": {"Action": "RENEWAL", "CertificateType": "PRIVATE", "CommonName": "api.internal.example"},
    }


SCHEDULED = {
    "version": "0",
    "detail-type": "Scheduled Event",
    "source": "aws.events",
    "resources": [],
    "detail": {},
}


# ------------------------------------------------------------------------------------------------ moto flows


class Aws:
    """moto: an active Private CA, a CMK, and ACM private certificates issued from it, tagged as the stack tags
    exported certificates."""

    def __init__(self, handler: ModuleType) -> None:
        pca = boto3.client("acm-pca", region_name=REGION)
        self.ca_arn = pca.create_certificate_authority(
            CertificateAuthorityConfiguration={
                "KeyAlgorithm": "RSA_2048",
                "SigningAlgorithm": "SHA256WITHRSA",
                "Subject": {"CommonName": "Issuing CA"},
            },
            CertificateAuthorityType="ROOT",
        )["CertificateAuthorityArn"]
        self.acm = boto3.client("acm", region_name=REGION)
        self.sm = boto3.client("secretsmanager", region_name=REGION)
        self.key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
        self.exports: list[str] = []
        handler._client("acm").meta.events.register(
            "provide-client-params.acm.ExportCertificate",
            lambda params, **kw: self.exports.append(params["CertificateArn"]),
        )

    def certificate(
        self, name: str, secret: str, *, scope: str = SCOPE, own_key: str | None = None
    ) -> dict[str, Any]:
        """A certificate with the tags ServiceCertificate(export=True) gives it (the key only when it is the
        certificate's own); its manifest entry."""
        tags = [{"Key": SCOPE_TAG, "Value": scope}, {"Key": "pki-constructs:export-secret", "Value": secret}]
        if own_key:
            tags.append({"Key": "pki-constructs:export-kms-key", "Value": own_key})
        arn = self.acm.request_certificate(
            DomainName=f"{name}.internal.example", CertificateAuthorityArn=self.ca_arn, Tags=tags
        )["CertificateArn"]
        return {"CertificateArn": arn, "SecretName": secret, **({"KmsKeyArn": own_key} if own_key else {})}

    def value(self, secret: str = SECRET) -> dict[str, Any]:
        return json.loads(self.sm.get_secret_value(SecretId=secret)["SecretString"])  # type: ignore[no-any-return]

    def versions(self, secret: str) -> int:
        return len(self.sm.list_secret_version_ids(SecretId=secret)["Versions"])

    def current_version(self, secret: str = SECRET) -> str:
        stages = self.sm.describe_secret(SecretId=secret)["VersionIdsToStages"]
        return next(v for v, s in stages.items() if "AWSCURRENT" in s)


@pytest.fixture
def aws(handler: ModuleType, monkeypatch: pytest.MonkeyPatch) -> Iterator[Aws]:
    with mock_aws():
        world = Aws(handler)
        monkeypatch.setenv("EXPORT_KMS_KEY_ARN", world.key_arn)  # the stack's shared key
        yield world


def renew_in_moto(certificate_arn: str) -> x509.Certificate:
    """ACM renews in place: same ARN, new serial and key. moto has no renewal, so swap the bundle's material."""
    from moto.acm.models import CertBundle, acm_backends

    bundle = acm_backends["123456789012"][REGION].get_certificate(certificate_arn)
    fresh = CertBundle.generate_cert("api.internal.example", "123456789012", REGION)
    bundle.cert, bundle.key, bundle._cert, bundle._key = fresh.cert, fresh.key, fresh._cert, fresh._key
    return fresh._cert  # type: ignore[no-any-return]


def create(handler: ModuleType, aws: Aws, *entries: dict[str, Any]) -> dict[str, Any]:
    return handler.on_event(  # type: ignore[no-any-return]
        {"RequestType": "Create", "ResourceProperties": manifest(*entries, key_arn=aws.key_arn)}
    )


def test_create_exports_certificate_chain_and_encrypted_key(handler: ModuleType, aws: Aws) -> None:
    entry = aws.certificate("api", SECRET)

    result = create(handler, aws, entry)

    value = aws.value()
    acm_cert = aws.acm.get_certificate(CertificateArn=entry["CertificateArn"])
    certificate = x509.load_pem_x509_certificate(value["certificate"].encode())
    assert certificate == x509.load_pem_x509_certificate(acm_cert["Certificate"].encode())
    assert x509.load_pem_x509_certificates(value["certificate_chain"].encode())
    assert "BEGIN ENCRYPTED PRIVATE KEY" in value["private_key"]
    with pytest.raises(TypeError):  # encrypted: unusable without the passphrase
        serialization.load_pem_private_key(value["private_key"].encode(), password=None)
    key = serialization.load_pem_private_key(value["private_key"].encode(), value["passphrase"].encode())
    assert key.public_key() == certificate.public_key()
    assert not set("#$%") & set(value["passphrase"]) and len(value["passphrase"]) >= 32
    assert value["serial"] == str(certificate.serial_number)
    assert dt.datetime.fromisoformat(value["not_after"]) == certificate.not_valid_after_utc

    # The handler created the secret: with the stack's key and the scope tag its IAM conditions require.
    description = aws.sm.describe_secret(SecretId=SECRET)
    assert description["KmsKeyId"] == aws.key_arn
    tags = {t["Key"]: t["Value"] for t in description["Tags"]}
    assert tags == {SCOPE_TAG: SCOPE, "pki-constructs:certificate-arn": entry["CertificateArn"]}
    assert aws.current_version() == handler.version_token(
        entry["CertificateArn"], value["serial"], aws.key_arn
    )
    assert result == {
        "PhysicalResourceId": "pki-constructs-certificate-exports",
        "Data": {"Certificates": "1", "Exported": "1"},
    }


def test_response_and_logs_carry_no_key_material(
    handler: ModuleType, aws: Aws, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        result = create(handler, aws, aws.certificate("api", SECRET))
    value = aws.value()
    response = json.dumps(result)
    handler_logs = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("pki_handlers"))
    assert handler_logs  # it does log what it does ...
    for text in (response, handler_logs):  # ... but never the secret parts
        assert "BEGIN" not in text
        assert value["passphrase"] not in text
    assert len(response.encode()) < 4096


def test_retried_create_does_not_export_twice(handler: ModuleType, aws: Aws) -> None:
    entry = aws.certificate("api", SECRET)
    first = create(handler, aws, entry)
    version = aws.current_version()
    second = create(handler, aws, entry)

    assert aws.exports == [entry["CertificateArn"]]
    assert second == first
    assert aws.current_version() == version and aws.versions(SECRET) == 1


def test_create_exports_every_certificate_of_the_manifest(handler: ModuleType, aws: Aws) -> None:
    entries = [aws.certificate(f"svc{i}", f"svc/{i}/tls") for i in range(12)]

    result = create(handler, aws, *entries)

    assert sorted(aws.exports) == sorted(e["CertificateArn"] for e in entries)
    for entry in entries:
        assert aws.value(entry["SecretName"])["certificate_arn"] == entry["CertificateArn"]
    assert result["Data"] == {"Certificates": "12", "Exported": "12"}


@pytest.fixture
def few_rsa_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto generates an RSA key per certificate (~0.2 s each); certificates here differ by serial, so a small
    pool of keys keeps a 50-certificate test fast without changing what it checks."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    pool = [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)]
    counter = iter(range(10**6))
    monkeypatch.setattr(rsa, "generate_private_key", lambda **kw: pool[next(counter) % len(pool)])


@pytest.mark.usefixtures("few_rsa_keys")
def test_renewing_one_of_fifty_gives_only_its_secret_a_new_version(handler: ModuleType, aws: Aws) -> None:
    entries = [aws.certificate(f"svc{i:02}", f"svc/{i:02}/tls") for i in range(50)]
    create(handler, aws, *entries)
    before = {e["SecretName"]: aws.current_version(e["SecretName"]) for e in entries}
    assert all(aws.versions(e["SecretName"]) == 1 for e in entries)
    renewed = entries[17]
    fresh = renew_in_moto(renewed["CertificateArn"])

    assert handler.handler(acm_event(renewed["CertificateArn"])) == {"Checked": "1"}
    # The daily check afterwards sees all fifty current and writes nothing.
    assert handler.handler(SCHEDULED) == {"Checked": "50"}

    changed = [
        e["SecretName"] for e in entries if aws.current_version(e["SecretName"]) != before[e["SecretName"]]
    ]
    assert changed == [renewed["SecretName"]]
    assert aws.versions(renewed["SecretName"]) == 2
    assert sum(aws.versions(e["SecretName"]) for e in entries) == 51
    value = aws.value(renewed["SecretName"])
    assert x509.load_pem_x509_certificate(value["certificate"].encode()).serial_number == fresh.serial_number
    assert aws.exports.count(renewed["CertificateArn"]) == 2 and len(aws.exports) == 51


def test_daily_check_catches_a_renewal_whose_event_was_lost(handler: ModuleType, aws: Aws) -> None:
    entries = [aws.certificate(f"svc{i}", f"svc/{i}/tls") for i in range(5)]
    create(handler, aws, *entries)
    fresh = renew_in_moto(entries[3]["CertificateArn"])

    assert handler.handler(SCHEDULED) == {"Checked": "5"}

    assert [aws.versions(e["SecretName"]) for e in entries] == [1, 1, 1, 2, 1]
    assert aws.value(entries[3]["SecretName"])["serial"] == str(fresh.serial_number)


def test_events_of_other_certificates_are_ignored(handler: ModuleType, aws: Aws) -> None:
    ours = aws.certificate("api", SECRET)
    create(handler, aws, ours)
    other_stack = aws.certificate("other", "other/tls", scope=SCOPE.replace("Services", "Other"))
    untagged = aws.acm.request_certificate(
        DomainName="x.internal.example", CertificateAuthorityArn=aws.ca_arn
    )

    assert handler.handler(acm_event(other_stack["CertificateArn"])) == {"Checked": "0"}
    assert handler.handler(
        acm_event(untagged["CertificateArn"], "ACM Certificate Approaching Expiration")
    ) == {"Checked": "0"}
    assert handler.handler(SCHEDULED) == {"Checked": "1"}  # only this stack's certificate
    assert aws.exports == [ours["CertificateArn"]]


def test_approaching_expiration_event_reexports_a_renewed_certificate(handler: ModuleType, aws: Aws) -> None:
    entry = aws.certificate("api", SECRET)
    create(handler, aws, entry)
    fresh = renew_in_moto(entry["CertificateArn"])

    handler.handler(acm_event(entry["CertificateArn"], "ACM Certificate Approaching Expiration"))

    assert aws.value()["serial"] == str(fresh.serial_number)


def test_secret_scheduled_for_deletion_is_restored(handler: ModuleType, aws: Aws) -> None:
    entry = aws.certificate("api", SECRET)
    create(handler, aws, entry)
    aws.sm.delete_secret(SecretId=SECRET, RecoveryWindowInDays=7)

    handler.handler(SCHEDULED)

    assert aws.sm.describe_secret(SecretId=SECRET).get("DeletedDate") is None
    assert aws.value()["certificate_arn"] == entry["CertificateArn"]


def test_secret_deleted_out_of_band_is_recreated_with_the_cmk(handler: ModuleType, aws: Aws) -> None:
    entry = aws.certificate("api", SECRET)
    create(handler, aws, entry)
    aws.sm.delete_secret(SecretId=SECRET, ForceDeleteWithoutRecovery=True)

    handler.handler(acm_event(entry["CertificateArn"]))

    description = aws.sm.describe_secret(SecretId=SECRET)
    assert description["KmsKeyId"] == aws.key_arn
    assert aws.value()["certificate_arn"] == entry["CertificateArn"]


def test_fails_to_write_a_secret_of_another_owner(handler: ModuleType, aws: Aws) -> None:
    aws.sm.create_secret(Name=SECRET, SecretString="{}")  # someone else's secret, same name
    with pytest.raises(RuntimeError, match=rf"secret {SECRET} exists but is not one of this stack's exports"):
        create(handler, aws, aws.certificate("api", SECRET))
    assert aws.exports == []
    assert aws.sm.get_secret_value(SecretId=SECRET)["SecretString"] == "{}"


def test_update_exports_new_and_changed_entries_and_deletes_removed_secrets(
    handler: ModuleType, aws: Aws
) -> None:
    kept, removed, retained = (aws.certificate(n, f"svc/{n}/tls") for n in ("kept", "removed", "retained"))
    old = manifest(kept, removed, {**retained, "Retain": "true"}, key_arn=aws.key_arn)
    handler.on_event({"RequestType": "Create", "ResourceProperties": old})
    added = aws.certificate("added", "svc/added/tls")
    aws.exports.clear()

    result = handler.on_event(
        {
            "RequestType": "Update",
            "PhysicalResourceId": "pki-constructs-certificate-exports",
            "ResourceProperties": manifest(kept, added, key_arn=aws.key_arn),
            "OldResourceProperties": old,
        }
    )

    assert aws.exports == [added["CertificateArn"]]  # the unchanged entry is left alone
    assert result["Data"] == {"Certificates": "2", "Exported": "1"}
    assert result["PhysicalResourceId"] == "pki-constructs-certificate-exports"
    assert aws.sm.describe_secret(SecretId="svc/removed/tls").get("DeletedDate") is not None
    assert aws.sm.describe_secret(SecretId="svc/retained/tls").get("DeletedDate") is None


def test_delete_deletes_the_secrets_that_are_not_retained(handler: ModuleType, aws: Aws) -> None:
    gone, kept = aws.certificate("gone", "svc/gone/tls"), aws.certificate("kept", "svc/kept/tls")
    props = manifest(gone, {**kept, "Retain": "true"}, key_arn=aws.key_arn)
    handler.on_event({"RequestType": "Create", "ResourceProperties": props})

    result = handler.on_event(
        {
            "RequestType": "Delete",
            "PhysicalResourceId": "pki-constructs-certificate-exports",
            "ResourceProperties": props,
        }
    )

    assert result == {"PhysicalResourceId": "pki-constructs-certificate-exports"}
    assert aws.sm.describe_secret(SecretId="svc/gone/tls").get("DeletedDate") is not None
    assert aws.sm.describe_secret(SecretId="svc/kept/tls").get("DeletedDate") is None


def test_a_new_kms_key_gets_a_version_encrypted_with_it(handler: ModuleType, aws: Aws) -> None:
    entry = aws.certificate("api", SECRET)
    old = manifest(entry, key_arn=aws.key_arn)
    handler.on_event({"RequestType": "Create", "ResourceProperties": old})
    first = aws.current_version()
    new_key = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]

    handler.on_event(
        {
            "RequestType": "Update",
            "PhysicalResourceId": "pki-constructs-certificate-exports",
            "ResourceProperties": manifest({**entry, "KmsKeyArn": new_key}, key_arn=aws.key_arn),
            "OldResourceProperties": old,
        }
    )

    assert aws.sm.describe_secret(SecretId=SECRET)["KmsKeyId"] == new_key
    assert aws.current_version() != first
    assert len(aws.exports) == 2


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


TAGS = [
    *OURS,
    {"Key": "pki-constructs:export-secret", "Value": SECRET},
    {"Key": "pki-constructs:export-kms-key", "Value": KEY_ARN},
]


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
        "describe_secret",
        {"ARN": SECRET_ARN, "Name": SECRET, "VersionIdsToStages": {}, "Tags": OURS},
        {"SecretId": SECRET},
    )
    stubbed["acm"].add_client_error("export_certificate", "ThrottlingException")
    stubbed["acm"].add_client_error("export_certificate", "ThrottlingException")
    stubbed["acm"].add_response("export_certificate", _pem_response())
    stubbed["secretsmanager"].add_response("put_secret_value", {"ARN": SECRET_ARN, "VersionId": "0" * 32})

    result = handler.on_event(event())

    assert result["Data"] == {"Certificates": "1", "Exported": "1"}
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
        {
            "ARN": SECRET_ARN,
            "VersionIdsToStages": {token: ["AWSPENDING"], OLD_VERSION: ["AWSCURRENT"]},
            "Tags": OURS,
        },
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
    assert handler.on_event(event())["Data"]["Exported"] == "1"  # every stubbed call made, in this order


def test_access_denied_is_not_retried(handler: ModuleType, stubbed: dict[str, Stubber]) -> None:
    stubbed["acm"].add_client_error("describe_certificate", "AccessDeniedException")
    with pytest.raises(
        handler.aws.HandlerError,
        match=r"DescribeCertificate on arn:\S+ failed: AccessDeniedException.*permission",
    ):
        handler.on_event(event())
    assert handler.delays == []


def test_delete_of_retained_exports_makes_no_call(handler: ModuleType, stubbed: dict[str, Stubber]) -> None:
    # No stubbed responses: any AWS call would raise.
    retained = manifest({"CertificateArn": ARN, "SecretName": SECRET, "Retain": "true"})
    assert handler.on_event(
        {"RequestType": "Delete", "PhysicalResourceId": "exports", "ResourceProperties": retained}
    ) == {"PhysicalResourceId": "exports"}


def test_delete_survives_a_secret_it_may_not_delete(
    handler: ModuleType, stubbed: dict[str, Stubber], caplog: pytest.LogCaptureFixture
) -> None:
    """A failed Delete blocks the stack: the secret is left in place and named in the log instead."""
    stubbed["secretsmanager"].add_client_error("delete_secret", "AccessDeniedException")
    assert handler.on_event(event("Delete", PhysicalResourceId="exports")) == {
        "PhysicalResourceId": "exports"
    }
    assert f"could not delete secret {SECRET}" in caplog.text


def test_renewal_check_fails_loudly_when_acm_let_the_certificate_expire(
    handler: ModuleType, stubbed: dict[str, Stubber]
) -> None:
    expired = describe(NotAfter=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    token = handler.version_token(ARN, "0a:0b", KEY_ARN)
    stubbed["acm"].add_response("list_tags_for_certificate", {"Tags": TAGS}, {"CertificateArn": ARN})
    stubbed["acm"].add_response("describe_certificate", expired)
    stubbed["secretsmanager"].add_response(
        "describe_secret", {"ARN": SECRET_ARN, "VersionIdsToStages": {token: ["AWSCURRENT"]}, "Tags": OURS}
    )
    stubbed["acm"].add_response("get_certificate", {"Certificate": _pem_response()["Certificate"]})
    with pytest.raises(RuntimeError, match=r"expired.*AWS::ACMPCA::Permission"):
        handler.handler(acm_event(ARN, "ACM Certificate Approaching Expiration"))


def test_fails_when_a_property_is_missing(handler: ModuleType) -> None:
    with pytest.raises(ValueError, match="KmsKeyArn"):
        handler.on_event({"RequestType": "Create", "ResourceProperties": {"Scope": SCOPE, "Exports": {}}})
    with pytest.raises(ValueError, match=r"Exports\[0\] lacks SecretName"):
        handler.on_event({"RequestType": "Create", "ResourceProperties": manifest({"CertificateArn": ARN})})


def test_renewal_check_names_the_renewal_causes_when_acm_marked_the_certificate_expired(
    handler: ModuleType, stubbed: dict[str, Stubber]
) -> None:
    """Once NotAfter has passed ACM reports Status EXPIRED (no FailureReason), not ISSUED with an old date."""
    expired = describe("EXPIRED", NotAfter=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    stubbed["acm"].add_response("list_tags_for_certificate", {"Tags": TAGS}, {"CertificateArn": ARN})
    stubbed["acm"].add_response("describe_certificate", expired, {"CertificateArn": ARN})
    with pytest.raises(RuntimeError, match=r"expired and ACM has not renewed it.*AWS::ACMPCA::Permission"):
        handler.handler(acm_event(ARN))


def test_delete_does_not_depend_on_the_properties(handler: ModuleType, stubbed: dict[str, Stubber]) -> None:
    """A Delete carrying properties of another (older or broken) shape must still succeed: a failed Delete can
    block the stack. The per-certificate export resources of earlier versions are deleted this way on upgrade."""
    assert handler.on_event(
        {"RequestType": "Delete", "PhysicalResourceId": ARN, "ResourceProperties": {}}
    ) == {"PhysicalResourceId": ARN}
    earlier = {"CertificateArn": ARN, "SecretName": SECRET, "KmsKeyArn": KEY_ARN}
    assert handler.on_event(
        {"RequestType": "Delete", "PhysicalResourceId": ARN, "ResourceProperties": earlier}
    ) == {"PhysicalResourceId": ARN}


def test_several_failures_are_reported_together(handler: ModuleType, stubbed: dict[str, Stubber]) -> None:
    other = ARN.replace("5555", "6666")
    for arn in (ARN, other):
        stubbed["acm"].add_response(
            "describe_certificate", describe("FAILED", FailureReason="PCA_ACCESS_DENIED", CertificateArn=arn)
        )
    props = manifest(
        {"CertificateArn": ARN, "SecretName": SECRET}, {"CertificateArn": other, "SecretName": "b"}
    )
    with pytest.raises(
        RuntimeError, match=r"2 of 2 export\(s\) failed: .*PCA_ACCESS_DENIED.*PCA_ACCESS_DENIED"
    ):
        handler.on_event({"RequestType": "Create", "ResourceProperties": props})


def test_stack_delete_after_an_out_of_band_delete_leaves_no_secret(handler: ModuleType, aws: Aws) -> None:
    """No orphaned key material: a secret the handler had to re-create is in the manifest like any other, so
    the stack's Delete removes it too."""
    entry = aws.certificate("api", SECRET)
    props = manifest(entry, key_arn=aws.key_arn)
    handler.on_event({"RequestType": "Create", "ResourceProperties": props})
    aws.sm.delete_secret(SecretId=SECRET, ForceDeleteWithoutRecovery=True)  # out of band
    handler.handler(SCHEDULED)  # re-created, under the same name
    assert aws.sm.describe_secret(SecretId=SECRET).get("DeletedDate") is None

    handler.on_event(
        {
            "RequestType": "Delete",
            "PhysicalResourceId": "pki-constructs-certificate-exports",
            "ResourceProperties": props,
        }
    )

    assert aws.sm.describe_secret(SecretId=SECRET).get("DeletedDate") is not None


def test_renewal_uses_a_certificates_own_key(handler: ModuleType, aws: Aws) -> None:
    own = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    shared, mine = (
        aws.certificate("shared", "svc/shared/tls"),
        aws.certificate("own", "svc/own/tls", own_key=own),
    )
    create(handler, aws, shared, mine)
    renew_in_moto(shared["CertificateArn"])
    renew_in_moto(mine["CertificateArn"])

    handler.handler(SCHEDULED)

    assert aws.sm.describe_secret(SecretId="svc/own/tls")["KmsKeyId"] == own
    assert aws.sm.describe_secret(SecretId="svc/shared/tls")["KmsKeyId"] == aws.key_arn
    assert aws.versions("svc/own/tls") == aws.versions("svc/shared/tls") == 2


def test_debug_log_level_writes_no_key_material(aws: Aws, monkeypatch: pytest.MonkeyPatch) -> None:
    # Lambda's ApplicationLogLevel=DEBUG sets the root logger to DEBUG before the handler is imported
    # (attack3/debuglog.py): botocore's wire records then carry ExportCertificate's Passphrase and PrivateKey.
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root, keep = logging.getLogger(), Keep(logging.DEBUG)
    wire = {name: logging.getLogger(name).level for name in ("botocore", "boto3", "urllib3", "s3transfer")}
    monkeypatch.setattr(root, "level", logging.DEBUG)
    root.addHandler(keep)
    try:
        index = load_handler()
        assert logging.getLogger("botocore").getEffectiveLevel() == logging.WARNING
        logging.getLogger("botocore").setLevel(
            logging.DEBUG
        )  # lowered again: the root handler's filter holds
        props = manifest(aws.certificate("api", SECRET), key_arn=aws.key_arn)
        index.on_event({"RequestType": "Create", "ResourceProperties": props})
    finally:
        root.removeHandler(keep)
        for name, level in wire.items():
            logging.getLogger(name).setLevel(level)
    passphrase = aws.value()["passphrase"]
    assert any(r.name.startswith("pki_handlers") for r in records)
    for record in records:
        text = f"{record.getMessage()} {record.args!r}"
        assert "PRIVATE KEY" not in text and "Passphrase" not in text and passphrase not in text, record.name
