"""The AWS-managed RAM permissions for sharing an AWS Private CA, and what each lets a member account do.

Sources (read 2026-11, keep them beside any change):

- Names and ARNs: AWS RAM User Guide, "Viewing managed permissions"
  (https://docs.aws.amazon.com/ram/latest/userguide/working-with-sharing-view-permissions.html), whose
  ``aws ram list-permissions`` output lists the ``acm-pca:CertificateAuthority`` permissions
  ``AWSRAMBlankEndEntityCertificateAPICSRPassthroughIssuanceCertificateAuthority``,
  ``AWSRAMBlankEndEntityCertificateAPIPassthroughIssuanceCertificateAuthority``,
  ``AWSRAMRevokeCertificateCertificateAuthority`` and
  ``AWSRAMSubordinateCACertificatePathLen0IssuanceCertificateAuthority``; the RAM User Guide's managed
  permissions table names ``AWSRAMDefaultPermissionCertificateAuthority`` the default for the resource type.
  ARN shape: ``arn:aws:ram::aws:permission/<name>`` (same page).
- What each allows: AWS Private CA User Guide, "Resource-based policies"
  (https://docs.aws.amazon.com/privateca/latest/userguide/pca-rbp.html): cross-account issuers may use only
  EndEntityCertificate/V1, EndEntityClientAuthCertificate/V1, EndEntityServerAuthCertificate/V1,
  BlankEndEntityCertificate_APIPassthrough/V1, BlankEndEntityCertificate_APICSRPassthrough/V1 and
  SubordinateCACertificate_PathLen0/V1; its example policies grant the read actions
  (DescribeCertificateAuthority, GetCertificate, GetCertificateAuthorityCertificate, ListPermissions,
  ListTags) next to issuance. The default permission issues with EndEntityCertificate/V1 only (its example policy; also
  cert-manager/aws-privateca-issuer#409: a BlankEndEntityCertificate_APICSRPassthrough request under it is
  refused).
- Revocation: AWS Private CA User Guide, "Revoke a private certificate"
  (https://docs.aws.amazon.com/privateca/latest/userguide/PcaRevokeCert.html): a cross-account issuer may
  revoke only with a second share of the same CA using ``AWSRAMRevokeCertificateCertificateAuthority`` next to
  the one using ``AWSRAMDefaultPermissionCertificateAuthority``.
- One permission per resource type and share: botocore ``ram`` model, ``CreateResourceShare.permissionArns``
  ("You can associate only one permission with each resource type included in the resource share").
"""

from __future__ import annotations

import enum

from aws_cdk import Stack
from constructs import IConstruct

from .method_inputs import typed_method
from .templates import CertificateTemplate

__all__ = ["RamPermission"]


class RamPermission(enum.Enum):
    """An AWS-managed RAM permission for ``acm-pca:CertificateAuthority`` (one per resource share)."""

    END_ENTITY = "AWSRAMDefaultPermissionCertificateAuthority"
    """The default: issue end-entity certificates (EndEntityCertificate/V1) — what ACM private certificates
    (``acm.PrivateCertificate``, ``ServiceCertificate``) in the member account need — and read the CA."""

    BLANK_END_ENTITY_API_CSR_PASSTHROUGH = (
        "AWSRAMBlankEndEntityCertificateAPICSRPassthroughIssuanceCertificateAuthority"
    )
    """``IssueCertificate`` with BlankEndEntityCertificate_APICSRPassthrough/V1 (extensions from API and CSR)."""

    BLANK_END_ENTITY_API_PASSTHROUGH = (
        "AWSRAMBlankEndEntityCertificateAPIPassthroughIssuanceCertificateAuthority"
    )
    """``IssueCertificate`` with BlankEndEntityCertificate_APIPassthrough/V1 (extensions from the API call)."""

    SUBORDINATE_CA_PATH_LEN_0 = "AWSRAMSubordinateCACertificatePathLen0IssuanceCertificateAuthority"
    """``IssueCertificate`` with SubordinateCACertificate_PathLen0/V1: member accounts sign their own
    path-length-0 subordinate CAs (no deeper: AWS offers no cross-account template for path length >= 1)."""

    REVOKE_CERTIFICATE = "AWSRAMRevokeCertificateCertificateAuthority"
    """``RevokeCertificate``: lets a member account revoke the certificates it issued. AWS documents it as a
    second share next to an issuing one."""

    def arn_in(self, partition: str) -> str:
        """``arn:<partition>:ram::aws:permission/<name>``."""
        return f"arn:{partition}:ram::aws:permission/{self.value}"

    @typed_method(creates_child=False)
    def arn(self, scope: IConstruct) -> str:
        """The permission's ARN in the partition of ``scope``'s stack."""
        return self.arn_in(Stack.of(scope).partition)

    @property
    def template(self) -> CertificateTemplate | None:
        """The certificate template the permission lets a member account issue with (None: issues nothing,
        or a Blank passthrough template this library does not model)."""
        return _TEMPLATES.get(self)

    @property
    def issues_end_entity(self) -> bool:
        return self in (
            RamPermission.END_ENTITY,
            RamPermission.BLANK_END_ENTITY_API_CSR_PASSTHROUGH,
            RamPermission.BLANK_END_ENTITY_API_PASSTHROUGH,
        )

    @property
    def allows_acm(self) -> bool:
        """ACM private certificates requested in the member account need this permission."""
        return self is RamPermission.END_ENTITY


_TEMPLATES = {
    RamPermission.END_ENTITY: CertificateTemplate.END_ENTITY,
    RamPermission.SUBORDINATE_CA_PATH_LEN_0: CertificateTemplate.SUBORDINATE_CA_PATH_LEN_0,
}
