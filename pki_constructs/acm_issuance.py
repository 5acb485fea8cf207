"""The rules every ACM private certificate naming a CA must meet, checked over the whole app at synth.

``ServiceCertificate`` checks them in its constructor; aws-cdk-lib's own ``acm.PrivateCertificate`` (or a raw
``acm.CfnCertificate``) does not know them, so each CA of this library (created or imported) watches, with
:func:`watch_acm_issuance`, every ``AWS::CertificateManager::Certificate`` of the app naming its ARN and applies
the same rules once the app is complete: ACM cannot issue from a short-lived-certificate CA, from a CA still
waiting for its offline signature nor from an expired one (``not_after`` past), a CA shared through RAM needs the end-entity permission, and the certificate
is requested in the CA's region. A root CA (``RootCa`` or ``RootCa.from_certificate_authority_attributes``)
named by any ACM certificate — ``ServiceCertificate``, ``PrivateServiceTier`` or ``acm.PrivateCertificate`` —
gets one warning, ``pki-constructs:rootIssuesEndEntity``, on the certificate: AWS best practice keeps roots for
subordinate CAs (``grant_issue`` and ``share`` refuse end-entity issuance from a root outright; an ACM
certificate is a warning, so an existing app keeps synthesizing while it moves to an issuing CA).

A CA this library does not know — aws-cdk-lib's ``acmpca.CertificateAuthority.from_certificate_authority_arn``
with a literal ARN — still tells its region: one app-wide check (:class:`AcmIssuanceCheck`, installed by the
first CA of this library in the app) holds every other certificate naming a literal CA ARN to the same region
rule (:func:`pki_constructs.ca_facts.ca_region_problems`).
"""

from __future__ import annotations

import jsii
from aws_cdk import Annotations, Stack
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from constructs import Construct, IConstruct, IValidation

from . import _arn
from .algorithms import UsageMode
from .app_checks import install
from .ca_facts import ca_facts, ca_region, ca_region_problems
from .errors import Problem, add_late_validation
from .prop_rules import expired_ca_problems, is_pending, pending_ca_problems
from .ram_permission import RamPermission
from .sharing import shared_permission_problems

__all__ = [
    "ROOT_ISSUES_END_ENTITY",
    "AcmIssuanceCheck",
    "acm_certificates_problems",
    "foreign_ca_problems",
    "warn_root_issuance",
    "watch_acm_issuance",
]

_ID = "AcmIssuance"


def _certificates(root: IConstruct) -> list[acm.CfnCertificate]:
    return [node for node in root.node.find_all() if isinstance(node, acm.CfnCertificate)]


def acm_certificates_problems(ca: acmpca.ICertificateAuthority) -> list[Problem]:
    """The problems of every ACM certificate in ``ca``'s app that names ``ca``: field ``certificate_authority``,
    value the certificate's construct path."""
    facts = ca_facts(ca)
    region = ca_region(ca)
    problems: list[Problem] = []
    for certificate in _certificates(ca.node.root):
        if certificate.certificate_authority_arn != ca.certificate_authority_arn:
            continue
        rules: list[Problem] = []
        if is_pending(ca):  # the same lifecycle rule ServiceCertificate's certificate_authority= applies
            rules += pending_ca_problems("certificate_authority", ca)
        if facts.usage_mode is UsageMode.SHORT_LIVED_CERTIFICATE:
            rules.append(
                Problem(
                    "certificate_authority",
                    facts.usage_mode.value,
                    "ACM cannot issue certificates from a SHORT_LIVED_CERTIFICATE CA",
                    "issue from a GENERAL_PURPOSE CA, or have workloads call IssueCertificate via grant_issue",
                )
            )
        rules += expired_ca_problems(certificate, "certificate_authority", ca)
        rules += shared_permission_problems(
            facts, field="certificate_authority", needs=RamPermission.END_ENTITY
        )
        rules += ca_region_problems(
            region, region=Stack.of(certificate).region, field="certificate_authority"
        )
        problems += [Problem("certificate_authority", certificate.node.path, p.rule, p.fix) for p in rules]
    return problems


ROOT_ISSUES_END_ENTITY = "pki-constructs:rootIssuesEndEntity"


def warn_root_issuance(ca: acmpca.ICertificateAuthority) -> list[Problem]:
    """Warn on every ACM certificate of ``ca``'s app that names ``ca`` when ``ca`` is a root (the one
    "roots sign only subordinates" rule for ACM certificates). Returns no problems: advice, not a refusal."""
    if ca_facts(ca).depth != 1:
        return []
    for certificate in _certificates(ca.node.root):
        if certificate.certificate_authority_arn == ca.certificate_authority_arn:
            owner = certificate.node.scope or certificate  # the L2 (acm.PrivateCertificate) holding the L1
            Annotations.of(owner).add_warning_v2(
                ROOT_ISSUES_END_ENTITY,
                f"The root CA {ca.node.path} issues this end-entity certificate; AWS best practice keeps roots "
                "for subordinate CAs. Issue it from a SubordinateCa(parent=root) instead.",
            )
    return []


def foreign_ca_problems(root: IConstruct, watched: set[str]) -> list[tuple[str, Problem]]:
    """(CA ARN, problem) for every ACM certificate of the app naming a literal CA ARN that no CA of this library
    watches (``watched``: their ARNs): the certificate is requested in that CA's region."""
    problems = []
    for certificate in _certificates(root):
        arn = certificate.certificate_authority_arn
        if arn is None or arn in watched:
            continue
        parts = _arn.parse_ca_arn(arn)  # None for a token: unknown, not wrong
        if parts is None:
            continue
        for problem in ca_region_problems(
            parts.region, region=Stack.of(certificate).region, field="certificate_authority"
        ):
            problems.append((arn, Problem(problem.field, certificate.node.path, problem.rule, problem.fix)))
    return problems


class AcmIssuanceCheck(Construct):
    """The once-per-app holder (under the app checks) of :func:`foreign_ca_problems`; it knows which CA ARNs
    the CAs of this library already watch, so no certificate is reported twice."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.watched: list[acmpca.ICertificateAuthority] = []
        """The CAs of this library in the app (their ARNs are read at validation: ours exist only then)."""
        self.node.add_validation(_ForeignCaValidation(self))

    @classmethod
    def of(cls, scope: IConstruct) -> AcmIssuanceCheck:
        checks = install(scope)
        existing = checks.node.try_find_child(_ID)
        return existing if isinstance(existing, AcmIssuanceCheck) else cls(checks, _ID)


@jsii.implements(IValidation)
class _ForeignCaValidation:
    def __init__(self, check: AcmIssuanceCheck) -> None:
        self._check = check

    def validate(self) -> list[str]:
        return [
            f"[pki-constructs app check] CA {arn}: {problem.describe()}"
            for arn, problem in foreign_ca_problems(
                self._check.node.root, {ca.certificate_authority_arn for ca in self._check.watched}
            )
        ]


def watch_acm_issuance(ca: acmpca.ICertificateAuthority) -> None:
    """Check, once the app is complete, every ACM certificate naming ``ca`` (:func:`acm_certificates_problems`,
    reported at ``ca``'s path), and every certificate naming a CA this library does not know
    (:class:`AcmIssuanceCheck`)."""
    add_late_validation(ca, lambda: acm_certificates_problems(ca))
    add_late_validation(ca, lambda: warn_root_issuance(ca))
    AcmIssuanceCheck.of(ca).watched.append(ca)
