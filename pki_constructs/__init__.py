"""pki-constructs: AWS CDK v2 constructs for private PKI (AWS Private CA) and public TLS (ACM).

This module only re-exports; each concept lives in its own module. Names are imported on first use,
so an app that needs only ``RootCa`` does not pay for loading Lambda, ELB and CloudFront bindings.

``__all__`` is what a user composes: constructs, the values their props take, and the error to catch.
Internals stay importable from their own modules (``pki_constructs.ca_facts.CaFacts``, ...) but are not
part of the surface: parts a construct creates for itself (``CaActivation``, ``CrlDistribution``, the
expiry checker), the shared base ``CertificateAuthorityBase`` (type CA props with
``aws_acmpca.ICertificateAuthority``), what an importer returns (``ImportedCertificateAuthority``: build it
with ``SubordinateCa.from_certificate_authority_attributes``), and facts and results the library computes
(``CaFacts``, ``KeyFamily``, ``Problem``, ``PrivateService``), and what a method returns (``CaShare``: made by
``ca.share(...)``). tests/test_package_root.py keeps that list
with reasons.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULE_OF = {
    "IssuerRole": "issuer_role",
    "OfflineParent": "offline_parent",
    "KeyAlgorithm": "algorithms",
    "KeyStorageSecurityStandard": "algorithms",
    "SigningAlgorithm": "algorithms",
    "UsageMode": "algorithms",
    "MutualTlsApiDomain": "api_mtls",
    "CaExpiryAlarm": "ca_expiry",
    "CertifiedAlb": "certified_alb",
    "CertifiedDistribution": "certified_distribution",
    "RegionalExport": "cross_region",
    "RegionalImport": "cross_region",
    "PkiValidationError": "errors",
    "ExpiryAlarm": "expiry_alarm",
    "ExpiryTopic": "expiry_topic",
    "RootCa": "private_ca",
    "SubordinateCa": "private_ca",
    "PrivateServiceTier": "private_tier",
    "PublicCertificate": "public_certificate",
    "CaRotation": "rotation",
    "RotationPhase": "rotation",
    "CrlConfiguration": "revocation",
    "CrlType": "revocation",
    "OcspConfiguration": "revocation",
    "S3ObjectAcl": "revocation",
    "ServiceCertificate": "service_certificate",
    "RamPermission": "ram_permission",
    "DistinguishedName": "subject",
    "CertificateTemplate": "templates",
    "CaBundle": "trust_store",
    "MutualTls": "trust_store",
    "MutualTlsMode": "trust_store",
    "MutualTlsTrustStore": "trust_store",
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])


if (
    TYPE_CHECKING
):  # what __getattr__ returns, for type checkers and IDEs (`X as X`: an explicit re-export under --strict)
    from .algorithms import (
        KeyAlgorithm as KeyAlgorithm,
    )
    from .algorithms import (
        KeyStorageSecurityStandard as KeyStorageSecurityStandard,
    )
    from .algorithms import (
        SigningAlgorithm as SigningAlgorithm,
    )
    from .algorithms import (
        UsageMode as UsageMode,
    )
    from .api_mtls import MutualTlsApiDomain as MutualTlsApiDomain
    from .ca_expiry import CaExpiryAlarm as CaExpiryAlarm
    from .certified_alb import CertifiedAlb as CertifiedAlb
    from .certified_distribution import CertifiedDistribution as CertifiedDistribution
    from .cross_region import RegionalExport as RegionalExport
    from .cross_region import RegionalImport as RegionalImport
    from .errors import PkiValidationError as PkiValidationError
    from .expiry_alarm import ExpiryAlarm as ExpiryAlarm
    from .expiry_topic import ExpiryTopic as ExpiryTopic
    from .issuer_role import IssuerRole as IssuerRole
    from .offline_parent import OfflineParent as OfflineParent
    from .private_ca import RootCa as RootCa
    from .private_ca import SubordinateCa as SubordinateCa
    from .private_tier import PrivateServiceTier as PrivateServiceTier
    from .public_certificate import PublicCertificate as PublicCertificate
    from .ram_permission import RamPermission as RamPermission
    from .revocation import (
        CrlConfiguration as CrlConfiguration,
    )
    from .revocation import (
        CrlType as CrlType,
    )
    from .revocation import (
        OcspConfiguration as OcspConfiguration,
    )
    from .revocation import (
        S3ObjectAcl as S3ObjectAcl,
    )
    from .rotation import CaRotation as CaRotation
    from .rotation import RotationPhase as RotationPhase
    from .service_certificate import ServiceCertificate as ServiceCertificate
    from .subject import DistinguishedName as DistinguishedName
    from .templates import CertificateTemplate as CertificateTemplate
    from .trust_store import (
        CaBundle as CaBundle,
    )
    from .trust_store import (
        MutualTls as MutualTls,
    )
    from .trust_store import (
        MutualTlsMode as MutualTlsMode,
    )
    from .trust_store import (
        MutualTlsTrustStore as MutualTlsTrustStore,
    )
