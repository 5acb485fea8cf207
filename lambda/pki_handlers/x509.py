"""PEM and the few X.509 fields the handlers read, stdlib only (a minimal DER walker, no ``cryptography``)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import re

_PEM_BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)

_KEY_OIDS = {
    bytes.fromhex("2a864886f70d010101"): "RSA",
    bytes.fromhex("608648016503040311"): "ML_DSA_44",
    bytes.fromhex("608648016503040312"): "ML_DSA_65",
    bytes.fromhex("608648016503040313"): "ML_DSA_87",
}
_EC_KEY = bytes.fromhex("2a8648ce3d0201")
_CURVE_SIGNING = {
    bytes.fromhex("2a8648ce3d030107"): "SHA256WITHECDSA",
    bytes.fromhex("2b81040022"): "SHA384WITHECDSA",
    bytes.fromhex("2b81040023"): "SHA512WITHECDSA",
    bytes.fromhex("2a811ccf5501822d"): "SM3WITHSM2",
}


class PemError(ValueError):
    """Text that should hold PEM (or DER) does not."""


# ------------------------------------------------------------------------------------------ PEM


def _b64(body: str) -> bytes:
    try:
        return base64.b64decode("".join(body.split()), validate=True)
    except binascii.Error as error:
        raise PemError(f"malformed PEM body: {error}") from None


def der_to_pem(der: bytes, label: str) -> str:
    encoded = base64.b64encode(der).decode("ascii")
    lines = [encoded[i : i + 64] for i in range(0, len(encoded), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def pem_ders(text: str, label: str) -> list[bytes]:
    """The DER of every ``label`` block of ``text``, in order."""
    return [
        _b64(body) for found, body in _PEM_BLOCK.findall((text or "").replace("\r", "")) if found == label
    ]


def split_pem(text: str, label: str) -> list[str]:
    """Every ``label`` block of ``text``, normalised (64-column base64, ``\\n`` line ends)."""
    return [der_to_pem(der, label) for der in pem_ders(text, label)]


def pem_to_der(pem: str, label: str) -> bytes:
    """The first ``label`` block of ``pem`` as DER."""
    blocks = pem_ders(pem, label)
    if not blocks:
        raise PemError(f"no PEM block {label!r} found")
    return blocks[0]


def normalise_pem(text: str) -> str:
    """Stripped lines, ``\\n`` line ends, no blank lines, one trailing newline (or "" for no text)."""
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    body = "\n".join(line for line in lines if line)
    return body + "\n" if body else ""


def fingerprint(der: bytes) -> str:
    """SHA-256 of ``der`` as colon-separated upper-case hex (how consoles and openssl show it)."""
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))


def certificate_fingerprint(certificate_pem: str) -> str:
    """SHA-256 fingerprint of the first certificate in ``certificate_pem``."""
    return fingerprint(pem_to_der(certificate_pem, "CERTIFICATE"))


# ------------------------------------------------------------------------------------------ DER


def _der_item(data: bytes, i: int) -> tuple[int, int, int]:
    """(tag, value start, value end) of the DER element at ``i``."""
    tag, length = data[i], data[i + 1]
    i += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[i : i + count], "big")
        i += count
    return tag, i, i + length


def _der_children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    items, i = [], start
    while i < end:
        item = _der_item(data, i)
        items.append(item)
        i = item[2]
    return items


def _der_time(data: bytes, item: tuple[int, int, int]) -> dt.datetime:
    tag, start, end = item
    text = data[start:end].decode()
    if tag == 0x17:  # UTCTime: YY >= 50 means 19YY (RFC 5280)
        year = int(text[:2])
        text = f"{19 if year >= 50 else 20}{text}"
    return dt.datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=dt.UTC)


class Cert:
    """The few fields of an X.509 certificate the handlers need."""

    def __init__(self, der: bytes) -> None:
        self.der = der
        try:
            _, start, _ = _der_item(der, 0)
            _, tbs_start, tbs_end = _der_item(der, start)
            fields = _der_children(der, tbs_start, tbs_end)
            if fields[0][0] == 0xA0:  # explicit version
                fields = fields[1:]
            serial, _, issuer, validity, subject, key = fields[:6]
            not_before, not_after = _der_children(der, validity[1], validity[2])[:2]
            algorithm = _der_children(der, key[1], key[2])[0]
            parts = _der_children(der, algorithm[1], algorithm[2])
        except (IndexError, ValueError) as error:
            raise PemError(f"not an X.509 certificate: {error}") from None
        self.serial = der[serial[1] : serial[2]].lstrip(b"\x00") or b"\x00"
        self.issuer = der[issuer[1] : issuer[2]]
        self.subject = der[subject[1] : subject[2]]
        self.not_before = _der_time(der, not_before)
        self.not_after = _der_time(der, not_after)
        self.key_oid = der[parts[0][1] : parts[0][2]]
        self.key_params = der[parts[1][1] : parts[1][2]] if len(parts) > 1 and parts[1][0] == 0x06 else b""

    @classmethod
    def from_pem(cls, text: str) -> Cert:
        blocks = certificates(text)
        if len(blocks) != 1:
            raise PemError(f"expected one PEM certificate, found {len(blocks)}")
        return blocks[0]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Cert) and other.der == self.der

    def __hash__(self) -> int:
        return hash(self.der)

    @property
    def self_issued(self) -> bool:
        return self.issuer == self.subject

    @property
    def pem(self) -> str:
        return der_to_pem(self.der, "CERTIFICATE")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.der)

    @property
    def serial_hex(self) -> str:
        return ":".join(f"{b:02x}" for b in self.serial)

    def signing_algorithm(self) -> str | None:
        """The IssueCertificate SigningAlgorithm matching this certificate's key, or None when unknown."""
        if self.key_oid == _EC_KEY:
            return _CURVE_SIGNING.get(self.key_params)
        family = _KEY_OIDS.get(self.key_oid)
        return "SHA256WITHRSA" if family == "RSA" else family


def certificates(text: str) -> list[Cert]:
    """Every certificate in a PEM text, in order."""
    return [Cert(der) for der in pem_ders(text, "CERTIFICATE")]
