"""The PKI of one side, read back from the ``pki-constructs`` metadata of its templates."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from . import record_format as fmt
from .assembly import App
from .changes import Key, references


@dataclass(frozen=True)
class Ca:
    id: str
    name: str
    parent: str | None
    usage_mode: str
    monthly_usd: int
    key: Key
    retained_on_delete: bool
    retained_on_replace: bool
    recorded: bool = True
    """False for a CA known only by its resource (a template from before the records existed, or L1s)."""

    @property
    def label(self) -> str:
        return f"**{self.name}** (`{self.id}`)"


@dataclass(frozen=True)
class Certificate:
    id: str
    name: str
    issuer: str | None
    key: Key

    @property
    def label(self) -> str:
        return f"`{self.name}` (`{self.id}`)"


@dataclass(frozen=True)
class TrustStore:
    id: str
    cas: tuple[str, ...]
    key: Key

    @property
    def label(self) -> str:
        return f"`{self.id}`"


@dataclass
class Pki:
    cas: dict[str, Ca] = field(default_factory=dict)
    certificates: dict[str, Certificate] = field(default_factory=dict)
    trust_stores: dict[str, TrustStore] = field(default_factory=dict)
    ca_parts: dict[Key, str] = field(default_factory=dict)
    """The resources that carry a CA's own certificate (certificate, activation), to the CA's id."""

    def children(self, ca_id: str) -> list[str]:
        return [ca.id for ca in self.cas.values() if ca.parent == ca_id]

    def chain(self, ca_id: str) -> list[str]:
        """The CA and its ancestors known to this side, nearest first."""
        chain: list[str] = []
        current: str | None = ca_id
        while current is not None and current in self.cas and current not in chain:
            chain.append(current)
            current = self.cas[current].parent
        return chain


def read(app: App) -> Pki:
    pki = Pki()
    for stack_name, stack in app.items():
        for logical_id, resource in stack.resources.items():
            record = (resource.get("Metadata") or {}).get(fmt.KEY)
            if isinstance(record, dict):
                _add(pki, record, (stack_name, logical_id), resource)
    _add_unrecorded_cas(pki, app)
    _add_unrecorded_certificates(pki, app)
    return pki


UNKNOWN_PARENT = "unknown"


def _add_unrecorded_cas(pki: Pki, app: App) -> None:
    """CAs without a record, known by their resource (a root by its ``Type``, the price by its usage mode;
    a subordinate's parent unknown), and the certificate and
    activation that refer to them. :func:`align` matches them to the other side's records by resource."""
    recorded = {ca.key for ca in pki.cas.values()}
    found: dict[Key, str] = {}
    for stack_name, stack in app.items():
        for logical_id, resource in stack.resources.items():
            key = (stack_name, logical_id)
            if resource.get("Type") != "AWS::ACMPCA::CertificateAuthority" or key in recorded:
                continue
            properties = resource.get("Properties") or {}
            name = (properties.get("Subject") or {}).get("CommonName")
            ca_id = _path(resource) or f"{stack_name}/{logical_id}"
            usage_mode = str(properties.get("UsageMode", fmt.DEFAULT_USAGE_MODE))
            pki.cas[ca_id] = Ca(
                id=ca_id,
                name=name if isinstance(name, str) else ca_id,
                parent=fmt.ROOT_PARENT if properties.get("Type") == "ROOT" else UNKNOWN_PARENT,
                usage_mode=usage_mode,
                monthly_usd=fmt.MONTHLY_USD.get(usage_mode, 0),
                key=key,
                retained_on_delete=resource.get("DeletionPolicy") == "Retain",
                retained_on_replace=resource.get("UpdateReplacePolicy") == "Retain",
                recorded=False,
            )
            found[key] = ca_id
    for stack_name, stack in app.items():
        for logical_id, resource in stack.resources.items():
            pointer = _PART_POINTERS.get(str(resource.get("Type")))
            if pointer is None or (stack_name, logical_id) in pki.ca_parts:
                continue
            named = references((resource.get("Properties") or {}).get(pointer), stack_name)
            owners = [found[k] for k in named if k in found]
            if owners:
                pki.ca_parts[(stack_name, logical_id)] = owners[0]


_PART_POINTERS = {
    "AWS::ACMPCA::Certificate": "CertificateSigningRequest",
    "AWS::ACMPCA::CertificateAuthorityActivation": "CertificateAuthorityArn",
    "Custom::PkiCaActivation": "CertificateAuthorityArn",
}
"""The property through which a CA's own certificate and activation name the CA."""


def _path(resource: dict[str, Any]) -> str | None:
    path = (resource.get("Metadata") or {}).get("aws:cdk:path")
    return path.removesuffix("/Resource") if isinstance(path, str) else None


def align(before: Pki, after: Pki, old_app: App, new_app: App) -> None:
    """Match what ``before`` knows without records (a base synthesized before the constructs wrote them) to
    ``after``'s records of the same CloudFormation resource: unrecorded CAs and their certificates take the
    new ids (and parents); other certificates and trust stores whose resource existed are taken as they are
    now, so only real changes remain."""
    renamed: dict[str, str] = {}
    by_key = {ca.key: ca for ca in before.cas.values() if not ca.recorded}
    for new in after.cas.values():
        old = by_key.get(new.key)
        if old is not None and new.id not in before.cas:
            del before.cas[old.id]
            before.cas[new.id] = replace(old, id=new.id, parent=new.parent)
            renamed[old.id] = new.id
    before.ca_parts = {key: renamed.get(ca_id, ca_id) for key, ca_id in before.ca_parts.items()}
    certificates = {c.key: c for c in before.certificates.values()}
    for new_cert in after.certificates.values():
        old_cert = certificates.get(new_cert.key)
        if new_cert.id in before.certificates:
            continue
        if old_cert is not None:
            del before.certificates[old_cert.id]
            issuer = renamed.get(old_cert.issuer or "", old_cert.issuer)
            before.certificates[new_cert.id] = replace(old_cert, id=new_cert.id, issuer=issuer)
        elif _same_resource(old_app, new_app, new_cert.key):  # e.g. a public certificate: nothing to infer
            before.certificates[new_cert.id] = new_cert
    for store in after.trust_stores.values():
        if store.id not in before.trust_stores and _same_resource(old_app, new_app, store.key):
            before.trust_stores[store.id] = store  # its old contents are unknown: assume unchanged


def _same_resource(old_app: App, new_app: App, key: Key) -> bool:
    old, new = old_app.get(key[0]), new_app.get(key[0])
    if old is None or new is None or key[1] not in old.resources:
        return False
    return bool(old.resources[key[1]].get("Type") == new.resources[key[1]].get("Type"))


def _add_unrecorded_certificates(pki: Pki, app: App) -> None:
    """ACM private certificates made without our constructs (``acm.PrivateCertificate``) from one of our CAs:
    their ``CertificateAuthorityArn`` refers to the CA or its activation in the same stack."""
    owner = {ca.key: ca.id for ca in pki.cas.values()} | pki.ca_parts
    recorded = {certificate.key for certificate in pki.certificates.values()}
    for stack_name, stack in app.items():
        for logical_id, resource in stack.resources.items():
            key = (stack_name, logical_id)
            if resource.get("Type") != "AWS::CertificateManager::Certificate" or key in recorded:
                continue
            properties = resource.get("Properties") or {}
            issuers = [
                owner[k]
                for k in references(properties.get("CertificateAuthorityArn"), stack_name)
                if k in owner
            ]
            if issuers:
                cert_id = _path(resource) or f"{stack_name}/{logical_id}"
                name = properties.get("DomainName")
                pki.certificates[cert_id] = Certificate(
                    cert_id, name if isinstance(name, str) else cert_id, issuers[0], key
                )


def _add(pki: Pki, record: dict[str, Any], key: Key, resource: dict[str, Any]) -> None:
    kind = record.get("kind")
    if kind == fmt.CA:
        pki.cas[record["id"]] = Ca(
            id=record["id"],
            name=str(record.get("name") or record["id"]),
            parent=record.get("parent"),
            usage_mode=str(record.get("usageMode", "GENERAL_PURPOSE")),
            monthly_usd=int(record.get("monthlyUsd", 0)),
            key=key,
            retained_on_delete=resource.get("DeletionPolicy") == "Retain",
            retained_on_replace=resource.get("UpdateReplacePolicy") == "Retain",
        )
    elif kind in (fmt.CA_CERTIFICATE, fmt.CA_ACTIVATION):
        pki.ca_parts[key] = record["ca"]
    elif kind == fmt.CERTIFICATE:
        pki.certificates[record["id"]] = Certificate(
            record["id"], str(record.get("name") or record["id"]), record.get("issuer"), key
        )
    elif kind == fmt.TRUST_STORE:
        pki.trust_stores[record["id"]] = TrustStore(record["id"], tuple(record.get("cas", ())), key)
