"""An offline or external parent CA (an offline root, another PKI): two deploys, no Lambda.

The first deploy creates the subordinate CA and publishes its CSR; once the signed certificate and the
chain above it are supplied, the next deploy imports them with the native
``AWS::ACMPCA::CertificateAuthorityActivation``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from pathlib import Path

from aws_cdk import Duration
from constructs import IConstruct

from . import _pem
from .algorithms import KeyAlgorithm
from .ca_facts import CaFacts
from .errors import Problem
from .renewal import FIRST_GENERATION
from .subject import DistinguishedName

__all__ = ["OfflineParent"]

_MAX_CERTIFICATE_BYTES = 32 * 1024  # ImportCertificateAuthorityCertificate limits
_MAX_CHAIN_BYTES = 2 * 1024 * 1024


@dataclass
class OfflineParent:
    """A parent CA outside AWS Private CA (an offline root, another PKI), for exactly one SubordinateCa.

    Two deploys:

    1. Without a signed certificate, the subordinate CA is created and stays ``PENDING_CERTIFICATE``; its CSR
       is a stack output (``...Csr``), next to the AWS CLI command that fetches it (``...CsrCommand``).
    2. Have the offline CA sign the CSR with a CA profile (CA:TRUE, the path length you chose), then supply
       the signed certificate and the chain above it (the offline CA's certificate ... root, root last) and
       deploy again: a native ``AWS::ACMPCA::CertificateAuthorityActivation`` imports them.

    The certificates end up in the template (they are public; CloudFormation has no other way to import
    them without a Lambda).

    Renewal (the child's ``certificate_generation`` n > 1) needs the newly signed certificate, named for its
    generation so synth can tell it from the one already imported: ``certificate-g<n>.pem`` and
    ``chain-g<n>.pem`` in the context folder (synth refuses a file identical to an earlier generation's file
    kept there), or a ``certificate_file`` whose name ends in ``-g<n>`` (e.g. ``issuing-g2.pem``).

    :param certificate_file: the signed certificate of the subordinate CA (PEM). Default: - none, or
        ``certificate.pem`` (``certificate-g<n>.pem`` for generation n > 1) in the folder named by ``context_key``
    :param chain_file: the chain above it (PEM, issuer first, root last). Default: - none, or ``chain.pem``
        (``chain-g<n>.pem``) in the folder named by ``context_key``
    :param context_key: a CDK context key whose value is a folder holding ``certificate.pem`` and
        ``chain.pem``, e.g. ``cdk deploy -c issuingCaSigned=./signed``. Default: - files only
    :param subject: the offline parent's subject, for the synth-time rules. Default: - unknown
    :param key_algorithm: the offline parent's key. Default: - unknown
    :param validity: the offline parent certificate's validity. Default: - unknown
    :param path_length: the offline parent's path length. Default: - unknown
    :param depth: the offline parent's depth (root = 1). Default: - unknown
    """

    certificate_file: str | None = None
    chain_file: str | None = None
    context_key: str | None = None
    subject: DistinguishedName | None = None
    key_algorithm: KeyAlgorithm | None = None
    validity: Duration | None = None
    path_length: int | None = None
    depth: int | None = None
    node_path: str = field(default="<OfflineParent>", compare=False)
    _read: dict[int, tuple[tuple[str, str] | None, list[Problem]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def facts(self) -> CaFacts:
        """What the hierarchy rules know about the offline parent (it has no ARN in AWS)."""
        return CaFacts(
            certificate_authority_arn=None,
            subject=self.subject,
            key_algorithm=self.key_algorithm,
            validity=self.validity,
            path_length=self.path_length,
            depth=self.depth,
        )

    def read(
        self, scope: IConstruct, generation: int = FIRST_GENERATION
    ) -> tuple[tuple[str, str] | None, list[Problem]]:
        """The (certificate, chain) PEMs supplied for the child's certificate ``generation``, and the problems
        with what was supplied."""
        if generation not in self._read:
            self._read[generation] = self._read_generation(scope, generation)
        return self._read[generation]

    def _read_generation(
        self, scope: IConstruct, generation: int
    ) -> tuple[tuple[str, str] | None, list[Problem]]:
        certificate_file, chain_file = self.certificate_file, self.chain_file
        field_name = "parent.certificate_file"
        earlier: list[Path] = []
        if self.context_key is not None:
            folder = scope.node.try_get_context(self.context_key)
            if folder is not None:
                certificate_file = certificate_file or str(
                    Path(str(folder)) / _named("certificate", generation)
                )
                chain_file = chain_file or str(Path(str(folder)) / _named("chain", generation))
                field_name = f"context {self.context_key}"
                earlier = [
                    Path(str(folder)) / _named("certificate", g) for g in range(FIRST_GENERATION, generation)
                ]
        if (
            generation > FIRST_GENERATION
            and self.certificate_file is not None
            and not Path(self.certificate_file).stem.endswith(f"-g{generation}")
        ):
            return None, [
                Problem(
                    field_name,
                    self.certificate_file,
                    f"a renewal (certificate generation {generation}) needs the newly signed certificate, in a file "
                    "named for its generation (synth cannot otherwise tell it from the one already imported)",
                    f"have the offline CA sign the CSR again and give it as e.g. certificate_file='issuing-g{generation}"
                    ".pem' (or certificate-g<n>.pem in the context folder)",
                )
            ]
        problems: list[Problem] = []
        if certificate_file is None and chain_file is None:
            return None, []
        if certificate_file is None or chain_file is None:
            problems.append(
                Problem(
                    field_name,
                    certificate_file or chain_file,
                    "the signed certificate and its chain are supplied together",
                    "give both certificate_file and chain_file (or certificate.pem and chain.pem in the folder)",
                )
            )
            return None, problems
        certificate, certificate_problems = _read_pem(certificate_file, field_name, exactly_one=True)
        for previous in earlier:
            if (
                previous.is_file()
                and _pem.certificate_bodies(previous.read_text())[:1]
                == _pem.certificate_bodies(certificate)[:1]
            ):
                problems.append(
                    Problem(
                        field_name,
                        certificate_file,
                        f"the certificate for generation {generation} is the one already supplied as {previous.name}: "
                        "the renewal would import nothing new",
                        "have the offline CA sign the CA's CSR again and save the new certificate under this name",
                    )
                )
        chain, chain_problems = _read_pem(chain_file, field_name.replace("certificate_file", "chain_file"))
        problems += certificate_problems + chain_problems
        if not problems:
            if _pem.certificate_bodies(certificate)[0] in _pem.certificate_bodies(chain):
                problems.append(
                    Problem(
                        field_name.replace("certificate_file", "chain_file"),
                        chain_file,
                        "the chain must not contain the certificate being imported",
                        "keep only the issuing CA's certificate and those above it, root last",
                    )
                )
            if len(certificate.encode()) > _MAX_CERTIFICATE_BYTES or len(chain.encode()) > _MAX_CHAIN_BYTES:
                problems.append(
                    Problem(
                        field_name,
                        certificate_file,
                        "AWS imports a certificate of at most 32 KB and a chain of at most 2 MB",
                        "check that the right files were given",
                    )
                )
        return ((certificate, chain) if not problems else None), problems


def _named(stem: str, generation: int) -> str:
    """``certificate.pem`` for the first generation, ``certificate-g2.pem`` for the second, ..."""
    return f"{stem}.pem" if generation == FIRST_GENERATION else f"{stem}-g{generation}.pem"


def _read_pem(path: str, field_name: str, *, exactly_one: bool = False) -> tuple[str, list[Problem]]:
    try:
        text = Path(path).read_text()
    except OSError as error:
        return "", [Problem(field_name, path, f"cannot read the file ({error.strerror})", "check the path")]
    bodies = _pem.certificate_bodies(text)
    problems: list[Problem] = []
    if not bodies or (exactly_one and len(bodies) != 1):
        expected = "exactly one" if exactly_one else "at least one"
        problems.append(
            Problem(
                field_name,
                path,
                f"expected {expected} PEM certificate (-----BEGIN CERTIFICATE-----), found {len(bodies)}",
                "export the certificate(s) in PEM",
            )
        )
    for body in bodies:
        try:
            base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            problems.append(
                Problem(field_name, path, "a PEM block is not valid base64", "re-export the file")
            )
            break
    normalised = _pem.certificate_pem(bodies)
    return normalised, problems
