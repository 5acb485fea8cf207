"""Publish a PEM CA bundle (and optional PEM CRLs) of our Private CAs to S3, for mutual-TLS trust stores.

Provider-framework handler ``pki_handlers.trust_store_bundle.on_event``; ResourceProperties: see
:class:`TrustBundleProperties`.

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
``CertificateCount``, ``ChainDepth`` and, per revocation entry i, ``RevocationVersionId<i>`` (the only
per-CA value synth cannot know: an S3 version id of at most 32 characters; keys and digests synth knows or
nobody reads are not returned, so the response stays far below CloudFormation's 4,096 bytes at the 25 CAs a
bundle may hold). Rules checked here as well as at synth: at most 25 CA certificates per bundle, CA chain
depth at most 4 (Elastic Load Balancing trust-store quotas).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any, NotRequired, TypedDict, cast

from . import aws
from .arns import parse_ca_arn
from .aws import LambdaContext
from .framework import CustomResourceEvent, OnEventResponse
from .logs import Logger
from .x509 import PemError, der_to_pem, pem_to_der, split_pem

LOG = Logger(__name__)

MAX_CA_CERTIFICATES = 25
MAX_CHAIN_DEPTH = 4
MAX_CRL_BYTES = 50 * 1024 * 1024


class RevocationEntry(TypedDict):
    CertificateAuthorityArn: str
    CrlBucket: str
    Key: str
    CrlPath: NotRequired[str]


class TrustBundleProperties(TypedDict):
    """``Custom::PkiTrustBundle`` ResourceProperties."""

    ServiceToken: NotRequired[str]
    CertificateAuthorityArns: list[str]
    CaCertificateVersions: NotRequired[Any]
    Bucket: str
    BundleKey: str
    Revocation: NotRequired[list[RevocationEntry]]
    Refresh: NotRequired[str]


class BundleRuleError(ValueError):
    """The bundle would break an Elastic Load Balancing trust-store quota."""


_client = aws.client
_ATTEMPTS = 4
"""Our own bounded back-off on top of the SDK's retries: a synchronous handler has no later poll."""

sleep: Callable[[float], None] = time.sleep
"""Indirection so tests can run the back-off without waiting."""


def _call(
    operation: Callable[..., Any],
    action: str,
    resource: str,
    *,
    hints: dict[str, str] | None = None,
    passthrough: frozenset[str] = frozenset(),
    **kwargs: Any,
) -> Any:
    return aws.call_with_backoff(
        operation,
        action,
        resource,
        attempts=_ATTEMPTS,
        sleep=sleep,
        hints=hints,
        passthrough=passthrough,
        **kwargs,
    )


def on_event(event: CustomResourceEvent, context: LambdaContext | None = None) -> OnEventResponse:
    aws.DEADLINE.start(context)
    request = event["RequestType"]
    if request == "Delete":
        # Object versions stay in the (retained, versioned) bucket: a trust store that still references one
        # keeps working until CloudFormation has replaced it. Properties are not read: a Delete never fails.
        return {"PhysicalResourceId": str(event.get("PhysicalResourceId", ""))}
    props = cast(TrustBundleProperties, event.get("ResourceProperties", {}))
    bucket, key = str(props.get("Bucket", "")), str(props.get("BundleKey", ""))
    if not bucket or not key:
        raise ValueError("Bucket and BundleKey are required")
    physical_id = f"s3://{bucket}/{key}"
    if request not in ("Create", "Update"):
        raise ValueError(f"unknown RequestType {request!r}")
    ca_arns = [str(a) for a in props.get("CertificateAuthorityArns", [])]
    LOG.info(f"{request} trust bundle", bundle=physical_id, certificate_authorities=ca_arns)
    try:
        data = publish_bundle(ca_arns, bucket, key)
        for index, entry in enumerate(props.get("Revocation") or []):
            revocation = publish_crl(
                str(entry["CertificateAuthorityArn"]),
                str(entry["CrlBucket"]),
                bucket,
                str(entry["Key"]),
                crl_path=str(entry.get("CrlPath") or "crl"),
            )
            data[f"RevocationVersionId{index}"] = revocation["RevocationVersionId"]
    except aws.OutOfTime as error:
        # Synchronous handler: no later poll, so say what to do instead of letting Lambda time out.
        raise aws.HandlerError(
            f"{error}; objects are written only when their content changes, so retrying the deployment is safe"
        ) from error
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
    LOG.info(
        "bundle written", bundle=f"s3://{bucket}/{key}", certificates=count, depth=depth, version=version
    )
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
    region = parse_ca_arn(ca_arn).region
    try:
        response = _call(
            _client("acm-pca", region).get_certificate_authority_certificate,
            "GetCertificateAuthorityCertificate",
            ca_arn,
            hints={
                "AccessDeniedException": "the bundle handler's role may read exactly the trusted CAs; was the CA "
                "added without a deploy of the construct that grants it?",
            },
            passthrough=frozenset({"InvalidStateException"}),
            CertificateAuthorityArn=ca_arn,
        )
    except Exception as error:
        if aws.error_code(error) == "InvalidStateException":
            raise aws.HandlerError(
                f"CA {ca_arn} has no certificate yet (not activated); the trust bundle must depend on the "
                "CA's activation"
            ) from None
        raise
    chain = [response["Certificate"]]
    chain.extend(split_pem(response.get("CertificateChain") or "", "CERTIFICATE"))
    return chain


# ---------------------------------------------------------------------------------------------------------
# CRL
# ---------------------------------------------------------------------------------------------------------


# The handler may read exactly this key and may not list the CRL bucket, so S3 answers a missing object with
# 403 AccessDenied rather than 404 NoSuchKey.
_NO_CRL = frozenset({"NoSuchKey", "404", "AccessDenied", "403"})


def publish_crl(
    ca_arn: str, crl_bucket: str, bucket: str, key: str, *, crl_path: str = "crl"
) -> dict[str, str]:
    ca_id = parse_ca_arn(ca_arn).ca_id
    source = f"{crl_path.strip('/')}/{ca_id}.crl"
    try:
        obj = _call(
            _client("s3").get_object,
            "s3:GetObject",
            f"s3://{crl_bucket}/{source}",
            passthrough=_NO_CRL,
            Bucket=crl_bucket,
            Key=source,
        )
    except Exception as error:
        code = aws.error_code(error)
        if code in _NO_CRL:
            raise aws.HandlerError(
                f"no CRL at s3://{crl_bucket}/{source} yet (S3 answered {code}): AWS Private CA publishes it "
                "once the CA has issued a certificate (and within 30 minutes of a revocation); deploy again "
                "once it exists"
            ) from None
        raise
    pem = crl_to_pem(obj["Body"].read())
    version, digest = _put_if_changed(bucket, key, pem.encode(), "application/x-pem-file")
    LOG.info("CRL written", certificate_authority=ca_arn, crl=f"s3://{bucket}/{key}", version=version)
    return {"RevocationKey": key, "RevocationVersionId": version, "RevocationSha256": digest}


def crl_to_pem(data: bytes) -> str:
    """A CRL as PEM (``X509 CRL``), from DER (what AWS Private CA writes) or from PEM (normalised)."""
    if len(data) > MAX_CRL_BYTES:
        raise BundleRuleError(f"the CRL is {len(data)} bytes; trust-store revocation files are at most 50 MB")
    if data.lstrip().startswith(b"-----BEGIN"):
        try:
            return der_to_pem(pem_to_der(data.decode("ascii"), "X509 CRL"), "X509 CRL")
        except PemError as error:
            raise ValueError(f"the CRL object is malformed PEM: {error}") from None
    if not data or data[0] != 0x30:
        raise ValueError("the CRL object is neither DER (an ASN.1 SEQUENCE) nor PEM")
    return der_to_pem(data, "X509 CRL")


# ---------------------------------------------------------------------------------------------------------
# S3
# ---------------------------------------------------------------------------------------------------------

# A missing object is 404 only to a caller S3 deems allowed to list the bucket; otherwise it is 403.
_MISSING = frozenset({"404", "NoSuchKey", "NotFound", "403"})


def _put_if_changed(bucket: str, key: str, body: bytes, content_type: str) -> tuple[str, str]:
    """Write ``body`` unless the latest version already holds it; return (version id, sha256 hex)."""
    digest = hashlib.sha256(body).hexdigest()
    s3 = _client("s3")
    where = f"s3://{bucket}/{key}"
    try:
        head = _call(s3.head_object, "s3:HeadObject", where, passthrough=_MISSING, Bucket=bucket, Key=key)
    except Exception as error:
        # Either way there is nothing to compare with: write (a real permission problem fails the write).
        if aws.error_code(error) not in _MISSING:
            raise
        head = None
    if head is not None and head.get("Metadata", {}).get("sha256") == digest and head.get("VersionId"):
        return str(head["VersionId"]), digest
    response = _call(
        s3.put_object,
        "s3:PutObject",
        where,
        Bucket=bucket,
        Key=key,
        Body=body,
        ContentType=content_type,
        Metadata={"sha256": digest},
    )
    version = response.get("VersionId")
    if not version or version == "null":
        raise aws.HandlerError(
            f"s3://{bucket} is not versioned: trust stores follow object versions, enable versioning"
        )
    return str(version), digest
