"""The subject of a CA certificate (the API's ``ASN1Subject``), validated against the API model."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aws_cdk import Token
from aws_cdk import aws_acmpca as acmpca

from .errors import Problem
from .inputs import field_problems
from .value_rules import text_problems

# (max length, pattern) per field, from the acm-pca service model's ASN1Subject shape.
_OID = re.compile(r"([0-2])\.([0-9]|([0-3][0-9]))((\.([0-9]+)){0,126})")
_MAX_CUSTOM_ATTRIBUTES = 150
_PRINTABLE = re.compile(r"[a-zA-Z0-9'()+-.?:/= ]*")  # verbatim from the model: '+-.' is a range
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_LIMITS: dict[str, tuple[int, re.Pattern[str] | None]] = {
    "common_name": (64, None),
    "organization": (64, None),
    "organizational_unit": (64, None),
    "country": (2, _COUNTRY),
    "state": (128, None),
    "locality": (128, None),
    "title": (64, None),
    "surname": (40, None),
    "given_name": (16, None),
    "initials": (5, None),
    "pseudonym": (128, None),
    "generation_qualifier": (3, None),
    "serial_number": (64, _PRINTABLE),
    "distinguished_name_qualifier": (64, _PRINTABLE),
}
# Order used when displaying a name, most specific first (RFC 4514 style), then the rarer attributes.
_DISPLAY = [
    ("common_name", "CN"),
    ("organizational_unit", "OU"),
    ("organization", "O"),
    ("locality", "L"),
    ("state", "ST"),
    ("country", "C"),
    ("title", "title"),
    ("surname", "SN"),
    ("given_name", "GN"),
    ("initials", "initials"),
    ("pseudonym", "pseudonym"),
    ("generation_qualifier", "generationQualifier"),
    ("serial_number", "serialNumber"),
    ("distinguished_name_qualifier", "dnQualifier"),
]


@dataclass(frozen=True, kw_only=True)
class DistinguishedName:
    """The X.500 name of a CA.

    Every field is optional, but at least one must be set. Lengths and character sets follow the AWS
    Private CA API (e.g. ``country`` is two letters, ``common_name``/``organization``/
    ``organizational_unit`` at most 64 characters).

    :param common_name: e.g. ``"MyCompany Root CA G1"``. Default: - none
    :param organization: Default: - none
    :param organizational_unit: Default: - none
    :param country: ISO 3166 two-letter code. Default: - none
    :param state: Default: - none
    :param locality: Default: - none
    :param title: Default: - none
    :param surname: Default: - none
    :param given_name: Default: - none
    :param initials: Default: - none
    :param pseudonym: Default: - none
    :param generation_qualifier: e.g. ``"III"``. Default: - none
    :param serial_number: the subject's serial number attribute (not the certificate serial). Default: - none
    :param distinguished_name_qualifier: Default: - none
    :param custom_attributes: ``(object identifier, value)`` pairs, in order, instead of the standard
        attributes (AWS does not allow both). Default: - none
    """

    common_name: str | None = None
    organization: str | None = None
    organizational_unit: str | None = None
    country: str | None = None
    state: str | None = None
    locality: str | None = None
    title: str | None = None
    surname: str | None = None
    given_name: str | None = None
    initials: str | None = None
    pseudonym: str | None = None
    generation_qualifier: str | None = None
    serial_number: str | None = None
    distinguished_name_qualifier: str | None = None
    custom_attributes: tuple[tuple[str, str], ...] | None = None

    def _items(self) -> dict[str, str]:
        """The standard attributes that are set."""
        return {name: getattr(self, name) for name in _LIMITS if getattr(self, name) is not None}

    def problems(self, field_prefix: str = "subject") -> list[Problem]:
        """Every way this name breaks the API's ASN1Subject rules."""
        if typed := field_problems(self, field_prefix):
            return typed
        items = self._items()
        if self.custom_attributes is not None:
            return self._custom_attribute_problems(field_prefix, mixed=bool(items))
        if not items:
            return [
                Problem(
                    field_prefix,
                    "DistinguishedName()",
                    "a CA subject needs at least one attribute",
                    "set at least common_name, e.g. DistinguishedName(common_name='Example Root CA G1')",
                )
            ]
        problems = []
        for name, value in items.items():
            if Token.is_unresolved(value):
                continue
            max_length, pattern = _LIMITS[name]
            where = f"{field_prefix}.{name}"
            problems += text_problems(where, value)
            if name == "country" and not _COUNTRY.fullmatch(value):
                problems.append(
                    Problem(
                        where, value, "country must be exactly two letters", "use the ISO code, e.g. 'US'"
                    )
                )
                continue
            if not value.strip():
                problems.append(
                    Problem(where, value, "must not be empty or blank", f"set a value or omit {name}")
                )
            if len(value) > max_length:
                problems.append(
                    Problem(
                        where,
                        value,
                        f"is {len(value)} characters; at most {max_length} allowed",
                        "shorten it",
                    )
                )
            if pattern is not None and not pattern.fullmatch(value):
                problems.append(
                    Problem(
                        where,
                        value,
                        "allows only letters, digits, space and ' ( ) + , - . ? : / =",
                        "remove other characters",
                    )
                )
        return problems

    def _custom_attribute_problems(self, field_prefix: str, *, mixed: bool) -> list[Problem]:
        where = f"{field_prefix}.custom_attributes"
        attributes = self.custom_attributes or ()
        problems = []
        if mixed:
            problems.append(
                Problem(
                    where,
                    attributes,
                    "AWS does not allow custom attributes together with standard ones",
                    "use one kind",
                )
            )
        if not 1 <= len(attributes) <= _MAX_CUSTOM_ATTRIBUTES:
            problems.append(
                Problem(where, len(attributes), "1 to 150 custom attributes are allowed", "adjust the list")
            )
        for oid, value in attributes:
            if not _OID.fullmatch(oid) or len(oid) > 64:
                problems.append(
                    Problem(where, oid, "is not a dotted object identifier", "use e.g. '2.5.4.3'")
                )
            if not 1 <= len(value) <= 256:
                problems.append(
                    Problem(
                        where, value, "a custom attribute value has 1 to 256 characters", "fix its length"
                    )
                )
        return problems

    def to_cfn(self) -> acmpca.CfnCertificateAuthority.SubjectProperty:
        if self.custom_attributes is not None:
            return acmpca.CfnCertificateAuthority.SubjectProperty(
                custom_attributes=[
                    acmpca.CfnCertificateAuthority.CustomAttributeProperty(object_identifier=oid, value=value)
                    for oid, value in self.custom_attributes
                ]
            )
        attributes: dict[str, Any] = dict(self._items())
        return acmpca.CfnCertificateAuthority.SubjectProperty(**attributes)

    def same_name_as(self, other: DistinguishedName) -> bool:
        """Whether X.509 path building would take the two for one name: every attribute equal, ignoring case
        and runs of spaces (RFC 5280 7.1 compares names with caseIgnoreMatch)."""
        return self._normalised() == other._normalised()

    def _normalised(self) -> tuple[object, ...]:
        def norm(value: str) -> str:
            return " ".join(value.split()).casefold()

        standard = sorted((name, norm(value)) for name, value in self._items().items())
        custom = [(oid, norm(value)) for oid, value in self.custom_attributes or ()]
        return (tuple(standard), tuple(custom))

    def __str__(self) -> str:
        items = self._items()
        shown = [f"{label}={items[name]}" for name, label in _DISPLAY if name in items]
        custom = [f"{oid}={value}" for oid, value in self.custom_attributes or ()]
        return ",".join(shown or custom)
