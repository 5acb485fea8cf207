"""A local, in-memory "fake AWS Private CA" for tests, built on ``cryptography``.

moto's Private CA ignores key/signing algorithms, validity and most templates (its subordinate CA
certificates carry no extensions at all), so it proves nothing about certificate content. This module
issues certificates shaped like the AWS Private CA base templates (research/reliability_security.md §1.10)
and answers in AWS's response shapes, so tests can script realistic ``GetCertificate`` /
``GetCertificateAuthorityCertificate`` answers (e.g. through ``botocore.stub.Stubber``) and verify chains
with ``cryptography.x509.verification``.

Template profiles:

* ``RootCACertificate/V1``: BasicConstraints critical CA:TRUE without pathLen; KeyUsage critical
  digitalSignature+keyCertSign+cRLSign; SKI; no AKI.
* ``SubordinateCACertificate_PathLen{N}/V1``: BasicConstraints critical CA:TRUE pathLen N; KeyUsage as the
  root; SKI; AKI from the issuer's key; CDP when the issuer has a CRL URL.
* ``EndEntityCertificate/V1`` (serverAuth+clientAuth), ``EndEntityServerAuthCertificate/V1`` (serverAuth),
  ``EndEntityClientAuthCertificate/V1`` (clientAuth): BasicConstraints CA:FALSE; KeyUsage critical
  digitalSignature+keyEncipherment; EKU; SAN (from the request); AKI; SKI; CDP when the issuer has one.

Every certificate is back-dated 60 minutes (``NotBefore = now - 60 min``), like AWS does by default.
With ``enforce_aws_rules=True`` (the default) issuance refuses what AWS refuses: a CA certificate whose
NotAfter is not strictly before the issuer's, an end-entity certificate outliving the issuer, and a
subordinate whose path length is not below the issuer's (:class:`IssuanceRejected`, the message is the
rule, like PCA's ``RequestFailedException``).

Quick use::

    root = LocalCa.root("Example Root CA", key_algorithm="EC_secp384r1")
    issuing = root.subordinate("Example Issuing CA", path_length=0, days=1825)
    leaf = issuing.issue_end_entity(generate_key("EC_prime256v1"), dns_names=["app.example"])
    root.verify_server(leaf, "app.example", intermediates=[issuing.certificate])
    issuing.get_certificate(leaf)                   # {"Certificate": pem, "CertificateChain": sub+root}
    issuing.get_certificate_authority_certificate() # {"Certificate": sub, "CertificateChain": root}
    issuing.crl(revoked=[leaf])                     # DER, v2, AKI, CRLNumber
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import PolicyBuilder, Store

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

BACKDATE = dt.timedelta(minutes=60)
"""AWS Private CA back-dates NotBefore by 60 minutes to absorb clock skew."""

TEMPLATE_ARN_PREFIX = "arn:aws:acm-pca:::template/"
ROOT_TEMPLATE = "RootCACertificate/V1"
END_ENTITY_TEMPLATE = "EndEntityCertificate/V1"
SERVER_AUTH_TEMPLATE = "EndEntityServerAuthCertificate/V1"
CLIENT_AUTH_TEMPLATE = "EndEntityClientAuthCertificate/V1"

_KEY_SIZES = {"RSA_2048": 2048, "RSA_3072": 3072, "RSA_4096": 4096}
_CURVES: dict[str, type[ec.EllipticCurve]] = {
    "EC_prime256v1": ec.SECP256R1,
    "EC_secp384r1": ec.SECP384R1,
    "EC_secp521r1": ec.SECP521R1,
}
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA256": hashes.SHA256,
    "SHA384": hashes.SHA384,
    "SHA512": hashes.SHA512,
}
_SIGNING = re.compile(r"^(SHA256|SHA384|SHA512)WITH(RSA|ECDSA)(_PSS)?$")
_SUBORDINATE = re.compile(r"^SubordinateCACertificate_PathLen([0-3])/V1$")
_EKU = {
    END_ENTITY_TEMPLATE: [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
    SERVER_AUTH_TEMPLATE: [ExtendedKeyUsageOID.SERVER_AUTH],
    CLIENT_AUTH_TEMPLATE: [ExtendedKeyUsageOID.CLIENT_AUTH],
}
KU_CA = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)
KU_END_ENTITY = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=True,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


class IssuanceRejected(ValueError):
    """What real AWS Private CA reports as ``RequestFailedException`` / ``ValidationException``."""


# ---------------------------------------------------------------------------------------------- helpers


def generate_key(key_algorithm: str = "RSA_2048") -> PrivateKey:
    """A private key for an AWS ``KeyAlgorithm`` (RSA_2048/3072/4096, EC_prime256v1/secp384r1/secp521r1)."""
    if key_algorithm in _KEY_SIZES:
        return rsa.generate_private_key(public_exponent=65537, key_size=_KEY_SIZES[key_algorithm])
    if key_algorithm in _CURVES:
        return ec.generate_private_key(_CURVES[key_algorithm]())
    raise ValueError(f"unsupported key algorithm {key_algorithm!r} (ML-DSA/SM2 are not emulated)")


def default_signing_algorithm(key: PrivateKey) -> str:
    """AWS's usual pairing: SHA256WITHRSA for RSA keys, SHA256/384/512WITHECDSA by curve size."""
    if isinstance(key, rsa.RSAPrivateKey):
        return "SHA256WITHRSA"
    return {256: "SHA256WITHECDSA", 384: "SHA384WITHECDSA"}.get(key.curve.key_size, "SHA512WITHECDSA")


def name(common_name: str, organization: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.insert(0, x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    return x509.Name(attributes)


def make_csr(
    key: PrivateKey, common_name: str, *, dns_names: Sequence[str] = ()
) -> x509.CertificateSigningRequest:
    """A PKCS#10 request like the one ``GetCertificateAuthorityCsr`` returns (SHA-256, optional SAN)."""
    builder = x509.CertificateSigningRequestBuilder().subject_name(name(common_name))
    if dns_names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(d) for d in dns_names]), critical=False
        )
    return builder.sign(key, hashes.SHA256())


def pem(obj: x509.Certificate | x509.CertificateSigningRequest) -> str:
    return obj.public_bytes(serialization.Encoding.PEM).decode()


def split_pem(bundle: str) -> list[x509.Certificate]:
    """Certificates of a PEM bundle, in order (empty for an empty string)."""
    return x509.load_pem_x509_certificates(bundle.encode()) if bundle.strip() else []


def sha256_fingerprint(cert: x509.Certificate) -> str:
    """Upper-case colon-separated SHA-256 of the DER certificate (as ``openssl x509 -fingerprint``)."""
    digest = hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def validity_end(now: dt.datetime, validity: dict[str, Any]) -> dt.datetime:
    """NotAfter for an AWS ``Validity`` ({"Type": DAYS|MONTHS|YEARS|ABSOLUTE|END_DATE, "Value": n})."""
    kind, value = validity["Type"], int(validity["Value"])
    if kind == "DAYS":
        return now + dt.timedelta(days=value)
    if kind == "MONTHS":
        month = now.month - 1 + value
        return _clamp_day(now, now.year + month // 12, month % 12 + 1)
    if kind == "YEARS":
        return _clamp_day(now, now.year + value, now.month)
    if kind == "ABSOLUTE":
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    if kind == "END_DATE":
        text = str(value)
        fmt = "%Y%m%d%H%M%S" if len(text) == 14 else "%y%m%d%H%M%S"
        return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC)
    raise ValueError(f"unknown validity type {kind!r}")


def _clamp_day(now: dt.datetime, year: int, month: int) -> dt.datetime:
    for day in (now.day, 30, 29, 28):
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _public_key(subject: PrivateKey | x509.CertificateSigningRequest) -> Any:
    return subject.public_key()


def _subject_of(subject: PrivateKey | x509.CertificateSigningRequest, common_name: str | None) -> x509.Name:
    if isinstance(subject, x509.CertificateSigningRequest):
        return name(common_name) if common_name else subject.subject
    if common_name is None:
        raise ValueError("common_name is required when issuing for a bare key")
    return name(common_name)


# ---------------------------------------------------------------------------------------------- the CA


@dataclass
class LocalCa:
    """A CA: its key, its certificate and the chain above it (root last, excluding its own certificate).

    Build with :meth:`root` or :meth:`subordinate`; wrap an externally signed certificate with
    :meth:`from_parts`.
    """

    key: PrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)
    crl_url: str | None = None
    enforce_aws_rules: bool = True
    issued: list[x509.Certificate] = field(default_factory=list)

    # -- construction ------------------------------------------------------------------------------

    @classmethod
    def root(
        cls,
        common_name: str = "Local Root CA",
        *,
        key_algorithm: str = "RSA_2048",
        signing_algorithm: str | None = None,
        days: int = 3650,
        now: dt.datetime | None = None,
        crl_url: str | None = None,
        enforce_aws_rules: bool = True,
    ) -> LocalCa:
        """A self-signed root CA certificate shaped like ``RootCACertificate/V1``.

        :param days: validity in days. Default: 3650 (the AWS-recommended 10 years)
        :param crl_url: when set, certificates this CA issues carry a CDP with this URL. Default: no CDP
        """
        key = generate_key(key_algorithm)
        now = now or _now()
        subject = name(common_name)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(KU_CA, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        certificate = _sign(builder, key, signing_algorithm or default_signing_algorithm(key))
        return cls(key=key, certificate=certificate, crl_url=crl_url, enforce_aws_rules=enforce_aws_rules)

    @classmethod
    def from_parts(
        cls, key: PrivateKey, certificate: x509.Certificate, chain: Sequence[x509.Certificate]
    ) -> LocalCa:
        """A CA for a key, its certificate and the chain above it (root last)."""
        return cls(key=key, certificate=certificate, chain=list(chain))

    def subordinate(
        self,
        common_name: str = "Local Subordinate CA",
        *,
        key_algorithm: str = "RSA_2048",
        path_length: int = 0,
        days: int = 1825,
        signing_algorithm: str | None = None,
        now: dt.datetime | None = None,
        crl_url: str | None = None,
    ) -> LocalCa:
        """A new child CA (fresh key) signed by this one with ``SubordinateCACertificate_PathLen{N}/V1``."""
        key = generate_key(key_algorithm)
        certificate = self.issue_subordinate(
            key,
            common_name=common_name,
            path_length=path_length,
            days=days,
            signing_algorithm=signing_algorithm,
            now=now,
        )
        return LocalCa(
            key=key,
            certificate=certificate,
            chain=[self.certificate, *self.chain],
            crl_url=crl_url,
            enforce_aws_rules=self.enforce_aws_rules,
        )

    # -- issuance ------------------------------------------------------------------------------------

    def issue_subordinate(
        self,
        csr_or_key: PrivateKey | x509.CertificateSigningRequest,
        *,
        path_length: int = 0,
        days: int = 1825,
        common_name: str | None = None,
        signing_algorithm: str | None = None,
        now: dt.datetime | None = None,
    ) -> x509.Certificate:
        """A CA certificate shaped like ``SubordinateCACertificate_PathLen{path_length}/V1``.

        :param csr_or_key: the child's CSR (its subject is used) or private key (then ``common_name``)
        """
        return self.issue(
            csr_or_key,
            template=f"SubordinateCACertificate_PathLen{path_length}/V1",
            validity={"Type": "DAYS", "Value": days},
            signing_algorithm=signing_algorithm,
            common_name=common_name,
            now=now,
        )

    def issue_end_entity(
        self,
        csr_or_key: PrivateKey | x509.CertificateSigningRequest,
        *,
        dns_names: Sequence[str] = (),
        template: str = SERVER_AUTH_TEMPLATE,
        days: int = 30,
        common_name: str | None = None,
        signing_algorithm: str | None = None,
        now: dt.datetime | None = None,
    ) -> x509.Certificate:
        """An end-entity certificate (``EndEntity[Server|Client]AuthCertificate/V1``).

        :param dns_names: SAN entries. Default: - the CSR's SAN, else the common name
        :param template: template name without ARN prefix. Default: - ``EndEntityServerAuthCertificate/V1``
        """
        if common_name is None and not isinstance(csr_or_key, x509.CertificateSigningRequest):
            common_name = dns_names[0] if dns_names else "end-entity"
        return self.issue(
            csr_or_key,
            template=template,
            validity={"Type": "DAYS", "Value": days},
            signing_algorithm=signing_algorithm,
            common_name=common_name,
            dns_names=dns_names,
            now=now,
        )

    def issue(
        self,
        csr_or_key: PrivateKey | x509.CertificateSigningRequest,
        *,
        template: str,
        validity: dict[str, Any],
        signing_algorithm: str | None = None,
        common_name: str | None = None,
        dns_names: Sequence[str] = (),
        now: dt.datetime | None = None,
    ) -> x509.Certificate:
        """The ``IssueCertificate`` equivalent: ``template`` is a name (``X/V1``) or a full template ARN,
        ``validity`` an AWS ``Validity`` dict."""
        template = template.split(":template/", 1)[-1]
        now = now or _now()
        not_after = validity_end(now, validity)
        public_key = _public_key(csr_or_key)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_subject_of(csr_or_key, common_name))
            .issuer_name(self.certificate.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(not_after)
        )
        issuer_ski = x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key())  # type: ignore[arg-type]
        sub = _SUBORDINATE.match(template)
        if sub:
            path_length = int(sub.group(1))
            self._check_ca_rules(not_after, path_length)
            builder = builder.add_extension(
                x509.BasicConstraints(ca=True, path_length=path_length), critical=True
            )
            builder = builder.add_extension(KU_CA, critical=True)
        elif template in _EKU:
            self._check_end_entity_rules(not_after)
            builder = (
                builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(KU_END_ENTITY, critical=True)
                .add_extension(x509.ExtendedKeyUsage(_EKU[template]), critical=False)
            )
            sans = list(dns_names) or _csr_sans(csr_or_key) or ([common_name] if common_name else [])
            if sans:
                builder = builder.add_extension(
                    x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False
                )
        else:
            raise IssuanceRejected(f"template {template!r} is not emulated by LocalCa")
        builder = builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        builder = builder.add_extension(issuer_ski, critical=False)
        if self.crl_url:
            builder = builder.add_extension(
                x509.CRLDistributionPoints(
                    [x509.DistributionPoint([x509.UniformResourceIdentifier(self.crl_url)], None, None, None)]
                ),
                critical=False,
            )
        certificate = _sign(builder, self.key, signing_algorithm or default_signing_algorithm(self.key))
        self.issued.append(certificate)
        return certificate

    def _check_ca_rules(self, not_after: dt.datetime, path_length: int) -> None:
        if not self.enforce_aws_rules:
            return
        if not_after >= self.certificate.not_valid_after_utc:
            raise IssuanceRejected(
                "The validity of a CA certificate must be shorter than the validity of its issuing CA"
            )
        own = self.certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length
        if own is not None and path_length >= own:
            raise IssuanceRejected(
                f"The path length {path_length} must be less than the issuing CA's path length {own}"
            )

    def _check_end_entity_rules(self, not_after: dt.datetime) -> None:
        if self.enforce_aws_rules and not_after > self.certificate.not_valid_after_utc:
            raise IssuanceRejected("A certificate must not outlive its issuing CA")

    # -- AWS response shapes -------------------------------------------------------------------------

    @property
    def pem(self) -> str:
        return pem(self.certificate)

    @property
    def chain_pem(self) -> str:
        """The chain above this CA, root last, without this CA's certificate ("" for a root)."""
        return "".join(pem(c) for c in self.chain)

    @property
    def full_chain(self) -> list[x509.Certificate]:
        """This CA's certificate followed by its chain (root last)."""
        return [self.certificate, *self.chain]

    def get_certificate(self, certificate: x509.Certificate) -> dict[str, str]:
        """``GetCertificate`` for a certificate this CA issued: the certificate plus the chain from this CA
        up to the root (root last). The self-signed root certificate comes back without a chain."""
        if certificate.issuer == certificate.subject and certificate == self.certificate:
            return {"Certificate": pem(certificate)}
        return {"Certificate": pem(certificate), "CertificateChain": "".join(pem(c) for c in self.full_chain)}

    def get_certificate_authority_certificate(self) -> dict[str, str]:
        """``GetCertificateAuthorityCertificate``: this CA's certificate and the chain excluding it."""
        if not self.chain:
            return {"Certificate": self.pem}
        return {"Certificate": self.pem, "CertificateChain": self.chain_pem}

    # -- revocation ----------------------------------------------------------------------------------

    def crl(
        self,
        revoked: Iterable[x509.Certificate | int] = (),
        *,
        crl_number: int = 1,
        next_update_days: int = 7,
        reason: x509.ReasonFlags = x509.ReasonFlags.key_compromise,
        now: dt.datetime | None = None,
    ) -> bytes:
        """A DER v2 CRL signed by this CA, with AKI and CRLNumber, listing ``revoked`` (certs or serials)."""
        now = now or _now()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now)
            .next_update(now + dt.timedelta(days=next_update_days))
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()),  # type: ignore[arg-type]
                critical=False,
            )
            .add_extension(x509.CRLNumber(crl_number), critical=False)
        )
        for item in revoked:
            serial = item.serial_number if isinstance(item, x509.Certificate) else int(item)
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(now)
                .add_extension(x509.CRLReason(reason), critical=False)
                .build()
            )
        algorithm = _hash_of(default_signing_algorithm(self.key))
        return builder.sign(self.key, algorithm).public_bytes(serialization.Encoding.DER)

    # -- verification ----------------------------------------------------------------------------------

    def verify_server(
        self,
        leaf: x509.Certificate,
        dns_name: str,
        *,
        intermediates: Sequence[x509.Certificate] = (),
        at: dt.datetime | None = None,
    ) -> list[x509.Certificate]:
        """Verify ``leaf`` for ``dns_name`` with this CA as the only trust anchor; returns the built path.
        Raises ``cryptography.x509.verification.VerificationError``."""
        verifier = (
            PolicyBuilder()
            .store(Store([self.certificate]))
            .time(at or _now())
            .build_server_verifier(x509.DNSName(dns_name))
        )
        return list(verifier.verify(leaf, list(intermediates)))


def _csr_sans(subject: PrivateKey | x509.CertificateSigningRequest) -> list[str]:
    if not isinstance(subject, x509.CertificateSigningRequest):
        return []
    try:
        ext = subject.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return [str(v) for v in ext.value.get_values_for_type(x509.DNSName)]


def _hash_of(signing_algorithm: str) -> hashes.HashAlgorithm:
    match = _SIGNING.match(signing_algorithm)
    if not match:
        raise ValueError(f"unsupported signing algorithm {signing_algorithm!r}")
    return _HASHES[match.group(1)]()


def _sign(builder: x509.CertificateBuilder, key: PrivateKey, signing_algorithm: str) -> x509.Certificate:
    match = _SIGNING.match(signing_algorithm)
    if not match:
        raise ValueError(f"unsupported signing algorithm {signing_algorithm!r}")
    family = "RSA" if isinstance(key, rsa.RSAPrivateKey) else "ECDSA"
    if match.group(2) != family:
        raise IssuanceRejected(f"signing algorithm {signing_algorithm} does not match the CA's {family} key")
    algorithm = _HASHES[match.group(1)]()
    if match.group(3):
        pss = padding.PSS(mgf=padding.MGF1(algorithm), salt_length=algorithm.digest_size)
        return builder.sign(key, algorithm, rsa_padding=pss)
    return builder.sign(key, algorithm)
