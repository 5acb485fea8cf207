"""Typed access to the certificate templates AWS Private CA applies when it issues a certificate."""

from __future__ import annotations

import enum

from aws_cdk import Stack
from constructs import IConstruct

from .errors import PkiValidationError, Problem
from .method_inputs import typed_method

MAX_PATH_LENGTH = 3
"""AWS offers subordinate CA templates for path lengths 0 to 3 only."""


class CertificateTemplate(enum.Enum):
    """An AWS-managed certificate template (``arn:<partition>:acm-pca:::template/<name>``).

    Templates decide the extensions of an issued certificate: basic constraints and path length,
    key usage, extended key usage.
    """

    END_ENTITY = "EndEntityCertificate/V1"
    END_ENTITY_SERVER_AUTH = "EndEntityServerAuthCertificate/V1"
    END_ENTITY_CLIENT_AUTH = "EndEntityClientAuthCertificate/V1"
    CODE_SIGNING = "CodeSigningCertificate/V1"
    OCSP_SIGNING = "OCSPSigningCertificate/V1"
    ROOT_CA = "RootCACertificate/V1"
    SUBORDINATE_CA_PATH_LEN_0 = "SubordinateCACertificate_PathLen0/V1"
    SUBORDINATE_CA_PATH_LEN_1 = "SubordinateCACertificate_PathLen1/V1"
    SUBORDINATE_CA_PATH_LEN_2 = "SubordinateCACertificate_PathLen2/V1"
    SUBORDINATE_CA_PATH_LEN_3 = "SubordinateCACertificate_PathLen3/V1"

    @classmethod
    @typed_method(creates_child=False)
    def subordinate_ca(cls, path_length: int) -> CertificateTemplate:
        """The template that issues a subordinate CA certificate with ``pathLenConstraint = path_length``.

        :param path_length: 0 to 3 (AWS offers no other subordinate CA template).
        """
        raise_if_any_path_length("CertificateTemplate.subordinate_ca", "path_length", path_length)
        return cls(f"SubordinateCACertificate_PathLen{path_length}/V1")

    @property
    def issues_ca(self) -> bool:
        return self is CertificateTemplate.ROOT_CA or self.value.startswith("SubordinateCA")

    def arn_in(self, partition: str) -> str:
        return f"arn:{partition}:acm-pca:::template/{self.value}"

    @typed_method(creates_child=False)
    def arn(self, scope: IConstruct) -> str:
        """The template's ARN in the partition of ``scope``'s stack (a literal where the region is known)."""
        return self.arn_in(Stack.of(scope).partition)


def path_length_problems(field: str, path_length: int) -> list[Problem]:
    """A subordinate CA template exists for path lengths 0 to 3 only (a literal int: tokens have no template)."""
    if 0 <= path_length <= MAX_PATH_LENGTH:
        return []
    return [
        Problem(
            field,
            path_length,
            f"AWS has subordinate CA templates for path lengths 0-{MAX_PATH_LENGTH} only",
            f"use a path length from 0 to {MAX_PATH_LENGTH}",
        )
    ]


def raise_if_any_path_length(where: str, field: str, path_length: int) -> None:
    problems = path_length_problems(field, path_length)
    if problems:
        raise PkiValidationError(where, problems)
