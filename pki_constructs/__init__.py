"""pki-constructs: AWS CDK v2 constructs for private PKI (AWS Private CA) and public TLS (ACM).

This module only re-exports; each concept lives in its own module.
"""

from .errors import PkiValidationError, Problem

__all__ = [
    "PkiValidationError",
    "Problem",
]
