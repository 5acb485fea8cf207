"""pki-constructs: AWS CDK v2 constructs for private PKI (AWS Private CA) and public TLS (ACM).

This module only re-exports; each concept lives in its own module. Names are imported on first use,
so an app that needs only ``RootCa`` does not pay for loading Lambda, ELB and CloudFront bindings.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULE_OF = {
    "CaActivation": "custom_activation",
    "IssuerRole": "issuer_role",
    "OfflineParent": "offline_parent",
    "ImportedCertificateAuthority": "imported_ca",
    "CaFacts": "ca_facts",
    "KeyAlgorithm": "algorithms",
    "KeyFamily": "algorithms",
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
    "Problem": "errors",
    "ExpiryAlarm": "expiry_alarm",
    "ExpiryTopic": "expiry_topic",
    "CertificateAuthorityBase": "private_ca",
    "RootCa": "private_ca",
    "SubordinateCa": "private_ca",
    "PrivateService": "private_tier",
    "PrivateServiceTier": "private_tier",
    "PublicCertificate": "public_certificate",
    "CaRotation": "rotation",
    "RotationPhase": "rotation",
    "CrlConfiguration": "revocation",
    "CrlType": "revocation",
    "OcspConfiguration": "revocation",
    "S3ObjectAcl": "revocation",
    "ServiceCertificate": "service_certificate",
    "CaShare": "sharing",
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


if TYPE_CHECKING:  # what __getattr__ returns, for type checkers and IDEs
    from .algorithms import KeyAlgorithm, KeyFamily, KeyStorageSecurityStandard, SigningAlgorithm, UsageMode
    from .api_mtls import MutualTlsApiDomain
    from .ca_expiry import CaExpiryAlarm
    from .ca_facts import CaFacts
    from .certified_alb import CertifiedAlb
    from .certified_distribution import CertifiedDistribution
    from .cross_region import RegionalExport, RegionalImport
    from .custom_activation import CaActivation
    from .errors import PkiValidationError, Problem
    from .expiry_alarm import ExpiryAlarm
    from .expiry_topic import ExpiryTopic
    from .imported_ca import ImportedCertificateAuthority
    from .issuer_role import IssuerRole
    from .offline_parent import OfflineParent
    from .private_ca import CertificateAuthorityBase, RootCa, SubordinateCa
    from .private_tier import PrivateService, PrivateServiceTier
    from .public_certificate import PublicCertificate
    from .ram_permission import RamPermission
    from .revocation import CrlConfiguration, CrlType, OcspConfiguration, S3ObjectAcl
    from .rotation import CaRotation, RotationPhase
    from .service_certificate import ServiceCertificate
    from .sharing import CaShare
    from .subject import DistinguishedName
    from .templates import CertificateTemplate
    from .trust_store import CaBundle, MutualTls, MutualTlsMode, MutualTlsTrustStore
