"""``grant_issue``: let a principal issue end-entity certificates from one CA, with exactly the templates named.

Shared by our CAs and imported ones (``SubordinateCa.from_certificate_authority_attributes``).
"""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_iam as iam
from constructs import IConstruct

from .errors import Problem, raise_if_any
from .templates import CertificateTemplate

__all__ = ["grant_issue"]


def grant_issue(
    scope: IConstruct,
    certificate_authority_arn: str,
    grantee: iam.IGrantable,
    templates: Sequence[CertificateTemplate],
    *,
    is_root: bool,
) -> iam.Grant:
    """``acm-pca:IssueCertificate`` on ``certificate_authority_arn`` only, with an ``acm-pca:TemplateArn``
    condition, plus GetCertificate/GetCertificateAuthorityCertificate to collect the result and chain.
    Refuses no templates, CA templates, and end-entity issuance from a root (errors at ``scope``)."""
    problems = []
    if not templates:
        problems.append(
            Problem(
                "templates",
                (),
                "a grant without templates would allow any certificate, CA certificates included",
                "name the templates, e.g. CertificateTemplate.END_ENTITY_SERVER_AUTH",
            )
        )
    ca_templates = [t.value for t in templates if t.issues_ca]
    if ca_templates:
        problems.append(
            Problem(
                "templates",
                ca_templates,
                "grant_issue is for end-entity certificates; CA certificates come from SubordinateCa",
                "create a SubordinateCa(parent=this CA) instead",
            )
        )
    if is_root and templates:
        problems.append(
            Problem(
                "templates",
                [t.value for t in templates],
                "AWS best practice keeps a root CA for issuing subordinate CAs only",
                "issue end-entity certificates from a SubordinateCa",
            )
        )
    raise_if_any(scope, problems)
    arn = certificate_authority_arn
    issue = iam.Grant.add_to_principal(
        grantee=grantee,
        actions=["acm-pca:IssueCertificate"],
        resource_arns=[arn],
        conditions={"StringEquals": {"acm-pca:TemplateArn": [t.arn(scope) for t in templates]}},
    )
    collect = iam.Grant.add_to_principal(
        grantee=grantee,
        actions=["acm-pca:GetCertificate", "acm-pca:GetCertificateAuthorityCertificate"],
        resource_arns=[arn],
    )
    return issue.combine(collect)
