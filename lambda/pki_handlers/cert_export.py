"""Export ACM private certificates into Secrets Manager secrets, and keep the secrets current.

One stack holds one export mechanism, however many certificates it exports (pki_constructs.certificate_exports):

* ``pki_handlers.cert_export.on_event`` — the custom-resource Provider handler of the stack's one
  ``Custom::PkiCertificateExports`` resource. Its properties are the manifest (:class:`ManifestProperties`):
  ``Scope`` (the stack's name), ``KmsKeyArn`` (the stack's shared key) and ``Exports``, a map (keyed by
  certificate construct) of ``{"CertificateArn", "SecretName", "KmsKeyArn"?, "Retain"?}``. Create exports every
  entry; Update exports the new and changed entries and deletes the secrets of removed ones; Delete deletes the
  secrets that are not retained. The secrets are created here (tagged with the scope), not by CloudFormation,
  so an exported certificate costs the stack one resource: its ACM certificate. No orphaned key material: every
  secret this handler writes is in the manifest, and leaves with it.
* ``pki_handlers.cert_export.handler`` — the EventBridge entry point of the stack's one renewal function. An
  ACM event ("ACM Certificate Available", "ACM Certificate Approaching Expiration"; ``resources[0]`` is the
  certificate ARN) re-exports that certificate if it is one of this stack's; the daily schedule ("Scheduled
  Event") checks every certificate of the stack. A certificate is this stack's when its tag
  ``pki-constructs:export-scope`` equals ``EXPORT_SCOPE``; its tag ``pki-constructs:export-secret`` names its
  secret, and ``pki-constructs:export-kms-key`` its own key if it has one (else ``EXPORT_KMS_KEY_ARN``, the
  stack's shared key). The certificate is the manifest; the stack owns its tags. Failures raise, so the function's retries, dead-letter queue and alarm see them.

The secret value is JSON: ``certificate``, ``certificate_chain``, ``private_key`` (PKCS#8 PEM encrypted with
``passphrase``), ``passphrase``, ``certificate_arn``, ``serial``, ``not_after``. Each export is stored as a
secret version whose ClientRequestToken is derived from (certificate ARN, serial, KMS key): a retried or
repeated export of the same certificate generation is detected without reading the secret value, and a
new key gets a version encrypted with it. A secret that exists without this stack's scope tag is never
written (another owner's secret must not receive a private key).

Responses carry counts; logs carry ARNs, serials and names — never PEM, key or passphrase.
"""

from __future__ import annotations

import json
import os
import secrets
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict, cast

from . import aws
from .aws import LambdaContext
from .framework import CustomResourceEvent, OnEventResponse
from .logs import Logger
from .x509 import PemError, certificate_fingerprint, normalise_pem

LOG = Logger(__name__)

SCOPE_TAG = "pki-constructs:export-scope"
SECRET_TAG = "pki-constructs:export-secret"
KEY_TAG = "pki-constructs:export-kms-key"
CERTIFICATE_TAG = "pki-constructs:certificate-arn"
"""Tag keys shared with pki_constructs.certificate_exports (the IAM conditions name them too)."""
RECOVERY_WINDOW_DAYS = 7
"""Secrets Manager's shortest recovery window: a deleted export can be restored for a week (and is, by the
next export of the same name: see export_if_needed)."""
WORKERS = 8
"""Exports run in parallel (each is a few API calls); _call backs off when ACM throttles."""
PHYSICAL_ID = "pki-constructs-certificate-exports"

_TOKEN_NAMESPACE = uuid.UUID("8d6a3f0e-3c1f-4d0b-9a55-6f1b0c2d7e41")
_ATTEMPTS = 6
"""Our own bounded back-off on top of the SDK's retries (ACM export is throttled per account)."""
_RENEWAL_HINT = (
    "check the CA is ACTIVE and that acm.amazonaws.com holds IssueCertificate/GetCertificate permission "
    "on it (AWS::ACMPCA::Permission)"
)
_HINTS = {
    "AccessDeniedException": "the function's role lacks this permission (granted by the stack's CertificateExports "
    "on certificates and secrets tagged with the stack's export scope, and on the exact KMS keys); check the "
    "tags, and look for an SCP, permissions boundary or a KMS key policy that denies it",
    "LimitExceededException": "ACM's ExportCertificate quota is exhausted; retry later or request an increase",
    "EncryptionFailure": "Secrets Manager could not use the KMS key: the key policy must allow this role "
    "kms:GenerateDataKey via secretsmanager",
    "KMSInvalidStateException": "the secret's KMS key is disabled or pending deletion: enable it",
}

sleep: Callable[[float], None] = time.sleep
"""Indirection so tests can run the back-off without waiting."""


class ExportEntry(TypedDict):
    """One certificate of the manifest, as the handler uses it."""

    CertificateArn: str
    SecretName: str
    KmsKeyArn: str
    Retain: bool


class ManifestProperties(TypedDict):
    """``Custom::PkiCertificateExports`` ResourceProperties (CloudFormation passes scalars as strings)."""

    ServiceToken: NotRequired[str]
    Scope: str
    KmsKeyArn: str
    Exports: dict[str, dict[str, str]]


class NotYetIssued(RuntimeError):
    """The certificate exists but ACM has not issued it (yet)."""


_client = aws.client


# ---------------------------------------------------------------------------------------------------------
# Provider entry point: the stack's manifest
# ---------------------------------------------------------------------------------------------------------


def on_event(event: CustomResourceEvent, context: LambdaContext | None = None) -> OnEventResponse:
    aws.DEADLINE.start(context)
    request = event["RequestType"]
    physical_id = str(event.get("PhysicalResourceId") or PHYSICAL_ID)
    if request == "Delete":
        # Best effort, never raising: a failed Delete blocks the stack. Properties of another shape (the
        # per-certificate export resources of earlier versions) carry no manifest: nothing to do.
        manifest = _manifest_or_none(event.get("ResourceProperties", {}))
        if manifest is not None:
            _delete_secrets([e for e in manifest[1] if not e["Retain"]])
        return {"PhysicalResourceId": physical_id}
    if request not in ("Create", "Update"):
        raise ValueError(f"unknown RequestType {request!r}")
    scope, entries = _manifest(event.get("ResourceProperties", {}))
    wanted = entries
    if request == "Update":
        old = _manifest_or_none(event.get("OldResourceProperties") or {})
        old_entries = {e["SecretName"]: e for e in old[1]} if old else {}
        names = {e["SecretName"] for e in entries}
        _delete_secrets([e for n, e in old_entries.items() if n not in names and not e["Retain"]])
        wanted = [e for e in entries if old_entries.get(e["SecretName"]) != e]
    LOG.info(f"{request}: exporting", exporting=len(wanted), certificates=len(entries))
    _export_all(wanted, scope)
    return {
        "PhysicalResourceId": physical_id if request == "Update" else PHYSICAL_ID,
        "Data": {"Certificates": str(len(entries)), "Exported": str(len(wanted))},
    }


def _manifest(props: dict[str, Any]) -> tuple[str, list[ExportEntry]]:
    missing = [k for k in ("Scope", "KmsKeyArn", "Exports") if not props.get(k)]
    if missing:
        raise ValueError(f"missing properties: {', '.join(missing)}")
    listed = props["Exports"]
    entries: list[ExportEntry] = []
    # A map keyed by the certificate constructs' unique ids (what the library writes), or a list.
    for index, entry in enumerate(listed.values() if isinstance(listed, dict) else listed):
        absent = [k for k in ("CertificateArn", "SecretName") if not entry.get(k)]
        if absent:
            raise ValueError(f"Exports[{index}] lacks {', '.join(absent)}")
        entries.append(
            {
                "CertificateArn": str(entry["CertificateArn"]),
                "SecretName": str(entry["SecretName"]),
                "KmsKeyArn": str(entry.get("KmsKeyArn") or props["KmsKeyArn"]),
                "Retain": str(entry.get("Retain", "false")).lower() == "true",
            }
        )
    return str(props["Scope"]), entries


def _manifest_or_none(props: dict[str, Any]) -> tuple[str, list[ExportEntry]] | None:
    try:
        return _manifest(props)
    except (ValueError, TypeError, AttributeError):
        return None


def _export_all(entries: list[ExportEntry], scope: str) -> list[dict[str, str]]:
    """Export every entry (in parallel); raise once, naming every certificate that failed."""
    if len(entries) == 1:
        return [_export_or_fail(entries[0], scope)]  # the usual event: no threads to start
    for service in ("acm", "secretsmanager"):
        _client(service)  # create the clients before the threads share them

    def one(entry: ExportEntry) -> dict[str, str] | Exception:
        try:
            return _export_or_fail(entry, scope)
        except Exception as error:  # reported below, with every other failure
            LOG.error("export failed", certificate_arn=entry["CertificateArn"], error=str(error))
            return error

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(one, entries))
    failures = [
        (e["CertificateArn"], r) for e, r in zip(entries, results, strict=True) if isinstance(r, Exception)
    ]
    if failures:
        first_error = failures[0][1]
        if len(failures) == 1:
            raise first_error
        listed = "; ".join(f"{arn}: {error}" for arn, error in failures[:10])
        raise aws.HandlerError(
            f"{len(failures)} of {len(entries)} export(s) failed: {listed}"
        ) from first_error
    return [r for r in results if not isinstance(r, Exception)]


def _export_or_fail(entry: ExportEntry, scope: str) -> dict[str, str]:
    try:
        return export_if_needed(entry["CertificateArn"], entry["SecretName"], entry["KmsKeyArn"], scope)
    except aws.OutOfTime as error:
        raise aws.HandlerError(
            f"{error}; nothing half-written is kept (each export is one secret version): retry"
        ) from error


def _delete_secrets(entries: list[ExportEntry]) -> None:
    for entry in entries:
        name = entry["SecretName"]
        try:
            _call(
                _client("secretsmanager").delete_secret,
                name,
                passthrough=frozenset({"ResourceNotFoundException"}),
                SecretId=name,
                RecoveryWindowInDays=RECOVERY_WINDOW_DAYS,
            )
            LOG.info("secret scheduled for deletion", secret=name, recovery_window_days=RECOVERY_WINDOW_DAYS)
        except Exception as error:
            if aws.error_code(error) == "ResourceNotFoundException":
                continue
            LOG.warning(f"could not delete secret {name} (left in place)", error=str(error))


# ---------------------------------------------------------------------------------------------------------
# EventBridge / schedule entry point
# ---------------------------------------------------------------------------------------------------------


def handler(event: dict[str, Any], context: LambdaContext | None = None) -> dict[str, str]:
    """Re-export what ACM renewed; fail loudly (Lambda error metric) when a certificate could not be."""
    aws.DEADLINE.start(context)
    scope = os.environ["EXPORT_SCOPE"]
    if event.get("source") == "aws.acm":
        certificate_arn = str(event["resources"][0])
        LOG.info("ACM event", detail_type=event.get("detail-type"), certificate_arn=certificate_arn)
        tags = _tags(
            _call(_client("acm").list_tags_for_certificate, certificate_arn, CertificateArn=certificate_arn)
        )
        if tags.get(SCOPE_TAG) != scope:
            LOG.info("not exported by this stack; ignoring the event", certificate_arn=certificate_arn)
            return {"Checked": "0"}
        _renew([(certificate_arn, tags)], scope)
        return {"Checked": "1"}
    LOG.info("scheduled check of every certificate this stack exports")
    certificates = list(_certificates_of(scope))
    _renew(certificates, scope)
    return {"Checked": str(len(certificates))}


def _renew(certificates: list[tuple[str, dict[str, str]]], scope: str) -> None:
    shared_key = os.environ["EXPORT_KMS_KEY_ARN"]
    entries: list[ExportEntry] = []
    for arn, tags in certificates:
        if not tags.get(SECRET_TAG):
            raise ValueError(f"{arn} lacks its {SECRET_TAG} tag; deploy the stack again")
        key = tags.get(KEY_TAG) or shared_key
        entries.append(
            {"CertificateArn": arn, "SecretName": tags[SECRET_TAG], "KmsKeyArn": key, "Retain": True}
        )
    expired = [
        f"{data['CertificateArn']} expired at {data['NotAfter']}"
        for data in _export_all(entries, scope)
        if datetime.fromisoformat(data["NotAfter"]) <= datetime.now(UTC)
    ]
    if expired:
        raise RuntimeError(f"ACM has not renewed: {'; '.join(expired)}; {_RENEWAL_HINT}")


def _certificates_of(scope: str) -> Iterator[tuple[str, dict[str, str]]]:
    """This stack's exported certificates and their tags (Resource Groups Tagging API, one paged query)."""
    paginator = _client("resourcegroupstaggingapi").get_paginator("get_resources")
    for page in paginator.paginate(
        TagFilters=[{"Key": SCOPE_TAG, "Values": [scope]}], ResourceTypeFilters=["acm:certificate"]
    ):
        for mapping in page.get("ResourceTagMappingList", []):
            yield str(mapping["ResourceARN"]), _tags(mapping)


def _tags(response: dict[str, Any]) -> dict[str, str]:
    return {str(t["Key"]): str(t.get("Value", "")) for t in response.get("Tags", [])}


# ---------------------------------------------------------------------------------------------------------
# The work
# ---------------------------------------------------------------------------------------------------------


def export_if_needed(certificate_arn: str, secret_name: str, kms_key_arn: str, scope: str) -> dict[str, str]:
    """Make the secret's current version hold the certificate generation ACM has now; return its facts."""
    description = _describe_issued(certificate_arn)
    serial = description["Serial"]
    token = version_token(certificate_arn, serial, kms_key_arn)
    secret = _describe_secret(secret_name)
    if secret is not None and _tags(secret).get(SCOPE_TAG) != scope:
        raise aws.HandlerError(
            f"secret {secret_name} exists but is not one of this stack's exports (its {SCOPE_TAG} tag differs); "
            "give the certificate another secret_name, or delete that secret"
        )
    if secret is not None and not _same_key(secret.get("KmsKeyId"), kms_key_arn):
        LOG.info("secret moves to another key", secret=secret_name, kms_key_arn=kms_key_arn)
        _call(
            _client("secretsmanager").update_secret, secret_name, SecretId=secret_name, KmsKeyId=kms_key_arn
        )
    if secret is not None and secret.get("DeletedDate") is not None:
        LOG.info("secret is scheduled for deletion; restoring it", secret=secret_name)
        _call(_client("secretsmanager").restore_secret, secret_name, SecretId=secret_name)
    if secret is not None and "AWSCURRENT" in secret.get("VersionIdsToStages", {}).get(token, []):
        LOG.info("secret already holds this serial; nothing to export", secret=secret_name, serial=serial)
        current_pem = _call(_client("acm").get_certificate, certificate_arn, CertificateArn=certificate_arn)[
            "Certificate"
        ]
        return _data(certificate_arn, secret["ARN"], token, description, fingerprint_sha256(current_pem))

    exported = _export(certificate_arn)
    fingerprint = fingerprint_sha256(exported["certificate"])
    value = json.dumps(
        {
            **exported,
            "certificate_arn": certificate_arn,
            "serial": serial,
            "not_after": _iso(description["NotAfter"]),
        }
    )
    if secret is None:
        LOG.info("creating the secret", secret=secret_name)
        secret_arn = _create_secret(secret_name, kms_key_arn, token, value, certificate_arn, scope)
    else:
        secret_arn = _put_secret_value(secret_name, token, value)
    LOG.info("exported", serial=serial, certificate_arn=certificate_arn, secret_arn=secret_arn)
    return _data(certificate_arn, secret_arn, token, description, fingerprint)


def version_token(certificate_arn: str, serial: str, kms_key_arn: str) -> str:
    """The secret version id of one certificate generation under one key (ClientRequestToken: 32-64 chars)."""
    return str(uuid.uuid5(_TOKEN_NAMESPACE, f"{certificate_arn}|{serial}|{kms_key_arn}"))


def fingerprint_sha256(certificate_pem: str) -> str:
    """SHA-256 over the DER of the first certificate in ``certificate_pem``, as colon-separated hex."""
    try:
        return certificate_fingerprint(certificate_pem)
    except PemError:
        raise ValueError("ACM returned no PEM certificate") from None


def _describe_issued(certificate_arn: str) -> dict[str, Any]:
    certificate = _call(_client("acm").describe_certificate, certificate_arn, CertificateArn=certificate_arn)[
        "Certificate"
    ]
    status = certificate.get("Status")
    if certificate.get("Type") != "PRIVATE":
        raise ValueError(
            f"{certificate_arn} is a {certificate.get('Type')} certificate; only ACM private certificates "
            "(issued by a Private CA) are exported here"
        )
    if status == "ISSUED":
        return cast(dict[str, Any], certificate)
    if status == "PENDING_VALIDATION":
        raise NotYetIssued(
            f"{certificate_arn} is not issued yet (status PENDING_VALIDATION); the export must depend on the "
            "certificate resource, which completes when ACM has issued it"
        )
    if status == "EXPIRED":
        # ACM marks a certificate it failed to renew EXPIRED; FailureReason is then empty.
        raise RuntimeError(f"{certificate_arn} expired and ACM has not renewed it; {_RENEWAL_HINT}")
    reason = certificate.get("FailureReason")
    hint = {
        "PCA_INVALID_STATE": "the CA was not ACTIVE: make the certificate depend on the CA's activation",
        "PCA_ACCESS_DENIED": "acm.amazonaws.com lacks permission on the CA (AWS::ACMPCA::Permission)",
        "PCA_INVALID_ARGS": "the CA cannot issue this request (short-lived CA? key algorithm?)",
    }.get(reason or "", "see the certificate's FailureReason in ACM")
    raise RuntimeError(f"{certificate_arn} cannot be exported: status {status}, reason {reason}: {hint}")


def _export(certificate_arn: str) -> dict[str, str]:
    # URL-safe alphabet: ACM accepts any ASCII except '#', '$' and '%'.
    passphrase = secrets.token_urlsafe(32)
    try:
        response = _call(
            _client("acm").export_certificate,
            certificate_arn,
            passthrough=frozenset({"RequestInProgressException"}),
            CertificateArn=certificate_arn,
            Passphrase=passphrase.encode(),
        )
    except Exception as error:
        if aws.error_code(error) == "RequestInProgressException":
            raise NotYetIssued(
                f"{certificate_arn} is still being issued by ACM; retry the deployment"
            ) from None
        raise
    return {
        "certificate": normalise_pem(response["Certificate"]),
        "certificate_chain": normalise_pem(response.get("CertificateChain", "")),
        "private_key": normalise_pem(response["PrivateKey"]),
        "passphrase": passphrase,
    }


def _describe_secret(secret_name: str) -> dict[str, Any] | None:
    try:
        return cast(
            dict[str, Any],
            _call(
                _client("secretsmanager").describe_secret,
                secret_name,
                passthrough=frozenset({"ResourceNotFoundException"}),
                SecretId=secret_name,
            ),
        )
    except Exception as error:
        if aws.error_code(error) == "ResourceNotFoundException":
            return None
        raise


def _put_secret_value(secret_name: str, token: str, value: str) -> str:
    try:
        response = _call(
            _client("secretsmanager").put_secret_value,
            secret_name,
            passthrough=frozenset({"ResourceExistsException"}),
            SecretId=secret_name,
            ClientRequestToken=token,
            SecretString=value,
        )
    except Exception as error:
        if aws.error_code(error) != "ResourceExistsException":
            raise
        # Same token, different value: this generation is stored already but is no longer AWSCURRENT (the
        # label was moved, e.g. back from a version for another KMS key). Promote that version rather than
        # storing the key a second time.
        LOG.info("version exists; making it current", secret=secret_name, version=token)
        return _promote(secret_name, token)
    return str(response["ARN"])


def _promote(secret_name: str, token: str) -> str:
    client = _client("secretsmanager")
    secret = _call(client.describe_secret, secret_name, SecretId=secret_name)
    current = [v for v, stages in secret.get("VersionIdsToStages", {}).items() if "AWSCURRENT" in stages]
    if token not in current:
        _call(
            client.update_secret_version_stage,
            secret_name,
            SecretId=secret_name,
            VersionStage="AWSCURRENT",
            MoveToVersionId=token,
            **({"RemoveFromVersionId": current[0]} if current else {}),
        )
    return str(secret["ARN"])


def _create_secret(
    secret_name: str, kms_key_arn: str, token: str, value: str, certificate_arn: str, scope: str
) -> str:
    response = _call(
        _client("secretsmanager").create_secret,
        secret_name,
        Name=secret_name,
        KmsKeyId=kms_key_arn,
        ClientRequestToken=token,
        SecretString=value,
        Description=f"ACM private certificate {certificate_arn}, exported by pki-constructs",
        # The scope tag is what the handlers' IAM conditions and the ownership check above look for.
        Tags=[{"Key": SCOPE_TAG, "Value": scope}, {"Key": CERTIFICATE_TAG, "Value": certificate_arn}],
    )
    return str(response["ARN"])


def _data(
    certificate_arn: str, secret_arn: str, version: str, description: dict[str, Any], fingerprint: str
) -> dict[str, str]:
    return {
        "CertificateArn": certificate_arn,
        "SecretArn": secret_arn,
        "SecretVersionId": version,
        "Serial": str(description["Serial"]),
        "NotAfter": _iso(description["NotAfter"]),
        "Sha256Fingerprint": fingerprint,
    }


def _same_key(current: str | None, wanted: str) -> bool:
    """DescribeSecret names the key as it was given (ARN or id); compare by key id."""
    return current is None or current.rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1]


def _operation(function: Callable[..., Any]) -> str:
    """``export_certificate`` -> ``ExportCertificate`` (the API name people search for)."""
    return "".join(part.title() for part in function.__name__.split("_"))


def _call(
    function: Callable[..., Any], resource: str, *, passthrough: frozenset[str] = frozenset(), **kwargs: Any
) -> Any:
    """Call with a bounded exponential back-off on transient failures (throttling, 5xx, network), beyond the
    SDK's own attempts, never past the invocation's deadline; anything else fails naming the call, the
    resource and the fix."""
    return aws.call_with_backoff(
        function,
        _operation(function),
        resource,
        attempts=_ATTEMPTS,
        sleep=sleep,
        hints=_HINTS,
        passthrough=passthrough,
        **kwargs,
    )


def _iso(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    return value.astimezone(UTC).isoformat()
