"""What the PKI rules know about a CA, read one way whatever the CA's kind.

A ``RootCa``/``SubordinateCa`` of this app knows everything about itself; a CA imported with
``SubordinateCa.from_certificate_authority_attributes`` knows what its caller told it; a plain
``aws_acmpca.ICertificateAuthority`` (e.g. ``acmpca.CertificateAuthority.from_certificate_authority_arn``)
knows only its ARN. :func:`ca_facts` turns any of them into a :class:`CaFacts`; a rule whose facts are
unknown is skipped, and :func:`note_skipped_rules` says so in a ``cdk synth`` info line.

Kept free of construct-heavy imports so that every module (certificates, expiry alarms) can use it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from aws_cdk import Annotations, Duration, Stack
from constructs import Construct, IConstruct

from . import _arn
from .algorithms import KeyAlgorithm, SigningAlgorithm, UsageMode
from .errors import Problem
from .ram_permission import RamPermission
from .subject import DistinguishedName

__all__ = [
    "CaFacts",
    "HasCaFacts",
    "ca_environment",
    "ca_facts",
    "ca_region",
    "ca_region_problems",
    "describe_ca",
    "note_skipped_rules",
]


@dataclass(frozen=True)
class CaFacts:
    """The facts about a CA that the synth-time PKI rules use. Every field but the ARN may be None (unknown).

    :param certificate_authority_arn: the CA's ARN; for our CAs the activation's ARN, so users wait for ACTIVE.
        None for an offline parent (it has none in AWS).
    :param subject: the CA's distinguished name.
    :param key_algorithm: the CA's key.
    :param signing_algorithm: what the CA signs with.
    :param validity: the CA certificate's validity.
    :param path_length: the CA's pathLenConstraint; None for a root (no constraint) or when unknown.
    :param usage_mode: GENERAL_PURPOSE or SHORT_LIVED_CERTIFICATE.
    :param depth: the CA's level in its hierarchy (root = 1).
    :param issuer_role_arn: a role in the CA's account that may issue subordinate CA certificates from it.
    :param external_id: the ``sts:ExternalId`` that role demands.
    :param created_here: the CA is a ``RootCa``/``SubordinateCa`` of this app.
    :param certificate_chain: the CA's complete chain as a CloudFormation attribute, when CloudFormation
        activated it (children in its account and region are then activated natively).
    :param fingerprint: changes when CloudFormation would replace the CA (a child then re-issues).
    :param shared_permissions: the CA is shared with this account through AWS RAM with these permissions
        (None: not known to be shared).
    :param not_after: the date the CA's current certificate ends (NotAfter), when told (imports only: our
        CAs' certificates are issued at deploy).
    :param region: the CA's region when its ARN is a token but the region is known: an accessor's import of a
        CA of another stack (``certificate_authority_in``) carries its source's literal region.
    :param account: the CA's account, likewise.
    """

    certificate_authority_arn: str | None
    subject: DistinguishedName | None = None
    key_algorithm: KeyAlgorithm | None = None
    signing_algorithm: SigningAlgorithm | None = None
    validity: Duration | None = None
    path_length: int | None = None
    usage_mode: UsageMode | None = None
    depth: int | None = None
    issuer_role_arn: str | None = None
    external_id: str | None = None
    created_here: bool = False
    certificate_chain: str | None = None
    fingerprint: str | None = None
    shared_permissions: tuple[RamPermission, ...] | None = None
    not_after: datetime.date | None = None
    region: str | None = None
    account: str | None = None


@runtime_checkable
class HasCaFacts(Protocol):
    """A CA of this library: it can tell its own facts."""

    @property
    def facts(self) -> CaFacts: ...


def ca_facts(ca: object) -> CaFacts:
    """The facts of any CA: ours (all facts), an imported one (what was given), or any
    ``acmpca.ICertificateAuthority`` (its ARN only)."""
    facts = getattr(ca, "facts", None)
    if isinstance(facts, CaFacts):
        return facts
    arn = getattr(ca, "certificate_authority_arn", None)
    if not isinstance(arn, str):
        raise TypeError(f"{type(ca).__name__} is not an aws_acmpca.ICertificateAuthority")
    return CaFacts(certificate_authority_arn=arn)


def ca_region(ca: object) -> str | None:
    """The CA's region when synth knows it: the region of its literal ARN, else, for a CA of this app, its
    stack's literal region. None otherwise (an imported ARN token, an environment-agnostic stack).

    Not the scope's region for an aws-cdk-lib import (``from_certificate_authority_arn``): that one reports the
    importing stack's region whatever the ARN says, so only its ARN counts."""
    facts = ca_facts(ca)
    region = _arn.region_of(facts.certificate_authority_arn) or facts.region
    if region is None and facts.created_here and isinstance(ca, Construct):
        stack_region = Stack.of(ca).region
        region = stack_region if _arn.is_literal(stack_region) else None
    return region


def ca_region_problems(ca_region: str | None, *, region: str | None, field: str) -> list[Problem]:
    """An ACM private certificate (and a CA signed without an issuer role) is requested in the CA's region.

    A CA is a regional resource (AWS Private CA User Guide, "Regions", PcaRegions.html); ACM's RequestCertificate
    is a regional endpoint whose ``CertificateAuthorityArn`` names a CA of that region (ACM API reference,
    RequestCertificate; ACM User Guide, "Requesting a private PKI certificate", gs-acm-request-private.html,
    which lists the Region's CAs, owned or shared). Checked only when both regions are literal.
    """
    if ca_region is None or not _arn.is_literal(region) or region == ca_region:
        return []
    return [
        Problem(
            field,
            f"a CA in {ca_region}",
            f"a CA is used from its own region: ACM requests a private certificate (and a shared CA signs) only "
            f"in the CA's region; this CA is in {ca_region}, the use in {region}",
            f"issue in a stack of {ca_region}, or from a CA of {region}",
        )
    ]


def describe_ca(ca: object) -> str:
    """How a CA is named in messages: its construct path (or the ARN it was given as)."""
    if isinstance(ca, str):
        return ca
    node = getattr(ca, "node", None)
    return str(node.path) if node is not None else type(ca).__name__


def note_skipped_rules(scope: IConstruct, ca: object, skipped: dict[str, str]) -> None:
    """Say at synth which rules were skipped because ``ca`` could not give a fact.

    :param skipped: rule description -> the fact it needed.
    """
    if not skipped:
        return
    rules = "; ".join(f"{rule} (needs {fact})" for rule, fact in skipped.items())
    Annotations.of(scope).add_info(
        f"[pki-constructs:ruleSkipped] {describe_ca(ca)} does not tell these facts, so these checks were "
        f"skipped: {rules}. Import the CA with SubordinateCa.from_certificate_authority_attributes(...) and "
        "pass the facts to have them checked."
    )


def ca_environment(ca: object) -> tuple[str | None, str | None]:
    """(account, region) of a CA where known at synth: from its literal ARN, else from the construct's ``env``
    (our CAs: their stack's). aws-cdk-lib's ``from_certificate_authority_arn`` takes its env from the importing
    stack, not the ARN, so the ARN is read first. Unknown parts (tokens, offline parents) are None."""
    arn = getattr(ca, "certificate_authority_arn", None)
    parts = _arn.parse_ca_arn(arn) if isinstance(arn, str) else None
    if parts is not None:
        return parts.account, parts.region
    facts = getattr(ca, "facts", None)
    if isinstance(facts, CaFacts) and (facts.account is not None or facts.region is not None):
        return facts.account, facts.region  # an accessor's import: its source's environment
    env = getattr(ca, "env", None)
    account, region = getattr(env, "account", None), getattr(env, "region", None)
    return (
        account if isinstance(account, str) and _arn.is_literal(account) else None,
        region if isinstance(region, str) and _arn.is_literal(region) else None,
    )
