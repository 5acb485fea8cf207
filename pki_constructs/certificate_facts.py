"""What synth can know about any ``acm.ICertificate`` (region, names, public or private), and the rules
CloudFront applies to a viewer certificate.

Kept free of construct-heavy imports (no Lambda, no custom resources) so that the CA constructs can check a
CRL distribution's certificate without loading them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aws_cdk import Stack, Token
from aws_cdk import aws_certificatemanager as acm
from constructs import IConstruct

from . import _arn
from .domain_names import covers, dedupe_names
from .errors import Problem

__all__ = [
    "CLOUDFRONT_CERTIFICATE_REGION",
    "CertificateFacts",
    "certificate_account_problems",
    "certificate_arn_problems",
    "certificate_facts",
    "cfn_certificate_of",
    "cloudfront_certificate_problems",
]

ACM_CERTIFICATE_ARN_SHAPE = "arn:<partition>:acm:<region>:<account>:certificate/<id>"


def certificate_arn_problems(field: str, value: object) -> list[Problem]:
    """The one rule for the ARN of every certificate a prop takes (``certificate=``, ``certificates=``; applied by
    name through :data:`pki_constructs.prop_rules.PROP_RULES`): a literal ARN is an ACM certificate's
    (``arn:<partition>:acm:<region>:<account>:certificate/<id>``, botocore acm model). aws-cdk-lib's
    ``acm.Certificate.from_certificate_arn`` takes any string, so ``"garbage"`` or a Private CA ARN would otherwise
    reach a listener, a distribution or a domain name and fail at deploy (or inside jsii, for CloudFront). A token
    is unknown, not wrong; a value without a string ``certificate_arn`` is the type check's to refuse.

    :param value: one certificate, or a list of them (fields ``name[i]``).
    """
    many = isinstance(value, list | tuple)
    certificates: list[object] = list(value) if isinstance(value, list | tuple) else [value]
    problems = []
    for index, certificate in enumerate(certificates):
        arn = getattr(certificate, "certificate_arn", None)
        if not isinstance(arn, str) or not _arn.is_literal(arn) or _arn.parse_acm_arn(arn) is not None:
            continue
        where = f"{field}[{index}]" if many else field
        parts = _arn.parse(arn)
        if parts is not None and parts.service == "acm-pca":
            problems.append(
                Problem(
                    where,
                    arn,
                    "is an AWS Private CA ARN (a CA, or a certificate it issued directly), not an ACM certificate: "
                    "listeners, distributions, domain names and DaysToExpiry take ACM certificates",
                    "issue an ACM certificate from the CA with ServiceCertificate(certificate_authority=...) and "
                    "pass that; to watch the CA's own expiry use CaExpiryAlarm(...) or ca.add_expiry_alarm()",
                )
            )
        else:
            problems.append(
                Problem(
                    where,
                    arn,
                    f"is not an ACM certificate ARN ({ACM_CERTIFICATE_ARN_SHAPE})",
                    "pass the certificate construct, or acm.Certificate.from_certificate_arn(...) with the ARN "
                    "`aws acm list-certificates` shows",
                )
            )
    return problems


def cfn_certificate_of(obj: object) -> acm.CfnCertificate | None:
    """The ``AWS::CertificateManager::Certificate`` a construct creates: its default child, or its default
    child's (our certificates hold an aws-cdk-lib certificate named ``Resource``). ``None`` for imports."""
    node = getattr(obj, "node", None)
    for _ in range(3):
        child = node.default_child if node is not None else None
        if child is None or isinstance(child, acm.CfnCertificate):
            return child
        node = child.node
    return None


@dataclass(frozen=True)
class CertificateFacts:
    """What can be known at synth about a certificate: ``None`` means unknown."""

    region: str | None
    names: tuple[str, ...] | None
    private: bool
    path: str
    account: str | None = None


def certificate_facts(certificate: acm.ICertificate) -> CertificateFacts:
    """Region, names and public/private kind of a certificate, as far as synth can tell.

    Accepts any ``acm.ICertificate``: our ``PublicCertificate``/``ServiceCertificate``, aws-cdk-lib's
    ``acm.Certificate``/``acm.PrivateCertificate``, or an import (whose names and kind are unknown).
    """
    source = getattr(certificate, "certificate_source", None)
    if source is not None and source is not certificate:
        return certificate_facts(
            source
        )  # certificate_in's import: the facts of the certificate it stands for
    private = isinstance(certificate, acm.PrivateCertificate)
    names: tuple[str, ...] | None = None
    cfn = cfn_certificate_of(certificate)
    if cfn is not None:
        private = private or cfn.certificate_authority_arn is not None
        listed = [cfn.domain_name, *(cfn.subject_alternative_names or [])]
        if not any(Token.is_unresolved(n) for n in listed):
            names = tuple(dedupe_names(listed))
    region: str | None = None
    account: str | None = None
    arn = certificate.certificate_arn
    if not Token.is_unresolved(arn):
        region = _arn.region_of(arn)
        parts = _arn.parse_acm_arn(arn)
        account = parts.account if parts is not None else None
    elif cfn is not None:
        stack = Stack.of(certificate)
        region = None if Token.is_unresolved(stack.region) else stack.region
        account = None if Token.is_unresolved(stack.account) else stack.account
    return CertificateFacts(
        region=region, names=names, private=private, path=certificate.node.path, account=account
    )


def certificate_account_problems(facts: CertificateFacts, scope: IConstruct, field: str) -> list[Problem]:
    """A listener, distribution or API domain uses an ACM certificate of its own account only: ACM has no resource
    policy or sharing for certificates (the botocore ``acm`` model has no policy or share operation), so a
    certificate ARN of another account fails at deploy. Checked when both accounts are literal."""
    account = Stack.of(scope).account
    if facts.account is None or Token.is_unresolved(account) or facts.account == account:
        return []
    return [
        Problem(
            field,
            f"{facts.path} (account {facts.account})",
            f"an ACM certificate is used only in its own account ({facts.account}); this stack deploys to {account}",
            f"create the certificate in account {account} (a PublicCertificate or ServiceCertificate in a stack of "
            f"{account}), or import one of that account with acm.Certificate.from_certificate_arn",
        )
    ]


CLOUDFRONT_CERTIFICATE_REGION = "us-east-1"
"""CloudFront "only supports ACM certificates in the US East (N. Virginia) Region" (cloudfront model)."""


def cloudfront_certificate_problems(
    certificate: object, names: Mapping[str, str], *, certificate_field: str
) -> list[Problem]:
    """What CloudFront refuses in a viewer certificate: not an ACM certificate at all, a private CA's, one
    outside us-east-1, one not covering an alias. Shared by every distribution the library builds.

    :param names: field -> alias the certificate must cover.
    """
    if (
        not isinstance(getattr(certificate, "certificate_arn", None), str)
        or getattr(certificate, "node", None) is None
    ):
        return [
            Problem(
                certificate_field,
                type(certificate).__name__,
                "CloudFront needs an acm.ICertificate",
                "pass a PublicCertificate (or acm.Certificate.from_certificate_arn(...)) in us-east-1",
            )
        ]
    facts = certificate_facts(certificate)  # type: ignore[arg-type]
    problems = []
    if facts.private:
        problems.append(
            Problem(
                certificate_field,
                facts.path,
                "CloudFront only accepts publicly trusted certificates; this one comes from a private CA",
                "use a PublicCertificate in us-east-1",
            )
        )
    if facts.region is not None and facts.region != CLOUDFRONT_CERTIFICATE_REGION:
        problems.append(
            Problem(
                certificate_field,
                f"{facts.path} in {facts.region}",
                "CloudFront only uses ACM certificates from us-east-1",
                "create the PublicCertificate in a stack with env region 'us-east-1' and pass it here; the "
                "distribution's own stack may stay in any region (the ARN is read across regions)",
            )
        )
    if facts.names is not None:
        for field, name in names.items():
            if not Token.is_unresolved(name) and not covers(facts.names, name):
                problems.append(
                    Problem(
                        field,
                        name,
                        f"the certificate's names {list(facts.names)} don't cover it "
                        "('*.example.com' covers 'a.example.com', not 'example.com' nor 'a.b.example.com')",
                        "add the name (or a matching wildcard) to the certificate",
                    )
                )
    return problems
