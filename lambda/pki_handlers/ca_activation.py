"""Activates a subordinate AWS Private CA whose parent CloudFormation cannot reach: a parent in another
Region or account (and, through an SSM parameter, a parent whose ARN is not known at synth time).

Provider-framework handler (``pki_handlers.ca_activation.on_event`` + ``.is_complete``); stdlib + boto3 only.

Steps: read the child's CSR -> ``IssueCertificate`` on the parent, in the parent's Region (assuming a role
when one is given), with ``SubordinateCACertificate_PathLen{N}/V1`` -> poll ``GetCertificate`` from
``is_complete`` -> ``ImportCertificateAuthorityCertificate`` into the child with the full chain (root last).

ResourceProperties (schema version "1"; CloudFormation passes every scalar as a string)::

    SchemaVersion                  "1" (optional; absent = "1")
    CertificateAuthorityArn        the child CA (same account and Region as the stack)           required
    ParentCertificateAuthorityArn  the parent CA ARN                                              one of these
    ParentArnParameter             {"Name": "/ssm/name", "Region": "us-east-1"}: an SSM String    two
                                   parameter holding the parent ARN, in the parent's Region; read
                                   as IssuerRoleArn when given (so it may live in the parent's
                                   account), else as the handler
    PathLength                     "0".."3" -> template SubordinateCACertificate_PathLen{N}/V1    required
                                   (partition taken from the parent ARN)
    Validity                       {"Type": "DAYS"|"MONTHS"|"YEARS"|"END_DATE"|"ABSOLUTE",        required
                                    "Value": "<int>"} (the IssueCertificate Validity structure)
    SigningAlgorithm               IssueCertificate SigningAlgorithm (the parent key's family)   optional
                                   Default: derived from the parent certificate's public key
    ParentFingerprint              any string that changes when the parent CA is replaced         optional
                                   (a new value re-issues; used with ParentArnParameter)
    CertificateGeneration          "2", "3", ...: renewal counter; a new value re-issues the      optional
                                   child's certificate (same key) and re-imports it. Absent = "1"
    IssuerRoleArn                  role in the parent's account to assume for the parent calls    optional
    ExternalId                     sts:AssumeRole ExternalId (sessions last 900 s, the minimum)  optional

Lifecycle (research/reliability_security.md §4 and list (b)):

* PhysicalResourceId = ``<child ARN>/activation/<digest>``; the digest covers child, parent reference and
  fingerprint, path length, validity, signing algorithm and certificate generation (only from 2 on, so digests
  of activations deployed before renewal existed stay), so changing any of them is a replacement (re-issue);
  a renewal is an Update whose new certificate is imported into the ACTIVE child (same key, so everything it
  issued keeps chaining);
  a changed role or external id alone is an in-place update with no API calls.
* Progress lives in tags on the child CA (``pki-constructs:activation`` = "<digest> <request>",
  ``pki-constructs:activation-certificate`` = the issued certificate ARN, ``pki-constructs:previous-activation``
  = "<digest> <certificate ARN>" of the activation it replaced), so a retried Create never issues a second
  certificate, an Update rollback re-imports the previous certificate instead of issuing a third, and a stale
  ``is_complete`` poll (aws-cdk#31541) sees it was superseded and stops without side effects.
  IssueCertificate also carries a deterministic idempotency token (it only lasts five minutes).
* ``is_complete`` polls without sleeping: RequestInProgressException, ConcurrentModificationException and
  every transient failure (throttling with each service's own code, STS ``Throttling`` included, a 5xx, a
  connection error or read timeout, all after the SDK's retries) mean "not yet", and so does too little time
  left in the invocation to start another call (``context.get_remaining_time_in_millis()``) (when that happens in ``on_event`` before the child
  is claimed, its response carries ``PkiCaActivationClaimPending`` and ``is_complete`` claims); RequestFailedException, InvalidStateException,
  AccessDenied, LimitExceededException, CertificateMismatchException... fail with the AWS reason.
* A failed Create/Update rewinds the tags (the Provider ignores the Delete after a failed Create).
* Delete disables the child only if the activation being deleted is the child's current one; it never
  touches the parent, and succeeds for placeholder physical ids and CAs that are gone.
* ``Data`` carries ARNs, the serial, NotBefore/NotAfter and the SHA-256 fingerprint, never a PEM (4 KB limit).
  Only ``CertificateAuthorityArn`` is present on every response (a no-op Update makes no calls).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from typing import Any, NotRequired, TypedDict, cast

from . import aws
from .arns import is_ca_arn, issuer_of, partition_of, region_of
from .aws import LambdaContext
from .framework import CustomResourceEvent, IsCompleteResponse, OnEventResponse
from .logs import Logger
from .x509 import Cert, PemError, certificates

SCHEMA_VERSION = "1"
TAG_ACTIVATION = "pki-constructs:activation"
TAG_CERTIFICATE = "pki-constructs:activation-certificate"
TAG_PREVIOUS = "pki-constructs:previous-activation"
NONE = "none"
CLAIM_PENDING = "PkiCaActivationClaimPending"
"""Set by on_event when AWS said "not yet" before the child was claimed; the Provider framework passes it on to
is_complete, which then claims the child itself instead of taking the missing claim for a newer request's."""
SESSION_NAME = "pki-constructs-ca-activation"

_ACTIVATION_DIGEST = re.compile(r"^[0-9a-f]{16}$")

LOG = Logger(__name__)


class ParentArnParameter(TypedDict):
    Name: str
    Region: str


class ValidityProperty(TypedDict):
    Type: str
    Value: str | int


class ActivationProperties(TypedDict):
    """``Custom::PkiCaActivation`` ResourceProperties (see the module docstring)."""

    ServiceToken: NotRequired[str]
    SchemaVersion: NotRequired[str]
    CertificateAuthorityArn: str
    ParentCertificateAuthorityArn: NotRequired[str]
    ParentArnParameter: NotRequired[ParentArnParameter]
    PathLength: str
    Validity: ValidityProperty
    SigningAlgorithm: NotRequired[str]
    ParentFingerprint: NotRequired[str]
    CertificateGeneration: NotRequired[str]
    IssuerRoleArn: NotRequired[str]
    ExternalId: NotRequired[str]


# AWS answers that mean "not yet" for this handler in particular (the generic transient ones are in aws.py).
_NOT_YET = frozenset({"RequestInProgressException", "ConcurrentModificationException"})
_HINTS = {
    "RequestFailedException": "the parent refused to issue: a CA certificate must expire before its parent's "
    "and have a smaller path length (AWS rule), and the key algorithm must be one the parent supports",
    "InvalidStateException": "the CA must be ACTIVE to issue; a parent kept DISABLED (Security Hub PCA.1) must be "
    "enabled for the deploy and disabled afterwards",
    "AccessDeniedException": "the handler's role (or the assumed issuer role) lacks a permission on that CA; "
    "check the parent-side policy: IssueCertificate with the acm-pca:TemplateArn condition, GetCertificate, "
    "GetCertificateAuthorityCertificate",
    "AccessDenied": "sts:AssumeRole was refused: check the issuer role's trust policy (it must trust this "
    "handler's role) and the external id",
    "LimitExceededException": "an AWS Private CA quota is exhausted (certificates per CA L-F99AB81B, CAs per "
    "Region L-799883CD); request an increase in Service Quotas",
    "CertificateMismatchException": "the issued certificate does not match the child's key/CSR; was the child "
    "CA replaced while the activation was in flight?",
    "MalformedCertificateException": "the parent returned a certificate the child cannot import",
    "InvalidRequestException": "the chain was rejected: it must contain the parent and every CA up to the root, "
    "root last, and not the imported certificate",
    "InvalidArgsException": "IssueCertificate rejected an argument (signing algorithm family must match the "
    "parent's key; validity must be at least one day)",
    "ResourceNotFoundException": "the CA does not exist (deleted, wrong Region or account)",
    "ParameterNotFound": "the parent's stack has not published its ARN yet: deploy the parent stack first",
}
# Calls on the child: the same codes mean something else there (the parent-side advice above would mislead).
_CHILD_HINTS = {
    **_HINTS,
    "InvalidStateException": "the child CA must be PENDING_CERTIFICATE or ACTIVE; was it disabled or deleted "
    "outside CloudFormation?",
    "AccessDeniedException": "the handler's own role lacks this permission on the child CA (granted on its exact "
    "ARN by the construct); look for an SCP or permissions boundary that denies it",
}


class ActivationError(aws.HandlerError):
    """A terminal failure; its message becomes the CloudFormation status reason."""


NotYet = aws.Transient
"""AWS is still working, throttling or unreachable, or the invocation is nearly over: ``is_complete`` will be
asked again."""


# ------------------------------------------------------------------------------------------ AWS clients


_plain_client = aws.client


def client(service: str, region: str, role_arn: str | None = None, external_id: str | None = None) -> Any:
    """A boto3 client in ``region``; with ``role_arn``, one acting as that role (assumed per invocation,
    so credentials never outlive a container's cache)."""
    if not role_arn:
        return _plain_client(service, region)
    try:
        return aws.assumed_client(
            service,
            region,
            role_arn,
            external_id,
            SESSION_NAME,
            sts=client("sts", os.environ.get("AWS_REGION") or region),
        )
    except aws.HandlerError as error:
        raise ActivationError(str(error)) from error.__cause__


def _api(operation: str) -> str:
    """``issue_certificate`` -> ``IssueCertificate``: the name in AWS's documentation and CloudTrail."""
    return "".join(part.title() for part in operation.split("_"))


def _call(api: Any, operation: str, action: str, hints: dict[str, str] = _HINTS, **kwargs: Any) -> Any:
    try:
        return aws.call(getattr(api, operation), action, "", hints=hints, passthrough=_NOT_YET, **kwargs)
    except aws.HandlerError as error:
        raise ActivationError(str(error)) from error.__cause__
    except aws.Transient:
        raise
    except Exception as error:  # a passthrough code
        raise NotYet(f"{action}: {aws.error_code(error)}") from error


# ------------------------------------------------------------------------------------------ properties


class Props:
    """The parsed ResourceProperties (see the module docstring)."""

    def __init__(self, raw: ActivationProperties | dict[str, Any]) -> None:
        raw = cast(dict[str, Any], raw)
        version = str(raw.get("SchemaVersion", SCHEMA_VERSION))
        if version != SCHEMA_VERSION:
            raise ActivationError(
                f"unsupported SchemaVersion {version!r}; this handler reads {SCHEMA_VERSION!r}"
            )
        self.child_arn = str(raw.get("CertificateAuthorityArn", ""))
        if not is_ca_arn(self.child_arn):
            raise ActivationError(f"CertificateAuthorityArn {self.child_arn!r} is not a Private CA ARN")
        self.parent_arn: str | None = raw.get("ParentCertificateAuthorityArn") or None
        parameter = raw.get("ParentArnParameter") or None
        self.parameter: tuple[str, str] | None = (
            (str(parameter["Name"]), str(parameter["Region"])) if parameter else None
        )
        if (self.parent_arn is None) == (self.parameter is None):
            raise ActivationError(
                "exactly one of ParentCertificateAuthorityArn and ParentArnParameter is required"
            )
        if self.parent_arn is not None and not is_ca_arn(self.parent_arn):
            raise ActivationError(
                f"ParentCertificateAuthorityArn {self.parent_arn!r} is not a Private CA ARN"
            )
        self.path_length = int(raw.get("PathLength", 0))
        if not 0 <= self.path_length <= 3:
            raise ActivationError(
                f"PathLength {self.path_length} is not 0..3 (the AWS subordinate templates)"
            )
        validity = raw.get("Validity") or {}
        self.validity: dict[str, Any] = {
            "Type": str(validity.get("Type", "")),
            "Value": int(validity.get("Value", 0)),
        }
        if self.validity["Type"] not in {"DAYS", "MONTHS", "YEARS", "END_DATE", "ABSOLUTE"}:
            raise ActivationError(
                f"Validity {validity!r} needs a Type of DAYS, MONTHS, YEARS, END_DATE or ABSOLUTE"
            )
        self.signing_algorithm: str | None = raw.get("SigningAlgorithm") or None
        self.parent_fingerprint: str | None = raw.get("ParentFingerprint") or None
        generation = str(raw.get("CertificateGeneration") or "1")
        if not generation.isdigit() or int(generation) < 1:
            raise ActivationError(f"CertificateGeneration {generation!r} is not a whole number >= 1")
        self.certificate_generation = int(generation)
        self.role_arn: str | None = raw.get("IssuerRoleArn") or None
        self.external_id: str | None = raw.get("ExternalId") or None

    @property
    def digest(self) -> str:
        """What, when changed, requires a new CA certificate."""
        parent = self.parent_arn or "ssm:{}:{}".format(*self.parameter or ("", ""))
        fields: list[Any] = [
            self.child_arn,
            parent,
            self.parent_fingerprint,
            self.path_length,
            self.validity,
            self.signing_algorithm,
        ]
        if self.certificate_generation != 1:  # generation 1 keeps the digest it had before renewal existed
            fields.append(self.certificate_generation)
        material = json.dumps(fields, sort_keys=True)
        return hashlib.sha256(material.encode()).hexdigest()[:16]

    @property
    def physical_id(self) -> str:
        return f"{self.child_arn}/activation/{self.digest}"

    def resolve_parent(self) -> str:
        """The parent ARN, read from the SSM parameter in the parent's Region when not given directly."""
        if self.parent_arn:
            return self.parent_arn
        assert self.parameter is not None
        name, region = self.parameter
        ssm = client("ssm", region, self.role_arn, self.external_id)
        response = _call(ssm, "get_parameter", f"ssm:GetParameter on {name} ({region})", Name=name)
        value = str(response["Parameter"]["Value"]).strip()
        if not is_ca_arn(value):
            raise ActivationError(f"SSM parameter {name} ({region}) holds {value!r}, not a Private CA ARN")
        return value


def _old_props(event: CustomResourceEvent) -> Props | None:
    try:
        return Props(event.get("OldResourceProperties") or {})
    except (ActivationError, KeyError, TypeError, ValueError):
        return None  # an older or foreign schema: treat as changed


def _unchanged_update(event: CustomResourceEvent, props: Props) -> bool:
    old = _old_props(event)
    return (
        event["RequestType"] == "Update"
        and old is not None
        and old.digest == props.digest
        and event.get("PhysicalResourceId") == props.physical_id
    )


# ------------------------------------------------------------------------------------------ certificates


def _certificate(text: str) -> Cert:
    try:
        return Cert.from_pem(text)
    except PemError as error:
        raise ActivationError(f"AWS returned an unreadable certificate: {error}") from None


def _certificates(text: str) -> list[Cert]:
    try:
        return certificates(text or "")
    except PemError as error:
        raise ActivationError(f"AWS returned an unreadable certificate chain: {error}") from None


def ordered_chain(certificate: Cert, candidates: list[Cert]) -> list[Cert]:
    """The chain above ``certificate``: each element issued the one before it, root (self-issued) last,
    without ``certificate`` itself. Raises when the candidates do not reach a root."""
    pool = [c for c in candidates if c.der != certificate.der]
    chain: list[Cert] = []
    current = certificate
    while not current.self_issued:
        issuer = next((c for c in pool if c.subject == current.issuer and c not in chain), None)
        if issuer is None:
            raise ActivationError("the chain returned by the parent does not reach a root CA certificate")
        chain.append(issuer)
        current = issuer
        if len(chain) > 5:
            raise ActivationError("the chain is longer than the 5 levels AWS Private CA allows")
    return chain


def _validity_end(validity: dict[str, Any], now: dt.datetime) -> dt.datetime:
    kind, value = validity["Type"], int(validity["Value"])
    if kind == "DAYS":
        return now + dt.timedelta(days=value)
    if kind in ("MONTHS", "YEARS"):
        months = value if kind == "MONTHS" else value * 12
        index = now.month - 1 + months
        year, month = now.year + index // 12, index % 12 + 1
        return now.replace(year=year, month=month, day=min(now.day, 28))
    if kind == "ABSOLUTE":
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    text = str(value)
    return dt.datetime.strptime(text, "%Y%m%d%H%M%S" if len(text) == 14 else "%y%m%d%H%M%S").replace(
        tzinfo=dt.UTC
    )


# ------------------------------------------------------------------------------------------ the activation


def _split(value: str | None) -> list[str]:
    return (value or "").split()


class Activation:
    """One activation attempt for one request; every step reads state first, so it can run any number of times."""

    def __init__(self, props: Props, event: CustomResourceEvent) -> None:
        self.props = props
        self.event = event
        self.digest = props.digest
        self.request = hashlib.sha256(str(event.get("RequestId", "")).encode()).hexdigest()[:12]
        self.child = client("acm-pca", region_of(props.child_arn))
        self._parent_arn: str | None = None
        self._parent: Any = None

    # -- helpers

    @property
    def parent_arn(self) -> str:
        if self._parent_arn is None:
            self._parent_arn = self.props.resolve_parent()
            self._check_partition(self._parent_arn)
        return self._parent_arn

    @property
    def parent(self) -> Any:
        if self._parent is None:
            self._parent = client(
                "acm-pca", region_of(self.parent_arn), self.props.role_arn, self.props.external_id
            )
        return self._parent

    def _check_partition(self, parent_arn: str) -> None:
        if partition_of(parent_arn) != partition_of(self.props.child_arn):
            raise ActivationError(
                f"parent {parent_arn} and child {self.props.child_arn} are in different partitions"
            )

    def _child_call(self, operation: str, **kwargs: Any) -> Any:
        return _call(
            self.child,
            operation,
            f"{_api(operation)} on child {self.props.child_arn}",
            _CHILD_HINTS,
            **kwargs,
        )

    def _parent_call(self, operation: str, **kwargs: Any) -> Any:
        return _call(self.parent, operation, f"{_api(operation)} on parent {self.parent_arn}", **kwargs)

    def status(self) -> dict[str, Any]:
        ca = self._child_call("describe_certificate_authority", CertificateAuthorityArn=self.props.child_arn)
        ca = ca["CertificateAuthority"]
        if ca["Status"] == "CREATING":
            raise NotYet("child CA is still CREATING")
        if ca["Status"] in ("FAILED", "DELETED"):
            reason = ca.get("FailureReason", "")
            raise ActivationError(f"child CA {self.props.child_arn} is {ca['Status']} {reason}".strip())
        if ca["Status"] == "DISABLED":
            # Checked before the parent issues anything: the import would fail after IssueCertificate spent a
            # certificate (attack3/act_states2.py).
            raise ActivationError(
                f"child CA {self.props.child_arn} is DISABLED: {_CHILD_HINTS['InvalidStateException']} "
                "(enable it, then retry the deployment)"
            )
        return dict(ca)

    def tags(self) -> dict[str, str]:
        response = self._child_call("list_tags", CertificateAuthorityArn=self.props.child_arn)
        return {t["Key"]: t.get("Value", "") for t in response.get("Tags", [])}

    def _tag(self, values: dict[str, str], remove: list[str] | None = None) -> None:
        self._child_call(
            "tag_certificate_authority",
            CertificateAuthorityArn=self.props.child_arn,
            Tags=[{"Key": k, "Value": v} for k, v in values.items()],
        )
        if remove:
            self._child_call(
                "untag_certificate_authority",
                CertificateAuthorityArn=self.props.child_arn,
                Tags=[{"Key": k} for k in remove],
            )

    @property
    def template_arn(self) -> str:
        partition = partition_of(self.parent_arn)
        return (
            f"arn:{partition}:acm-pca:::template/SubordinateCACertificate_PathLen{self.props.path_length}/V1"
        )

    @property
    def idempotency_token(self) -> str:
        """Same request -> same token, so a retried call within AWS's five-minute window returns the same
        certificate; the child's tags cover the time after that."""
        material = "|".join(
            [
                str(self.event.get("StackId")),
                str(self.event.get("LogicalResourceId")),
                self.request,
                self.digest,
            ]
        )
        return hashlib.sha256(material.encode()).hexdigest()[:32]

    # -- steps

    def claim(self, ca: dict[str, Any]) -> str | None:
        """Make this request's activation the child's current one; return its certificate ARN if already issued
        (a retried Create, a rerun, or an Update rollback to the previous activation)."""
        tags = self.tags()
        current, certificate = _split(tags.get(TAG_ACTIVATION)), tags.get(TAG_CERTIFICATE)
        certificate = None if certificate in (None, "", NONE) else certificate
        previous = _split(tags.get(TAG_PREVIOUS))
        values = {TAG_ACTIVATION: f"{self.digest} {self.request}"}
        remove: list[str] = []
        if current and current[0] == self.digest:
            reuse = certificate
        elif len(previous) == 2 and previous[0] == self.digest:
            reuse = previous[1]
            if current and certificate:
                values[TAG_PREVIOUS] = f"{current[0]} {certificate}"
            else:
                remove.append(TAG_PREVIOUS)
        else:
            if not current and ca["Status"] == "ACTIVE" and self.event["RequestType"] == "Create":
                raise ActivationError(
                    f"child CA {self.props.child_arn} is already ACTIVE with a certificate this activation did not "
                    "issue; refusing to replace it (disable it or use a new CA)"
                )
            reuse = None
            if current and certificate:
                values[TAG_PREVIOUS] = f"{current[0]} {certificate}"
        values[TAG_CERTIFICATE] = reuse or NONE
        self._tag(values, remove)
        return reuse

    def issue(self) -> str:
        csr = self._child_call("get_certificate_authority_csr", CertificateAuthorityArn=self.props.child_arn)[
            "Csr"
        ]
        parent_ca = self._parent_call(
            "get_certificate_authority_certificate", CertificateAuthorityArn=self.parent_arn
        )
        parent_cert = _certificate(parent_ca["Certificate"])
        now = dt.datetime.now(dt.UTC)
        end = _validity_end(self.props.validity, now)
        if end >= parent_cert.not_after:
            raise ActivationError(
                f"requested validity {self.props.validity} ends {end:%Y-%m-%d} but the parent's certificate expires "
                f"{parent_cert.not_after:%Y-%m-%d}; AWS requires a CA certificate to expire before its parent's"
            )
        signing_algorithm = self.props.signing_algorithm or parent_cert.signing_algorithm()
        if signing_algorithm is None:
            raise ActivationError(
                "cannot derive a signing algorithm from the parent's key; set SigningAlgorithm"
            )
        issued = self._parent_call(
            "issue_certificate",
            CertificateAuthorityArn=self.parent_arn,
            Csr=csr.encode(),
            SigningAlgorithm=signing_algorithm,
            TemplateArn=self.template_arn,
            Validity=self.props.validity,
            IdempotencyToken=self.idempotency_token,
        )
        certificate_arn = str(issued["CertificateArn"])
        LOG.info(
            "issued", certificate_arn=certificate_arn, parent=self.parent_arn, template=self.template_arn
        )
        self._tag({TAG_CERTIFICATE: certificate_arn})
        return certificate_arn

    def fetch_and_import(self, certificate_arn: str, ca: dict[str, Any]) -> dict[str, str]:
        issuer_arn = issuer_of(certificate_arn)
        response = _call(
            self.parent,
            "get_certificate",
            f"GetCertificate on {certificate_arn}",
            CertificateAuthorityArn=issuer_arn,
            CertificateArn=certificate_arn,
        )
        certificate = _certificate(response["Certificate"])
        candidates = _certificates(response.get("CertificateChain", ""))
        try:
            chain = ordered_chain(certificate, candidates)
        except ActivationError:
            # GetCertificate documents a chain up to the root; complete it from the issuer's own chain if not.
            issuer = _call(
                self.parent,
                "get_certificate_authority_certificate",
                f"GetCertificateAuthorityCertificate on {issuer_arn}",
                CertificateAuthorityArn=issuer_arn,
            )
            candidates += _certificates(issuer["Certificate"]) + _certificates(
                issuer.get("CertificateChain", "")
            )
            chain = ordered_chain(certificate, candidates)
        if ca["Status"] == "ACTIVE":
            current = self._child_call(
                "get_certificate_authority_certificate", CertificateAuthorityArn=self.props.child_arn
            )
            if _certificate(current["Certificate"]).der == certificate.der:
                return self.data(certificate, certificate_arn, issuer_arn)
        self._child_call(
            "import_certificate_authority_certificate",
            CertificateAuthorityArn=self.props.child_arn,
            Certificate=certificate.pem.encode(),
            CertificateChain="".join(c.pem for c in chain).encode(),
        )
        LOG.info(
            "imported", child=self.props.child_arn, certificate_arn=certificate_arn, chain_length=len(chain)
        )
        return self.data(certificate, certificate_arn, issuer_arn)

    def data(self, certificate: Cert, certificate_arn: str, parent_arn: str) -> dict[str, str]:
        return {
            "CertificateAuthorityArn": self.props.child_arn,
            "ParentCertificateAuthorityArn": parent_arn,
            "CertificateArn": certificate_arn,
            "CertificateSerial": certificate.serial_hex,
            "NotBefore": certificate.not_before.isoformat().replace("+00:00", "Z"),
            "NotAfter": certificate.not_after.isoformat().replace("+00:00", "Z"),
            "CertificateSha256Fingerprint": certificate.fingerprint,
        }

    def forget(self) -> None:
        """After a failure: rewind the tags this request wrote, so the next attempt starts clean and an Update
        rollback finds the previous activation current again."""
        tags = self.tags()
        if _split(tags.get(TAG_ACTIVATION)) != [self.digest, self.request]:
            return
        previous = _split(tags.get(TAG_PREVIOUS))
        if len(previous) == 2:
            self._tag(
                {TAG_ACTIVATION: f"{previous[0]} restored", TAG_CERTIFICATE: previous[1]},
                remove=[TAG_PREVIOUS],
            )
        else:
            self._child_call(
                "untag_certificate_authority",
                CertificateAuthorityArn=self.props.child_arn,
                Tags=[{"Key": TAG_ACTIVATION}, {"Key": TAG_CERTIFICATE}],
            )


# ------------------------------------------------------------------------------------------ entry points


def on_event(event: CustomResourceEvent, context: LambdaContext | None = None) -> OnEventResponse:
    """Create/Update: claim the child and request its certificate. Delete: disable the child if it is ours."""
    aws.DEADLINE.start(context)
    kind = event["RequestType"]
    LOG.info("on_event", request_type=kind, logical_id=event.get("LogicalResourceId"))
    if kind == "Delete":
        try:
            return _delete(event)
        except NotYet as pending:  # throttled beyond the SDK's retries: is_complete disables it
            LOG.info("delete not yet done; is_complete will continue", reason=str(pending))
            return {"PhysicalResourceId": str(event.get("PhysicalResourceId", ""))}
    props = Props(event["ResourceProperties"])
    response: dict[str, Any] = {
        "PhysicalResourceId": props.physical_id,
        "Data": {"CertificateAuthorityArn": props.child_arn},
    }
    if _unchanged_update(event, props):
        LOG.info("no change that needs a new certificate", physical_id=props.physical_id)
        return cast(OnEventResponse, response)
    activation = Activation(props, event)
    claimed = False
    try:
        ca = activation.status()
        reuse = activation.claim(ca)
        claimed = True
        if reuse is None:
            activation.issue()
    except NotYet as pending:
        LOG.info("not yet; is_complete will continue", reason=str(pending), claimed=claimed)
        if not claimed:
            response[CLAIM_PENDING] = True
    except Exception:
        _cleanup(activation)
        raise
    return cast(OnEventResponse, response)


def is_complete(event: CustomResourceEvent, context: LambdaContext | None = None) -> IsCompleteResponse:
    """Poll: issue if on_event could not, fetch the certificate once issued, import it with its chain."""
    aws.DEADLINE.start(context)
    kind = event["RequestType"]
    if kind == "Delete":
        try:
            _delete(event)  # idempotent: reads state, disables only if still needed
        except NotYet as pending:
            LOG.info("delete not yet done", reason=str(pending))
            return {"IsComplete": False}
        return {"IsComplete": True}
    props = Props(event["ResourceProperties"])
    if _unchanged_update(event, props):
        return {"IsComplete": True}
    activation = Activation(props, event)
    try:
        ca = activation.status()
        tags = activation.tags()
        if _split(tags.get(TAG_ACTIVATION)) == [activation.digest, activation.request]:
            certificate_arn = tags.get(TAG_CERTIFICATE)
        elif cast(dict[str, Any], event).get(CLAIM_PENDING):  # on_event was told "not yet" before its claim
            certificate_arn = activation.claim(ca)
        else:
            LOG.info("superseded by another request; stopping without changes", tags=tags)
            return {"IsComplete": True}
        if certificate_arn in (None, "", NONE):
            certificate_arn = activation.issue()
        data = activation.fetch_and_import(str(certificate_arn), ca)
    except NotYet as pending:
        LOG.info("not yet", reason=str(pending))
        return {"IsComplete": False}
    except Exception:
        _cleanup(activation)
        raise
    LOG.info("activated", **data)
    return {"IsComplete": True, "Data": data}


def _cleanup(activation: Activation) -> None:
    try:
        activation.forget()
    except Exception as error:  # never hide the original failure
        LOG.error("cleanup failed", error=str(error))


def _delete(event: CustomResourceEvent) -> OnEventResponse:
    physical_id = str(event.get("PhysicalResourceId", ""))
    child_arn, _, digest = physical_id.partition("/activation/")
    if not (is_ca_arn(child_arn) and _ACTIVATION_DIGEST.match(digest)):
        LOG.info(
            "placeholder physical id (a Create that never finished); nothing to delete",
            physical_id=physical_id,
        )
        return {"PhysicalResourceId": physical_id}
    acm_pca = client("acm-pca", region_of(child_arn))
    try:
        status = _call(
            acm_pca,
            "describe_certificate_authority",
            f"DescribeCertificateAuthority on child {child_arn}",
            _CHILD_HINTS,
            CertificateAuthorityArn=child_arn,
        )["CertificateAuthority"]
        tags = {
            t["Key"]: t.get("Value", "")
            for t in _call(
                acm_pca,
                "list_tags",
                f"reading child {child_arn}",
                _CHILD_HINTS,
                CertificateAuthorityArn=child_arn,
            ).get("Tags", [])
        }
    except ActivationError as error:
        if aws.error_code(error.__cause__ or error) in ("ResourceNotFoundException", "InvalidStateException"):
            LOG.info("child CA is gone; nothing to do", child=child_arn)
            return {"PhysicalResourceId": physical_id}
        raise
    current = _split(tags.get(TAG_ACTIVATION))
    if not current or current[0] != digest:
        LOG.info(
            "not the child's current activation (replaced or never completed); leaving it", child=child_arn
        )
    elif status["Status"] == "ACTIVE":
        _call(
            acm_pca,
            "update_certificate_authority",
            f"UpdateCertificateAuthority (disabling) on child {child_arn}",
            _CHILD_HINTS,
            CertificateAuthorityArn=child_arn,
            Status="DISABLED",
        )
        LOG.info("disabled child CA", child=child_arn)
    return {"PhysicalResourceId": physical_id}
