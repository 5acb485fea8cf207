"""The pure rules behind RootCa/SubordinateCa: no CDK scope, milliseconds each."""

from __future__ import annotations

import datetime

import pytest
from aws_cdk import App, Duration, Environment, Stack
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53

from pki_constructs import (
    CertificateTemplate,
    CrlConfiguration,
    CrlType,
    DistinguishedName,
    KeyAlgorithm,
    OcspConfiguration,
    PublicCertificate,
    RootCa,
    S3ObjectAcl,
    ServiceCertificate,
    SigningAlgorithm,
    SubordinateCa,
    UsageMode,
)
from pki_constructs.algorithms import (
    KeyFamily,
    child_key_compatible_with_parent,
    key_available_in_partition,
    mixed_post_quantum_advice,
    signing_matches_key,
)
from pki_constructs.ca_facts import CaFacts
from pki_constructs.hierarchy import (
    hierarchy_problems,
    path_length_problems,
    skipped_hierarchy_rules,
    validity_problems,
)


def _fields(problems: list) -> list[str]:
    return [p.field for p in problems]


def test_enums_cover_every_api_value() -> None:
    import botocore.session

    model = botocore.session.get_session().get_service_model("acm-pca")
    assert {k.value for k in KeyAlgorithm} == set(model.shape_for("KeyAlgorithm").enum)
    assert {s.value for s in SigningAlgorithm} == set(model.shape_for("SigningAlgorithm").enum)
    assert {u.value for u in UsageMode} == set(model.shape_for("CertificateAuthorityUsageMode").enum)
    assert {c.value for c in CrlType} == set(model.shape_for("CrlType").enum)
    assert {a.value for a in S3ObjectAcl} == set(model.shape_for("S3ObjectAcl").enum)


@pytest.mark.parametrize("key", list(KeyAlgorithm))
def test_default_signing_algorithm_is_of_the_key_family(key: KeyAlgorithm) -> None:
    assert key.default_signing_algorithm.family is key.family
    assert signing_matches_key(key, key.default_signing_algorithm) == []


@pytest.mark.parametrize(
    ("key", "signing"),
    [
        (KeyAlgorithm.RSA_2048, SigningAlgorithm.SHA256WITHECDSA),
        (KeyAlgorithm.EC_PRIME256V1, SigningAlgorithm.SHA256WITHRSA),
        (KeyAlgorithm.ML_DSA_65, SigningAlgorithm.ML_DSA_44),
        (KeyAlgorithm.SM2, SigningAlgorithm.SHA256WITHRSA),
    ],
)
def test_fails_signing_algorithm_of_another_family(key: KeyAlgorithm, signing: SigningAlgorithm) -> None:
    [problem] = signing_matches_key(key, signing)
    assert problem.field == "signing_algorithm"
    assert key.default_signing_algorithm.value in problem.fix


def test_rsa_pss_and_larger_hashes_match_rsa_keys() -> None:
    assert signing_matches_key(KeyAlgorithm.RSA_4096, SigningAlgorithm.SHA512WITHRSA_PSS) == []
    assert KeyAlgorithm.EC_SECP521R1.family is KeyFamily.EC


def test_fails_sm2_outside_china() -> None:
    assert _fields(key_available_in_partition(KeyAlgorithm.SM2, "aws")) == ["key_algorithm"]
    assert key_available_in_partition(KeyAlgorithm.SM2, "aws-cn") == []
    assert key_available_in_partition(KeyAlgorithm.SM2, None) == []  # unknown partition: decided at deploy


def test_fails_sm2_child_under_rsa_parent() -> None:
    assert _fields(child_key_compatible_with_parent(KeyAlgorithm.SM2, KeyAlgorithm.RSA_2048)) == [
        "key_algorithm"
    ]
    assert child_key_compatible_with_parent(KeyAlgorithm.EC_PRIME256V1, KeyAlgorithm.RSA_2048) == []


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        (KeyAlgorithm.RSA_2048, KeyAlgorithm.ML_DSA_65),
        (KeyAlgorithm.ML_DSA_44, KeyAlgorithm.EC_SECP384R1),
    ],
)
def test_mixed_post_quantum_chain_is_advised_not_refused(child: KeyAlgorithm, parent: KeyAlgorithm) -> None:
    assert child_key_compatible_with_parent(child, parent) == []  # AWS documents no refusal
    advice = mixed_post_quantum_advice(child, parent)
    assert advice is not None and child.value in advice and parent.value in advice


def test_post_quantum_and_classical_chains_get_no_advice() -> None:
    assert mixed_post_quantum_advice(KeyAlgorithm.ML_DSA_44, KeyAlgorithm.ML_DSA_87) is None
    assert mixed_post_quantum_advice(KeyAlgorithm.EC_PRIME256V1, KeyAlgorithm.RSA_4096) is None


@pytest.mark.parametrize("path_length", [-1, 4, 10])
def test_fails_path_length_outside_templates(path_length: int) -> None:
    assert _fields(path_length_problems(path_length)) == ["path_length"]


@pytest.mark.parametrize("days", [0, 0.5, 1.5])
def test_fails_validity_not_whole_days(days: float) -> None:
    assert _fields(validity_problems(Duration.hours(days * 24))) == ["validity"]


ROOT = CaFacts(
    certificate_authority_arn=None,
    subject=DistinguishedName(common_name="Root"),
    key_algorithm=KeyAlgorithm.RSA_2048,
    validity=Duration.days(3650),
    path_length=None,
    usage_mode=UsageMode.GENERAL_PURPOSE,
    depth=1,
)


def _check(parent: CaFacts = ROOT, **child: object) -> list[str]:
    props = {
        "subject": DistinguishedName(common_name="Child"),
        "key_algorithm": KeyAlgorithm.RSA_2048,
        "validity": Duration.days(1825),
        "path_length": 0,
        **child,
    }
    return _fields(hierarchy_problems(parent=parent, **props))  # type: ignore[arg-type]


def test_a_valid_child_has_no_problems() -> None:
    assert _check() == []


def test_fails_child_validity_not_shorter_than_parent() -> None:
    assert _check(validity=Duration.days(3650)) == ["validity"]
    assert _check(validity=Duration.days(4000)) == ["validity"]
    assert _check(validity=Duration.days(3649)) == []


def test_fails_child_ending_on_or_after_the_parents_not_after() -> None:
    """``not_after`` (an import's certificate end) bounds the child counted from ``today``; without a date the
    rule cannot run (SubordinateCa always passes one when the parent tells its end)."""
    parent = CaFacts(**{**ROOT.__dict__, "not_after": datetime.date(2027, 1, 1)})
    today = datetime.date(2026, 1, 1)  # 365 days before the parent's end
    assert _check(parent, validity=Duration.days(365), today=today) == ["validity"]
    assert _check(parent, validity=Duration.days(364), today=today) == []
    assert _check(parent, validity=Duration.days(365)) == []  # no date: skipped


def test_fails_child_path_length_not_below_parent() -> None:
    parent = CaFacts(**{**ROOT.__dict__, "path_length": 1, "depth": 2})
    assert _check(parent, path_length=1, validity=Duration.days(100)) == ["path_length"]
    assert _check(parent, path_length=0, validity=Duration.days(100)) == []


def test_fails_child_of_path_length_zero_parent() -> None:
    parent = CaFacts(**{**ROOT.__dict__, "path_length": 0, "depth": 2})
    [problem] = hierarchy_problems(
        subject=DistinguishedName(common_name="Child"),
        key_algorithm=KeyAlgorithm.RSA_2048,
        validity=Duration.days(10),
        path_length=0,
        parent=parent,
    )
    assert problem.field == "path_length"
    assert "cannot issue CA certificates" in problem.rule


def test_fails_child_of_short_lived_parent() -> None:
    parent = CaFacts(**{**ROOT.__dict__, "usage_mode": UsageMode.SHORT_LIVED_CERTIFICATE})
    assert _check(parent) == ["parent"]


def test_fails_hierarchy_deeper_than_five_levels() -> None:
    parent = CaFacts(**{**ROOT.__dict__, "depth": 5})
    assert _check(parent) == ["parent"]


def test_fails_child_with_the_parent_subject() -> None:
    assert _check(subject=DistinguishedName(common_name="Root")) == ["subject"]
    # X.509 compares names ignoring case and extra spaces (RFC 5280 7.1): still the parent's name
    assert _check(subject=DistinguishedName(common_name=" ROOT ")) == ["subject"]


def test_child_subject_differing_in_any_attribute_is_its_own_name() -> None:
    parent = CaFacts(
        **{**ROOT.__dict__, "subject": DistinguishedName(common_name="Corp CA", serial_number="1")}
    )
    assert _check(parent, subject=DistinguishedName(common_name="Corp CA", serial_number="2")) == []
    assert _check(parent, subject=DistinguishedName(common_name="Corp CA", serial_number="1")) == ["subject"]


def test_unknown_parent_properties_skip_their_rules() -> None:
    unknown = CaFacts(certificate_authority_arn=None)
    assert _check(unknown, validity=Duration.days(99999), path_length=3) == []
    assert len(skipped_hierarchy_rules(unknown)) == 6
    assert skipped_hierarchy_rules(ROOT) == {"path length below the parent's": "path_length"}


# Subject ------------------------------------------------------------------------------------------


def test_subject_fields_follow_the_api_model() -> None:
    import botocore.session

    shape = botocore.session.get_session().get_service_model("acm-pca").shape_for("ASN1Subject")
    ours = {"".join(part.title() for part in f.split("_")) for f in DistinguishedName.__dataclass_fields__}
    assert ours == set(shape.members)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({}, "subject"),
        ({"country": "USA"}, "subject.country"),
        ({"country": "1A"}, "subject.country"),
        ({"common_name": "x" * 65}, "subject.common_name"),
        ({"organization": "o" * 65}, "subject.organization"),
        ({"organizational_unit": "u" * 65}, "subject.organizational_unit"),
        ({"state": "s" * 129}, "subject.state"),
        ({"given_name": "g" * 17}, "subject.given_name"),
        ({"initials": "ABCDEF"}, "subject.initials"),
        ({"generation_qualifier": "IIII"}, "subject.generation_qualifier"),
        ({"serial_number": "a_b"}, "subject.serial_number"),
        ({"common_name": "   "}, "subject.common_name"),
    ],
)
def test_fails_bad_subject(kwargs: dict[str, str], field: str) -> None:
    assert field in _fields(DistinguishedName(**kwargs).problems())


def test_custom_attributes_replace_standard_ones() -> None:
    dn = DistinguishedName(custom_attributes=(("2.5.4.3", "Custom Root"), ("2.5.4.10", "Example")))
    assert dn.problems() == []
    assert str(dn) == "2.5.4.3=Custom Root,2.5.4.10=Example"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"common_name": "x", "custom_attributes": (("2.5.4.3", "y"),)},
        {"custom_attributes": ()},
        {"custom_attributes": (("not-an-oid", "y"),)},
        {"custom_attributes": (("2.5.4.3", ""),)},
    ],
)
def test_fails_bad_custom_attributes(kwargs: dict[str, object]) -> None:
    assert "subject.custom_attributes" in _fields(DistinguishedName(**kwargs).problems())  # type: ignore[arg-type]


def test_subject_displays_like_rfc4514() -> None:
    dn = DistinguishedName(common_name="MyCompany Root CA", organization="MyCompany", country="US")
    assert str(dn) == "CN=MyCompany Root CA,O=MyCompany,C=US"
    dn = DistinguishedName(
        common_name="Root", title="PKI", serial_number="2", distinguished_name_qualifier="q"
    )
    assert str(dn) == "CN=Root,title=PKI,serialNumber=2,dnQualifier=q"  # every attribute is shown


# Revocation ---------------------------------------------------------------------------------------


def test_default_crl_configuration_is_valid() -> None:
    assert CrlConfiguration().problems() == []
    assert CrlConfiguration().expiration_days == 7


@pytest.mark.parametrize("days", [0, 5001])
def test_fails_crl_expiration_out_of_range(days: int) -> None:
    assert _fields(CrlConfiguration(expiration=Duration.days(days)).problems()) == ["crl.expiration"]


@pytest.mark.parametrize(
    ("cname", "fragment"),
    [
        ("http://crl.example.com", "without a scheme"),
        ("https://crl.example.com", "without a scheme"),
        ("a" * 254, "at most 253"),
        ("crl example com", "characters"),
        ("crl.example.com/pki", "DNS host name"),
        ("crl.example.com:8080", "DNS host name"),
        ("crl_1.example.com", "DNS host name"),
        ("-crl.example.com", "DNS host name"),
    ],
)
def test_fails_bad_crl_cname(cname: str, fragment: str) -> None:
    problems = CrlConfiguration(custom_cname=cname).problems()
    assert any(p.field == "crl.custom_cname" and fragment in p.rule for p in problems)


def test_crl_cname_with_a_path_points_at_custom_path() -> None:
    (problem,) = CrlConfiguration(custom_cname="crl.example.com/pki").problems()
    assert problem.fix == "use 'crl.example.com' and put the path in custom_path"


@pytest.mark.parametrize(
    "cname", ["https://ocsp.example.com", "ocsp.example.com/path", "ocsp.example.com:80", "ocsp example"]
)
def test_fails_bad_ocsp_cname(cname: str) -> None:
    assert set(_fields(OcspConfiguration(custom_cname=cname).problems())) == {"ocsp.custom_cname"}


@pytest.mark.parametrize("cname", ["crl.example.com", "pki-crl.eu-west-1.example.com", "crl"])
def test_host_name_cnames_pass(cname: str) -> None:
    assert CrlConfiguration(custom_cname=cname).problems() == []
    assert OcspConfiguration(custom_cname=cname).problems() == []


def test_fails_disabled_crl_with_settings() -> None:
    problems = CrlConfiguration(
        enabled=False, expiration=Duration.days(7), custom_cname="crl.example.com"
    ).problems()
    assert sorted(_fields(problems)) == ["crl.custom_cname", "crl.expiration"]


def test_fails_disabled_ocsp_with_cname() -> None:
    assert _fields(OcspConfiguration(enabled=False, custom_cname="ocsp.example.com").problems()) == [
        "ocsp.custom_cname"
    ]


def test_fails_omit_extension_with_cname() -> None:
    problems = CrlConfiguration(custom_cname="crl.example.com", omit_extension=True).problems()
    assert _fields(problems) == ["crl.omit_extension"]


def test_fails_public_read_on_private_bucket() -> None:
    assert _fields(CrlConfiguration(s3_object_acl=S3ObjectAcl.PUBLIC_READ).problems()) == [
        "crl.s3_object_acl"
    ]


def test_fails_bad_custom_path() -> None:
    assert _fields(CrlConfiguration(custom_path="crl//x").problems()) == ["crl.custom_path"]
    assert CrlConfiguration(custom_path="pki/crl").problems() == []


def test_fails_cloudfront_cname_without_certificate() -> None:
    problems = CrlConfiguration(cloudfront=True, custom_cname="crl.example.com").problems()
    assert _fields(problems) == ["crl.cloudfront_certificate"]


def test_fails_cloudfront_certificate_without_cloudfront() -> None:
    certificate = acm.Certificate.from_certificate_arn(
        Stack(), "Cert", "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    )
    assert _fields(CrlConfiguration(cloudfront_certificate=certificate).problems()) == [
        "crl.cloudfront_certificate"
    ]
    assert (
        CrlConfiguration(
            cloudfront=True, custom_cname="crl.example.com", cloudfront_certificate=certificate
        ).problems()
        == []
    )


def test_fails_cloudfront_certificate_without_custom_cname() -> None:
    # the distribution would serve its *.cloudfront.net name and never use the certificate
    certificate = acm.Certificate.from_certificate_arn(
        Stack(), "Cert", "arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    )
    problems = CrlConfiguration(cloudfront=True, cloudfront_certificate=certificate).problems()
    assert _fields(problems) == ["crl.cloudfront_certificate"]


def _crl_front(certificate: object, cname: str = "crl.example.com") -> list[str]:
    return _fields(
        CrlConfiguration(
            cloudfront=True,
            custom_cname=cname,
            cloudfront_certificate=certificate,  # type: ignore[arg-type]
        ).problems()
    )


def test_fails_cloudfront_certificate_that_is_no_certificate() -> None:
    stack = Stack(App(), "S", env=Environment(account="123456789012", region="us-east-1"))
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Root"))
    assert _crl_front(root) == ["crl.cloudfront_certificate"]
    assert _crl_front("arn:aws:acm:us-east-1:123456789012:certificate/1") == ["crl.cloudfront_certificate"]


def test_fails_cloudfront_certificate_outside_us_east_1() -> None:
    imported = acm.Certificate.from_certificate_arn(
        Stack(), "Cert", "arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555"
    )
    assert _crl_front(imported) == ["crl.cloudfront_certificate"]


def test_fails_cloudfront_certificate_from_a_private_ca() -> None:
    stack = Stack(App(), "S", env=Environment(account="123456789012", region="us-east-1"))
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Root"))
    issuing = SubordinateCa(stack, "Issuing", parent=root, subject=DistinguishedName(common_name="Issuing"))
    private = ServiceCertificate(stack, "Svc", certificate_authority=issuing, domain_name="crl.example.com")
    assert _crl_front(private) == ["crl.cloudfront_certificate"]


def test_fails_cloudfront_certificate_not_covering_the_cname() -> None:
    stack = Stack(App(), "S", env=Environment(account="123456789012", region="us-east-1"))
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z1", zone_name="example.com"
    )
    other = PublicCertificate(stack, "Other", domain_name="other.example.com", hosted_zone=zone)
    assert _crl_front(other) == ["crl.custom_cname"]
    covering = PublicCertificate(stack, "Crl", domain_name="*.example.com", hosted_zone=zone)
    assert _crl_front(covering) == []


# Templates ----------------------------------------------------------------------------------------


def test_subordinate_templates_per_path_length() -> None:
    assert CertificateTemplate.subordinate_ca(2) is CertificateTemplate.SUBORDINATE_CA_PATH_LEN_2
    assert CertificateTemplate.subordinate_ca(0).arn_in("aws-cn") == (
        "arn:aws-cn:acm-pca:::template/SubordinateCACertificate_PathLen0/V1"
    )
    with pytest.raises(ValueError, match="0-3"):
        CertificateTemplate.subordinate_ca(4)
