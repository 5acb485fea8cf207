"""Pure rules about plain values: X.509 name text, the last encodable date, region codes and partitions.

They need no CDK scope, take literals (a token returns no problem: it is unknown, not wrong) and return
:class:`Problem` lists, so they are unit- and property-tested in milliseconds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from aws_cdk import Token
from aws_cdk.region_info import RegionInfo

from .errors import Problem

__all__ = [
    "certificate_facts",
    "known_partition",
    "offline_certificate_problems",
    "partition_of",
    "region_problems",
    "text_problems",
    "unknown_ssl_policy_problem",
    "validity_end_problems",
]


# X.509 refuses control characters in names; AWS Private CA stores a subject verbatim, so a leading or trailing
# space is a different name to every relying party that compares names exactly (RFC 5280 §7.1 asks for
# caseIgnoreMatch after whitespace folding, which many clients skip).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def text_problems(field: str, value: str | None) -> list[Problem]:
    """Rules for a literal text attribute of an X.509 name: no control characters, no edge spaces."""
    if value is None or not isinstance(value, str) or Token.is_unresolved(value):
        return []
    problems = []
    if _CONTROL.search(value):
        problems.append(
            Problem(field, value, "contains a control character, which X.509 names do not allow", "remove it")
        )
    if value != value.strip():
        problems.append(
            Problem(
                field,
                value,
                "has leading or trailing spaces, which make a different name to clients that compare exactly",
                f"use {value.strip()!r}",
            )
        )
    return problems


# The last date X.509 can encode (GeneralizedTime, RFC 5280 §4.1.2.5) and AWS Private CA accepts.
_LAST_DATE = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)


def validity_end_problems(field: str, days: float | None, *, now: datetime | None = None) -> list[Problem]:
    """A certificate starting today and valid ``days`` days must end by 9999-12-31 (GeneralizedTime's limit)."""
    if days is None:
        return []
    start = now or datetime.now(UTC)
    remaining = (_LAST_DATE - start).days
    if days > remaining:
        return [
            Problem(
                field,
                f"{days:g} days",
                "a certificate issued today would end after 9999-12-31, the last date X.509 can encode",
                f"use at most Duration.days({remaining})",
            )
        ]
    return []


# Regions and partitions -------------------------------------------------------------------------------

# aws, aws-cn, aws-us-gov, aws-iso*, eusc: two to four letters, words, then a number (e.g. eusc-de-east-1).
_REGION = re.compile(r"[a-z]{2,4}(-[a-z]+)+-\d{1,2}")


def region_problems(field: str, region: object) -> list[Problem]:
    """A literal region must look like one (``eu-west-1``), not a name, an availability zone or an ARN."""
    if region is None or (isinstance(region, str) and Token.is_unresolved(region)):
        return []
    if not isinstance(region, str) or not _REGION.fullmatch(region):
        return [
            Problem(
                field,
                region,
                "is not an AWS region code",
                "use a code such as 'eu-west-1' (not an availability zone like 'eu-west-1a', nor a name)",
            )
        ]
    return []


def partition_of(region: str | None) -> str | None:
    """The partition of a literal region (aws-cdk-lib's region facts), or None for a token or unknown region."""
    if region is None or Token.is_unresolved(region):
        return None
    return RegionInfo.get(region).partition


def known_partition(stack: Any) -> str | None:
    """A stack's partition when its region is literal. ``Stack.partition`` is the ``AWS::Partition`` token even
    then, so the region facts are asked instead."""
    partition = stack.partition
    if not Token.is_unresolved(partition):
        return str(partition)
    return partition_of(stack.region)


def unknown_ssl_policy_problem(policy_name: str, known: Iterable[str]) -> Problem:
    """A TLS 1.2+ policy name that follows ELB's naming scheme but is not one of the predefined policies
    (aws-cdk-lib 2.275's ``elbv2.SslPolicy``, which mirrors ``describe-ssl-policies``): CloudFormation would
    fail the listener with "SSL policy does not exist"."""
    closest = sorted(known, key=lambda name: -_common_prefix(name, policy_name))[:1]
    return Problem(
        "ssl_policy",
        policy_name,
        "ELB has no predefined security policy of this name",
        f"use an elbv2.SslPolicy member{f', e.g. {closest[0]!r}' if closest else ''}",
    )


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


# Offline-signed CA certificates -------------------------------------------------------------------------------
# What AWS would refuse only at import (ImportCertificateAuthorityCertificate: "the certificate is not a CA
# certificate", "expired"), read from the DER with a minimal parser: the library has no X.509 dependency.

_BASIC_CONSTRAINTS_OID = bytes.fromhex("551d13")  # 2.5.29.19


def _tlv(data: bytes, offset: int) -> tuple[int, int, int]:
    """(tag, start of value, end of value) of the DER element at ``offset``."""
    tag = data[offset]
    length = data[offset + 1]
    start = offset + 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[start : start + count], "big")
        start += count
    end = start + length
    if end > len(data):
        raise ValueError("truncated DER")
    return tag, start, end


def _children(data: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    items = []
    while start < end:
        item = _tlv(data, start)
        items.append(item)
        start = item[2]
    return items


def _time(data: bytes, tag: int, start: int, end: int) -> datetime:
    text = data[start:end].decode("ascii").rstrip("Z")
    if tag == 0x17:  # UTCTime: YYMMDDHHMMSS, years 1950-2049 (RFC 5280 §4.1.2.5.1)
        year = int(text[:2])
        text = f"{1900 + year if year >= 50 else 2000 + year}{text[2:]}"
    return datetime.strptime(text[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def certificate_facts(der: bytes) -> tuple[datetime, bool]:
    """(notAfter, is a CA) of a DER X.509 certificate; ``ValueError`` when it is not one."""
    try:
        _, cert_start, cert_end = _tlv(der, 0)
        _, tbs_start, tbs_end = _children(der, cert_start, cert_end)[0]
        fields = _children(der, tbs_start, tbs_end)
        if fields[0][0] == 0xA0:  # explicit version
            fields = fields[1:]
        validity = _children(der, fields[3][1], fields[3][2])
        not_after = _time(der, *validity[1])
        is_ca = False
        for tag, start, _ in fields[6:]:
            if tag != 0xA3:
                continue
            (_, seq_start, seq_end) = _tlv(der, start)
            for _, ext_start, ext_end in _children(der, seq_start, seq_end):
                parts = _children(der, ext_start, ext_end)
                if der[parts[0][1] : parts[0][2]] != _BASIC_CONSTRAINTS_OID:
                    continue
                value_start = parts[-1][1]  # OCTET STRING holding BasicConstraints
                _, bc_start, bc_end = _tlv(der, value_start)
                inner = _children(der, bc_start, bc_end)
                is_ca = bool(inner) and inner[0][0] == 0x01 and der[inner[0][1]] != 0
        return not_after, is_ca
    except (IndexError, ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"not a DER X.509 certificate: {error}") from error


def offline_certificate_problems(field: str, der: bytes, *, now: datetime | None = None) -> list[Problem]:
    """An offline-signed certificate for a subordinate CA must be a CA certificate (basicConstraints cA=TRUE)
    that has not expired; AWS refuses anything else at import, twenty minutes into the deploy."""
    try:
        not_after, is_ca = certificate_facts(der)
    except ValueError as error:
        return [
            Problem(field, "<certificate>", str(error), "supply the PEM certificate the offline CA signed")
        ]
    problems = []
    if not is_ca:
        problems.append(
            Problem(
                field,
                "<certificate>",
                "is not a CA certificate (basicConstraints cA=TRUE is missing)",
                "sign the CSR as a CA certificate (openssl -extfile with basicConstraints = critical, CA:TRUE)",
            )
        )
    if not_after <= (now or datetime.now(UTC)):
        problems.append(
            Problem(
                field, f"expired {not_after:%Y-%m-%d}", "the signed certificate has expired", "sign it again"
            )
        )
    return problems
