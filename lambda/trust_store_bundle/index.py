"""Publish a PEM CA bundle (and optional PEM CRLs) of our Private CAs to S3, for mutual-TLS trust stores.

ResourceProperties:

* ``CertificateAuthorityArns`` — list of trusted CA ARNs. For each, ``GetCertificateAuthorityCertificate``
  gives the CA certificate and its chain (root last); the bundle holds every certificate once, in a stable
  order, with normalised ``\\n`` line ends.
* ``Bucket`` / ``BundleKey`` — where the bundle goes (a private, versioned bucket).
* ``CaCertificateVersions`` — not read: it changes when a CA certificate is re-issued under the same CA
  ARN, so that CloudFormation sends an Update and the bundle is rebuilt.
* ``Refresh`` — not read: a new value (context key ``pki-constructs:trustBundleRefresh``) makes CloudFormation
  send an Update, so the CAs and CRLs are read again (a new CRL changes no other property).
* ``Revocation`` — optional list of ``{"CertificateAuthorityArn", "CrlBucket", "Key", "CrlPath"?}``: the CA's
  CRL is read from ``s3://<CrlBucket>/<CrlPath or "crl">/<CA id>.crl`` (DER, as AWS Private CA publishes
  it), converted to PEM and written to ``s3://<Bucket>/<Key>``.

Objects are rewritten only when their content changes (SHA-256 in object metadata), so a repeated or retried
request returns the same object version and the trust store is not replaced for nothing.

``Data``: ``BundleUri``, ``BundleBucket``, ``BundleKey``, ``BundleVersionId``, ``BundleSha256``,
``CertificateCount``, ``ChainDepth`` and, per revocation entry i, ``RevocationKey<i>``,
``RevocationVersionId<i>``, ``RevocationSha256<i>``. Rules checked here as well as at synth: at most 25
CA certificates per bundle, CA chain depth at most 4 (Elastic Load Balancing trust-store quotas).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

MAX_CA_CERTIFICATES = 25
MAX_CHAIN_DEPTH = 4
MAX_CRL_BYTES = 50 * 1024 * 1024

_CONFIG = Config(retries={"mode": "standard"})
_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)
_CA_ARN = re.compile(r"^arn:[\w-]+:acm-pca:([a-z0-9-]+):\d{12}:certificate-authority/([\w-]+)$")


class BundleRuleError(ValueError):
    """The bundle would break an Elastic Load Balancing trust-store quota."""


@cache
def _client(service: str, region: str | None = None) -> Any:
    return boto3.client(service, region_name=region, config=_CONFIG)


def on_event(event: dict[str, Any], context: Any = None) -> dict[str, Any]:
    request = event["RequestType"]
    if request == "Delete":
        # Object versions stay in the (retained, versioned) bucket: a trust store that still references one
        # keeps working until CloudFormation has replaced it. Properties are not read: a Delete never fails.
        return {"PhysicalResourceId": event["PhysicalResourceId"]}
    props = event.get("ResourceProperties", {})
    bucket, key = str(props.get("Bucket", "")), str(props.get("BundleKey", ""))
    if not bucket or not key:
        raise ValueError("Bucket and BundleKey are required")
    physical_id = f"s3://{bucket}/{key}"
    if request not in ("Create", "Update"):
        raise ValueError(f"unknown RequestType {request!r}")
    ca_arns = [str(a) for a in props.get("CertificateAuthorityArns", [])]
    LOG.info("%s trust bundle %s for %s", request, physical_id, ca_arns)
    data = publish_bundle(ca_arns, bucket, key)
    for index, entry in enumerate(props.get("Revocation") or []):
        revocation = publish_crl(
            str(entry["CertificateAuthorityArn"]),
            str(entry["CrlBucket"]),
            bucket,
            str(entry["Key"]),
            crl_path=str(entry.get("CrlPath") or "crl"),
        )
        data.update({f"{name}{index}": value for name, value in revocation.items()})
    return {"PhysicalResourceId": physical_id, "Data": data}


# ---------------------------------------------------------------------------------------------------------
# Bundle
# ---------------------------------------------------------------------------------------------------------


def publish_bundle(ca_arns: list[str], bucket: str, key: str) -> dict[str, str]:
    if not ca_arns:
        raise BundleRuleError("CertificateAuthorityArns is empty: a trust store needs at least one CA")
    chains = [_ca_chain(arn) for arn in ca_arns]
    bundle, depth = build_bundle(chains)
    count = bundle.count("-----BEGIN CERTIFICATE-----")
    version, digest = _put_if_changed(bucket, key, bundle.encode(), "application/x-pem-file")
    LOG.info("bundle s3://%s/%s: %d certificates, depth %d, version %s", bucket, key, count, depth, version)
    return {
        "BundleUri": f"s3://{bucket}/{key}",
        "BundleBucket": bucket,
        "BundleKey": key,
        "BundleVersionId": version,
        "BundleSha256": digest,
        "CertificateCount": str(count),
        "ChainDepth": str(depth),
    }


def build_bundle(chains: list[list[str]]) -> tuple[str, int]:
    """One PEM bundle from CA chains (each: the CA certificate first, root last); returns (bundle, depth).

    Certificates are deduplicated by their DER bytes, so CAs sharing a root list it once.
    """
    seen: set[bytes] = set()
    blocks: list[str] = []
    depth = 0
    for chain in chains:
        depth = max(depth, len(chain))
        for pem in chain:
            der = pem_to_der(pem, "CERTIFICATE")
            if der in seen:
                continue
            seen.add(der)
            blocks.append(der_to_pem(der, "CERTIFICATE"))
    if depth > MAX_CHAIN_DEPTH:
        raise BundleRuleError(
            f"a trusted CA chain is {depth} certificates deep; Elastic Load Balancing trust stores accept "
            f"at most {MAX_CHAIN_DEPTH}: trust a CA closer to the root"
        )
    if len(blocks) > MAX_CA_CERTIFICATES:
        raise BundleRuleError(
            f"the bundle would hold {len(blocks)} CA certificates; a trust store accepts at most "
            f"{MAX_CA_CERTIFICATES}: trust fewer CAs or split them across trust stores"
        )
    return "".join(blocks), depth


def _ca_chain(ca_arn: str) -> list[str]:
    region, _ = parse_ca_arn(ca_arn)
    try:
        response = _client("acm-pca", region).get_certificate_authority_certificate(
            CertificateAuthorityArn=ca_arn
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "InvalidStateException":
            raise RuntimeError(
                f"CA {ca_arn} has no certificate yet (not activated); the trust bundle must depend on the "
                "CA's activation"
            ) from None
        raise
    chain = [response["Certificate"]]
    chain.extend(split_pem(response.get("CertificateChain") or "", "CERTIFICATE"))
    return chain


def parse_ca_arn(ca_arn: str) -> tuple[str, str]:
    """(region, CA id) of a Private CA ARN."""
    match = _CA_ARN.match(ca_arn)
    if match is None:
        raise ValueError(f"{ca_arn!r} is not an AWS Private CA ARN")
    return match.group(1), match.group(2)


# ---------------------------------------------------------------------------------------------------------
# CRL
# ---------------------------------------------------------------------------------------------------------


def publish_crl(
    ca_arn: str, crl_bucket: str, bucket: str, key: str, *, crl_path: str = "crl"
) -> dict[str, str]:
    _, ca_id = parse_ca_arn(ca_arn)
    source = f"{crl_path.strip('/')}/{ca_id}.crl"
    try:
        obj = _client("s3").get_object(Bucket=crl_bucket, Key=source)
    except ClientError as error:
        # The handler may read exactly this key and may not list the CRL bucket, so S3 answers a missing
        # object with 403 AccessDenied rather than 404 NoSuchKey.
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "AccessDenied", "403"):
            raise RuntimeError(
                f"no CRL at s3://{crl_bucket}/{source} yet (S3 answered "
                f"{error.response.get('Error', {}).get('Code')}): AWS Private CA publishes it once the CA has "
                "issued a certificate (and within 30 minutes of a revocation); deploy again once it exists"
            ) from None
        raise
    pem = crl_to_pem(obj["Body"].read())
    version, digest = _put_if_changed(bucket, key, pem.encode(), "application/x-pem-file")
    LOG.info("CRL of %s -> s3://%s/%s version %s", ca_arn, bucket, key, version)
    return {"RevocationKey": key, "RevocationVersionId": version, "RevocationSha256": digest}


def crl_to_pem(data: bytes) -> str:
    """A CRL as PEM (``X509 CRL``), from DER (what AWS Private CA writes) or from PEM (normalised)."""
    if len(data) > MAX_CRL_BYTES:
        raise BundleRuleError(f"the CRL is {len(data)} bytes; trust-store revocation files are at most 50 MB")
    if data.lstrip().startswith(b"-----BEGIN"):
        return der_to_pem(pem_to_der(data.decode("ascii"), "X509 CRL"), "X509 CRL")
    if not data or data[0] != 0x30:
        raise ValueError("the CRL object is neither DER (an ASN.1 SEQUENCE) nor PEM")
    return der_to_pem(data, "X509 CRL")


# ---------------------------------------------------------------------------------------------------------
# PEM helpers (stdlib only)
# ---------------------------------------------------------------------------------------------------------


def split_pem(text: str, label: str) -> list[str]:
    """Every ``label`` block of ``text``, normalised."""
    return [
        der_to_pem(_b64(body), label)
        for found, body in _PEM_BLOCK.findall(text.replace("\r", ""))
        if found == label
    ]


def pem_to_der(pem: str, label: str) -> bytes:
    for found, body in _PEM_BLOCK.findall(pem.replace("\r", "")):
        if found == label:
            return _b64(body)
    raise ValueError(f"no PEM block {label!r} found")


def der_to_pem(der: bytes, label: str) -> str:
    encoded = base64.b64encode(der).decode("ascii")
    lines = [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def _b64(body: str) -> bytes:
    try:
        return base64.b64decode("".join(body.split()), validate=True)
    except binascii.Error as error:
        raise ValueError(f"malformed PEM body: {error}") from None


# ---------------------------------------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------------------------------------


def _put_if_changed(bucket: str, key: str, body: bytes, content_type: str) -> tuple[str, str]:
    """Write ``body`` unless the latest version already holds it; return (version id, sha256 hex)."""
    digest = hashlib.sha256(body).hexdigest()
    s3 = _client("s3")
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        # A missing object is 404 only to a caller S3 deems allowed to list the bucket; otherwise it is 403.
        # Either way there is nothing to compare with: write (a real permission problem fails the write).
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchKey", "NotFound", "403"):
            raise
        head = None
    if head is not None and head.get("Metadata", {}).get("sha256") == digest and head.get("VersionId"):
        return str(head["VersionId"]), digest
    response = s3.put_object(
        Bucket=bucket, Key=key, Body=body, ContentType=content_type, Metadata={"sha256": digest}
    )
    version = response.get("VersionId")
    if not version or version == "null":
        raise RuntimeError(
            f"s3://{bucket} is not versioned: trust stores follow object versions, enable versioning"
        )
    return str(version), digest
