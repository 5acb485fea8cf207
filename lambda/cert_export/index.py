"""Export an ACM private certificate into a Secrets Manager secret, and keep the secret current.

Entry points:

* ``on_event`` — custom-resource Provider handler (Create/Update export, Delete leaves the secret to its
  owner, CloudFormation).
* ``handler`` — EventBridge entry point (ACM "Certificate Available"/"Approaching Expiration" events and a
  daily schedule): re-exports when ACM has renewed the certificate, so the secret never holds an expired one.

ResourceProperties / event input (strings):

* ``CertificateArn`` — the ACM private certificate.
* ``SecretName`` — the secret to write (owned by the stack; recreated or restored here if it was deleted
  out of band).
* ``KmsKeyArn`` — the customer-managed key the secret is encrypted with.

The secret value is JSON: ``certificate``, ``certificate_chain``, ``private_key`` (PKCS#8 PEM encrypted with
``passphrase``), ``passphrase``, ``certificate_arn``, ``serial``, ``not_after``. Each export is stored as a
secret version whose ClientRequestToken is derived from (certificate ARN, serial, KMS key): a retried or
repeated export of the same certificate generation is detected without reading the secret value, and a
new key gets a version encrypted with it.

``Data`` carries ARNs, serial, NotAfter and the SHA-256 fingerprint — never PEM, key or passphrase; nothing
secret is logged.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import secrets
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

_CONFIG = Config(retries={"mode": "standard"})
_TOKEN_NAMESPACE = uuid.UUID("8d6a3f0e-3c1f-4d0b-9a55-6f1b0c2d7e41")
_THROTTLING = {"ThrottlingException", "TooManyRequestsException", "Throttling", "RequestLimitExceeded"}
_ATTEMPTS = 6
"""Our own bounded back-off on top of the SDK's retries (ACM export is throttled per account)."""
_RENEWAL_HINT = (
    "check the CA is ACTIVE and that acm.amazonaws.com holds IssueCertificate/GetCertificate permission "
    "on it (AWS::ACMPCA::Permission)"
)
_PEM_CERT = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.S)

sleep: Callable[[float], None] = time.sleep
"""Indirection so tests can run the back-off without waiting."""


class NotYetIssued(RuntimeError):
    """The certificate exists but ACM has not issued it (yet)."""


@cache
def _client(service: str) -> Any:
    return boto3.client(service, config=_CONFIG)


# ---------------------------------------------------------------------------------------------------------
# Provider entry point
# ---------------------------------------------------------------------------------------------------------


def on_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = event["RequestType"]
    if request == "Delete":
        # The secret belongs to the stack (CloudFormation deletes it); the certificate belongs to ACM. Nothing
        # here reads the properties, so a Delete never fails on them (a failed Delete can block the stack).
        LOG.info("Delete of export %s: nothing to do", event["PhysicalResourceId"])
        return {"PhysicalResourceId": event["PhysicalResourceId"]}
    props = _props(event.get("ResourceProperties", {}))
    LOG.info("%s export of %s into secret %s", request, props["CertificateArn"], props["SecretName"])
    if request not in ("Create", "Update"):
        raise ValueError(f"unknown RequestType {request!r}")
    data = export_if_needed(props["CertificateArn"], props["SecretName"], props["KmsKeyArn"])
    # One physical id per certificate: a new certificate (ACM replacement) is a new export resource.
    return {"PhysicalResourceId": props["CertificateArn"], "Data": data}


# ---------------------------------------------------------------------------------------------------------
# EventBridge / schedule entry point
# ---------------------------------------------------------------------------------------------------------


def handler(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    """Re-export when ACM renewed the certificate; fail loudly (Lambda error metric) when it could not."""
    props = _props(event)
    trigger = event.get("Trigger") or event.get("detail-type") or "schedule"
    LOG.info("renewal check of %s (trigger: %s)", props["CertificateArn"], trigger)
    data = export_if_needed(props["CertificateArn"], props["SecretName"], props["KmsKeyArn"])
    if datetime.fromisoformat(data["NotAfter"]) <= datetime.now(UTC):
        raise RuntimeError(
            f"certificate {props['CertificateArn']} expired at {data['NotAfter']} and ACM has not "
            f"renewed it; {_RENEWAL_HINT}"
        )
    return data


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
        LOG.info("secret %s is scheduled for deletion; restoring it", secret_name)
        _call(_client("secretsmanager").restore_secret, SecretId=secret_name)
    if secret is not None and "AWSCURRENT" in secret.get("VersionIdsToStages", {}).get(token, []):
        LOG.info("secret %s already holds serial %s; nothing to export", secret_name, serial)
        current_pem = _call(_client("acm").get_certificate, CertificateArn=certificate_arn)["Certificate"]
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
        LOG.info("secret %s does not exist (deleted out of band?); creating it", secret_name)
        secret_arn = _create_secret(secret_name, kms_key_arn, token, value, certificate_arn)
    else:
        secret_arn = _put_secret_value(secret_name, token, value)
    LOG.info("exported serial %s of %s into %s", serial, certificate_arn, secret_arn)
    return _data(certificate_arn, secret_arn, token, description, fingerprint)


def version_token(certificate_arn: str, serial: str, kms_key_arn: str) -> str:
    """The secret version id of one certificate generation under one key (ClientRequestToken: 32-64 chars)."""
    return str(uuid.uuid5(_TOKEN_NAMESPACE, f"{certificate_arn}|{serial}|{kms_key_arn}"))


def fingerprint_sha256(certificate_pem: str) -> str:
    """SHA-256 over the DER of the first certificate in ``certificate_pem``, as colon-separated hex."""
    match = _PEM_CERT.search(certificate_pem)
    if match is None:
        raise ValueError("ACM returned no PEM certificate")
    der = base64.b64decode("".join(match.group(1).split()))
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def _props(props: dict[str, Any]) -> dict[str, str]:
    missing = [k for k in ("CertificateArn", "SecretName", "KmsKeyArn") if not props.get(k)]
    if missing:
        raise ValueError(f"missing properties: {', '.join(missing)}")
    return {k: str(props[k]) for k in ("CertificateArn", "SecretName", "KmsKeyArn")}


def _describe_issued(certificate_arn: str) -> dict[str, Any]:
    certificate = _call(_client("acm").describe_certificate, CertificateArn=certificate_arn)["Certificate"]
    status = certificate.get("Status")
    if certificate.get("Type") != "PRIVATE":
        raise ValueError(
            f"{certificate_arn} is a {certificate.get('Type')} certificate; only ACM private certificates "
            "(issued by a Private CA) are exported here"
        )
    if status == "ISSUED":
        return certificate  # type: ignore[no-any-return]
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
            _client("acm").export_certificate, CertificateArn=certificate_arn, Passphrase=passphrase.encode()
        )
    except ClientError as error:
        if _code(error) == "RequestInProgressException":
            raise NotYetIssued(
                f"{certificate_arn} is still being issued by ACM; retry the deployment"
            ) from None
        raise
    return {
        "certificate": _normalise_pem(response["Certificate"]),
        "certificate_chain": _normalise_pem(response.get("CertificateChain", "")),
        "private_key": _normalise_pem(response["PrivateKey"]),
        "passphrase": passphrase,
    }


def _describe_secret(secret_name: str) -> dict[str, Any] | None:
    try:
        return _call(_client("secretsmanager").describe_secret, SecretId=secret_name)  # type: ignore[no-any-return]
    except ClientError as error:
        if _code(error) == "ResourceNotFoundException":
            return None
        raise


def _put_secret_value(secret_name: str, token: str, value: str) -> str:
    try:
        response = _call(
            _client("secretsmanager").put_secret_value,
            SecretId=secret_name,
            ClientRequestToken=token,
            SecretString=value,
        )
    except ClientError as error:
        if _code(error) != "ResourceExistsException":
            raise
        # Same token, different value: this generation is stored already but is no longer AWSCURRENT (the
        # label was moved, e.g. back from a version for another KMS key). Promote that version rather than
        # storing the key a second time.
        LOG.info("version %s of %s exists; making it current", token, secret_name)
        return _promote(secret_name, token)
    return str(response["ARN"])


def _promote(secret_name: str, token: str) -> str:
    client = _client("secretsmanager")
    secret = _call(client.describe_secret, SecretId=secret_name)
    current = [v for v, stages in secret.get("VersionIdsToStages", {}).items() if "AWSCURRENT" in stages]
    if token not in current:
        _call(
            client.update_secret_version_stage,
            SecretId=secret_name,
            VersionStage="AWSCURRENT",
            MoveToVersionId=token,
            **({"RemoveFromVersionId": current[0]} if current else {}),
        )
    return str(secret["ARN"])


def _create_secret(secret_name: str, kms_key_arn: str, token: str, value: str, certificate_arn: str) -> str:
    response = _call(
        _client("secretsmanager").create_secret,
        Name=secret_name,
        KmsKeyId=kms_key_arn,
        ClientRequestToken=token,
        SecretString=value,
        Description=f"ACM private certificate {certificate_arn}, exported by pki-constructs",
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


def _call(function: Callable[..., Any], **kwargs: Any) -> Any:
    """Call with a bounded exponential back-off on throttling, beyond the SDK's own three attempts."""
    for attempt in range(_ATTEMPTS):
        try:
            return function(**kwargs)
        except ClientError as error:
            if _code(error) not in _THROTTLING or attempt == _ATTEMPTS - 1:
                if _code(error) in _THROTTLING:
                    raise RuntimeError(
                        f"{function.__name__} still throttled after {_ATTEMPTS} attempts; "
                        "retry the deployment or raise the account's API quota"
                    ) from error
                raise
            delay = min(20.0, 0.5 * 2**attempt) * (0.5 + secrets.randbelow(1000) / 1000)
            LOG.info("%s throttled; retrying in %.1f s", function.__name__, delay)
            sleep(delay)
    raise AssertionError("unreachable")


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _iso(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    return value.astimezone(UTC).isoformat()


def _normalise_pem(text: str) -> str:
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    body = "\n".join(line for line in lines if line)
    return body + "\n" if body else ""
