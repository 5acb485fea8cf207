"""Renewal: a new certificate for the same CA key, as a prop change (``certificate_generation``).

Renewing re-issues the CA certificate from the CA's unchanged CSR, so the key, the subject and the subject
key identifier stay; everything issued so far keeps chaining (a relying party finds the issuer by name and
key, and the new certificate has both). What each activation mechanism does when the generation goes up:

* **native** (``RootCa``; a ``SubordinateCa`` whose parent CloudFormation reaches): a new
  ``AWS::ACMPCA::Certificate`` under a new logical id (``Certificate`` for generation 1, ``Certificate<n>``
  after), and an in-place update of the ``AWS::ACMPCA::CertificateAuthorityActivation``'s ``Certificate``.
  Evidence (the CloudFormation resource schemas cfn-lint ships, ``cfnlint/data/schemas``, schema date
  2026-10-20): every input property of ``AWS::ACMPCA::Certificate`` is create-only (a changed property
  replaces it), and its delete handler needs only ``acm-pca:GetCertificate`` (removing the old one from
  the stack revokes nothing); of ``AWS::ACMPCA::CertificateAuthorityActivation`` only
  ``CertificateAuthorityArn`` is create-only, and its update handler calls
  ``acm-pca:ImportCertificateAuthorityCertificate`` — a changed ``Certificate`` is re-imported in place,
  and the activation's Ref (the CA's ARN) does not change, so nothing that uses the CA is replaced.
* **custom resource** (``lambda/pki_handlers/ca_activation.py``): the ``CertificateGeneration`` property joins the
  digest that names the activation, so the handler issues from the parent again and imports the result
  into the ACTIVE child (an Update that returns a new physical id; the old one's Delete leaves the child
  alone because it is no longer the child's current activation). Idempotent through the handler's tags.
* **offline** (``OfflineParent``): have the offline CA sign the CA's CSR again (the same CSR: the key did
  not change) and supply the new ``certificate.pem``; the activation re-imports it in place. A renewal
  without the signed file would remove the activation (CloudFormation then disables the CA), so synth
  refuses it.

What AWS says about it: ``ImportCertificateAuthorityCertificate`` installs a CA certificate for a root
(self-signed only) or a subordinate (chain required, root last, not containing the imported certificate)
— botocore's ``acm-pca`` service model; "If you import a new CA certificate for your private CA, ... the
status returns to ... ACTIVE" and "An expired CA no longer generates CRLs" (AWS Private CA User Guide,
"Updating your private CA", PCAUpdateCA.html); ACM-issued private certificates "cannot be renewed if you
replace the CA. If you use ACM for issuance and renewal, you must re-issue the CA certificate to extend
the lifetime of the CA" (User Guide, "Managing the private CA lifecycle", ca-lifecycle.html) — renewal is
the path that keeps ACM renewing. The CRL keeps its bucket and name and is signed with the same key, so
it verifies under the renewed certificate too.

What synth cannot check: that a generation never decreases (the previous value is in the deployed stack,
not in the app). Going back is a forward change: the native path issues yet another certificate with the
same key; the custom resource re-imports the certificate it had recorded for that generation.
"""

from __future__ import annotations

from aws_cdk import Annotations, Duration, Stack, Token
from constructs import IConstruct

from .errors import Problem

__all__ = [
    "FIRST_GENERATION",
    "certificate_generation_problems",
    "certificate_id",
    "note_renewal",
    "offline_renewal_problems",
    "warn_exported_chain",
]

FIRST_GENERATION = 1


def certificate_generation_problems(generation: object) -> list[Problem]:
    """``certificate_generation`` is a literal whole number, at least 1 (it names a CloudFormation resource)."""
    valid = isinstance(generation, int) and not isinstance(generation, bool)
    if valid and Token.is_unresolved(generation):
        valid = False  # a number token: it would name a resource after a placeholder value
    if not valid or generation < FIRST_GENERATION:  # type: ignore[operator]
        return [
            Problem(
                "certificate_generation",
                generation,
                "the certificate generation is a whole number >= 1, known at synth (1 = the first certificate; "
                "each increment re-issues the CA certificate with the same key)",
                "use an int literal, e.g. certificate_generation=2 to renew once",
            )
        ]
    return []


def certificate_id(generation: int) -> str:
    """The construct id of a natively issued CA certificate: ``Certificate`` for generation 1 (templates
    written before renewal existed keep their logical ids), ``Certificate<n>`` after."""
    return "Certificate" if generation == FIRST_GENERATION else f"Certificate{generation}"


def offline_renewal_problems(generation: int, *, certificate_supplied: bool) -> list[Problem]:
    """An offline-signed CA renewed without its new signed certificate would lose its activation."""
    if generation > FIRST_GENERATION and not certificate_supplied:
        return [
            Problem(
                "certificate_generation",
                generation,
                "renewing a CA signed offline needs the newly signed certificate; without it the deploy would "
                "remove the activation and CloudFormation would disable the CA",
                "have the offline CA sign the CA's CSR again and supply certificate_file and chain_file (or the "
                "context folder), or keep the previous generation",
            )
        ]
    return []


def note_renewal(scope: IConstruct, generation: int, validity: Duration, *, subordinate: bool) -> None:
    """A ``cdk synth`` info line on a renewed CA: what the deploy will do, and the one rule synth cannot check."""
    if generation <= FIRST_GENERATION:
        return
    days = int(validity.to_days())
    message = (
        f"[pki-constructs:renewal] certificate generation {generation}: the deploy re-issues this CA's certificate "
        f"with the same key, valid {days} days from the deploy, and imports it in place; certificates it issued "
        "keep verifying and its children are not re-issued."
    )
    if subordinate:
        message += (
            f" The new certificate must end before the parent's current one (AWS refuses it otherwise): if the "
            f"parent's certificate ends within {days} days, renew the parent first or in the same change."
        )
    Annotations.of(scope).add_info(message)


def warn_exported_chain(child: IConstruct, parent: IConstruct, parent_generation: int) -> None:
    """A renewed parent whose chain a native child in another stack imports: CloudFormation's export lock.

    The child's activation reads the parent's ``CompleteCertificateChain`` through ``Fn::ImportValue``; a
    renewal changes that value, and CloudFormation refuses to update an export another stack imports, so the
    parent's deploy fails. Known at synth once both exist, so it is said here (a warning: the same app may have
    been deployed with this generation before the child moved to its own stack).
    """
    if parent_generation <= FIRST_GENERATION or Stack.of(child) is Stack.of(parent):
        return
    Annotations.of(child).add_warning_v2(
        "pki-constructs:renewalExportLock",
        f"{parent.node.path} is renewed (certificate generation {parent_generation}) but this CA, in another stack, "
        "reads its certificate chain through a CloudFormation export; CloudFormation refuses to update an export "
        f"that {Stack.of(child).stack_name} imports, so the deploy of {Stack.of(parent).stack_name} will fail. "
        "Keep native children in their parent's stack, or rotate to a new CA instead of renewing this one.",
    )
