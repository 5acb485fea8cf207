"""Property tests for the pure rules (issue 11): whatever they are given, they return problems — they never raise
— and they accept what AWS accepts (generated from the AWS patterns quoted in each rule's source)."""

from __future__ import annotations

import string

from aws_cdk import Duration
from aws_cdk.region_info import RegionInfo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pki_constructs import _arn
from pki_constructs.certificate_facts import certificate_arn_problems
from pki_constructs.cross_region import parameter_name_problems
from pki_constructs.domain_names import domain_name_problems
from pki_constructs.errors import Problem
from pki_constructs.private_ca import validity_problems
from pki_constructs.service_certificate import secret_name_problems
from pki_constructs.subject import DistinguishedName
from pki_constructs.value_rules import region_problems, text_problems, validity_end_problems

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANYTHING = st.one_of(
    st.text(max_size=300), st.none(), st.integers(), st.floats(), st.lists(st.text(max_size=5))
)


def problems_only(result: object) -> None:
    assert isinstance(result, list) and all(isinstance(item, Problem) for item in result)


# Domain names: ACM's RequestCertificate.DomainName pattern, labels <= 63, names <= 253 ----------------------
# '--' in positions 3-4 is reserved for 'xn--' IDNs (RFC 5891 §4.2.3.1), which domain_name_problems refuses.
LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True).filter(
    lambda label: label[2:4] != "--"
)
TOP_LABEL = st.from_regex(r"[a-z][a-z0-9-]{0,10}[a-z0-9]", fullmatch=True).filter(
    lambda label: label[2:4] != "--"
)  # the pattern's last label: 2+ characters
DOMAIN = st.tuples(st.lists(LABEL, min_size=1, max_size=5), TOP_LABEL).map(
    lambda parts: ".".join([*parts[0], parts[1]])
)


@FAST
@given(st.text(max_size=300))
def test_domain_rule_never_raises(name: str) -> None:
    problems_only(domain_name_problems(name, field="domain_name"))


@FAST
@given(DOMAIN, st.booleans())
def test_domain_rule_accepts_acm_names(name: str, wildcard: bool) -> None:
    assert domain_name_problems(f"*.{name}" if wildcard else name, field="domain_name") == []


@FAST
@given(DOMAIN, st.sampled_from([":443", "/path", " ", "_", "..", "*"]))
def test_domain_rule_refuses_what_acm_refuses(name: str, junk: str) -> None:
    problems = domain_name_problems(name + junk, field="domain_name")
    assert problems and all(p.field == "domain_name" for p in problems)


# Subjects: ASN1Subject lengths, no control characters or edge spaces ---------------------------------------
PRINTABLE_WORDS = st.text(
    alphabet=string.ascii_letters + string.digits + " -.", min_size=1, max_size=64
).filter(lambda text: text == text.strip() and text.strip() != "")


@FAST
@given(st.text(max_size=200), st.text(max_size=5))
def test_subject_rules_never_raise(common_name: str, country: str) -> None:
    problems_only(DistinguishedName(common_name=common_name, country=country).problems())


@FAST
@given(ANYTHING)
def test_subject_rules_never_raise_on_wrong_types(value: object) -> None:
    problems_only(DistinguishedName(common_name=value).problems())  # type: ignore[arg-type]


@FAST
@given(PRINTABLE_WORDS, st.from_regex(r"[A-Z]{2}", fullmatch=True))
def test_subject_rules_accept_api_subjects(common_name: str, country: str) -> None:
    assert (
        DistinguishedName(common_name=common_name, organization=common_name, country=country).problems() == []
    )


@FAST
@given(PRINTABLE_WORDS, st.sampled_from(["\n", "\t", "\x00", "\x7f", " "]), st.booleans())
def test_subject_rules_refuse_control_characters_and_edge_spaces(text: str, bad: str, at_end: bool) -> None:
    value = text + bad if at_end else bad + text
    assert any(p.field == "subject.common_name" for p in DistinguishedName(common_name=value).problems())


@FAST
@given(st.text(max_size=100))
def test_text_rule_never_raises(value: str) -> None:
    problems_only(text_problems("subject.common_name", value))


# Validity: whole days, at least one, ending by 9999-12-31 --------------------------------------------------
@FAST
@given(st.integers(min_value=1, max_value=2_900_000))
def test_validity_accepts_whole_days(days: int) -> None:
    assert validity_problems(Duration.days(days)) == []
    assert validity_end_problems("validity", days) == []


@FAST
@given(st.integers(min_value=1, max_value=10_000_000))
def test_validity_rules_never_raise(hours: int) -> None:
    problems_only(validity_problems(Duration.hours(hours)))
    problems_only(validity_end_problems("validity", hours / 24))


@FAST
@given(st.integers(min_value=2_920_000, max_value=10**9))
def test_validity_refuses_past_year_9999(days: int) -> None:
    assert [p.field for p in validity_end_problems("validity", days)] == ["validity"]


# Names: SSM parameters and secrets --------------------------------------------------------------------------
SSM_PART = st.from_regex(r"[A-Za-z0-9_.-]{1,20}", fullmatch=True)


@FAST
@given(st.lists(SSM_PART, min_size=1, max_size=10).map(lambda parts: "/" + "/".join(parts)))
def test_parameter_names_accepted(name: str) -> None:
    assert parameter_name_problems(name) == []


@FAST
@given(st.text(max_size=300))
def test_parameter_name_rule_never_raises(name: str) -> None:
    problems_only(parameter_name_problems(name))


@FAST
@given(st.from_regex(r"[A-Za-z0-9/_+=.@]{1,40}", fullmatch=True))
def test_secret_names_accepted(name: str) -> None:
    assert secret_name_problems(name) == []


@FAST
@given(ANYTHING)
def test_secret_name_rule_never_raises(name: object) -> None:
    problems_only(secret_name_problems(name))  # type: ignore[arg-type]


# Regions ------------------------------------------------------------------------------------------------------
@FAST
@given(st.sampled_from([region.name for region in RegionInfo.regions]))
def test_every_known_region_is_a_region(region: str) -> None:
    assert region_problems("region", region) == []


@FAST
@given(ANYTHING)
def test_region_rule_never_raises(region: object) -> None:
    problems_only(region_problems("region", region))


# CA ARNs: the acm-pca ARN shape, a region of aws-cdk-lib's region facts in its own partition ------------------
KNOWN_REGIONS = sorted(r.name for r in RegionInfo.regions if r.partition)
CA_ID = st.from_regex(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", fullmatch=True)


@FAST
@given(ANYTHING)
def test_ca_arn_rule_never_raises(value: object) -> None:
    problems_only(_arn.ca_arn_problems("certificate_authority", value))


@FAST
@given(st.sampled_from(KNOWN_REGIONS), st.from_regex(r"\d{12}", fullmatch=True), CA_ID)
def test_ca_arn_rule_accepts_every_ca_arn_of_a_known_region(region: str, account: str, ca_id: str) -> None:
    partition = RegionInfo.get(region).partition
    arn = f"arn:{partition}:acm-pca:{region}:{account}:certificate-authority/{ca_id}"
    assert _arn.ca_arn_problems("certificate_authority", arn) == []


@FAST
@given(st.sampled_from(KNOWN_REGIONS), st.sampled_from("abcdef"), CA_ID)
def test_ca_arn_rule_refuses_an_availability_zone_as_region(region: str, zone: str, ca_id: str) -> None:
    partition = RegionInfo.get(region).partition
    arn = f"arn:{partition}:acm-pca:{region}{zone}:111111111111:certificate-authority/{ca_id}"
    [problem] = _arn.ca_arn_problems("certificate_authority", arn)
    assert problem.field == "certificate_authority"


# Certificate ARNs: the botocore acm model's arn:<partition>:acm:<region>:<account>:certificate/<id> ----------
class _Imported:
    """Stands for any certificate: the rule reads only ``certificate_arn``."""

    def __init__(self, certificate_arn: object) -> None:
        self.certificate_arn = certificate_arn


ACM_ARN = st.builds(
    "arn:{}:acm:{}:{}:certificate/{}".format,
    st.sampled_from(["aws", "aws-cn", "aws-us-gov"]),
    st.sampled_from(["us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"]),
    st.from_regex(r"[0-9]{12}", fullmatch=True),
    st.uuids().map(str),
)


@FAST
@given(ANYTHING)
def test_certificate_arn_rule_never_raises(arn: object) -> None:
    problems_only(certificate_arn_problems("certificate", _Imported(arn)))
    problems_only(certificate_arn_problems("certificates", [_Imported(arn), arn]))


@FAST
@given(ACM_ARN)
def test_certificate_arn_rule_accepts_acm_certificate_arns(arn: str) -> None:
    assert certificate_arn_problems("certificate", _Imported(arn)) == []


@FAST
@given(ACM_ARN, st.sampled_from(["", "x", ":", "arn:", "arn:aws:acm-pca:"]))
def test_certificate_arn_rule_refuses_what_is_no_acm_certificate_arn(arn: str, prefix: str) -> None:
    wrong = prefix + arn.replace(":acm:", ":acm-pca:") if prefix else arn.replace("certificate/", "")
    [problem] = certificate_arn_problems("certificates", [_Imported(arn), _Imported(wrong)])
    assert problem.field == "certificates[1]" and problem.value == wrong
