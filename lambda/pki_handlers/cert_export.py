"""Export an ACM private certificate into a Secrets Manager secret, and keep the secret current.

Entry points:

* ``pki_handlers.cert_export.on_event`` — custom-resource Provider handler (Create/Update export; Delete removes
  only a secret this handler re-created, see below).
* ``pki_handlers.cert_export.handler`` — EventBridge entry point (ACM "Certificate Available"/"Approaching
  Expiration" events and a daily schedule): re-exports when ACM has renewed the certificate, so the secret never
  holds an expired one. Failures raise, so the function's retries, dead-letter queue and alarm see them.

ResourceProperties / event input (strings): see :class:`ExportProperties`.

The secret value is JSON: ``certificate``, ``certificate_chain``, ``private_key`` (PKCS#8 PEM encrypted with
``passphrase``), ``passphrase``, ``certificate_arn``, ``serial``, ``not_after``. Each export is stored as a
secret version whose ClientRequestToken is derived from (certificate ARN, serial, KMS key): a retried or
repeated export of the same certificate generation is detected without reading the secret value, and a
new key gets a version encrypted with it.

No orphaned key material: the PhysicalResourceId is the secret *name* (stable across certificate
replacements, which are Updates). When the stack's secret was deleted out of band, the export re-creates it
under the same name, tagged ``pki-constructs:recreated-by`` — a new ARN CloudFormation does not know. On Delete,
the handler deletes a secret of that name only if it carries that tag (and ``RetainSecret`` is not "true"), so a
stack delete leaves no secret behind, while the stack's own secret stays CloudFormation's to delete. Physical
ids of older versions (the certificate ARN) make Delete a no-op.

``Data`` carries ARNs, serial, NotAfter and the SHA-256 fingerprint — never PEM, key or passphrase; nothing
secret is logged.
"""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NotRequired, TypedDict, cast

from . import aws
from .aws import LambdaContext
from .framework import CustomResourceEvent, OnEventResponse
from .logs import Logger
from .x509 import PemError, certificate_fingerprint, normalise_pem

LOG = Logger(__name__)

_TOKEN_NAMESPACE = uuid.UUID("8d6a3f0e-3c1f-4d0b-9a55-6f1b0c2d7e41")
_ATTEMPTS = 6
"""Our own bounded back-off on top of the SDK's retries (ACM export is throttled per account)."""
_RENEWAL_HINT = (
    "check the CA is ACTIVE and that acm.amazonaws.com holds IssueCertificate/GetCertificate permission "
    "on it (AWS::ACMPCA::Permission)"
)
RECREATED_TAG = "pki-constructs:recreated-by"
_HINTS = {
    "AccessDeniedException": "the function's role lacks this permission (granted by the ServiceCertificate on the "
    "exact certificate, secret and KMS key); look for an SCP, permissions boundary or a KMS key policy that "
    "denies it",
    "LimitExceededException": "ACM's ExportCertificate quota is exhausted; retry later or request an increase",
    "EncryptionFailure": "Secrets Manager could not use the KMS key: the key policy must allow this role "
    "kms:GenerateDataKey via secretsmanager",
    "KMSInvalidStateException": "the secret's KMS key is disabled or pending deletion: enable it",
}

sleep: Callable[[float], None] = time.sleep
"""Indirection so tests can run the back-off without waiting."""


class ExportProperties(TypedDict):
    """``Custom::PkiCertificateExport`` ResourceProperties, and the renewal rules' event input."""

    ServiceToken: NotRequired[str]
    CertificateArn: str
    SecretName: str
    KmsKeyArn: str
    RetainSecret: NotRequired[str]
    Trigger: NotRequired[str]


class NotYetIssued(RuntimeError):
    """The certificate exists but ACM has not issued it (yet)."""


_client = aws.client


# ---------------------------------------------------------------------------------------------------------
# Provider entry point
# ---------------------------------------------------------------------------------------------------------


def on_event(event: CustomResourceEvent, context: LambdaContext | None = None) -> OnEventResponse:
    aws.DEADLINE.start(context)
    request = event["RequestType"]
    if request == "Delete":
        return _delete(event)
    props = _props(event.get("ResourceProperties", {}))
    LOG.info(f"{request} export", certificate_arn=props["CertificateArn"], secret=props["SecretName"])
    if request not in ("Create", "Update"):
        raise ValueError(f"unknown RequestType {request!r}")
    data = _export_or_fail(props)
    # The secret's name: a new certificate (ACM replacement) is an Update of the same export, and Delete knows
    # which secret to look at without reading properties.
    return {"PhysicalResourceId": props["SecretName"], "Data": data}


def _delete(event: CustomResourceEvent) -> OnEventResponse:
    physical_id = str(event.get("PhysicalResourceId", ""))
    retain = str(cast(dict[str, Any], event.get("ResourceProperties") or {}).get("RetainSecret", "")).lower()
    if not physical_id or physical_id.startswith("arn:") or retain == "true":
        # An older export (physical id = certificate ARN), or a retained secret: CloudFormation owns the rest.
        LOG.info("Delete of export: nothing to do", physical_id=physical_id)
        return {"PhysicalResourceId": physical_id}
    secret = _describe_secret(physical_id)
    tags = {t.get("Key"): t.get("Value") for t in (secret or {}).get("Tags", [])}
    if secret is None or secret.get("DeletedDate") is not None or RECREATED_TAG not in tags:
        LOG.info("Delete of export: the secret is CloudFormation's to delete", secret=physical_id)
        return {"PhysicalResourceId": physical_id}
    try:
        _call(
            _client("secretsmanager").delete_secret,
            physical_id,
            passthrough=frozenset({"ResourceNotFoundException"}),
            SecretId=physical_id,
            ForceDeleteWithoutRecovery=True,
        )
    except Exception as error:
        if aws.error_code(error) != "ResourceNotFoundException":
            raise
    LOG.info(
        "deleted the secret this handler re-created (CloudFormation knows only the original)",
        secret=physical_id,
    )
    return {"PhysicalResourceId": physical_id}


# ---------------------------------------------------------------------------------------------------------
# EventBridge / schedule entry point
# ---------------------------------------------------------------------------------------------------------


def handler(event: ExportProperties | dict[str, Any], context: LambdaContext | None = None) -> dict[str, str]:
    """Re-export when ACM renewed the certificate; fail loudly (Lambda error metric) when it could not."""
    aws.DEADLINE.start(context)
    props = _props(cast(dict[str, Any], event))
    trigger = event.get("Trigger") or cast(dict[str, Any], event).get("detail-type") or "schedule"
    LOG.info("renewal check", certificate_arn=props["CertificateArn"], trigger=trigger)
    data = _export_or_fail(props)
    if datetime.fromisoformat(data["NotAfter"]) <= datetime.now(UTC):
        raise RuntimeError(
            f"certificate {props['CertificateArn']} expired at {data['NotAfter']} and ACM has not "
            f"renewed it; {_RENEWAL_HINT}"
        )
    return data


def _export_or_fail(props: ExportProperties) -> dict[str, str]:
    try:
        return export_if_needed(props["CertificateArn"], props["SecretName"], props["KmsKeyArn"])
    except aws.OutOfTime as error:
        raise aws.HandlerError(
            f"{error}; nothing half-written is kept (each export is one secret version): retry"
        ) from error


# ---------------------------------------------------------------------------------------------------------
# The work
# ---------------------------------------------------------------------------------------------------------


def export_if_needed(certificate_arn: str, secret_name: str, kms_key_arn: str) -> dict[str, str]:
    """Make the secret's current version hold the certificate generation ACM has now; return Data."""
    description = _describe_issued(certificate_arn)
    serial = description["Serial"]
    token = version_token(certificate_arn, serial, kms_key_arn)
    secret = _describe_secret(secret_name)
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
        LOG.info("secret does not exist (deleted out of band?); re-creating it", secret=secret_name)
        secret_arn = _create_secret(secret_name, kms_key_arn, token, value, certificate_arn)
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


def _props(props: dict[str, Any]) -> ExportProperties:
    missing = [k for k in ("CertificateArn", "SecretName", "KmsKeyArn") if not props.get(k)]
    if missing:
        raise ValueError(f"missing properties: {', '.join(missing)}")
    return {
        "CertificateArn": str(props["CertificateArn"]),
        "SecretName": str(props["SecretName"]),
        "KmsKeyArn": str(props["KmsKeyArn"]),
    }


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


def _create_secret(secret_name: str, kms_key_arn: str, token: str, value: str, certificate_arn: str) -> str:
    response = _call(
        _client("secretsmanager").create_secret,
        secret_name,
        Name=secret_name,
        KmsKeyId=kms_key_arn,
        ClientRequestToken=token,
        SecretString=value,
        Description=f"ACM private certificate {certificate_arn}, exported by pki-constructs",
        Tags=[{"Key": RECREATED_TAG, "Value": "pki-constructs cert_export"}],
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
