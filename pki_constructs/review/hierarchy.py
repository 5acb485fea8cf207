"""The PKI of one side, read back from the ``pki-constructs`` metadata of its templates."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    _add_unrecorded_certificates(pki, app)
    return pki


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
                path = (resource.get("Metadata") or {}).get("aws:cdk:path")
                cert_id = (
                    path.removesuffix("/Resource") if isinstance(path, str) else f"{stack_name}/{logical_id}"
                )
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
