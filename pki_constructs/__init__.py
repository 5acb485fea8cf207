"""pki-constructs: AWS CDK v2 constructs for private PKI (AWS Private CA) and public TLS (ACM).

This module only re-exports; each concept lives in its own module.
"""

from .activation import CaActivation, CertificateAuthorityRef, IssuerRole, OfflineParent
from .algorithms import KeyAlgorithm, KeyFamily, KeyStorageSecurityStandard, SigningAlgorithm, UsageMode
from .api_mtls import MutualTlsApiDomain
from .ca_expiry import CaExpiryAlarm
from .certified_alb import CertifiedAlb
from .certified_distribution import CertifiedDistribution
from .cross_region import RegionalExport, RegionalImport
from .errors import PkiValidationError, Problem
from .expiry_alarm import ExpiryAlarm, ExpiryTopic
from .private_ca import CaProfile, CertificateAuthorityBase, RootCa, SubordinateCa
from .private_tier import PrivateService, PrivateServiceTier
from .public_certificate import PublicCertificate
from .revocation import CrlConfiguration, CrlType, OcspConfiguration, S3ObjectAcl
from .service_certificate import ServiceCertificate
from .subject import DistinguishedName
from .templates import CertificateTemplate
from .trust_store import CaBundle, MutualTls, MutualTlsMode, MutualTlsTrustStore

__all__ = [
    "CaActivation",
    "CaBundle",
    "CaExpiryAlarm",
    "CaProfile",
    "CertificateAuthorityBase",
    "CertificateAuthorityRef",
    "CertificateTemplate",
    "CertifiedAlb",
    "CertifiedDistribution",
    "CrlConfiguration",
    "CrlType",
    "DistinguishedName",
    "ExpiryAlarm",
    "ExpiryTopic",
    "IssuerRole",
    "KeyAlgorithm",
    "KeyFamily",
    "KeyStorageSecurityStandard",
    "MutualTls",
    "MutualTlsApiDomain",
    "MutualTlsMode",
    "MutualTlsTrustStore",
    "OcspConfiguration",
    "OfflineParent",
    "PkiValidationError",
    "PrivateService",
    "PrivateServiceTier",
    "Problem",
    "PublicCertificate",
    "RegionalExport",
    "RegionalImport",
    "RootCa",
    "S3ObjectAcl",
    "ServiceCertificate",
    "SigningAlgorithm",
    "SubordinateCa",
    "UsageMode",
]
