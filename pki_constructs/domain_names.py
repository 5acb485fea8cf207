"""Pure rules for the DNS names on public ACM certificates and CloudFront aliases (no CDK scope needed).

Sources: the botocore ``acm`` service model (``RequestCertificate.DomainName``: 1-253 characters and the
pattern below; ``SubjectAlternativeNames``: 1-100 items), RFC 5280 ``ub-common-name`` (64) for the first
name, which ACM puts in the subject CN, RFC 1035 (labels ≤ 63 octets), the ACM user guide (wildcards only
as the whole left-most label, covering one level; default quota of 10 names per certificate; punycode
labels must be valid ``xn--`` IDNs).

Names are compared case-insensitively and returned lower-cased: DNS is case-insensitive and ACM stores
names as requested, so ``WWW.example.com`` and ``www.example.com`` would otherwise count as two names.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Sequence

from aws_cdk import Token

from .errors import Problem

__all__ = [
    "ACM_DOMAIN_PATTERN",
    "DEFAULT_MAX_NAMES",
    "covers",
    "dedupe_names",
    "domain_name_problems",
    "in_zone",
    "name_count_problems",
    "names_problems",
]

ACM_DOMAIN_PATTERN = re.compile(
    r"(\*\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])"
)
"""``RequestCertificate.DomainName`` pattern from the botocore acm model, matched against the whole name."""

MAX_NAME_LENGTH = 253
MAX_LABEL_LENGTH = 63
MAX_COMMON_NAME_LENGTH = 64
API_MAX_NAMES = 100
"""``SubjectAlternativeNames`` max items in the acm model: a hard ceiling, even with a raised quota."""
DEFAULT_MAX_NAMES = 10
"""Service quota "Domain names per ACM certificate" (adjustable)."""


def _unresolved(name: str) -> bool:
    """``Token.is_unresolved`` without a call into jsii for a plain string (synth cost per certificate): a
    string token always carries the ``${Token[`` marker (aws-cdk-lib ``core/lib/private/encoding``)."""
    return isinstance(name, str) and "${Token[" in name and Token.is_unresolved(name)


def normalise(name: str) -> str:
    return name if _unresolved(name) else name.lower()


def domain_name_problems(name: str, *, field: str) -> list[Problem]:
    """Every rule one certificate name breaks. Tokens can't be checked at synth and pass."""
    if _unresolved(name):
        return []
    problems: list[Problem] = []
    if name.endswith("."):
        problems.append(Problem(field, name, "ACM names have no trailing dot", f"use {name.rstrip('.')!r}"))
        return problems
    if len(name) > MAX_NAME_LENGTH:
        problems.append(
            Problem(
                field, name, f"a name is at most {MAX_NAME_LENGTH} characters, got {len(name)}", "shorten it"
            )
        )
    labels = name.split(".")
    long_labels = [label for label in labels if len(label) > MAX_LABEL_LENGTH]
    if long_labels:
        problems.append(
            Problem(
                field,
                name,
                f"each DNS label is at most {MAX_LABEL_LENGTH} characters ({long_labels[0][:20]}… is "
                f"{len(long_labels[0])})",
                "shorten the label",
            )
        )
    if "*" in name and not (labels[0] == "*" and len(labels) > 1 and "*" not in ".".join(labels[1:])):
        problems.append(
            Problem(
                field,
                name,
                "a wildcard must be the whole left-most label, once ('*.example.com'); "
                "'*.*.x', 'a*.x', 'x.*.y' and a bare '*' are invalid",
                "request '*.<parent>' for each level you need",
            )
        )
    elif name.startswith("*.") and len(labels) < 3:
        problems.append(
            Problem(field, name, "a wildcard needs at least two labels after '*.'", "use '*.example.com'")
        )
    if not ACM_DOMAIN_PATTERN.fullmatch(name) and not problems:
        problems.append(
            Problem(
                field,
                name,
                "does not match ACM's domain pattern: labels of letters, digits and inner hyphens, "
                "separated by dots, at least two labels",
                "fix the name's syntax",
            )
        )
    for label in labels:
        if len(label) >= 4 and label[2:4] == "--":
            if label[:2].lower() != "xn":
                problems.append(
                    Problem(
                        field,
                        name,
                        f"label {label!r} has '--' in positions 3-4, reserved for 'xn--' IDNs",
                        "use a different label",
                    )
                )
            elif not _valid_punycode(label):
                problems.append(
                    Problem(
                        field, name, f"label {label!r} is not valid punycode", "encode the IDN label properly"
                    )
                )
    return problems


def _valid_punycode(label: str) -> bool:
    try:
        decoded = codecs.decode(label[4:].encode("ascii"), "punycode")
    except (UnicodeError, ValueError):
        return False
    return bool(decoded)


def common_name_problems(name: str, *, field: str) -> list[Problem]:
    """The first name becomes the certificate's CN, limited to 64 octets (RFC 5280 ub-common-name)."""
    if _unresolved(name) or len(name.encode()) <= MAX_COMMON_NAME_LENGTH:
        return []
    return [
        Problem(
            field,
            name,
            f"the first name becomes the subject CN, at most {MAX_COMMON_NAME_LENGTH} octets (got {len(name)})",
            "make a shorter name the domain_name and move this one to subject_alternative_names",
        )
    ]


def dedupe_names(names: Iterable[str]) -> list[str]:
    """Lower-cased names, first occurrence kept, order preserved."""
    seen: set[str] = set()
    result: list[str] = []
    for name in names:
        key = normalise(name)
        if key not in seen:
            seen.add(key)
            result.append(key)
    return result


def name_count_problems(names: Sequence[str], *, max_names: int, field: str) -> list[Problem]:
    """At most ``max_names`` names (the account's quota), never more than the API's 100."""
    problems: list[Problem] = []
    if max_names > API_MAX_NAMES or max_names < 1:
        problems.append(
            Problem(
                "max_names",
                max_names,
                f"ACM accepts 1 to {API_MAX_NAMES} names per certificate",
                f"use a value between 1 and {API_MAX_NAMES}",
            )
        )
    elif len(names) > max_names:
        problems.append(
            Problem(
                field,
                f"<{len(names)} distinct names>",
                f"the quota 'Domain names per ACM certificate' allows {max_names}"
                + (" by default" if max_names == DEFAULT_MAX_NAMES else ""),
                "split the names over several certificates, or raise the quota in Service Quotas and pass "
                "max_names=<new quota>",
            )
        )
    return problems


def names_problems(
    domain_name: str, subject_alternative_names: Sequence[str], *, max_names: int = DEFAULT_MAX_NAMES
) -> list[Problem]:
    """All name rules of one certificate request: syntax of each name, the CN length and the count."""
    problems = domain_name_problems(domain_name, field="domain_name")
    problems += common_name_problems(domain_name, field="domain_name")
    for index, name in enumerate(subject_alternative_names):
        problems += domain_name_problems(name, field=f"subject_alternative_names[{index}]")
    names = dedupe_names([domain_name, *subject_alternative_names])
    problems += name_count_problems(names, max_names=max_names, field="subject_alternative_names")
    return problems


def in_zone(name: str, zone_name: str) -> bool:
    """Whether ``name`` (possibly a wildcard) is the zone apex or below it."""
    name = name.lower().rstrip(".")
    zone = zone_name.lower().rstrip(".")
    if name.startswith("*."):
        name = name[2:]
        # '*.example.com' is inside 'example.com'; its base must be the zone or below it.
    return name == zone or name.endswith("." + zone)


def covers(certificate_names: Iterable[str], alias: str) -> bool:
    """Whether a certificate with ``certificate_names`` is valid for host ``alias``.

    Exact (case-insensitive) match, or a wildcard ``*.parent`` when ``alias`` is exactly one label below
    ``parent``: ``*.example.com`` covers ``a.example.com`` and the alias ``*.example.com`` itself, but not
    ``example.com`` nor ``a.b.example.com``.
    """
    host = alias.lower().rstrip(".")
    for name in certificate_names:
        candidate = name.lower().rstrip(".")
        if candidate == host:
            return True
        if candidate.startswith("*."):
            parent = candidate[2:]
            first, _, rest = host.partition(".")
            if rest == parent and first and first != "*":
                return True
    return False
