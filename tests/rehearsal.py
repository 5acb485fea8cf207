"""Deploy rehearsals: synthesized templates "deployed" into moto the way CloudFormation would, change after change.

Two pieces, for tests only (nothing here calls AWS):

* :func:`faithful_pca` extends moto's AWS Private CA where it falls short for lifecycle tests
  (research/experiments/moto_acmpca_fidelity.py: moto ignores ``Validity`` and the template's extensions —
  its subordinate CA certificates carry no BasicConstraints — and imports any certificate into any CA).
  While active, ``IssueCertificate`` issues through :class:`tests.local_pki.LocalCa` with the CA's own moto key
  (so certificates have AWS's template profiles, the requested validity, and AWS's refusals: a CA certificate
  outliving its issuer, a path length not below the issuer's, issuing from a CA that is not ACTIVE), and
  ``ImportCertificateAuthorityCertificate`` refuses a certificate whose key is not the CA's
  (``CertificateMismatchException``) — the rule a renewal depends on.
* :class:`Cloud` applies templates resource by resource in dependency order, for the resource types the PKI
  lifecycle consists of: ``AWS::ACMPCA::CertificateAuthority``/``Certificate``/``CertificateAuthorityActivation``,
  ``AWS::SSM::Parameter``, ``AWS::S3::Bucket`` (named after its logical id and the run), ``Custom::PkiCaActivation`` and
  ``Custom::PkiTrustBundle`` (through the real handlers; the activation in a Provider-framework loop). A changed resource is updated in place, or replaced when a changed property is create-only in the
  CloudFormation resource schema cfn-lint ships; a custom resource is replaced when the handler returns a new
  physical id; removed and replaced resources are deleted at the end (unless ``DeletionPolicy: Retain``), like
  CloudFormation's cleanup phase. Every other resource type is skipped: references to it resolve to a
  placeholder. It records what it did (``Cloud.log``), so tests can assert a deploy's plan.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import cfnlint
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from moto import mock_aws
from moto.acmpca import responses as pca_responses
from moto.acmpca.exceptions import InvalidStateException
from moto.core.exceptions import JsonRESTError

from tests.handler_loading import load_handler as load_named
from tests.handlers.activation_support import Provider, load_handler
from tests.local_pki import (
    BACKDATE,
    KU_CA,
    IssuanceRejected,
    LocalCa,
    _now,
    _sign,
    pem,
    split_pem,
    validity_end,
)

ROOT_TEMPLATE = "RootCACertificate/V1"
HANDLED = {
    "AWS::ACMPCA::CertificateAuthority",
    "AWS::ACMPCA::Certificate",
    "AWS::ACMPCA::CertificateAuthorityActivation",
    "AWS::SSM::Parameter",
    "AWS::S3::Bucket",
    "Custom::PkiCaActivation",
    "Custom::PkiTrustBundle",
}


# ------------------------------------------------------------------------------------------ moto, faithful


class _RequestFailed(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("RequestFailedException", message)


class _Mismatch(JsonRESTError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("CertificateMismatchException", message)


def _chain_of(ca: Any) -> list[x509.Certificate]:
    raw = ca.certificate_chain
    if not raw:
        return []
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    with contextlib.suppress(binascii.Error, ValueError):
        if "BEGIN" not in text:
            text = base64.b64decode(text).decode()
    return split_pem(text)


def _issue(self: Any) -> str:
    params = json.loads(self.body)
    ca = self.acmpca_backend.describe_certificate_authority(params["CertificateAuthorityArn"])
    template = str(params.get("TemplateArn", "")).split(":template/", 1)[-1]
    csr = x509.load_pem_x509_csr(base64.b64decode(params["Csr"]))
    try:
        if template == ROOT_TEMPLATE:
            # A root signs its own CSR while PENDING_CERTIFICATE (first activation) or ACTIVE (renewal).
            if ca.certificate_authority_type != "ROOT" or _spki(csr.public_key()) != _spki(
                ca.key.public_key()
            ):
                raise IssuanceRejected("RootCACertificate/V1 is issued only by a root CA for its own CSR")
            certificate = _self_signed(ca, csr, params["Validity"])
        else:
            if ca.status != "ACTIVE" or ca.certificate is None:
                raise InvalidStateException(ca.arn)
            issuer = LocalCa.from_parts(ca.key, ca.certificate, _chain_of(ca))
            # moto's CA keys are always RSA: the signing algorithm follows the key
            certificate = issuer.issue(csr, template=template, validity=params["Validity"])
    except IssuanceRejected as rejected:
        raise _RequestFailed(str(rejected)) from rejected
    arn = f"{ca.arn}/certificate/{certificate.serial_number:x}"
    ca.issued_certificates[arn] = pem(certificate).encode()
    if template != ROOT_TEMPLATE:
        ca.issued_certificates_certificate_chains[arn] = "".join(
            pem(c) for c in [ca.certificate, *_chain_of(ca)]
        ).encode()
    return json.dumps({"CertificateArn": arn})


def _self_signed(ca: Any, csr: x509.CertificateSigningRequest, validity: dict[str, Any]) -> x509.Certificate:
    """``RootCACertificate/V1`` for the CA's own key, with the requested validity."""
    now = _now()
    builder = (
        x509.CertificateBuilder()
        .subject_name(csr.subject)
        .issuer_name(csr.subject)
        .public_key(ca.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(validity_end(now, validity))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(KU_CA, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca.key.public_key()), critical=False)
    )
    return _sign(builder, ca.key, "SHA256WITHRSA")


def _spki(key: Any) -> bytes:
    return bytes(
        key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def _import(original: Any) -> Any:
    def imported(self: Any) -> str:
        params = json.loads(self.body)
        ca = self.acmpca_backend.describe_certificate_authority(params["CertificateAuthorityArn"])
        certificate = x509.load_pem_x509_certificate(base64.b64decode(params["Certificate"]))
        if _spki(certificate.public_key()) != _spki(ca.key.public_key()):
            raise _Mismatch("The certificate does not match the CA's key (its CSR)")
        return str(original(self))

    return imported


@contextlib.contextmanager
def faithful_pca() -> Iterator[None]:
    """Within ``mock_aws()``: moto's Private CA with AWS's certificate profiles, validity and refusals."""
    cls = pca_responses.ACMPCAResponse
    saved = cls.issue_certificate, cls.import_certificate_authority_certificate
    cls.issue_certificate = _issue  # type: ignore[method-assign]
    cls.import_certificate_authority_certificate = _import(saved[1])  # type: ignore[method-assign]
    try:
        yield
    finally:
        cls.issue_certificate, cls.import_certificate_authority_certificate = saved  # type: ignore[method-assign]


@contextlib.contextmanager
def rehearsal_aws(account: str = "111111111111") -> Iterator[None]:
    """moto for one account (the templates' own, so roles assumed there and resources created here meet),
    with :func:`faithful_pca`."""
    saved = os.environ.get("MOTO_ACCOUNT_ID")
    os.environ["MOTO_ACCOUNT_ID"] = account
    try:
        with mock_aws(), faithful_pca():
            yield
    finally:
        if saved is None:
            os.environ.pop("MOTO_ACCOUNT_ID", None)
        else:
            os.environ["MOTO_ACCOUNT_ID"] = saved


# ------------------------------------------------------------------------------------------ CloudFormation


@cache
def create_only(type_name: str) -> frozenset[str]:
    """Create-only properties of a resource type, from the CloudFormation resource schemas cfn-lint ships."""
    schemas = Path(cfnlint.__file__).parent / "data" / "schemas"
    digest = json.loads((schemas / "providers" / "us-east-1.json").read_text())[type_name]
    schema = json.loads((schemas / "resources" / f"{digest}.json").read_text())
    return frozenset(p.split("/")[-1] for p in schema.get("createOnlyProperties", []))


@dataclass
class Deployed:
    type: str
    physical_id: str
    properties: dict[str, Any]
    attributes: dict[str, Any] = field(default_factory=dict)
    retain: bool = False


@dataclass
class Cloud:
    """One account's CloudFormation, for the resource types in :data:`HANDLED` (see the module docstring)."""

    account: str = "111111111111"
    stacks: dict[str, dict[str, Deployed]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.run_id = uuid.uuid4().hex[:12]
        self.handler = load_handler()
        self.provider = Provider(self.handler)
        self.bundler = load_named("trust_store_bundle")

    def deploy(self, name: str, template: dict[str, Any], region: str) -> list[str]:
        """Apply ``template`` to stack ``name``; returns this deploy's log lines ("CREATE Root...", ...)."""
        start = len(self.log)
        state = self.stacks.setdefault(name, {})
        resources = template.get("Resources", {})
        cleanup: list[tuple[str, Deployed]] = []
        for logical_id in _ordered(resources):
            resource = resources[logical_id]
            if resource["Type"] not in HANDLED:
                continue
            context = _Context(self.account, region, name, state)
            properties = context.resolve(resource.get("Properties", {}))
            old = state.get(logical_id)
            retain = resource.get("DeletionPolicy") == "Retain"
            if old is None:
                state[logical_id] = self._create(logical_id, resource["Type"], properties, region, retain)
            elif old.properties == properties:
                continue
            elif resource["Type"].startswith("Custom::"):
                new = self._custom("Update", logical_id, properties, region, retain, old)
                state[logical_id] = new
                if new.physical_id != old.physical_id:
                    cleanup.append((logical_id, old))
            elif any(old.properties.get(p) != properties.get(p) for p in create_only(resource["Type"])):
                self.log.append(f"REPLACE {logical_id}")
                state[logical_id] = self._create(logical_id, resource["Type"], properties, region, retain)
                cleanup.append((logical_id, old))
            else:
                self.log.append(f"UPDATE {logical_id}")
                old.properties = properties
                old.attributes.update(self._apply(resource["Type"], properties, region))
        for logical_id in [k for k in state if k not in resources]:
            cleanup.append((logical_id, state.pop(logical_id)))
        for logical_id, gone in cleanup:
            self._delete(logical_id, gone, region)
        return self.log[start:]

    def physical(self, stack: str, logical_prefix: str, type_name: str) -> Deployed:
        (match,) = [
            v for k, v in self.stacks[stack].items() if k.startswith(logical_prefix) and v.type == type_name
        ]
        return match

    # -- resource types

    def _create(
        self, logical_id: str, type_name: str, properties: dict[str, Any], region: str, retain: bool
    ) -> Deployed:
        if type_name.startswith("Custom::"):
            return self._custom("Create", logical_id, properties, region, retain, None)
        self.log.append(f"CREATE {logical_id}")
        pca = boto3.client("acm-pca", region_name=region)
        if type_name == "AWS::ACMPCA::CertificateAuthority":
            arn = pca.create_certificate_authority(
                CertificateAuthorityConfiguration={
                    "KeyAlgorithm": properties["KeyAlgorithm"],
                    "SigningAlgorithm": properties["SigningAlgorithm"],
                    "Subject": properties["Subject"],
                },
                CertificateAuthorityType=properties["Type"],
            )["CertificateAuthorityArn"]
            csr = pca.get_certificate_authority_csr(CertificateAuthorityArn=arn)["Csr"]
            return Deployed(
                type_name, arn, properties, {"Arn": arn, "CertificateSigningRequest": csr}, retain
            )
        if type_name == "AWS::ACMPCA::Certificate":
            issuer = properties["CertificateAuthorityArn"]
            validity = {"Type": properties["Validity"]["Type"], "Value": int(properties["Validity"]["Value"])}
            arn = pca.issue_certificate(
                CertificateAuthorityArn=issuer,
                Csr=properties["CertificateSigningRequest"].encode(),
                SigningAlgorithm=properties["SigningAlgorithm"],
                TemplateArn=properties["TemplateArn"],
                Validity=validity,
            )["CertificateArn"]
            got = pca.get_certificate(CertificateAuthorityArn=issuer, CertificateArn=arn)
            return Deployed(
                type_name, arn, properties, {"Arn": arn, "Certificate": got["Certificate"]}, retain
            )
        if type_name == "AWS::S3::Bucket":
            bucket = f"{logical_id.lower()[:40]}-{self.run_id}"  # moto keeps bucket names across mocks
            s3 = boto3.client("s3", region_name=region)
            location = (
                {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            )
            s3.create_bucket(Bucket=bucket, **location)
            if properties.get("VersioningConfiguration"):
                s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
            return Deployed(type_name, bucket, properties, {"Arn": f"arn:aws:s3:::{bucket}"}, retain)
        attributes = self._apply(type_name, properties, region)
        physical = properties.get("CertificateAuthorityArn") or properties.get("Name")
        return Deployed(type_name, str(physical), properties, attributes, retain)

    def _apply(self, type_name: str, properties: dict[str, Any], region: str) -> dict[str, Any]:
        """Create or update in place (the activation re-imports; the parameter is overwritten)."""
        if type_name == "AWS::ACMPCA::CertificateAuthorityActivation":
            pca = boto3.client("acm-pca", region_name=region)
            chain = properties.get("CertificateChain")
            kwargs = {"CertificateChain": chain.encode()} if chain else {}
            pca.import_certificate_authority_certificate(
                CertificateAuthorityArn=properties["CertificateAuthorityArn"],
                Certificate=properties["Certificate"].encode(),
                **kwargs,
            )
            complete = properties["Certificate"].strip() + "\n" + (chain or "")
            return {"CompleteCertificateChain": complete}
        if type_name == "AWS::SSM::Parameter":
            boto3.client("ssm", region_name=region).put_parameter(
                Name=properties["Name"], Value=properties["Value"], Type="String", Overwrite=True
            )
            return {}
        raise AssertionError(f"{type_name} has no in-place update here")

    def _custom(
        self,
        kind: str,
        logical_id: str,
        properties: dict[str, Any],
        region: str,
        retain: bool,
        old: Deployed | None,
    ) -> Deployed:
        self.log.append(f"{kind.upper()} {logical_id}")
        type_name = "Custom::PkiTrustBundle" if "BundleKey" in properties else "Custom::PkiCaActivation"
        event: dict[str, Any] = {
            "RequestType": kind,
            "RequestId": f"{logical_id}-{len(self.log)}",
            "StackId": f"arn:aws:cloudformation:{region}:{self.account}:stack/rehearsal/1",
            "LogicalResourceId": logical_id,
            "ResourceType": type_name,
            "ResourceProperties": properties,
        }
        if old is not None:
            event["PhysicalResourceId"] = old.physical_id
            event["OldResourceProperties"] = old.properties
        if type_name == "Custom::PkiTrustBundle":
            done = {"PhysicalResourceId": logical_id, **self.bundler.on_event(event, None)}
            if properties.get("Revocation"):  # the asynchronous provider then polls for the CRLs
                poll = self.bundler.is_complete(event, None)
                if not poll["IsComplete"]:
                    # What AWS Private CA does about 30 minutes after a new CA's first issuance (moto does not).
                    for entry in properties["Revocation"]:
                        ca_id = str(entry["CertificateAuthorityArn"]).split("/")[-1]
                        boto3.client("s3", region_name=region).put_object(
                            Bucket=entry["CrlBucket"],
                            Key=f"{entry.get('CrlPath') or 'crl'}/{ca_id}.crl",
                            Body=b"\x30\x03\x02\x01\x01",  # a DER SEQUENCE: what the handler converts
                        )
                    poll = self.bundler.is_complete(event, None)
                assert poll["IsComplete"], f"{logical_id}: the CAs' CRLs are not in S3"
                done["Data"] = {**done.get("Data", {}), **poll.get("Data", {})}
        else:
            done = self.provider.run(event)
        attributes = {**(old.attributes if old else {}), **done.get("Data", {})}
        return Deployed(type_name, done["PhysicalResourceId"], properties, attributes, retain)

    def _delete(self, logical_id: str, gone: Deployed, region: str) -> None:
        if gone.retain:
            self.log.append(f"RETAIN {logical_id}")
            return
        self.log.append(f"DELETE {logical_id}")
        if gone.type == "AWS::ACMPCA::CertificateAuthority":
            pca = boto3.client("acm-pca", region_name=region)
            pca.update_certificate_authority(CertificateAuthorityArn=gone.physical_id, Status="DISABLED")
            pca.delete_certificate_authority(
                CertificateAuthorityArn=gone.physical_id, PermanentDeletionTimeInDays=7
            )
        if gone.type == "Custom::PkiCaActivation":
            self.provider.run(
                {
                    "RequestType": "Delete",
                    "ResourceType": "Custom::PkiCaActivation",
                    "RequestId": f"{logical_id}-delete-{len(self.log)}",
                    "PhysicalResourceId": gone.physical_id,
                    "LogicalResourceId": logical_id,
                    "ResourceProperties": gone.properties,
                }
            )


def _references(value: Any) -> set[str]:
    if isinstance(value, dict):
        found: set[str] = set()
        if "Ref" in value and not str(value["Ref"]).startswith("AWS::"):
            found.add(str(value["Ref"]))
        if "Fn::GetAtt" in value:
            found.add(str(value["Fn::GetAtt"][0]))
        for item in value.values():
            found |= _references(item)
        return found
    if isinstance(value, list):
        return set().union(*(_references(v) for v in value)) if value else set()
    return set()


def _ordered(resources: dict[str, Any]) -> list[str]:
    """Logical ids with every resource after what it references or depends on."""
    order: list[str] = []
    visiting: set[str] = set()

    def visit(logical_id: str) -> None:
        if logical_id in order or logical_id not in resources:
            return
        if logical_id in visiting:
            raise AssertionError(f"dependency cycle at {logical_id}")
        visiting.add(logical_id)
        resource = resources[logical_id]
        depends = resource.get("DependsOn", [])
        for dependency in sorted(
            _references(resource.get("Properties", {}))
            | set([depends] if isinstance(depends, str) else depends)
        ):
            visit(dependency)
        visiting.discard(logical_id)
        order.append(logical_id)

    for logical_id in resources:
        visit(logical_id)
    return order


@dataclass
class _Context:
    account: str
    region: str
    stack: str
    state: dict[str, Deployed]

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if "Ref" in value:
            return self._ref(str(value["Ref"]))
        if "Fn::GetAtt" in value:
            logical_id, attribute = value["Fn::GetAtt"]
            deployed = self.state.get(logical_id)
            return deployed.attributes[attribute] if deployed else f"<{logical_id}.{attribute}>"
        if "Fn::Join" in value:
            separator, parts = value["Fn::Join"]
            return str(separator).join(str(self.resolve(p)) for p in parts)
        if "Fn::Select" in value:
            index, items = value["Fn::Select"]
            return self.resolve(items)[int(index)]
        if "Fn::Split" in value:
            separator, text = value["Fn::Split"]
            return str(self.resolve(text)).split(separator)
        return {k: self.resolve(v) for k, v in value.items()}

    def _ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Partition": "aws",
            "AWS::Region": self.region,
            "AWS::AccountId": self.account,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::StackName": self.stack,
        }
        if name in pseudo:
            return pseudo[name]
        deployed = self.state.get(name)
        if deployed is None:
            return f"<{name}>"
        if deployed.type == "AWS::ACMPCA::CertificateAuthority":
            return deployed.attributes["Arn"]
        return deployed.physical_id
