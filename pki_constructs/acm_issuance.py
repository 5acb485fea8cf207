"""The rules every ACM private certificate naming a CA must meet, checked over the whole app at synth.

``ServiceCertificate`` checks them in its constructor; aws-cdk-lib's own ``acm.PrivateCertificate`` (or a raw
``acm.CfnCertificate``) does not know them, so each CA of this library (created or imported) adds a late
validation that finds every ``AWS::CertificateManager::Certificate`` of the app naming its ARN and applies the
same rules: ACM cannot issue from a short-lived-certificate CA, a CA shared through RAM needs the end-entity
permission, and the certificate is requested in the CA's region.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm

from .algorithms import UsageMode
from .ca_facts import ca_facts, ca_region, ca_region_problems
from .errors import Problem
from .ram_permission import RamPermission
from .sharing import shared_permission_problems

__all__ = ["acm_certificates_problems"]


def acm_certificates_problems(ca: acmpca.ICertificateAuthority) -> list[Problem]:
    """The problems of every ACM certificate in ``ca``'s app that names ``ca``: field ``certificate_authority``,
    value the certificate's construct path."""
    facts = ca_facts(ca)
    region = ca_region(ca)
    problems: list[Problem] = []
    for certificate in ca.node.root.node.find_all():
        if not (
            isinstance(certificate, acm.CfnCertificate)
            and certificate.certificate_authority_arn == ca.certificate_authority_arn
        ):
            continue
        rules: list[Problem] = []
        if facts.usage_mode is UsageMode.SHORT_LIVED_CERTIFICATE:
            rules.append(
                Problem(
                    "certificate_authority",
                    facts.usage_mode.value,
                    "ACM cannot issue certificates from a SHORT_LIVED_CERTIFICATE CA",
                    "issue from a GENERAL_PURPOSE CA, or have workloads call IssueCertificate via grant_issue",
                )
            )
        rules += shared_permission_problems(
            facts, field="certificate_authority", needs=RamPermission.END_ENTITY
        )
        rules += ca_region_problems(
            region, region=Stack.of(certificate).region, field="certificate_authority"
        )
        problems += [Problem("certificate_authority", certificate.node.path, p.rule, p.fix) for p in rules]
    return problems
