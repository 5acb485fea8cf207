"""Rotation: a new CA generation (new key, new name, e.g. "... G2") beside the old one, as one explicit value.

Unlike renewal (``pki_constructs.renewal``: same key, everything issued keeps chaining), rotation changes the
key, so relying parties must trust both generations while certificates move over. AWS recommends it over
re-issuing because of the new key pair; ACM-managed private certificates cannot follow a replaced CA, they
are requested again from the new one (AWS Private CA User Guide, "Managing the private CA lifecycle").

:class:`CaRotation` names the three phases and answers the two questions every consumer asks — which CA
issues, which CAs are trusted — so a phase change is one prop in one place::

    rotation = CaRotation(current=issuing_g1, successor=issuing_g2, phase=RotationPhase.TRUST_SUCCESSOR)
    ServiceCertificate(stack, "Api", certificate_authority=rotation.issuer, domain_name="api.internal.example")
    CertifiedAlb(stack, "Alb", ..., mutual_tls=MutualTls(trusted_cas=rotation.trusted_cas))
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from aws_cdk import aws_acmpca as acmpca

from . import _arn
from .ca_facts import ca_facts, describe_ca
from .errors import PkiValidationError, Problem
from .inputs import implements

__all__ = ["CaRotation", "RotationPhase"]


class RotationPhase(enum.Enum):
    """Where a rotation stands; each phase is one deploy."""

    TRUST_SUCCESSOR = "TRUST_SUCCESSOR"
    """The successor exists and is trusted beside the current CA, which still issues. Deploy this first and
    let trust stores and clients pick up the successor before anything it issues is presented."""
    ISSUE_FROM_SUCCESSOR = "ISSUE_FROM_SUCCESSOR"
    """Certificates move to the successor (ACM requests each again from it); both stay trusted, so clients
    still holding certificates of the current CA keep working."""
    RETIRE_CURRENT = "RETIRE_CURRENT"
    """Only the successor is trusted and issues. Reach it once no certificate of the current CA is in use
    (or the last has expired). The current CA may stay in the app (removal_policy RETAIN) until a later change
    removes it; a retained CA is billed until it is deleted."""


@dataclass(frozen=True)
class CaRotation:
    """Two generations of a CA and the phase between them.

    :param current: the generation being replaced (G1). Default: - none, allowed only in ``RETIRE_CURRENT``
        (the current CA has already been removed from the app)
    :param successor: the new generation (G2): a new CA with its own key and a name of its own.
    :param phase: Default: - ``TRUST_SUCCESSOR``
    """

    successor: acmpca.ICertificateAuthority
    current: acmpca.ICertificateAuthority | None = None
    phase: RotationPhase = RotationPhase.TRUST_SUCCESSOR

    def __post_init__(self) -> None:
        problems = rotation_problems(self.current, self.successor, self.phase)
        if problems:
            raise PkiValidationError("CaRotation", problems)

    @property
    def issuer(self) -> acmpca.ICertificateAuthority:
        """The CA that issues in this phase: the current one until ``ISSUE_FROM_SUCCESSOR``."""
        if self.phase is RotationPhase.TRUST_SUCCESSOR and self.current is not None:
            return self.current
        return self.successor

    @property
    def trusted_cas(self) -> list[acmpca.ICertificateAuthority]:
        """The CAs relying parties trust in this phase: both until ``RETIRE_CURRENT``, then the successor."""
        if self.phase is RotationPhase.RETIRE_CURRENT or self.current is None:
            return [self.successor]
        return [self.current, self.successor]


def rotation_problems(
    current: acmpca.ICertificateAuthority | None,
    successor: acmpca.ICertificateAuthority,
    phase: RotationPhase,
) -> list[Problem]:
    """A rotation needs two distinct CAs with distinct names, and the current one until it is retired."""
    if not isinstance(phase, RotationPhase):
        return [
            Problem("phase", phase, "the phase is a RotationPhase", "use e.g. RotationPhase.TRUST_SUCCESSOR")
        ]
    problems = [
        problem
        for field, ca in (("current", current), ("successor", successor))
        if ca is not None or field == "successor"
        for problem in ca_problems(field, ca)
    ]
    if problems:  # the rules below read the CAs' facts
        return problems
    if current is None and phase is not RotationPhase.RETIRE_CURRENT:
        problems.append(
            Problem(
                "current",
                None,
                f"in phase {phase.value} the current CA still issues or is trusted",
                "pass current=<the CA being replaced>; drop it only in RETIRE_CURRENT",
            )
        )
    if current is not None and current is successor:
        problems.append(
            Problem(
                "successor",
                describe_ca(successor),
                "the successor is the current CA; rotating needs a new CA (renewing keeps the same one)",
                "create a new RootCa/SubordinateCa (e.g. subject '... G2'), or use certificate_generation to renew",
            )
        )
    elif current is not None:
        old, new = ca_facts(current).subject, ca_facts(successor).subject
        if old is not None and new is not None and old.same_name_as(new):
            problems.append(
                Problem(
                    "successor",
                    str(new),
                    "two generations with one name but different keys make relying parties pick the wrong issuer",
                    "give the successor its own name, e.g. '... G2'",
                )
            )
    return problems


def ca_problems(field: str, ca: object) -> list[Problem]:
    """``current``/``successor`` are CAs (``aws_acmpca.ICertificateAuthority``: ours, an import), named one way:
    an ARN string or an L1 ``CfnCertificateAuthority`` is not one; a literal ARN a CA carries is the CA rule's."""
    if implements(ca, acmpca.ICertificateAuthority):
        return _arn.ca_arn_problems(field, getattr(ca, "certificate_authority_arn", None))
    fix = (
        "import it: SubordinateCa.from_certificate_authority_attributes(scope, 'Ca', certificate_authority_arn=...)"
        if isinstance(ca, str)
        else "pass the RootCa/SubordinateCa, or an import of it (SubordinateCa.from_certificate_authority_"
        "attributes, acmpca.CertificateAuthority.from_certificate_authority_arn)"
    )
    return [
        Problem(
            field,
            describe_ca(ca) if ca is not None else None,
            f"expected an aws_acmpca.ICertificateAuthority, got {type(ca).__name__}",
            fix,
        )
    ]
