"""The shape of the ``pki-constructs`` template metadata that constructs write and ``pki-review`` reads.

Written by :mod:`pki_constructs.review_metadata` (at synth, from the constructs), read here from plain JSON,
so a template alone (a ``cdk.out`` folder or a snapshot file) is enough for a review. Every record sits under
``Resources.<LogicalId>.Metadata["pki-constructs"]``. Ids are construct paths (``Stack/Construct``): unique in
an app and stable across synths, so a CA in one stack (or region) names its parent in another.

- ``{"kind": "ca", "id", "name", "parent", "usageMode", "monthlyUsd"}`` on the ``AWS::ACMPCA::CertificateAuthority``.
  ``parent`` is the parent CA's id, ``"arn:..."`` for a CA known by ARN, ``"ssm:<name>"`` for a CA whose ARN
  is read from an SSM parameter no CA of this app writes, ``"external"`` (another ARN token) or
  ``"offline"``; absent for a root (CDK drops null metadata values). A CA of this app imported elsewhere
  through its weak reference (``RegionalExport``: another stack, region or account) is named by its id, so
  the edge survives in templates alone.
- ``{"kind": "ca-certificate", "ca"}`` on the CA's own certificate (``AWS::ACMPCA::Certificate``) and
  ``{"kind": "ca-activation", "ca"}`` on what installs it (``AWS::ACMPCA::CertificateAuthorityActivation`` or
  the ``Custom::PkiCaActivation`` custom resource, which both issues and installs it).
- ``{"kind": "certificate", "id", "name", "issuer"}`` on an ``AWS::CertificateManager::Certificate``; ``issuer``
  is a CA id (as ``parent``), ``"acm"`` for a public ACM certificate, ``"arn:..."``, ``"ssm:<name>"`` or
  ``"external"``.
- ``{"kind": "trust-store", "id", "cas": [ids]}`` on the bundle (``Custom::PkiTrustBundle``) that trust
  stores, mTLS listeners and API domains read; it holds each CA with its chain up to the root. Each entry is
  named as ``parent`` is.
"""

from __future__ import annotations

KEY = "pki-constructs"
VERSION = 1

CA = "ca"
CA_CERTIFICATE = "ca-certificate"
CA_ACTIVATION = "ca-activation"
CERTIFICATE = "certificate"
TRUST_STORE = "trust-store"

ROOT_PARENT = None
ISSUER_PUBLIC_ACM = "acm"
EXTERNAL = "external"
OFFLINE = "offline"
SSM_PREFIX = "ssm:"
"""A CA whose ARN is read from an SSM parameter that no CA of this app writes (another app publishes it)."""

DEFAULT_USAGE_MODE = "GENERAL_PURPOSE"
"""``UsageMode`` when the template leaves it out (botocore acm-pca CreateCertificateAuthority: "The default
value is GENERAL_PURPOSE")."""
MONTHLY_USD = {"GENERAL_PURPOSE": 400, "SHORT_LIVED_CERTIFICATE": 50}
"""Per CA per month, for a CA without a record: https://aws.amazon.com/private-ca/pricing/ (as ``cost.py``)."""
