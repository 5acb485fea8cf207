"""Publish a PEM CA bundle (and optional PEM CRLs) of our Private CAs to S3, for mutual-TLS trust stores.

Provider-framework handler ``pki_handlers.trust_store_bundle.on_event`` (+ ``.is_complete`` when the bundle
publishes CRLs); ResourceProperties: see :class:`TrustBundleProperties`.

* ``CertificateAuthorityArns`` — list of trusted CA ARNs. For each, ``GetCertificateAuthorityCertificate``
  gives the CA certificate and its chain (root last); the bundle holds every certificate once, in a stable
  order, with normalised ``\\n`` line ends.
* ``Bucket`` / ``BundleKey`` — where the bundle goes (a private, versioned bucket).
* ``CaCertificateVersions`` — not read: it changes when a CA certificate is re-issued under the same CA
  ARN, so that CloudFormation sends an Update and the bundle is rebuilt.
* ``Refresh`` — not read: a new value (context key ``pki-constructs:trustBundleRefresh``) makes CloudFormation
  send an Update, so the CAs and CRLs are read again (a new CRL changes no other property).
* ``Revocation`` — optional list of ``{"CertificateAuthorityArn", "CrlBucket", "CrlPath"?}``: the CA's
  CRL is read from ``s3://<CrlBucket>/<CrlPath or "crl">/<CA id>.crl`` (DER, as AWS Private CA publishes
  it), converted to PEM and written to ``s3://<Bucket>/<RevocationKeyPrefix><generation>/<i>.pem``.
* ``RevocationKeyPrefix`` — required with ``Revocation``.

``on_event`` writes the bundle. With ``Revocation``, ``is_complete`` waits for every CA's CRL: AWS Private CA
writes a new CA's first CRL asynchronously, after the CA has issued a certificate (about 30 minutes, retried
every 15 minutes when it fails, per the AWS Private CA API reference, ``CrlConfiguration``/``RevokeCertificate``).
A CRL that is not there yet (S3 ``NoSuchKey``, or ``403`` because the handler may not list the CRL bucket),
throttling, a 5xx, a network error or too little invocation time left means ``IsComplete: false``: the Provider
framework polls again (see ``pki_constructs.trust_store.REVOCATION_WAIT``).

The generation is the SHA-256 of all PEM CRLs, so the CRL objects' keys are named by their content: the trust
store's ``TrustStoreRevocation`` references them by a key synth builds from one attribute, and a changed CRL
(any of them) gives new keys, hence a new revocation resource. Objects are rewritten only when their content
changes (SHA-256 in object metadata), so a repeated or retried request returns the same object version.

``Data``: ``BundleUri``, ``BundleBucket``, ``BundleKey``, ``BundleVersionId``, ``BundleSha256``,
``CertificateCount``, ``ChainDepth`` (``on_event``) and ``RevocationGeneration`` (``is_complete``; the
framework merges both) — nothing per CA, so the response size does not grow with the number of CAs (issue
12.2). Rules checked here as well as at synth: at most 25 CA certificates per bundle, CA chain depth at most 4
(Elastic Load Balancing trust-store quotas).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any, NotRequired, TypedDict, cast

from . import aws
from .arns import parse_ca_arn
from .aws import LambdaContext
from .framework import CustomResourceEvent, IsCompleteResponse, OnEventResponse
from .logs import Logger
from .x509 import PemError, der_to_pem, pem_to_der, split_pem

LOG = Logger(__name__)

MAX_CA_CERTIFICATES = 25
MAX_CHAIN_DEPTH = 4
MAX_CRL_BYTES = 50 * 1024 * 1024


class RevocationEntry(TypedDict):
    CertificateAuthorityArn: str
    CrlBucket: str
    CrlPath: NotRequired[str]


class TrustBundleProperties(TypedDict):
    """``Custom::PkiTrustBundle`` ResourceProperties."""

    ServiceToken: NotRequired[str]
    CertificateAuthorityArns: list[str]
    CaCertificateVersions: NotRequired[Any]
    Bucket: str
    BundleKey: str
    Revocation: NotRequired[list[RevocationEntry]]
    RevocationKeyPrefix: NotRequired[str]
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
    except aws.OutOfTime as error:
        # on_event has no later poll, so say what to do instead of letting Lambda time out.
        raise aws.HandlerError(
            f"{error}; objects are written only when their content changes, so retrying the deployment is safe"
        ) from error
    return {"PhysicalResourceId": physical_id, "Data": data}


def is_complete(event: CustomResourceEvent, context: LambdaContext | None = None) -> IsCompleteResponse:
    """Poll: publish every CA's CRL as PEM once AWS Private CA has written all of them; "not yet" until then."""
    aws.DEADLINE.start(context)
    if event["RequestType"] == "Delete":
        return {"IsComplete": True}
    props = cast(TrustBundleProperties, event.get("ResourceProperties", {}))
    entries = props.get("Revocation") or []
    if not entries:
        return {"IsComplete": True}
    bucket, prefix = str(props.get("Bucket", "")), str(props.get("RevocationKeyPrefix", ""))
    if not bucket or not prefix:
        raise ValueError("Bucket and RevocationKeyPrefix are required with Revocation")
    try:
        generation = publish_crls(entries, bucket, prefix)
    except NotYet as pending:
        LOG.info("not yet", reason=str(pending))
        return {"IsComplete": False}
    return {"IsComplete": True, "Data": {"RevocationGeneration": generation}}


# ---------------------------------------------------------------------------------------------------------
# Bundle
# ---------------------------------------------------------------------------------------------------------


def publish_bundle(ca_arns: list[str], bucket: str, key: str) -> dict[str, str]:
    if not ca_arns:
        raise BundleRuleError("CertificateAuthorityArns is empty: a trust store needs at least one CA")
    chains = [_ca_chain(arn) for arn in ca_arns]
    bundle, depth = build_bundle(chains)
    count = len(split_pem(bundle, "CERTIFICATE"))
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


class NotYet(Exception):
    """A CRL is not written yet, or AWS asked us to come back later: the next poll tries again."""


# The handler may read exactly this key and may not list the CRL bucket, so S3 answers a missing object with
# 403 AccessDenied rather than 404 NoSuchKey.
_NO_CRL = frozenset({"NoSuchKey", "404", "AccessDenied", "403"})


def revocation_key(prefix: str, generation: str, index: int) -> str:
    """Where CRL ``index`` of a generation goes; ``pki_constructs.trust_store`` builds the same key."""
    return f"{prefix}{generation}/{index}.pem"


def publish_crls(entries: list[RevocationEntry], bucket: str, prefix: str) -> str:
    """Read every CA's CRL (raise :class:`NotYet` if one is missing), write them as PEM; return the generation."""
    pems = [
        read_crl(
            str(entry["CertificateAuthorityArn"]), str(entry["CrlBucket"]), str(entry.get("CrlPath") or "crl")
        )
        for entry in entries
    ]
    generation = crl_generation(pems)
    for index, (entry, pem) in enumerate(zip(entries, pems, strict=True)):
        key = revocation_key(prefix, generation, index)
        try:
            version, _ = _put_if_changed(bucket, key, pem.encode(), "application/x-pem-file", backoff=False)
        except aws.Transient as error:
            raise NotYet(str(error)) from None
        LOG.info(
            "CRL written",
            certificate_authority=entry["CertificateAuthorityArn"],
            crl=f"s3://{bucket}/{key}",
            version=version,
        )
    return generation


def crl_generation(pems: list[str]) -> str:
    """SHA-256 over the PEM CRLs in order: names the set of revocation objects by their content."""
    digest = hashlib.sha256()
    for pem in pems:
        digest.update(hashlib.sha256(pem.encode()).digest())
    return digest.hexdigest()


def read_crl(ca_arn: str, crl_bucket: str, crl_path: str = "crl") -> str:
    """The CA's current CRL as PEM; :class:`NotYet` when AWS Private CA has not written it yet."""
    ca_id = parse_ca_arn(ca_arn).ca_id
    source = f"{crl_path.strip('/')}/{ca_id}.crl"
    where = f"s3://{crl_bucket}/{source}"
    try:
        obj = aws.call(
            _client("s3").get_object,
            "s3:GetObject",
            where,
            passthrough=_NO_CRL,
            Bucket=crl_bucket,
            Key=source,
        )
        data = obj["Body"].read()
    except aws.Transient as error:
        raise NotYet(str(error)) from None
    except Exception as error:
        code = aws.error_code(error)
        if code in _NO_CRL:
            raise NotYet(
                f"no CRL at {where} yet (S3 answered {code}): AWS Private CA writes a CA's first CRL about 30 "
                "minutes after the CA has issued a certificate"
            ) from None
        if aws.is_transient(error):  # a network error while reading the body
            raise NotYet(aws.describe_failure(error, "s3:GetObject", where)) from None
        raise
    return crl_to_pem(data)


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


def _put_if_changed(
    bucket: str, key: str, body: bytes, content_type: str, *, backoff: bool = True
) -> tuple[str, str]:
    """Write ``body`` unless the latest version already holds it; return (version id, sha256 hex).

    ``backoff=False`` (polls): a transient failure raises :class:`aws.Transient` at once; the next poll retries."""
    digest = hashlib.sha256(body).hexdigest()
    s3 = _client("s3")
    where = f"s3://{bucket}/{key}"
    call = _call if backoff else aws.call
    try:
        head = call(s3.head_object, "s3:HeadObject", where, passthrough=_MISSING, Bucket=bucket, Key=key)
    except Exception as error:
        # Either way there is nothing to compare with: write (a real permission problem fails the write).
        if aws.error_code(error) not in _MISSING:
            raise
        head = None
    if head is not None and head.get("Metadata", {}).get("sha256") == digest and head.get("VersionId"):
        return str(head["VersionId"]), digest
    response = call(
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
