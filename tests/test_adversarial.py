"""The synth-time promise, tried as an adversary would (issue 11).

Every case here was chosen from the README and issue 11 alone — what a user reading them would try — not from
the code of the rule it attacks, and asserts the exact outcome: a ``PkiValidationError`` whose problems name
the field, or *accepted* for valid inputs that only look odd (token names, IDN names, wildcard-only
certificates). Three parts:

1. ``CASES``: one construct call each, in fresh stacks of one shared app (never synthesized).
2. The wrong-type sweep: every prop of every public construct fed ``None``, an int, a str, a list, a
   ``Duration`` and an unrelated construct; each must be a ``PkiValidationError`` naming the prop (values of
   the prop's own type are skipped, as is ``None`` for an optional prop).
3. App-level cases (uniqueness, strong references) that need a synth, in small apps of their own.

Property tests for the pure rules are in ``tests/test_rule_properties.py``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Template
from constructs import Construct

import pki_constructs
from pki_constructs import (
    CaBundle,
    CaExpiryAlarm,
    CaRotation,
    CertificateTemplate,
    CertifiedAlb,
    CertifiedDistribution,
    CrlConfiguration,
    DistinguishedName,
    ExpiryAlarm,
    ExpiryTopic,
    IssuerRole,
    KeyAlgorithm,
    MutualTls,
    MutualTlsApiDomain,
    MutualTlsMode,
    MutualTlsTrustStore,
    OcspConfiguration,
    OfflineParent,
    PkiValidationError,
    PrivateServiceTier,
    PublicCertificate,
    RegionalExport,
    RegionalImport,
    RootCa,
    ServiceCertificate,
    SigningAlgorithm,
    SubordinateCa,
    UsageMode,
)
from pki_constructs.ca_facts import ca_facts
from pki_constructs.imported_ca import ImportedCertificateAuthority
from pki_constructs.sharing import CaShare
from tests.local_pki import LocalCa, generate_key
from tests.local_pki import pem as local_pem
from tests.synth import ACCOUNT, OTHER_ACCOUNT, env, make_app

# The shared world ---------------------------------------------------------------------------------------

_ids = itertools.count()


@cache
def _app() -> cdk.App:
    return make_app()


def fresh(region: str = "us-east-1", account: str = ACCOUNT) -> Stack:
    """A new stack in the shared app: no case sees another case's constructs."""
    return Stack(_app(), f"S{next(_ids)}", env=env(region, account))


def uid(prefix: str = "C") -> str:
    return f"{prefix}{next(_ids)}"


def dn(common_name: str = "Example CA G1", **fields: Any) -> DistinguishedName:
    return DistinguishedName(common_name=common_name, **fields)


def root(stack: Stack, **props: Any) -> RootCa:
    props.setdefault("subject", dn("Example Root CA G1"))
    return RootCa(stack, uid("Root"), **props)


def sub(stack: Stack, parent: Any, **props: Any) -> SubordinateCa:
    props.setdefault("subject", dn(f"Example Issuing CA {next(_ids)}"))
    return SubordinateCa(stack, uid("Sub"), parent=parent, **props)


def zone(stack: Stack, name: str = "example.com") -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(
        stack, uid("Zone"), hosted_zone_id="Z0000000000000EXAMPLE", zone_name=name
    )


def public_cert(stack: Stack, name: str = "www.example.com", **props: Any) -> PublicCertificate:
    return PublicCertificate(stack, uid("Cert"), domain_name=name, hosted_zone=zone(stack), **props)


def vpc(stack: Stack) -> ec2.IVpc:
    return ec2.Vpc(stack, uid("Vpc"), max_azs=2, nat_gateways=0)


def token_string(stack: Stack) -> str:
    return CfnParameter(stack, uid("P"), type="String").value_as_string


def token_number(stack: Stack) -> float:
    return CfnParameter(stack, uid("P"), type="Number").value_as_number


def pending_ca(stack: Stack) -> SubordinateCa:
    return SubordinateCa(
        stack,
        uid("Offline"),
        parent=OfflineParent(context_key=uid("signed")),
        subject=dn(f"Offline {next(_ids)}"),
    )


def origin() -> origins.HttpOrigin:
    return origins.HttpOrigin("origin.example.com")


# Outcomes -----------------------------------------------------------------------------------------------


def names_field(error: PkiValidationError, field: str) -> bool:
    """Whether a problem is about ``field`` (``field``, ``field.sub`` or ``field[i]``)."""
    return any(p.field == field or p.field.startswith((f"{field}.", f"{field}[")) for p in error.problems)


def expect_field(build: Callable[[], object], field: str) -> None:
    with pytest.raises(PkiValidationError) as caught:
        build()
    assert names_field(caught.value, field), f"expected a problem on {field!r}, got:\n{caught.value}"


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[], object]
    fails: str | None  # the field named by the PkiValidationError; None = accepted


def F(id: str, field: str, build: Callable[[], object]) -> Case:
    return Case(id, build, field)


def OK(id: str, build: Callable[[], object]) -> Case:
    return Case(id, build, None)


def _sub_of(parent_props: dict[str, Any], **props: Any) -> Callable[[], object]:
    def build() -> object:
        stack = fresh()
        return sub(stack, root(stack, **parent_props), **props)

    return build


def _sub_under_ref(**ref: Any) -> Callable[[], object]:
    def build() -> object:
        arn = "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/11111111-2222-3333-4444-555555555555"
        stack = fresh()
        parent = SubordinateCa.from_certificate_authority_attributes(
            stack, uid(), certificate_authority_arn=arn, **ref
        )
        return sub(stack, parent, path_length=0)

    return build


def _with_root(
    make: Callable[[Stack, RootCa], object], region: str = "us-east-1", **root_props: Any
) -> Callable[[], object]:
    def build() -> object:
        stack = fresh(region)
        return make(stack, root(stack, **root_props))

    return build


def _with_stack(make: Callable[[Stack], object], region: str = "us-east-1") -> Callable[[], object]:
    return lambda: make(fresh(region))


def _twice(make: Callable[[Stack, str], object]) -> Callable[[], object]:
    def build() -> object:
        stack = fresh()
        make(stack, "Same")
        return make(stack, "Same")

    return build


def _accepts_with_token_info(make: Callable[[Stack], Construct]) -> Callable[[], object]:
    """Accepted, and ``cdk synth`` says which literal rule the token skipped."""

    def build() -> object:
        stack = fresh()
        construct = make(stack)
        infos = [str(entry.data) for node in construct.node.find_all() for entry in node.node.metadata]
        assert any("pki-constructs:tokenSkipped" in info for info in infos), infos
        assert not any("e+" in info and "days" in info for info in infos)
        return construct

    return build


LONG = "x" * 65

CA_CASES = [
    F("root validity int (issue)", "validity", _with_stack(lambda s: root(s, validity=1825))),
    F("root validity text", "validity", _with_stack(lambda s: root(s, validity="10 years"))),
    F("root validity float", "validity", _with_stack(lambda s: root(s, validity=3650.0))),
    F(
        "root subject as a string (issue)",
        "subject",
        _with_stack(lambda s: root(s, subject="CN=Example Root")),
    ),
    F("root subject None", "subject", _with_stack(lambda s: root(s, subject=None))),
    F("root subject dict", "subject", _with_stack(lambda s: root(s, subject={"common_name": "x"}))),
    F("root subject empty", "subject", _with_stack(lambda s: root(s, subject=DistinguishedName()))),
    F("country three letters", "subject.country", _with_stack(lambda s: root(s, subject=dn(country="USA")))),
    F("country with a digit", "subject.country", _with_stack(lambda s: root(s, subject=dn(country="U1")))),
    F("common name 65 characters", "subject.common_name", _with_stack(lambda s: root(s, subject=dn(LONG)))),
    F(
        "common name with newline",
        "subject.common_name",
        _with_stack(lambda s: root(s, subject=dn("Root\nCA"))),
    ),
    F(
        "common name with NUL",
        "subject.common_name",
        _with_stack(lambda s: root(s, subject=dn("Root\x00CA"))),
    ),
    F(
        "common name with DEL",
        "subject.common_name",
        _with_stack(lambda s: root(s, subject=dn("Root\x7fCA"))),
    ),
    F(
        "common name leading space",
        "subject.common_name",
        _with_stack(lambda s: root(s, subject=dn(" Root CA"))),
    ),
    F(
        "common name trailing space",
        "subject.common_name",
        _with_stack(lambda s: root(s, subject=dn("Root CA "))),
    ),
    F("common name blank", "subject.common_name", _with_stack(lambda s: root(s, subject=dn("   ")))),
    F("common name int", "subject.common_name", _with_stack(lambda s: root(s, subject=dn(5)))),
    F(
        "organization 65",
        "subject.organization",
        _with_stack(lambda s: root(s, subject=dn(organization=LONG))),
    ),
    F(
        "organization tab",
        "subject.organization",
        _with_stack(lambda s: root(s, subject=dn(organization="A\tB"))),
    ),
    F("given name 17", "subject.given_name", _with_stack(lambda s: root(s, subject=dn(given_name="x" * 17)))),
    F("initials 6", "subject.initials", _with_stack(lambda s: root(s, subject=dn(initials="ABCDEF")))),
    F(
        "serial number underscore",
        "subject.serial_number",
        _with_stack(lambda s: root(s, subject=dn(serial_number="a_b"))),
    ),
    F(
        "custom attributes with standard",
        "subject.custom_attributes",
        _with_stack(lambda s: root(s, subject=dn(custom_attributes=(("2.5.4.3", "x"),)))),
    ),
    F(
        "custom attribute bad oid",
        "subject.custom_attributes",
        _with_stack(lambda s: root(s, subject=DistinguishedName(custom_attributes=(("x.y", "v"),)))),
    ),
    F(
        "custom attributes as a dict",
        "subject.custom_attributes",
        _with_stack(lambda s: root(s, subject=DistinguishedName(custom_attributes={"2.5.4.3": "x"}))),
    ),
    OK(
        "custom attributes alone",
        _with_stack(lambda s: root(s, subject=DistinguishedName(custom_attributes=(("2.5.4.3", "Root"),)))),
    ),
    OK("unicode common name", _with_stack(lambda s: root(s, subject=dn("Zürich Root CA Ø G1")))),
    OK("common name with inner double spaces", _with_stack(lambda s: root(s, subject=dn("Root  CA")))),
    F("validity 36 hours", "validity", _with_stack(lambda s: root(s, validity=Duration.hours(36)))),
    F("validity zero", "validity", _with_stack(lambda s: root(s, validity=Duration.days(0)))),
    F("validity past 9999", "validity", _with_stack(lambda s: root(s, validity=Duration.days(3_000_000)))),
    OK("validity one day", _with_stack(lambda s: root(s, validity=Duration.days(1)))),
    F("key algorithm as text", "key_algorithm", _with_stack(lambda s: root(s, key_algorithm="RSA_2048"))),
    F("usage mode as text", "usage_mode", _with_stack(lambda s: root(s, usage_mode="GENERAL_PURPOSE"))),
    F("removal policy as text", "removal_policy", _with_stack(lambda s: root(s, removal_policy="retain"))),
    F(
        "acm permission as text",
        "acm_renewal_permission",
        _with_stack(lambda s: root(s, acm_renewal_permission="yes")),
    ),
    F(
        "signing family differs from key",
        "signing_algorithm",
        _with_stack(lambda s: root(s, signing_algorithm=SigningAlgorithm.SHA256WITHECDSA)),
    ),
    F(
        "SM2 in eu-central-1 (issue)",
        "key_algorithm",
        _with_stack(lambda s: root(s, key_algorithm=KeyAlgorithm.SM2), "eu-central-1"),
    ),
    F("SM2 in us-east-1", "key_algorithm", _with_stack(lambda s: root(s, key_algorithm=KeyAlgorithm.SM2))),
    OK("SM2 in cn-north-1", _with_stack(lambda s: root(s, key_algorithm=KeyAlgorithm.SM2), "cn-north-1")),
    F(
        "crl expiration zero",
        "crl.expiration",
        _with_stack(lambda s: root(s, crl=CrlConfiguration(expiration=Duration.days(0)))),
    ),
    F(
        "crl expiration 5001",
        "crl.expiration",
        _with_stack(lambda s: root(s, crl=CrlConfiguration(expiration=Duration.days(5001)))),
    ),
    F(
        "crl expiration int",
        "crl.expiration",
        _with_stack(lambda s: root(s, crl=CrlConfiguration(expiration=7))),
    ),
    F(
        "crl cname with scheme",
        "crl.custom_cname",
        _with_stack(lambda s: root(s, crl=CrlConfiguration(custom_cname="http://crl.example.com"))),
    ),
    F(
        "crl cname with a path",
        "crl.custom_cname",
        _with_stack(lambda s: root(s, crl=CrlConfiguration(custom_cname="crl.example.com/pki"))),
    ),
    F(
        "ocsp cname with a path",
        "ocsp.custom_cname",
        _with_stack(
            lambda s: root(s, ocsp=OcspConfiguration(enabled=True, custom_cname="ocsp.example.com/ocsp"))
        ),
    ),
    F(
        "ocsp cname with a port",
        "ocsp.custom_cname",
        _with_stack(
            lambda s: root(s, ocsp=OcspConfiguration(enabled=True, custom_cname="ocsp.example.com:8080"))
        ),
    ),
    F(
        "crl omit with cname",
        "crl.omit_extension",
        _with_stack(
            lambda s: root(s, crl=CrlConfiguration(custom_cname="crl.example.com", omit_extension=True))
        ),
    ),
    F("crl as a bool", "crl", _with_stack(lambda s: root(s, crl=True))),
    F("ocsp as text", "ocsp", _with_stack(lambda s: root(s, ocsp="yes"))),
    OK("crl disabled", _with_stack(lambda s: root(s, crl=CrlConfiguration.disabled()))),
    OK(
        "crl and ocsp on",
        _with_stack(lambda s: root(s, crl=CrlConfiguration(cloudfront=True), ocsp=OcspConfiguration())),
    ),
    OK(
        "token validity (issue)",
        _accepts_with_token_info(lambda s: root(s, validity=Duration.days(token_number(s)))),
    ),
    OK(
        "token crl expiration (issue)",
        _accepts_with_token_info(
            lambda s: root(s, crl=CrlConfiguration(expiration=Duration.days(token_number(s))))
        ),
    ),
    OK("token common name", _accepts_with_token_info(lambda s: root(s, subject=dn(token_string(s))))),
    F("same id twice", "id", _twice(lambda s, i: RootCa(s, i, subject=dn(f"Root {next(_ids)}")))),
    # subordinates
    F("sub validity equal to parent's", "validity", _sub_of({}, validity=Duration.days(3650))),
    F(
        "sub validity longer than parent's",
        "validity",
        _sub_of({"validity": Duration.days(1000)}, validity=Duration.days(1825)),
    ),
    F("path length 4", "path_length", _sub_of({}, path_length=4)),
    F("path length -1", "path_length", _sub_of({}, path_length=-1)),
    F("path length text", "path_length", _sub_of({}, path_length="0")),
    F("path length float", "path_length", _sub_of({}, path_length=1.0)),
    F("path length bool", "path_length", _sub_of({}, path_length=True)),
    F("subject same as parent", "subject", _sub_of({}, subject=dn("Example Root CA G1"))),
    F(
        "subject same as parent, other case and spaces",
        "subject",
        _sub_of({}, subject=dn("example  ROOT ca g1")),
    ),
    F("parent short-lived", "parent", _sub_of({"usage_mode": UsageMode.SHORT_LIVED_CERTIFICATE})),
    F(
        "parent as an ARN string",
        "parent",
        _with_stack(lambda s: sub(s, "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/x")),
    ),
    F("parent None", "parent", _with_stack(lambda s: sub(s, None))),
    F("parent a stack", "parent", _with_stack(lambda s: sub(s, s))),
    F("parent waits for its offline signature", "parent", _with_stack(lambda s: sub(s, pending_ca(s)))),
    F(
        "child of a path-length-0 CA",
        "path_length",
        _with_root(lambda s, r: sub(s, sub(s, r, path_length=0), validity=Duration.days(365))),
    ),
    F(
        "path length not below parent's",
        "path_length",
        _with_root(lambda s, r: sub(s, sub(s, r, path_length=1), path_length=1, validity=Duration.days(365))),
    ),
    OK(
        "three levels",
        _with_root(lambda s, r: sub(s, sub(s, r, path_length=1), path_length=0, validity=Duration.days(365))),
    ),
    F("by-ARN parent with path length 0", "path_length", _sub_under_ref(path_length=0)),
    F("by-ARN parent shorter validity", "validity", _sub_under_ref(validity=Duration.days(365))),
    OK(
        "by-ARN parent with a role",
        _sub_under_ref(issuer_role_arn="arn:aws:iam::222222222222:role/pki-issuer", path_length=2),
    ),
    OK("offline parent pending (warned)", _with_stack(pending_ca)),
    OK(
        "sub validity token",
        _accepts_with_token_info(lambda s: sub(s, root(s), validity=Duration.days(token_number(s)))),
    ),
]

CERT_CASES = [
    F(
        "domain name int (issue)",
        "domain_name",
        _with_stack(lambda s: PublicCertificate(s, uid(), domain_name=5, hosted_zone=zone(s))),
    ),
    F(
        "hosted zone None (issue)",
        "hosted_zone",
        _with_stack(lambda s: PublicCertificate(s, uid(), domain_name="www.example.com", hosted_zone=None)),
    ),
    F(
        "hosted zone as a name",
        "hosted_zone",
        _with_stack(
            lambda s: PublicCertificate(s, uid(), domain_name="www.example.com", hosted_zone="example.com")
        ),
    ),
    F("two wildcards", "domain_name", _with_stack(lambda s: public_cert(s, "*.*.example.com"))),
    F("partial wildcard", "domain_name", _with_stack(lambda s: public_cert(s, "a*.example.com"))),
    F("label of 64", "domain_name", _with_stack(lambda s: public_cert(s, f"{'a' * 64}.example.com"))),
    F(
        "name over 253",
        "domain_name",
        _with_stack(lambda s: public_cert(s, ".".join(["a" * 60] * 4) + ".example.com")),
    ),
    F("first name over 64", "domain_name", _with_stack(lambda s: public_cert(s, f"{'a' * 60}.example.com"))),
    F("name with a port", "domain_name", _with_stack(lambda s: public_cert(s, "www.example.com:443"))),
    F("name with a path", "domain_name", _with_stack(lambda s: public_cert(s, "www.example.com/app"))),
    F("name with a scheme", "domain_name", _with_stack(lambda s: public_cert(s, "https://www.example.com"))),
    F("label starting with hyphen", "domain_name", _with_stack(lambda s: public_cert(s, "-www.example.com"))),
    F("single label", "domain_name", _with_stack(lambda s: public_cert(s, "localhost"))),
    F(
        "unicode IDN not in punycode",
        "domain_name",
        _with_stack(lambda s: public_cert(s, "bücher.example.com")),
    ),
    F("name outside its zone", "hosted_zone", _with_stack(lambda s: public_cert(s, "www.example.org"))),
    F(
        "private zone",
        "hosted_zone",
        _with_stack(
            lambda s: PublicCertificate(
                s,
                uid(),
                domain_name="www.example.com",
                hosted_zone=route53.PrivateHostedZone(s, uid(), zone_name="example.com", vpc=vpc(s)),
            )
        ),
    ),
    F(
        "key algorithm RSA 4096",
        "key_algorithm",
        _with_stack(lambda s: public_cert(s, key_algorithm=acm.KeyAlgorithm.RSA_4096)),
    ),
    F(
        "sans as a string",
        "subject_alternative_names",
        _with_stack(lambda s: public_cert(s, subject_alternative_names="a.example.com")),
    ),
    F(
        "eleven names",
        "subject_alternative_names",
        _with_stack(
            lambda s: public_cert(s, subject_alternative_names=[f"n{i}.example.com" for i in range(10)])
        ),
    ),
    OK(
        "eleven names after raising max_names",
        _with_stack(
            lambda s: public_cert(
                s, subject_alternative_names=[f"n{i}.example.com" for i in range(10)], max_names=11
            )
        ),
    ),
    F("max names as text", "max_names", _with_stack(lambda s: public_cert(s, max_names="20"))),
    F(
        "zone mapping misses a name",
        "hosted_zone",
        _with_stack(
            lambda s: PublicCertificate(
                s,
                uid(),
                domain_name="www.example.com",
                subject_alternative_names=["api.example.org"],
                hosted_zone={"www.example.com": zone(s)},
            )
        ),
    ),
    F(
        "zone mapping with an extra name",
        "hosted_zone",
        _with_stack(
            lambda s: PublicCertificate(
                s,
                uid(),
                domain_name="www.example.com",
                hosted_zone={"www.example.com": zone(s), "old.example.com": zone(s)},
            )
        ),
    ),
    OK("wildcard-only certificate", _with_stack(lambda s: public_cert(s, "*.example.com"))),
    OK("punycode IDN", _with_stack(lambda s: public_cert(s, "xn--bcher-kva.example.com"))),
    OK("upper case name", _with_stack(lambda s: public_cert(s, "WWW.Example.COM"))),
    OK(
        "duplicate names dropped",
        _with_stack(
            lambda s: public_cert(s, subject_alternative_names=["www.example.com", "WWW.example.com"])
        ),
    ),
    OK(
        "apex and wildcard",
        _with_stack(lambda s: public_cert(s, "example.com", subject_alternative_names=["*.example.com"])),
    ),
    OK("token domain name (issue)", _accepts_with_token_info(lambda s: public_cert(s, token_string(s)))),
    OK("EC P-256 key", _with_stack(lambda s: public_cert(s, key_algorithm=acm.KeyAlgorithm.EC_PRIME256_V1))),
    F(
        "same id twice",
        "id",
        _twice(lambda s, i: PublicCertificate(s, i, domain_name="www.example.com", hosted_zone=zone(s))),
    ),
]

ALARM_CASES = [
    F(
        "threshold int (issue)",
        "threshold",
        _with_stack(lambda s: public_cert(s).add_expiry_alarm(uid(), threshold=90)),
    ),
    F(
        "threshold zero",
        "threshold",
        _with_stack(lambda s: public_cert(s).add_expiry_alarm(uid(), threshold=Duration.days(0))),
    ),
    F(
        "threshold 36 hours",
        "threshold",
        _with_stack(lambda s: public_cert(s).add_expiry_alarm(uid(), threshold=Duration.hours(36))),
    ),
    F(
        "threshold at public lifetime (198)",
        "threshold",
        _with_stack(lambda s: public_cert(s).add_expiry_alarm(uid(), threshold=Duration.days(198))),
    ),
    OK(
        "threshold 45 days",
        _with_stack(
            lambda s: public_cert(s).add_expiry_alarm(uid(), threshold=Duration.days(45), create_topic=True)
        ),
    ),
    OK(
        "threshold token",
        _accepts_with_token_info(
            lambda s: ExpiryAlarm(
                s, uid(), certificate=public_cert(s), threshold=Duration.days(token_number(s))
            )
        ),
    ),
    F(
        "FIFO topic",
        "topic",
        _with_stack(
            lambda s: public_cert(s).add_expiry_alarm(
                uid(), topic=sns.Topic(s, uid(), fifo=True, topic_name="alerts.fifo")
            )
        ),
    ),
    F(
        "topic under the AWS managed key",
        "topic",
        _with_stack(
            lambda s: public_cert(s).add_expiry_alarm(
                uid(),
                topic=sns.Topic(s, uid(), master_key=kms.Alias.from_alias_name(s, uid(), "alias/aws/sns")),
            )
        ),
    ),
    F(
        "imported FIFO topic",
        "topic",
        _with_stack(
            lambda s: public_cert(s).add_expiry_alarm(
                uid(),
                topic=sns.Topic.from_topic_arn(s, uid(), "arn:aws:sns:us-east-1:111111111111:alerts.fifo"),
            )
        ),
    ),
    F(
        "topic as an ARN string",
        "topic",
        _with_stack(
            lambda s: public_cert(s).add_expiry_alarm(uid(), topic="arn:aws:sns:us-east-1:111111111111:t")
        ),
    ),
    F(
        "same alarm twice (issue)",
        "id",
        _with_stack(
            lambda s: [
                c := public_cert(s),
                c.add_expiry_alarm("Expiry", create_topic=True),
                c.add_expiry_alarm("Expiry", create_topic=True),
            ]
        ),
    ),
    F("certificate None", "certificate", _with_stack(lambda s: ExpiryAlarm(s, uid(), certificate=None))),
    F(
        "certificate ARN string",
        "certificate",
        _with_stack(
            lambda s: ExpiryAlarm(s, uid(), certificate="arn:aws:acm:us-east-1:111111111111:certificate/x")
        ),
    ),
    F(
        "certificate is a CA",
        "certificate",
        _with_stack(lambda s: ExpiryAlarm(s, uid(), certificate=root(s))),
    ),
    F(
        "CA ARN disguised as a certificate",
        "certificate",
        _with_stack(
            lambda s: ExpiryAlarm(
                s,
                uid(),
                certificate=acm.Certificate.from_certificate_arn(
                    s,
                    uid(),
                    "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555",
                ),
            )
        ),
    ),
    F(
        "certificate in another region",
        "certificate",
        lambda: ExpiryAlarm(fresh("eu-west-1"), uid(), certificate=public_cert(fresh("us-east-1"))),
    ),
    F(
        "create_topic text",
        "create_topic",
        _with_stack(lambda s: ExpiryAlarm(s, uid(), certificate=public_cert(s), create_topic="yes")),
    ),
    F(
        "account days 46",
        "account_days_before_expiry",
        _with_stack(
            lambda s: ExpiryAlarm(s, uid(), certificate=public_cert(s), account_days_before_expiry=46)
        ),
    ),
    F(
        "account days 0",
        "account_days_before_expiry",
        _with_stack(
            lambda s: ExpiryAlarm(s, uid(), certificate=public_cert(s), account_days_before_expiry=0)
        ),
    ),
    OK(
        "imported certificate in its region",
        _with_stack(
            lambda s: ExpiryAlarm(
                s,
                uid(),
                certificate=acm.Certificate.from_certificate_arn(
                    s,
                    uid(),
                    "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555",
                ),
                create_topic=True,
            )
        ),
    ),
    # CA alarms
    F("CA threshold int", "threshold", _with_root(lambda s, r: r.add_expiry_alarm(uid(), threshold=90))),
    F(
        "CA threshold beyond validity",
        "threshold",
        _with_root(lambda s, r: r.add_expiry_alarm(uid(), threshold=Duration.days(3650))),
    ),
    F(
        "check interval 13 h",
        "check_interval",
        _with_root(lambda s, r: r.add_expiry_alarm(uid(), check_interval=Duration.hours(13))),
    ),
    F(
        "check interval 30 s",
        "check_interval",
        _with_root(lambda s, r: r.add_expiry_alarm(uid(), check_interval=Duration.seconds(30))),
    ),
    F(
        "check interval token",
        "check_interval",
        _with_root(lambda s, r: r.add_expiry_alarm(uid(), check_interval=Duration.hours(token_number(s)))),
    ),
    F(
        "CA alarm on an ARN string",
        "certificate_authority",
        _with_stack(lambda s: CaExpiryAlarm(s, uid(), certificate_authority="arn:aws:acm-pca:...")),
    ),
    F(
        "CA alarm on a certificate",
        "certificate_authority",
        _with_stack(lambda s: CaExpiryAlarm(s, uid(), certificate_authority=public_cert(s))),
    ),
    F(
        "CA alarm FIFO topic",
        "topic",
        _with_root(
            lambda s, r: r.add_expiry_alarm(uid(), topic=sns.Topic(s, uid(), fifo=True, topic_name="ca.fifo"))
        ),
    ),
    OK("CA alarm default", _with_root(lambda s, r: r.add_expiry_alarm(uid(), create_topic=True))),
    OK(
        "CA alarm 365 days",
        _with_root(lambda s, r: r.add_expiry_alarm(uid(), threshold=Duration.days(365), create_topic=True)),
    ),
    OK(
        "CA alarm on a pending CA",
        _with_stack(lambda s: pending_ca(s).add_expiry_alarm(uid(), create_topic=True)),
    ),
    F(
        "expiry topic key as text",
        "master_key",
        _with_stack(lambda s: ExpiryTopic(s, uid(), master_key="alias/mine")),
    ),
    F(
        "expiry topic display name int",
        "display_name",
        _with_stack(lambda s: ExpiryTopic(s, uid(), display_name=5)),
    ),
    OK("expiry topic default", _with_stack(lambda s: ExpiryTopic(s, uid()))),
]

PRIVATE_CASES = [
    F(
        "issuer None",
        "certificate_authority",
        _with_stack(
            lambda s: ServiceCertificate(s, uid(), certificate_authority=None, domain_name="a.example.com")
        ),
    ),
    F(
        "issuer ARN string",
        "certificate_authority",
        _with_stack(
            lambda s: ServiceCertificate(
                s, uid(), certificate_authority="arn:aws:acm-pca:x", domain_name="a.example.com"
            )
        ),
    ),
    F(
        "issuer short-lived",
        "certificate_authority",
        _with_root(
            lambda s, r: ServiceCertificate(
                s,
                uid(),
                certificate_authority=sub(s, r, usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE),
                domain_name="a.example.com",
            )
        ),
    ),
    F(
        "issuer waits for its offline signature",
        "certificate_authority",
        _with_stack(
            lambda s: ServiceCertificate(
                s, uid(), certificate_authority=pending_ca(s), domain_name="a.example.com"
            )
        ),
    ),
    F(
        "service key RSA 4096",
        "key_algorithm",
        _with_root(
            lambda s, r: ServiceCertificate(
                s,
                uid(),
                certificate_authority=r,
                domain_name="a.example.com",
                key_algorithm=acm.KeyAlgorithm.RSA_4096,
            )
        ),
    ),
    F(
        "service EC key under RSA CA",
        "key_algorithm",
        _with_root(
            lambda s, r: ServiceCertificate(
                s,
                uid(),
                certificate_authority=r,
                domain_name="a.example.com",
                key_algorithm=acm.KeyAlgorithm.EC_PRIME256_V1,
            )
        ),
    ),
    F(
        "service name with space",
        "domain_name",
        _with_root(
            lambda s, r: ServiceCertificate(s, uid(), certificate_authority=r, domain_name="a b.example.com")
        ),
    ),
    F(
        "service name int",
        "domain_name",
        _with_root(lambda s, r: ServiceCertificate(s, uid(), certificate_authority=r, domain_name=5)),
    ),
    F(
        "secret name with !",
        "secret_name",
        _with_root(
            lambda s, r: ServiceCertificate(
                s,
                uid(),
                certificate_authority=r,
                domain_name="a.example.com",
                export=True,
                secret_name="bad name!",
            )
        ),
    ),
    F(
        "secret name like a random suffix",
        "secret_name",
        _with_root(
            lambda s, r: ServiceCertificate(
                s,
                uid(),
                certificate_authority=r,
                domain_name="a.example.com",
                export=True,
                secret_name="tls-abcdef",
            )
        ),
    ),
    F(
        "export as text",
        "export",
        _with_root(
            lambda s, r: ServiceCertificate(
                s, uid(), certificate_authority=r, domain_name="a.example.com", export="yes"
            )
        ),
    ),
    OK(
        "token secret name (issue)",
        _accepts_with_token_info(
            lambda s: ServiceCertificate(
                s,
                uid(),
                certificate_authority=root(s),
                domain_name="a.example.com",
                export=True,
                secret_name=token_string(s),
            )
        ),
    ),
    OK(
        "token service name",
        _accepts_with_token_info(
            lambda s: ServiceCertificate(s, uid(), certificate_authority=root(s), domain_name=token_string(s))
        ),
    ),
    OK(
        "exported service certificate",
        _with_root(
            lambda s, r: ServiceCertificate(
                s, uid(), certificate_authority=r, domain_name="a.example.com", export=True
            )
        ),
    ),
    OK(
        "wildcard service certificate",
        _with_root(
            lambda s, r: ServiceCertificate(
                s, uid(), certificate_authority=r, domain_name="*.internal.example"
            )
        ),
    ),
    OK(
        "service under an EC CA",
        _with_root(
            lambda s, r: ServiceCertificate(
                s, uid(), certificate_authority=r, domain_name="a.internal.example"
            ),
            key_algorithm=KeyAlgorithm.EC_PRIME256V1,
        ),
    ),
    # trust stores
    F("bundle of nothing", "trusted_cas", _with_stack(lambda s: CaBundle(s, uid(), trusted_cas=[]))),
    F(
        "bundle of one CA, not a list",
        "trusted_cas",
        _with_root(lambda s, r: CaBundle(s, uid(), trusted_cas=r)),
    ),
    F(
        "bundle of ARN strings",
        "trusted_cas",
        _with_stack(lambda s: CaBundle(s, uid(), trusted_cas=["arn:aws:acm-pca:x"])),
    ),
    F(
        "bundle with a pending CA",
        "trusted_cas",
        _with_stack(lambda s: CaBundle(s, uid(), trusted_cas=[pending_ca(s)])),
    ),
    F(
        "revocation with CRL disabled",
        "revocation",
        _with_root(
            lambda s, r: CaBundle(s, uid(), trusted_cas=[r], revocation=True), crl=CrlConfiguration.disabled()
        ),
    ),
    OK("bundle of a root", _with_root(lambda s, r: CaBundle(s, uid(), trusted_cas=[r]))),
    OK("trust store of a root", _with_root(lambda s, r: MutualTlsTrustStore(s, uid(), trusted_cas=[r]))),
    F(
        "trust store name int",
        "trust_store_name",
        _with_root(lambda s, r: MutualTlsTrustStore(s, uid(), trusted_cas=[r], trust_store_name=5)),
    ),
    F(
        "passthrough with trusted CAs",
        "mode",
        _with_root(
            lambda s, r: CertifiedAlb(
                s,
                uid(),
                vpc=vpc(s),
                certificates=[public_cert(s)],
                mutual_tls=MutualTls(mode=MutualTlsMode.PASSTHROUGH, trusted_cas=[r]),
            )
        ),
    ),
    F(
        "api domain with a private certificate",
        "certificate",
        _with_root(
            lambda s, r: MutualTlsApiDomain(
                s,
                uid(),
                domain_name="api.example.com",
                certificate=ServiceCertificate(
                    s, uid(), certificate_authority=r, domain_name="api.example.com"
                ),
                trusted_cas=[r],
            )
        ),
    ),
    F(
        "api domain name int",
        "domain_name",
        _with_root(
            lambda s, r: MutualTlsApiDomain(
                s, uid(), domain_name=5, certificate=public_cert(s, "api.example.com"), trusted_cas=[r]
            )
        ),
    ),
    OK(
        "api domain with a PublicCertificate (issue 10)",
        _with_root(
            lambda s, r: MutualTlsApiDomain(
                s,
                uid(),
                domain_name="api.example.com",
                certificate=public_cert(s, "api.example.com"),
                trusted_cas=[r],
            )
        ),
    ),
    # the private tier
    F(
        "services as one string",
        "services",
        _with_root(
            lambda s, r: PrivateServiceTier(
                s,
                uid(),
                vpc=vpc(s),
                certificate_authority=r,
                domain_name="api.internal.example",
                services="orders",
            )
        ),
    ),
    F(
        "tier domain int",
        "domain_name",
        _with_root(
            lambda s, r: PrivateServiceTier(
                s, uid(), vpc=vpc(s), certificate_authority=r, domain_name=5, services=["orders"]
            )
        ),
    ),
    F(
        "tier without VPC",
        "vpc",
        _with_root(
            lambda s, r: PrivateServiceTier(
                s,
                uid(),
                vpc=None,
                certificate_authority=r,
                domain_name="api.internal.example",
                services=["orders"],
            )
        ),
    ),
    OK(
        "tier with two services",
        _with_root(
            lambda s, r: PrivateServiceTier(
                s,
                uid(),
                vpc=vpc(s),
                certificate_authority=r,
                domain_name="api.internal.example",
                services=["orders", "payments"],
            )
        ),
    ),
    # issuer roles
    F(
        "role trusts one account string",
        "trusted_accounts",
        _with_root(
            lambda s, r: IssuerRole(s, uid(), certificate_authority=r, trusted_accounts="111111111111")
        ),
    ),
    F(
        "role path length 5",
        "path_lengths",
        _with_root(
            lambda s, r: IssuerRole(
                s, uid(), certificate_authority=r, trusted_accounts=["222222222222"], path_lengths=[5]
            )
        ),
    ),
    F(
        "role for an ARN string",
        "certificate_authority",
        _with_stack(
            lambda s: IssuerRole(s, uid(), certificate_authority="arn:x", trusted_accounts=["222222222222"])
        ),
    ),
    OK(
        "role for one account",
        _with_root(
            lambda s, r: IssuerRole(
                s, uid(), certificate_authority=r, trusted_accounts=["222222222222"], path_lengths=[0]
            )
        ),
    ),
]

PUBLIC_TIER_CASES = [
    F(
        "alb without VPC",
        "vpc",
        _with_stack(lambda s: CertifiedAlb(s, uid(), vpc=None, certificates=[public_cert(s)])),
    ),
    F(
        "alb without certificates",
        "certificates",
        _with_stack(lambda s: CertifiedAlb(s, uid(), vpc=vpc(s), certificates=[])),
    ),
    F(
        "alb certificate not in a list",
        "certificates",
        _with_stack(lambda s: CertifiedAlb(s, uid(), vpc=vpc(s), certificates=public_cert(s))),
    ),
    F(
        "alb 27 certificates",
        "certificates",
        _with_stack(
            lambda s: CertifiedAlb(
                s,
                uid(),
                vpc=vpc(s),
                certificates=[
                    acm.Certificate.from_certificate_arn(
                        s, uid(), f"arn:aws:acm:us-east-1:111111111111:certificate/{i}"
                    )
                    for i in range(27)
                ],
            )
        ),
    ),
    F(
        "alb certificate of another region",
        "certificates",
        _with_stack(
            lambda s: CertifiedAlb(
                s,
                uid(),
                vpc=vpc(s),
                certificates=[
                    acm.Certificate.from_certificate_arn(
                        s, uid(), "arn:aws:acm:eu-west-1:111111111111:certificate/x"
                    )
                ],
            )
        ),
    ),
    F(
        "TLS 1.0 policy",
        "ssl_policy",
        _with_stack(
            lambda s: CertifiedAlb(
                s, uid(), vpc=vpc(s), certificates=[public_cert(s)], ssl_policy=elbv2.SslPolicy.LEGACY
            )
        ),
    ),
    OK(
        "TLS 1.0 policy, explicitly allowed",
        _with_stack(
            lambda s: CertifiedAlb(
                s,
                uid(),
                vpc=vpc(s),
                certificates=[public_cert(s)],
                ssl_policy=elbv2.SslPolicy.LEGACY,
                allow_legacy_tls=True,
            )
        ),
    ),
    F(
        "policy name that does not exist (issue)",
        "ssl_policy",
        _with_stack(
            lambda s: CertifiedAlb(
                s,
                uid(),
                vpc=vpc(s),
                certificates=[public_cert(s)],
                ssl_policy="ELBSecurityPolicy-TLS13-1-2-2099-01",
            )
        ),
    ),
    F(
        "policy int",
        "ssl_policy",
        _with_stack(
            lambda s: CertifiedAlb(s, uid(), vpc=vpc(s), certificates=[public_cert(s)], ssl_policy=5)
        ),
    ),
    OK(
        "policy by its name",
        _with_stack(
            lambda s: CertifiedAlb(
                s,
                uid(),
                vpc=vpc(s),
                certificates=[public_cert(s)],
                ssl_policy="ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
            )
        ),
    ),
    F(
        "log bucket under SSE-KMS",
        "access_logs_bucket",
        _with_stack(
            lambda s: CertifiedAlb(
                s,
                uid(),
                vpc=vpc(s),
                certificates=[public_cert(s)],
                access_logs_bucket=s3.Bucket(s, uid(), encryption=s3.BucketEncryption.KMS),
            )
        ),
    ),
    *(
        F(
            f"log bucket under {encryption.name}",
            "access_logs_bucket",
            _with_stack(
                lambda s, encryption=encryption: CertifiedAlb(
                    s,
                    uid(),
                    vpc=vpc(s),
                    certificates=[public_cert(s)],
                    access_logs_bucket=s3.Bucket(s, uid(), encryption=encryption),
                )
            ),
        )
        for encryption in (s3.BucketEncryption.KMS_MANAGED, s3.BucketEncryption.DSSE_MANAGED)
    ),
    F(
        "internet facing as text",
        "internet_facing",
        _with_stack(
            lambda s: CertifiedAlb(s, uid(), vpc=vpc(s), certificates=[public_cert(s)], internet_facing="no")
        ),
    ),
    OK(
        "alb default",
        _with_stack(lambda s: CertifiedAlb(s, uid(), vpc=vpc(s), certificates=[public_cert(s)])),
    ),
    # distributions (the edge stack is us-east-1, like CloudFront's certificates)
    F(
        "certificate of eu-west-1",
        "certificate",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=acm.Certificate.from_certificate_arn(
                    s, uid(), "arn:aws:acm:eu-west-1:111111111111:certificate/x"
                ),
                domain_names=["www.example.com"],
                origin=origin(),
            )
        ),
    ),
    F(
        "private certificate on CloudFront",
        "certificate",
        _with_root(
            lambda s, r: CertifiedDistribution(
                s,
                uid(),
                certificate=ServiceCertificate(
                    s, uid(), certificate_authority=r, domain_name="www.example.com"
                ),
                domain_names=["www.example.com"],
                origin=origin(),
            )
        ),
    ),
    F(
        "log bucket in an opt-in region",
        "log_bucket",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s),
                domain_names=["www.example.com"],
                origin=origin(),
                log_bucket=s3.Bucket.from_bucket_attributes(
                    s, uid(), bucket_name="cape-town-logs", region="af-south-1"
                ),
            )
        ),
    ),
    F(
        "alias not covered",
        "domain_names",
        _with_stack(
            lambda s: CertifiedDistribution(
                s, uid(), certificate=public_cert(s), domain_names=["api.example.com"], origin=origin()
            )
        ),
    ),
    F(
        "alias with a port (issue)",
        "domain_names",
        _with_stack(
            lambda s: CertifiedDistribution(
                s, uid(), certificate=public_cert(s), domain_names=["www.example.com:8443"], origin=origin()
            )
        ),
    ),
    F(
        "alias with a path (issue)",
        "domain_names",
        _with_stack(
            lambda s: CertifiedDistribution(
                s, uid(), certificate=public_cert(s), domain_names=["www.example.com/app"], origin=origin()
            )
        ),
    ),
    F(
        "aliases as one string",
        "domain_names",
        _with_stack(
            lambda s: CertifiedDistribution(
                s, uid(), certificate=public_cert(s), domain_names="www.example.com", origin=origin()
            )
        ),
    ),
    F(
        "wildcard does not cover the apex",
        "domain_names",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s, "*.example.com"),
                domain_names=["example.com"],
                origin=origin(),
            )
        ),
    ),
    F(
        "wildcard does not cover two levels",
        "domain_names",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s, "*.example.com"),
                domain_names=["a.b.example.com"],
                origin=origin(),
            )
        ),
    ),
    OK(
        "wildcard covers one level",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s, "*.example.com"),
                domain_names=["a.example.com"],
                origin=origin(),
            )
        ),
    ),
    F(
        "TLS 1 viewer policy",
        "minimum_protocol_version",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s),
                domain_names=["www.example.com"],
                origin=origin(),
                minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2016,
            )
        ),
    ),
    OK(
        "TLS 1.2 2025 viewer policy",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s),
                domain_names=["www.example.com"],
                origin=origin(),
                minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2025,
            )
        ),
    ),
    F(
        "origin over plain HTTP (constructor, not a late RuntimeError)",
        "origin",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s),
                domain_names=["www.example.com"],
                origin=origins.HttpOrigin(
                    "origin.example.com", protocol_policy=cloudfront.OriginProtocolPolicy.HTTP_ONLY
                ),
            )
        ),
    ),
    F(
        "origin None",
        "origin",
        _with_stack(
            lambda s: CertifiedDistribution(
                s, uid(), certificate=public_cert(s), domain_names=["www.example.com"], origin=None
            )
        ),
    ),
    F(
        "alias outside the records zone",
        "hosted_zone",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s),
                domain_names=["www.example.com"],
                origin=origin(),
                hosted_zone=zone(s, "example.org"),
            )
        ),
    ),
    OK(
        "token alias",
        _accepts_with_token_info(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s, "*.example.com"),
                domain_names=[token_string(s)],
                origin=origin(),
            )
        ),
    ),
    # weak references
    F(
        "export name without slash",
        "name",
        _with_stack(lambda s: RegionalExport(s, uid(), value="v", name="no-slash")),
    ),
    F(
        "export name with a space",
        "name",
        _with_stack(lambda s: RegionalExport(s, uid(), value="v", name="/a b")),
    ),
    F(
        "export name token",
        "name",
        _with_stack(lambda s: RegionalExport(s, uid(), value="v", name=token_string(s))),
    ),
    F("export value int", "value", _with_stack(lambda s: RegionalExport(s, uid(), value=5))),
    F(
        "import region is an AZ (issue)",
        "region",
        _with_stack(lambda s: RegionalImport(s, uid(), parameter_name="/a/b", region="eu-west-1a")),
    ),
    F(
        "import region is a name",
        "region",
        _with_stack(lambda s: RegionalImport(s, uid(), parameter_name="/a/b", region="Ireland")),
    ),
    F(
        "import region int",
        "region",
        _with_stack(lambda s: RegionalImport(s, uid(), parameter_name="/a/b", region=1)),
    ),
    OK(
        "import from us-gov",
        _with_stack(
            lambda s: RegionalImport(s, uid(), parameter_name="/a/b", region="us-gov-west-1"), "us-gov-east-1"
        ),
    ),
    OK(
        "import from a new-looking region",
        _with_stack(lambda s: RegionalImport(s, uid(), parameter_name="/a/b", region="eusc-de-east-1")),
    ),
    F(
        "read in another account",
        "scope",
        lambda: RegionalExport(fresh(), uid(), value="v", name=f"/x/{next(_ids)}").value_in(
            fresh(account=OTHER_ACCOUNT)
        ),
    ),
]

# Naming a CA (issue 10 item 2): one way, the interface; every literal ARN a CA carries meets one rule.
_CA = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"
_NOT_CA_ARNS = {
    "an ACM certificate ARN": "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555",
    "garbage": "not-an-arn",
    "an AZ as region": _CA.replace("us-east-1", "us-east-1a"),
    "a partition without the region": _CA.replace("arn:aws:", "arn:aws-cn:"),
    # outside attack round 2, finding 07: `$` let a trailing newline through; a CA ARN always names its account
    "a trailing newline": _CA + "\n",
    "an empty account": _CA.replace("111111111111", ""),
    "the account aws": _CA.replace("111111111111", "aws"),
}


def _plain(stack: Stack, arn: str) -> Any:
    return acmpca.CertificateAuthority.from_certificate_authority_arn(stack, uid("Plain"), arn)


_USES: dict[str, tuple[str, Callable[[Stack, Any], object]]] = {
    "parent": ("parent", lambda s, ca: sub(s, ca)),
    "service certificate": (
        "certificate_authority",
        lambda s, ca: ServiceCertificate(
            s, uid(), certificate_authority=ca, domain_name="a.internal.example"
        ),
    ),
    "trusted CA": ("trusted_cas", lambda s, ca: CaBundle(s, uid(), trusted_cas=[ca])),
    "issuer role": (
        "certificate_authority",
        lambda s, ca: IssuerRole(s, uid(), certificate_authority=ca, trusted_accounts=["222222222222"]),
    ),
    "CA alarm": ("certificate_authority", lambda s, ca: CaExpiryAlarm(s, uid(), certificate_authority=ca)),
    "rotation": ("current", lambda s, ca: CaRotation(current=ca, successor=root(s))),
}

NAMING_CASES = [
    *(
        F(f"{use}: a plain import of {what}", field, _with_stack(lambda s, a=arn, u=make: u(s, _plain(s, a))))
        for what, arn in _NOT_CA_ARNS.items()
        for use, (field, make) in _USES.items()
    ),
    *(
        F(
            f"importer given {what}",
            "certificate_authority_arn",
            _with_stack(
                lambda s, a=arn: SubordinateCa.from_certificate_authority_attributes(
                    s, uid(), certificate_authority_arn=a
                )
            ),
        )
        for what, arn in _NOT_CA_ARNS.items()
    ),
    *(
        F(f"{use}: an ARN string", field, _with_stack(lambda s, u=make: u(s, _CA)))
        for use, (field, make) in _USES.items()
        if use != "parent"  # an ARN string as parent: the CA_CASES row "parent as an ARN string"
    ),
    F(
        "rotation: an L1 CfnCertificateAuthority",
        "current",
        _with_stack(
            lambda s: CaRotation(
                current=acmpca.CfnCertificateAuthority(
                    s,
                    uid(),
                    key_algorithm="RSA_2048",
                    signing_algorithm="SHA256WITHRSA",
                    type="ROOT",
                    subject=acmpca.CfnCertificateAuthority.SubjectProperty(common_name="L1"),
                ),
                successor=root(s),
            )
        ),
    ),
    F(
        "rotation: no successor",
        "successor",
        _with_stack(lambda s: CaRotation(current=root(s), successor=None)),
    ),
    F(
        "root import at depth 2",
        "depth",
        _with_stack(
            lambda s: RootCa.from_certificate_authority_attributes(
                s, uid(), certificate_authority_arn=_CA, depth=2
            )
        ),
    ),
    F(
        "root import grants end-entity issuance",
        "templates",
        _with_stack(
            lambda s: RootCa.from_certificate_authority_attributes(
                s, uid(), certificate_authority_arn=_CA
            ).grant_issue(
                iam.Role(s, uid(), assumed_by=iam.AccountRootPrincipal()),
                CertificateTemplate.END_ENTITY_CLIENT_AUTH,
            )
        ),
    ),
    F(
        "child outliving the imported parent's not_after",
        "validity",
        _with_stack(
            lambda s: sub(
                s,
                SubordinateCa.from_certificate_authority_attributes(
                    s, uid(), certificate_authority_arn=_CA, not_after="2027-03-01"
                ),
                validity=Duration.days(1825),
            )
        ),
    ),
    F(
        "importer not_after not a date",
        "not_after",
        _with_stack(
            lambda s: SubordinateCa.from_certificate_authority_attributes(
                s, uid(), certificate_authority_arn=_CA, not_after="next spring"
            )
        ),
    ),
    OK("a plain import of a real CA ARN as parent", _with_stack(lambda s: sub(s, _plain(s, _CA)))),
    OK(
        "a plain import of a China CA ARN in its partition",
        _with_stack(
            lambda s: CaBundle(
                s,
                uid(),
                trusted_cas=[
                    _plain(s, _CA.replace("arn:aws:", "arn:aws-cn:").replace("us-east-1", "cn-north-1"))
                ],
            ),
            region="cn-north-1",
        ),
    ),
]


def _expired(stack: Stack) -> Any:
    """An import whose certificate ended in 2020 (the shared app has no pki-constructs:today: today is now)."""
    return SubordinateCa.from_certificate_authority_attributes(
        stack, uid("Expired"), certificate_authority_arn=_CA_ARN, not_after="2020-01-01", path_length=1
    )


def _expect_token_info(construct: Construct) -> Construct:
    infos = [str(entry.data) for node in construct.node.find_all() for entry in node.node.metadata]
    assert any("pki-constructs:tokenSkipped" in info for info in infos), infos
    return construct


def _role(stack: Stack) -> iam.Role:
    return iam.Role(stack, uid("Role"), assumed_by=iam.AccountRootPrincipal())


def _imported_certificate(stack: Stack, arn: str) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, uid("Imported"), arn)


_CERT_ARN = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
_CA_ARN = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"

# Public methods get the constructors' input layer (outside attack on issue 10, findings 12 and 14); a certificate's
# ARN meets one rule in every prop that takes a certificate.
METHOD_CASES = [
    F(
        "grant_issue with a template name string",
        "templates[0]",
        _with_root(lambda s, r: sub(s, r, path_length=0).grant_issue(_role(s), "EndEntityCertificate/V1")),
    ),
    F(
        "grant_issue to a role ARN string",
        "grantee",
        _with_root(
            lambda s, r: sub(s, r, path_length=0).grant_issue(
                _role(s).role_arn, pki_constructs.CertificateTemplate.END_ENTITY
            )
        ),
    ),
    F(
        "on_ca_certificate_issued with a topic ARN string",
        "topic",
        _with_root(
            lambda s, r: r.on_ca_certificate_issued(uid(), topic="arn:aws:sns:us-east-1:111111111111:t")
        ),
    ),
    F(
        "on_ca_certificate_issued twice with one id",
        "id",
        _with_root(
            lambda s, r: [r.on_ca_certificate_issued("Issued", topic=sns.Topic(s, uid())) for _ in range(2)]
        ),
    ),
    F(
        "on_ca_certificate_issued with an empty id",
        "id",
        _with_root(lambda s, r: r.on_ca_certificate_issued("")),
    ),
    F(
        "share twice with one id",
        "id",
        _with_root(
            lambda s, r: (lambda ca: [ca.share("Share", principals=[OTHER_ACCOUNT]) for _ in range(2)])(
                sub(s, r, path_length=0)
            )
        ),
    ),
    F(
        "ca metric period as an int",
        "period",
        _with_root(lambda s, r: r.metric_days_to_expiry(period=1)),
    ),
    F(
        "ca metric period of 7 seconds",
        "period",
        _with_root(lambda s, r: r.metric_days_to_expiry(period=Duration.seconds(7))),
    ),
    F(
        "certificate metric period of 90 seconds",
        "period",
        _with_stack(lambda s: public_cert(s).metric_days_to_expiry(period=Duration.seconds(90))),
    ),
    F(
        "certificate on_expiry_event twice with one id",
        "id",
        _with_stack(lambda s: (lambda c: [c.on_expiry_event("E") for _ in range(2)])(public_cert(s))),
    ),
    F(
        "certificate on_renewal_failed twice with one id",
        "id",
        _with_stack(lambda s: (lambda c: [c.on_renewal_failed("E") for _ in range(2)])(public_cert(s))),
    ),
    F(
        "alarm on_expiry_event twice with its default id",
        "id",
        _with_stack(
            lambda s: (lambda a: [a.on_expiry_event() for _ in range(2)])(
                public_cert(s).add_expiry_alarm(uid(), create_topic=True)
            )
        ),
    ),
    F(
        "alarm on_renewal_failed twice with its default id",
        "id",
        _with_stack(
            lambda s: (lambda a: [a.on_renewal_failed() for _ in range(2)])(
                public_cert(s).add_expiry_alarm(uid(), create_topic=True)
            )
        ),
    ),
    F(
        "in_certificate_stack with an ARN string",
        "certificate",
        lambda: ExpiryAlarm.in_certificate_stack(_CERT_ARN, uid()),  # type: ignore[arg-type]
    ),
    OK(
        "in_certificate_stack with an import",
        _with_stack(lambda s: ExpiryAlarm.in_certificate_stack(_imported_certificate(s, _CERT_ARN), uid())),
    ),
    F(
        "distribution certificate imported from garbage",
        "certificate",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=_imported_certificate(s, "garbage"),
                domain_names=["www.example.com"],
                origin=origin(),
            )
        ),
    ),
    F(
        "ALB certificate imported from garbage",
        "certificates[0]",
        _with_stack(
            lambda s: CertifiedAlb(s, uid(), vpc=vpc(s), certificates=[_imported_certificate(s, "garbage")])
        ),
    ),
    F(
        "api domain certificate imported from garbage",
        "certificate",
        _with_root(
            lambda s, r: MutualTlsApiDomain(
                s,
                uid(),
                domain_name="api.example.com",
                certificate=_imported_certificate(s, "garbage"),
                trusted_cas=[r],
            )
        ),
    ),
    F(
        "alarm certificate imported from a CA ARN",
        "certificate",
        _with_stack(lambda s: ExpiryAlarm(s, uid(), certificate=_imported_certificate(s, _CA_ARN))),
    ),
    # Outside attack round 2, finding 05: every documented public method has the input layer.
    F("template arn of None", "scope", lambda: CertificateTemplate.END_ENTITY_CLIENT_AUTH.arn(None)),  # type: ignore[arg-type]
    F("template arn in an App", "scope", lambda: CertificateTemplate.END_ENTITY.arn(_app())),
    F("RAM permission arn of None", "scope", lambda: pki_constructs.RamPermission.END_ENTITY.arn(None)),  # type: ignore[arg-type]
    F("subordinate template path length 7", "path_length", lambda: CertificateTemplate.subordinate_ca(7)),
    F(
        "subordinate template path length as text",
        "path_length",
        lambda: CertificateTemplate.subordinate_ca("0"),
    ),  # type: ignore[arg-type]
    F(
        "issuer role allow_path_length as text",
        "path_length",
        _with_root(
            lambda s, r: IssuerRole(
                s, uid(), certificate_authority=r, trusted_accounts=[OTHER_ACCOUNT]
            ).allow_path_length("0")  # type: ignore[arg-type]
        ),
    ),
    F(
        "issuer role allow_path_length 7",
        "path_length",
        _with_root(
            lambda s, r: IssuerRole(
                s, uid(), certificate_authority=r, trusted_accounts=[OTHER_ACCOUNT]
            ).allow_path_length(7)
        ),
    ),
    F("issuer role for_parent of None", "parent", lambda: IssuerRole.for_parent(None, OTHER_ACCOUNT, 0)),  # type: ignore[arg-type]
    F(
        "export value_in None",
        "scope",
        _with_stack(lambda s: RegionalExport(s, uid(), value="v").value_in(None)),
    ),  # type: ignore[arg-type]
    F(
        "export value_in a string",
        "scope",
        _with_stack(lambda s: RegionalExport(s, uid(), value="v").value_in("B")),
    ),  # type: ignore[arg-type]
    F(
        "export readable_by an int account",
        "accounts[0]",
        _with_stack(lambda s: RegionalExport(s, uid(), value="v").readable_by(222222222222)),  # type: ignore[arg-type]
    ),
    F("export of None", "scope", lambda: RegionalExport.of(None, uid(), value="v")),  # type: ignore[arg-type]
    # Finding 06: an App or Stage is no scope for resources; ids are non-empty literals; a token list is unknown.
    F("RootCa in an App", "scope", lambda: RootCa(_app(), uid(), subject=dn())),
    F(
        "importer in an App",
        "scope",
        lambda: SubordinateCa.from_certificate_authority_attributes(
            _app(), uid(), certificate_authority_arn=_CA_ARN
        ),
    ),
    F("CA accessor in an App", "scope", _with_root(lambda s, r: r.certificate_authority_in(_app()))),
    F("CA accessor with an empty id", "id", _with_root(lambda s, r: r.certificate_authority_in(fresh(), ""))),
    F(
        "certificate accessor in an App",
        "scope",
        _with_stack(lambda s: public_cert(s).certificate_in(_app())),
    ),
    F(
        "certificate accessor with an empty id",
        "id",
        _with_stack(lambda s: public_cert(s).certificate_in(fresh(), "")),
    ),
    F(
        "on_ca_certificate_issued with a token id",
        "id",
        _with_root(lambda s, r: r.on_ca_certificate_issued(cdk.Fn.ref("X"), topic=sns.Topic(s, uid()))),
    ),
    OK(
        "share with a CommaDelimitedList parameter",
        _with_root(
            lambda s, r: _expect_token_info(
                sub(s, r, path_length=0).share(
                    uid(), principals=CfnParameter(s, uid("P"), type="CommaDelimitedList").value_as_list
                )
            )
        ),
    ),
    # Finding 12: a token not_after is unknown, not wrong.
    OK(
        "import with a token not_after",
        _accepts_with_token_info(
            lambda s: SubordinateCa.from_certificate_authority_attributes(
                s, uid(), certificate_authority_arn=_CA_ARN, not_after=token_string(s)
            )
        ),
    ),
    # Finding 13: one "expired CA" rule wherever a CA issues or is trusted (watching it stays fine).
    F(
        "service certificate from an expired import",
        "certificate_authority",
        _with_stack(
            lambda s: ServiceCertificate(
                s, uid(), certificate_authority=_expired(s), domain_name="a.internal.example"
            )
        ),
    ),
    F(
        "trust bundle of an expired import",
        "trusted_cas",
        _with_stack(lambda s: CaBundle(s, uid(), trusted_cas=[_expired(s)])),
    ),
    F(
        "issuer role of an expired import",
        "certificate_authority",
        _with_stack(
            lambda s: IssuerRole(
                s, uid(), certificate_authority=_expired(s), trusted_accounts=[OTHER_ACCOUNT]
            )
        ),
    ),
    F("child of an expired import", "parent", _with_stack(lambda s: sub(s, _expired(s), path_length=0))),
    OK(
        "alarm on an expired import",
        _with_stack(lambda s: CaExpiryAlarm(s, uid(), certificate_authority=_expired(s))),
    ),
]

CASES = CA_CASES + CERT_CASES + ALARM_CASES + PRIVATE_CASES + PUBLIC_TIER_CASES + NAMING_CASES + METHOD_CASES


def test_there_are_at_least_150_cases() -> None:
    assert len(CASES) >= 150, len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case: Case) -> None:
    if case.fails is None:
        case.build()
    else:
        expect_field(case.build, case.fails)


# The wrong-type sweep (issue 11 acceptance) -------------------------------------------------------------

NONE, INT, STR, LIST, DURATION, CONSTRUCT = "None", "int", "str", "list", "Duration", "construct"
WRONG_VALUES: dict[str, Callable[[Stack], object]] = {
    NONE: lambda s: None,
    INT: lambda s: 5,
    STR: lambda s: "text",
    LIST: lambda s: ["x"],
    DURATION: lambda s: Duration.days(1),
    CONSTRUCT: lambda s: Construct(s, uid("Unrelated")),
}


@dataclass(frozen=True)
class Sweep:
    construct: type
    base: Callable[[Stack], dict[str, Any]]
    props: dict[str, frozenset[str]]  # prop -> the kinds among WRONG_VALUES that are its own type


def _kinds(*kinds: str) -> frozenset[str]:
    return frozenset(kinds)


@cache
def _sweep_stack() -> Stack:
    return fresh()


@cache
def _sweep_root() -> RootCa:
    return root(_sweep_stack())


@cache
def _sweep_cert() -> PublicCertificate:
    return public_cert(_sweep_stack())


@cache
def _sweep_vpc() -> ec2.IVpc:
    return vpc(_sweep_stack())


OPTIONAL = _kinds(NONE)
CA_PROPS = {
    "subject": _kinds(),
    "key_algorithm": _kinds(),
    "signing_algorithm": OPTIONAL,
    "validity": _kinds(DURATION),
    "usage_mode": _kinds(),
    "key_storage_security_standard": OPTIONAL,
    "crl": OPTIONAL,
    "ocsp": OPTIONAL,
    "acm_renewal_permission": OPTIONAL,
    "removal_policy": _kinds(),
}
SWEEPS = [
    Sweep(RootCa, lambda s: {"subject": dn()}, CA_PROPS),
    Sweep(
        SubordinateCa,
        lambda s: {"parent": _sweep_root(), "subject": dn(f"Swept {next(_ids)}")},
        {**CA_PROPS, "parent": _kinds(), "path_length": _kinds(INT)},
    ),
    Sweep(
        PublicCertificate,
        lambda s: {"domain_name": "www.example.com", "hosted_zone": zone(s)},
        {
            "domain_name": _kinds(STR),
            "hosted_zone": _kinds(),
            "subject_alternative_names": _kinds(NONE, LIST),
            "key_algorithm": _kinds(STR),
            "max_names": _kinds(INT),
            "certificate_name": _kinds(NONE, STR),
        },
    ),
    Sweep(
        CertifiedAlb,
        lambda s: {"vpc": _sweep_vpc(), "certificates": [_sweep_cert()]},
        {
            "vpc": _kinds(),
            "certificates": _kinds(),
            "internet_facing": OPTIONAL,
            "ssl_policy": _kinds(STR),
            "allow_legacy_tls": _kinds(),
            "access_logs_bucket": OPTIONAL,
            "access_logs_prefix": _kinds(NONE, STR),
            "default_action": OPTIONAL,
            "vpc_subnets": OPTIONAL,
            "security_group": OPTIONAL,
            "load_balancer_name": _kinds(NONE, STR),
            "mutual_tls": OPTIONAL,
        },
    ),
    Sweep(
        CertifiedDistribution,
        lambda s: {"certificate": _sweep_cert(), "domain_names": ["www.example.com"], "origin": origin()},
        {
            "certificate": _kinds(),
            "domain_names": _kinds(),
            "origin": _kinds(),
            "hosted_zone": OPTIONAL,
            "minimum_protocol_version": _kinds(),
            "response_headers_policy": OPTIONAL,
            "cache_policy": OPTIONAL,
            "origin_request_policy": OPTIONAL,
            "allowed_methods": OPTIONAL,
            "log_bucket": OPTIONAL,
            "log_file_prefix": _kinds(NONE, STR),
            "web_acl_id": _kinds(NONE, STR),
            "price_class": OPTIONAL,
            "comment": _kinds(NONE, STR),
        },
    ),
    Sweep(
        ServiceCertificate,
        lambda s: {"certificate_authority": _sweep_root(), "domain_name": "svc.internal.example"},
        {
            "certificate_authority": _kinds(),  # "text" is not a CA ARN
            "domain_name": _kinds(STR),
            "subject_alternative_names": _kinds(NONE, LIST),
            "key_algorithm": OPTIONAL,
            "export": _kinds(),
            "secret_encryption_key": OPTIONAL,
            "secret_name": _kinds(NONE, STR),
            "removal_policy": OPTIONAL,
        },
    ),
    Sweep(
        PrivateServiceTier,
        lambda s: {
            "vpc": _sweep_vpc(),
            "certificate_authority": _sweep_root(),
            "domain_name": "api.internal.example",
            "services": ["orders"],
        },
        {
            "vpc": _kinds(),
            "certificate_authority": _kinds(),
            "domain_name": _kinds(STR),
            "services": _kinds(LIST),
            "client_domain": _kinds(NONE, STR),
            "trusted_cas": OPTIONAL,
            "revocation": _kinds(),
            "service_principal": OPTIONAL,
        },
    ),
    Sweep(
        MutualTlsApiDomain,
        lambda s: {
            "domain_name": "api.example.com",
            "certificate": _sweep_cert(),
            "trusted_cas": [_sweep_root()],
        },
        {
            "domain_name": _kinds(STR),
            "certificate": _kinds(),
            "trusted_cas": _kinds(),
            "bundle": OPTIONAL,
            "mapping": OPTIONAL,
            "security_policy": _kinds(),
            "endpoint_type": _kinds(),
        },
    ),
    Sweep(
        ExpiryAlarm,
        lambda s: {"certificate": _sweep_cert(), "create_topic": True},
        {
            "certificate": _kinds(),
            "threshold": _kinds(NONE, DURATION),  # None: derived from the certificate's lifetime
            "topic": OPTIONAL,
            "create_topic": _kinds(),
            "account_days_before_expiry": _kinds(NONE, INT),
            "alarm_description": _kinds(NONE, STR),
        },
    ),
    Sweep(ExpiryTopic, lambda s: {}, {"display_name": _kinds(STR), "master_key": OPTIONAL}),
    Sweep(
        CaExpiryAlarm,
        lambda s: {"certificate_authority": _sweep_root(), "create_topic": True},
        {
            "certificate_authority": _kinds(),
            "threshold": _kinds(DURATION),
            "topic": OPTIONAL,
            "create_topic": _kinds(),
            "check_interval": _kinds(),  # one day is outside 1-12 hours
            "alarm_description": _kinds(NONE, STR),
        },
    ),
    Sweep(
        RegionalExport,
        lambda s: {"value": "v", "name": f"/sweep/{next(_ids)}"},
        {"value": _kinds(STR), "name": _kinds(NONE), "description": _kinds(NONE, STR)},
    ),
    Sweep(
        RegionalImport,
        lambda s: {"parameter_name": "/sweep/value", "region": "eu-west-1"},
        {"parameter_name": _kinds(), "region": _kinds(), "fingerprint": _kinds(NONE, STR)},
    ),
    Sweep(
        IssuerRole,
        lambda s: {"certificate_authority": _sweep_root(), "trusted_accounts": ["222222222222"]},
        {
            "certificate_authority": _kinds(),
            "trusted_accounts": _kinds(),
            "path_lengths": _kinds(),
            "external_id": _kinds(NONE, STR),
            "role_name": _kinds(NONE, STR),
        },
    ),
    Sweep(
        CaBundle,
        lambda s: {"trusted_cas": [_sweep_root()]},
        {"trusted_cas": _kinds(), "revocation": _kinds(), "bucket": OPTIONAL, "removal_policy": _kinds()},
    ),
    Sweep(
        ImportedCertificateAuthority,
        lambda s: {
            "certificate_authority_arn": "arn:aws:acm-pca:us-east-1:222222222222:certificate-authority/x"
        },
        {
            "certificate_authority_arn": _kinds(STR),
            "subject": OPTIONAL,
            "key_algorithm": OPTIONAL,
            "signing_algorithm": OPTIONAL,
            "validity": _kinds(NONE, DURATION),
            "path_length": _kinds(NONE, INT),
            "usage_mode": OPTIONAL,
            "depth": _kinds(NONE, INT),
            "issuer_role_arn": _kinds(NONE),  # "text" is not a role ARN
            "external_id": _kinds(NONE, STR),
        },
    ),
    Sweep(
        CaShare,
        lambda s: {
            "certificate_authority_arn": _sweep_root().certificate_authority_arn,
            "facts": ca_facts(_sweep_root()),
            "is_root": True,
            "principals": ["222222222222"],
        },
        {
            "certificate_authority_arn": _kinds(STR),  # ca.share() passes the CA's own ARN
            "facts": _kinds(),
            "is_root": _kinds(),
            "principals": _kinds(),  # ["x"] is not an account, OU or organization
            "permission": _kinds(),
            "allow_external_principals": OPTIONAL,
            "name": _kinds(NONE, STR),
        },
    ),
    Sweep(
        MutualTlsTrustStore,
        lambda s: {"trusted_cas": [_sweep_root()]},
        {
            "trusted_cas": _kinds(),
            "revocation": _kinds(),
            "bundle": OPTIONAL,
            "trust_store_name": _kinds(NONE, STR),
        },
    ),
]

SWEEP_CASES = [
    pytest.param(sweep, prop, kind, id=f"{sweep.construct.__name__}.{prop}={kind}")
    for sweep in SWEEPS
    for prop, own_kinds in sweep.props.items()
    for kind in WRONG_VALUES
    if kind not in own_kinds
]


@pytest.mark.parametrize(("sweep", "prop", "kind"), SWEEP_CASES)
def test_wrong_type(sweep: Sweep, prop: str, kind: str) -> None:
    stack = _sweep_stack()
    kwargs = {**sweep.base(stack), prop: WRONG_VALUES[kind](stack)}
    expect_field(lambda: sweep.construct(stack, uid(sweep.construct.__name__), **kwargs), prop)


def test_a_missing_required_prop_is_pythons_own_type_error() -> None:
    with pytest.raises(TypeError, match="subject"):
        RootCa(fresh(), uid())  # type: ignore[call-arg]


def test_every_public_construct_is_swept() -> None:
    constructs = {
        name
        for name in pki_constructs.__all__
        if isinstance(getattr(pki_constructs, name), type)
        and issubclass(getattr(pki_constructs, name), Construct)
    }
    internal = {"CertificateAuthorityBase", "CaActivation"}  # not composed by users (issue 10 drops them)
    assert constructs - internal - {"PrivateService"} <= {sweep.construct.__name__ for sweep in SWEEPS}


# The app as a whole: uniqueness (class 4) and strong references (class 8) -------------------------------


def _synth_problems(app: cdk.App) -> str:
    """The app check's messages of a synth ("" when it passes)."""
    try:
        app.synth()
    except RuntimeError as error:
        assert "[pki-constructs app check]" in str(error), error
        return str(error)
    return ""


def _two_stacks(region_b: str = "us-east-1") -> tuple[cdk.App, Stack, Stack]:
    app = make_app()
    return app, Stack(app, "A", env=env()), Stack(app, "B", env=env(region_b))


def test_fails_two_secrets_with_one_name_in_one_region() -> None:
    app, a, b = _two_stacks()
    for stack in (a, b):
        ServiceCertificate(
            stack,
            "Tls",
            certificate_authority=root(stack),
            domain_name="a.example.com",
            export=True,
            secret_name="services/orders/tls",
        )
    message = _synth_problems(app)
    # The export handler creates the secrets (issue 14): the message names the prop that chose the name.
    assert "secret name" in message and "services/orders/tls" in message and "secret_name=" in message


def test_two_secrets_with_one_name_in_two_regions_are_fine() -> None:
    app, a, b = _two_stacks("eu-west-1")
    for stack in (a, b):
        ServiceCertificate(
            stack,
            "Tls",
            certificate_authority=root(stack),
            domain_name="a.example.com",
            export=True,
            secret_name="services/orders/tls",
        )
    assert _synth_problems(app) == ""


def test_fails_two_parameters_with_one_name() -> None:
    app, a, b = _two_stacks()
    RegionalExport(a, "Arn", value="x", name="/app/edge/certificate-arn")
    RegionalExport(b, "Arn", value="y", name="/app/edge/certificate-arn")
    message = _synth_problems(app)
    assert "SSM parameter name" in message and "/app/edge/certificate-arn" in message


def test_fails_default_parameter_names_from_ids_that_sanitise_alike() -> None:
    app = make_app()
    stack = Stack(app, "A", env=env())
    RegionalExport(stack, "Edge Arn", value="x")
    RegionalExport(stack, "Edge-Arn", value="y")
    message = _synth_problems(app)
    assert "SSM parameter name" in message and "/pki-constructs/A/Edge-Arn/value" in message


def test_fails_one_alias_on_two_distributions() -> None:
    app, a, b = _two_stacks()
    for stack in (a, b):
        CertifiedDistribution(
            stack, "Cdn", certificate=public_cert(stack), domain_names=["www.example.com"], origin=origin()
        )
    message = _synth_problems(app)
    assert "CloudFront alias" in message and "www.example.com" in message and "domain_names" in message


def test_fails_two_sibling_cas_with_one_subject() -> None:
    app = make_app()
    stack = Stack(app, "A", env=env())
    parent = root(stack)
    SubordinateCa(stack, "One", parent=parent, subject=dn("Issuing CA G1"))
    SubordinateCa(stack, "Two", parent=parent, subject=dn("issuing  ca g1"))
    message = _synth_problems(app)
    assert "sibling CA subject" in message and "A/One" in message and "A/Two" in message


def test_cas_with_one_subject_under_different_parents_are_fine() -> None:
    app = make_app()
    stack = Stack(app, "A", env=env())
    SubordinateCa(stack, "One", parent=root(stack), subject=dn("Issuing CA G1"))
    other_root = RootCa(stack, "Other", subject=dn("Other Root CA G1"))
    SubordinateCa(stack, "Two", parent=other_root, subject=dn("Issuing CA G1"))
    assert _synth_problems(app) == ""


def test_fails_two_stacks_managing_the_account_wide_acm_setting() -> None:
    app, a, b = _two_stacks()
    for stack in (a, b):
        ExpiryAlarm(
            stack, "Expiry", certificate=public_cert(stack), create_topic=True, account_days_before_expiry=30
        )
    message = _synth_problems(app)
    assert "account-wide ACM setting" in message and "account_days_before_expiry" in message


def _no_strong_reference(app: cdk.App) -> None:
    assembly = app.synth()
    for stack in assembly.stacks:
        text = json.dumps(stack.template)
        assert "Fn::ImportValue" not in text, stack.stack_name
        assert "Custom::CrossRegionExport" not in text, stack.stack_name


def test_fails_aws_cdk_lib_certificate_from_a_literal_ca_arn_of_another_region() -> None:
    """aws-cdk-lib's import and certificate alone, in an app with a CA of ours: the literal ARN tells the region."""
    app, a, b = _two_stacks()
    root(a)
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(
        b, "Ca", _CA_ARN.replace("us-east-1", "eu-west-1")
    )
    acm.PrivateCertificate(b, "Plain", certificate_authority=ca, domain_name="plain.internal.example")
    message = _synth_problems(app)
    assert "certificate_authority='B/Plain/Resource'" in message and "eu-west-1" in message


def test_fails_aws_cdk_lib_certificate_from_a_ca_waiting_for_its_offline_signature() -> None:
    app, a, _ = _two_stacks()
    acm.PrivateCertificate(
        a, "Plain", certificate_authority=pending_ca(a), domain_name="plain.internal.example"
    )
    with pytest.raises(RuntimeError, match=r"certificate_authority='A/Plain/Resource'.*PENDING_CERTIFICATE"):
        app.synth()


# Every construct that takes a resource of another stack, in the same region and across regions: no export.
def _cross_stack_cases() -> list[Any]:
    def sub_ca(producer: Stack, consumer: Stack) -> None:
        sub(consumer, root(producer))

    def service_certificate(producer: Stack, consumer: Stack) -> None:
        ServiceCertificate(consumer, "Svc", certificate_authority=root(producer), domain_name="a.example.com")

    def ca_alarm(producer: Stack, consumer: Stack) -> None:
        CaExpiryAlarm(consumer, "Alarm", certificate_authority=root(producer), create_topic=True)

    def trust_bundle(producer: Stack, consumer: Stack) -> None:
        CaBundle(consumer, "Bundle", trusted_cas=[root(producer)], revocation=True)

    def trust_store(producer: Stack, consumer: Stack) -> None:
        MutualTlsTrustStore(consumer, "Trust", trusted_cas=[root(producer)])

    def distribution(producer: Stack, consumer: Stack) -> None:
        CertifiedDistribution(
            consumer,
            "Cdn",
            certificate=public_cert(producer),
            domain_names=["www.example.com"],
            origin=origin(),
        )

    def issuer_role(producer: Stack, consumer: Stack) -> None:
        IssuerRole(consumer, "Role", certificate_authority=root(producer), trusted_accounts=[OTHER_ACCOUNT])

    def api_domain_certificate(producer: Stack, consumer: Stack) -> None:
        MutualTlsApiDomain(
            consumer,
            "Api",
            domain_name="www.example.com",
            certificate=public_cert(producer),
            trusted_cas=[root(consumer)],
        )

    def crl_front_certificate(producer: Stack, consumer: Stack) -> None:
        # The front's certificate lives in us-east-1 (CloudFront), the CA anywhere.
        front = CrlConfiguration(
            cloudfront=True, custom_cname="www.example.com", cloudfront_certificate=public_cert(producer)
        )
        root(consumer, crl=front)

    def api_domain_bundle(producer: Stack, consumer: Stack) -> None:
        certificate = acm.Certificate.from_certificate_arn(
            consumer, "Cert", "arn:aws:acm:us-east-1:111111111111:certificate/x"
        )
        bundle = CaBundle(producer, "Bundle", trusted_cas=[root(producer)])
        MutualTlsApiDomain(
            consumer, "Api", domain_name="api.example.com", certificate=certificate, bundle=bundle
        )

    def trust_store_bundle(producer: Stack, consumer: Stack) -> None:
        bundle = CaBundle(producer, "Bundle", trusted_cas=[root(producer)], revocation=True)
        MutualTlsTrustStore(consumer, "Trust", bundle=bundle, revocation=True)

    def shared_trust_store(producer: Stack, consumer: Stack) -> None:
        store = MutualTlsTrustStore(producer, "Trust", trusted_cas=[root(producer)])
        MutualTls(trust_store=store).bind(consumer)

    def ca_given_to_aws_cdk_lib(producer: Stack, consumer: Stack) -> None:
        ca = root(producer)
        acm.PrivateCertificate(
            consumer,
            "Cert",
            certificate_authority=ca.certificate_authority_in(consumer),
            domain_name="a.example.com",
        )

    def certificate_given_to_aws_cdk_lib(producer: Stack, consumer: Stack) -> None:
        cert = public_cert(producer)
        cloudfront.Distribution(
            consumer,
            "Cdn",
            default_behavior=cloudfront.BehaviorOptions(origin=origin()),
            domain_names=["www.example.com"],
            certificate=cert.certificate_in(consumer),
        )

    def task_role(consumer: Stack) -> iam.Role:
        return iam.Role(consumer, "TaskRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))

    def grant_issue_to_a_role_of_another_stack(producer: Stack, consumer: Stack) -> None:
        sub(producer, root(producer)).grant_issue(
            task_role(consumer), CertificateTemplate.END_ENTITY_SERVER_AUTH
        )

    def grant_read_to_a_role_of_another_stack(producer: Stack, consumer: Stack) -> None:
        issuing = sub(producer, root(producer))
        certificate = ServiceCertificate(
            producer, "Svc", certificate_authority=issuing, domain_name="a.internal.example", export=True
        )
        certificate.grant_read(task_role(consumer))

    def ca_metric_through_the_accessor(producer: Stack, consumer: Stack) -> None:
        imported = sub(producer, root(producer)).certificate_authority_in(consumer)
        cloudwatch.Alarm(
            consumer, "Expiry", metric=imported.metric_days_to_expiry(), threshold=30, evaluation_periods=1
        )

    # ACM issues only from a CA of its own region, a REGIONAL API domain uses a certificate of its own region,
    # and a shared bundle or trust store serves its own region only: those pairs are refused at synth
    # (test_service_certificate, test_trust_store and the FACT_CASES below).
    same_region_only = {
        service_certificate,
        api_domain_certificate,
        api_domain_bundle,
        trust_store_bundle,
        shared_trust_store,
        ca_given_to_aws_cdk_lib,
    }
    return [
        pytest.param(build, region, id=f"{build.__name__}-{region}")
        for build in (
            sub_ca,
            service_certificate,
            ca_alarm,
            trust_bundle,
            trust_store,
            distribution,
            issuer_role,
            api_domain_certificate,
            crl_front_certificate,
            api_domain_bundle,
            trust_store_bundle,
            shared_trust_store,
            ca_given_to_aws_cdk_lib,
            certificate_given_to_aws_cdk_lib,
            grant_issue_to_a_role_of_another_stack,
            grant_read_to_a_role_of_another_stack,
            ca_metric_through_the_accessor,
        )
        for region in ("us-east-1", "eu-west-1")
        if not (build in same_region_only and region != "us-east-1")
    ]


@pytest.mark.parametrize(("build", "consumer_region"), _cross_stack_cases())
def test_no_export_lock_between_stacks(build: Callable[[Stack, Stack], None], consumer_region: str) -> None:
    app = make_app()
    build(Stack(app, "Producer", env=env("us-east-1")), Stack(app, "Consumer", env=env(consumer_region)))
    _no_strong_reference(app)


@pytest.mark.parametrize("consumer_region", ["us-east-1", "eu-west-1"])
def test_fails_a_strong_reference_to_a_library_value(consumer_region: str) -> None:
    app = make_app()
    producer = Stack(app, "Producer", env=env("us-east-1"))
    consumer = Stack(app, "Consumer", env=env(consumer_region))
    ca = root(producer)
    ssm.StringParameter(consumer, "CopiedArn", string_value=ca.certificate_authority_arn)
    message = _synth_problems(app)
    assert "strong reference" in message and ca.node.path in message
    assert (
        "Fn::ImportValue" if consumer_region == "us-east-1" else "Custom::CrossRegionExportWriter"
    ) in message


# Offline-signed certificates (class 5) -------------------------------------------------------------------


@cache
def _offline_files(tmp: str) -> dict[str, tuple[str, str]]:
    """certificate/chain files: a good CA certificate, an end-entity one, an expired CA one."""
    folder = Path(tmp)
    local_root = LocalCa.root("Offline Root")
    chain = folder / "chain.pem"
    chain.write_text(local_pem(local_root.certificate))
    good = local_root.subordinate("Good Issuing CA")
    expired = local_root.subordinate(
        "Old Issuing CA", now=dt.datetime.now(dt.UTC) - dt.timedelta(days=800), days=365
    )
    leaf_key = generate_key()
    leaf = local_root.issue_end_entity(leaf_key, dns_names=["leaf.example.com"])
    files = {}
    for label, certificate in (("good", good.certificate), ("expired", expired.certificate), ("leaf", leaf)):
        path = folder / f"{label}.pem"
        path.write_text(local_pem(certificate))
        files[label] = (str(path), str(chain))
    return files


def _offline_child(stack: Stack, files: tuple[str, str], name: str = "Offline") -> SubordinateCa:
    certificate_file, chain_file = files
    return SubordinateCa(
        stack,
        uid(name),
        parent=OfflineParent(certificate_file=certificate_file, chain_file=chain_file),
        subject=dn(f"Offline {next(_ids)}"),
    )


@pytest.fixture(scope="module")
def offline_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    return _offline_files(str(tmp_path_factory.mktemp("offline")))


def test_offline_ca_certificate_is_accepted(offline_files: dict[str, tuple[str, str]]) -> None:
    _offline_child(fresh(), offline_files["good"])


def test_fails_offline_certificate_that_is_not_a_ca(offline_files: dict[str, tuple[str, str]]) -> None:
    expect_field(lambda: _offline_child(fresh(), offline_files["leaf"]), "parent.certificate_file")


def test_fails_expired_offline_certificate(offline_files: dict[str, tuple[str, str]]) -> None:
    expect_field(lambda: _offline_child(fresh(), offline_files["expired"]), "parent.certificate_file")


def test_fails_offline_certificate_used_for_a_second_ca(offline_files: dict[str, tuple[str, str]]) -> None:
    app = make_app()
    _offline_child(Stack(app, "A", env=env()), offline_files["good"])
    expect_field(
        lambda: _offline_child(Stack(app, "B", env=env()), offline_files["good"]), "parent.certificate_file"
    )


# Facts of other regions and accounts (class 3) ----------------------------------------------------------

FACT_CASES = [
    F(
        "alarm topic of another region",
        "topic",
        lambda: public_cert(fresh("us-east-1")).add_expiry_alarm(
            uid(), topic=sns.Topic(fresh("eu-west-1"), uid())
        ),
    ),
    F(
        "imported alarm topic of another region",
        "topic",
        _with_stack(
            lambda s: public_cert(s).add_expiry_alarm(
                uid(), topic=sns.Topic.from_topic_arn(s, uid(), "arn:aws:sns:eu-west-1:111111111111:alerts")
            )
        ),
    ),
    F(
        "CA alarm topic of another region",
        "topic",
        _with_root(
            lambda s, r: r.add_expiry_alarm(
                uid(), topic=sns.Topic.from_topic_arn(s, uid(), "arn:aws:sns:eu-west-1:111111111111:a")
            )
        ),
    ),
    OK(
        "CA of another region watched from here",
        lambda: CaExpiryAlarm(
            fresh("eu-west-1"), uid(), certificate_authority=root(fresh("us-east-1")), create_topic=True
        ),
    ),
    F(
        "regional WAF ACL on CloudFront",
        "web_acl_id",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s),
                domain_names=["www.example.com"],
                origin=origin(),
                web_acl_id="arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/site/abc",
            )
        ),
    ),
    OK(
        "CloudFront-scope WAF ACL",
        _with_stack(
            lambda s: CertifiedDistribution(
                s,
                uid(),
                certificate=public_cert(s),
                domain_names=["www.example.com"],
                origin=origin(),
                web_acl_id="arn:aws:wafv2:us-east-1:111111111111:global/webacl/site/abc",
            )
        ),
    ),
]


# Values of another stack that cannot travel weakly (issue 10, findings 03 and 19): refused in the constructor.
FACT_CASES += [
    F(
        "shared bundle of another region",
        "bundle",
        lambda: MutualTlsTrustStore(
            fresh("eu-west-1"), uid(), bundle=CaBundle(fresh(), uid(), trusted_cas=[root(fresh())])
        ),
    ),
    F(
        "API domain bundle of another account",
        "bundle",
        lambda: MutualTlsApiDomain(
            fresh(account=OTHER_ACCOUNT),
            uid(),
            domain_name="api.example.com",
            certificate=acm.Certificate.from_certificate_arn(
                fresh(account=OTHER_ACCOUNT), uid(), f"arn:aws:acm:us-east-1:{OTHER_ACCOUNT}:certificate/x"
            ),
            bundle=CaBundle(fresh(), uid(), trusted_cas=[root(fresh())]),
        ),
    ),
    F(
        "shared trust store of another region",
        "trust_store",
        lambda: MutualTls(trust_store=MutualTlsTrustStore(fresh(), uid(), trusted_cas=[root(fresh())])).bind(
            fresh("eu-west-1")
        ),
    ),
    F(
        "API domain certificate of an environment-agnostic stack",
        "certificate",
        lambda: MutualTlsApiDomain(
            fresh(),
            uid(),
            domain_name="www.example.com",
            certificate=public_cert(Stack(_app(), uid("Agnostic"))),
            trusted_cas=[root(fresh())],
        ),
    ),
    F(
        "CRL front certificate of an environment-agnostic stack",
        "crl.cloudfront_certificate",
        lambda: root(
            fresh(),
            crl=CrlConfiguration(
                cloudfront=True,
                custom_cname="www.example.com",
                cloudfront_certificate=public_cert(Stack(_app(), uid("Agnostic"))),
            ),
        ),
    ),
]


@pytest.mark.parametrize("case", FACT_CASES, ids=[case.id for case in FACT_CASES])
def test_fact_case(case: Case) -> None:
    test_case(case)


def test_a_users_own_value_may_cross_stacks_through_an_export() -> None:
    """Issue 11 class 8 refuses exports of values the library made; a user's VPC of a network stack, given to
    CertifiedAlb, is ordinary CDK (issue 10, finding 21)."""
    app = make_app()
    network, site = Stack(app, "Network", env=env()), Stack(app, "Site", env=env())
    CertifiedAlb(site, "Alb", vpc=vpc(network), certificates=[public_cert(site)], internet_facing=False)
    assert _synth_problems(app) == ""
    assert "Fn::ImportValue" in json.dumps(app.synth().get_stack_by_name("Site").template)


def test_the_readme_public_tier_block_runs_with_a_real_vpc_of_a_network_stack() -> None:
    """The README's Public tier block with ``vpc`` an ``ec2.Vpc`` of the reader's network stack in the site's
    region, not the hidden prelude's import by attributes (issue 10, finding 21)."""
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("```python fixture:app fixture:edge_zone fixture:site_zone fixture:vpc\n", 1)[1]
    block = block.split("```", 1)[0]
    app = make_app()
    network = Stack(app, "Network", env=env("eu-west-1"))
    zones = Stack(app, "Zones", env=env("us-east-1"))
    scope: dict[str, Any] = {
        "app": app,
        "vpc": ec2.Vpc(network, "Vpc", max_azs=2, nat_gateways=0),
        "edge_zone": zone(zones),
        "site_zone": zone(zones),
    }
    exec(block, scope)  # the README's own code
    assert _synth_problems(app) == ""


def test_a_strong_reference_names_the_consumer_and_may_be_a_warning_while_migrating() -> None:
    def build(app: cdk.App) -> RootCa:
        producer = Stack(app, "Producer", env=env())
        ca = root(producer)
        ssm.CfnParameter(
            Stack(app, "Consumer", env=env()), "Copy", type="String", value=ca.certificate_authority_arn
        )
        return ca

    app = make_app()
    build(app)
    assert "Consumer/Copy: strong reference" in _synth_problems(app)
    migrating = make_app(**{"pki-constructs:strongReferences": "warn"})
    build(migrating)
    assembly = migrating.synth()
    # In the cloud assembly, on the consumer (what `cdk synth` prints): not on the app-level check construct,
    # which belongs to no stack.
    warnings = [(m.id, str(m.entry.data)) for s in assembly.stacks for m in s.messages]
    assert any(
        path == "/Consumer/Copy" and "pki-constructs:strongReference" in data and "strong reference" in data
        for path, data in warnings
    ), warnings
    written = "".join(
        Path(assembly.directory, name).read_text()
        for name in os.listdir(assembly.directory)
        if name.endswith(".json")
    )
    assert "pki-constructs:strongReference" in written


@pytest.mark.parametrize("relay_region", ["us-east-1", "eu-west-1"])
def test_fails_a_strong_reference_relaying_an_accessor_result(relay_region: str) -> None:
    """A CA read weakly into stack B (an SSM parameter there, or a cross-region reader) and used from C: B
    would export the value it read, and a replaced CA could no longer update B. The fix: C reads it itself."""

    def build(relay: bool) -> cdk.App:
        app = make_app()
        a = Stack(app, "A", env=env())
        b = Stack(app, "B", env=env(relay_region))
        c = Stack(
            app, "C", env=env()
        )  # ACM issues from a CA of its own region (the accessor's import knows it)
        iam.Role(b, "Something", assumed_by=iam.AccountRootPrincipal())
        ca = root(a)
        shared = ca.certificate_authority_in(b)
        acm.PrivateCertificate(
            c,
            "Svc",
            domain_name="svc.internal.example",
            certificate_authority=shared if relay else ca.certificate_authority_in(c),
        )
        return app

    message = _synth_problems(build(relay=True))
    assert "C/Svc/Resource: strong reference" in message and "read weakly into B" in message
    assert ".certificate_authority_in(scope) with a scope in the consuming stack" in message
    _no_strong_reference(build(relay=False))


@pytest.mark.parametrize("case", ["certificate_in_nested", "accessor_into_nested", "accessor_from_nested"])
def test_nested_stacks_carry_library_values_as_nested_parameters(case: str) -> None:
    """A NestedStack deploys with its parent: no SSM read (the parent would resolve it before its nested stack
    writes it), no stack dependency on a parent (CDK: CannotDependOnParent), no export."""
    app = make_app()
    top = Stack(app, "Top", env=env())
    nested = cdk.NestedStack(top, "Nested")
    if case == "certificate_in_nested":
        issuing = SubordinateCa(top, "Issuing", parent=root(top), subject=DistinguishedName(common_name="I"))
        ServiceCertificate(nested, "Svc", certificate_authority=issuing, domain_name="svc.internal.example")
    else:
        ca = root(nested if case == "accessor_from_nested" else top)
        consumer = top if case == "accessor_from_nested" else nested
        acm.PrivateCertificate(
            consumer,
            "Svc",
            domain_name="svc.internal.example",
            certificate_authority=ca.certificate_authority_in(consumer),
        )
    app.synth()
    for stack in (top, nested):
        assert "/pki-constructs/" not in json.dumps(Template.from_stack(stack).to_json()), stack.node.path
    _no_strong_reference(app)


@pytest.mark.parametrize("prop", ["parent", "certificate_authority"])
def test_fails_a_library_value_across_a_stage(prop: str) -> None:
    """Each Stage is its own cloud assembly, deployed separately: CDK cannot order or reference across."""
    app = make_app()
    ca = root(Stack(app, "Pki", env=env()))
    consumer = Stack(cdk.Stage(app, "Prod", env=env()), "Workload")
    with pytest.raises(PkiValidationError, match=r"different Stages") as error:
        if prop == "parent":
            SubordinateCa(consumer, "Issuing", parent=ca, subject=DistinguishedName(common_name="I"))
        else:
            ServiceCertificate(consumer, "Svc", certificate_authority=ca, domain_name="svc.internal.example")
    assert f"{prop}='Pki/" in str(error.value)
    assert "RegionalImport" in str(error.value)


def test_fails_a_strong_reference_relaying_a_regional_export_value() -> None:
    app = make_app()
    a, b, c = (Stack(app, name, env=env()) for name in "ABC")
    iam.Role(b, "Something", assumed_by=iam.AccountRootPrincipal())
    export = RegionalExport(a, "Export", value=root(a).certificate_authority_arn)
    ssm.StringParameter(c, "Copy", string_value=export.value_in(b))
    message = _synth_problems(app)
    assert "C/Copy/Resource: strong reference" in message
    assert "A/Export.value_in(scope) with a scope in the consuming stack" in message


def test_a_strong_reference_to_a_library_value_without_an_accessor_names_regional_export() -> None:
    """A CRL bucket's name is no certificate or CA ARN: the fix is the general weak helper, not an accessor
    of the CA that contains the bucket."""
    app = make_app()
    producer, consumer = Stack(app, "Producer", env=env()), Stack(app, "Consumer", env=env())
    ca = root(producer)
    assert ca.crl_distribution is not None
    ssm.StringParameter(consumer, "CrlBucket", string_value=ca.crl_distribution.bucket.bucket_name)
    message = _synth_problems(app)
    assert "Consumer/CrlBucket/Resource: strong reference" in message
    assert "RegionalExport(producer_scope, id, value=...).value_in(consumer_scope)" in message
    assert "certificate_authority_in" not in message
