"""Pure name rules for public certificates and CloudFront aliases (milliseconds, no synth)."""

from __future__ import annotations

import re

import botocore.session
import pytest
from aws_cdk import Fn

from pki_constructs.domain_names import (
    ACM_DOMAIN_PATTERN,
    DEFAULT_MAX_NAMES,
    common_name_problems,
    covers,
    dedupe_names,
    domain_name_problems,
    in_zone,
    name_count_problems,
    names_problems,
)


def test_pattern_is_the_botocore_acm_pattern() -> None:
    model = botocore.session.get_session().get_service_model("acm")
    shape = model.operation_model("RequestCertificate").input_shape.members["DomainName"]
    assert ACM_DOMAIN_PATTERN.pattern == shape.metadata["pattern"]
    assert shape.metadata["max"] == 253


@pytest.mark.parametrize(
    "name",
    [
        "example.com",
        "www.example.com",
        "*.example.com",
        "a-b.c-d.example.co.uk",
        "xn--bcher-kva.example",
        "x" * 63 + ".com",
    ],
)
def test_valid_names_pass(name: str) -> None:
    assert domain_name_problems(name, field="domain_name") == []


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("*.*.example.com", "wildcard"),
        ("a*.example.com", "wildcard"),
        ("*x.example.com", "wildcard"),
        ("www.*.example.com", "wildcard"),
        ("*", "wildcard"),
        ("*.com", "two labels"),
        ("example.com.", "trailing dot"),
        ("-www.example.com", "ACM's domain pattern"),
        ("www-.example.com", "ACM's domain pattern"),
        ("www..example.com", "ACM's domain pattern"),
        ("localhost", "ACM's domain pattern"),
        ("under_score.example.com", "ACM's domain pattern"),
        ("x" * 64 + ".com", "63 characters"),
        (".".join(["abcdefghi"] * 26) + ".com", "253 characters"),
        ("ab--cd.example.com", "reserved for 'xn--'"),
        ("xn--.example.com", "not valid punycode"),
    ],
)
def test_fails_domain_name_rules(name: str, rule: str) -> None:
    problems = domain_name_problems(name, field="subject_alternative_names[2]")
    assert problems, name
    assert all(p.field == "subject_alternative_names[2]" for p in problems)
    assert any(rule in p.rule for p in problems), [p.rule for p in problems]


def test_token_names_are_not_checked() -> None:
    assert domain_name_problems(Fn.ref("Name"), field="domain_name") == []


def test_fails_common_name_longer_than_64() -> None:
    long_name = "a" * 60 + ".example.com"
    (problem,) = common_name_problems(long_name, field="domain_name")
    assert problem.field == "domain_name"
    assert "64" in problem.rule
    assert common_name_problems("a" * 52 + ".example.com", field="domain_name") == []


def test_long_name_is_fine_as_a_san() -> None:
    long_name = "a" * 60 + ".example.com"
    assert names_problems("example.com", [long_name]) == []
    assert [p.field for p in names_problems(long_name, ["example.com"])] == ["domain_name"]


def test_dedupe_is_case_insensitive_and_keeps_order() -> None:
    assert dedupe_names(["WWW.example.com", "example.com", "www.EXAMPLE.com", "*.example.com"]) == [
        "www.example.com",
        "example.com",
        "*.example.com",
    ]


def test_duplicates_do_not_count_against_the_quota() -> None:
    names = [f"n{i}.example.com" for i in range(DEFAULT_MAX_NAMES - 1)]
    assert names_problems("example.com", [*names, "EXAMPLE.com", names[0]]) == []


def test_fails_more_than_ten_names() -> None:
    names = [f"n{i}.example.com" for i in range(DEFAULT_MAX_NAMES)]
    (problem,) = names_problems("example.com", names)
    assert problem.field == "subject_alternative_names"
    assert "quota" in problem.rule
    assert "max_names" in problem.fix


def test_raised_quota_allows_more_names() -> None:
    names = [f"n{i}.example.com" for i in range(20)]
    assert names_problems("example.com", names, max_names=25) == []


def test_fails_max_names_above_api_limit() -> None:
    (problem,) = name_count_problems(["a.example.com"], max_names=101, field="subject_alternative_names")
    assert problem.field == "max_names"
    assert "100" in problem.rule


@pytest.mark.parametrize(
    ("name", "zone", "inside"),
    [
        ("example.com", "example.com", True),
        ("www.example.com", "example.com", True),
        ("*.example.com", "example.com", True),
        ("*.api.example.com", "example.com", True),
        ("WWW.Example.com", "example.com.", True),
        ("example.com", "www.example.com", False),
        ("badexample.com", "example.com", False),
        ("www.example.org", "example.com", False),
        ("*.example.com", "api.example.com", False),
    ],
)
def test_in_zone(name: str, zone: str, inside: bool) -> None:
    assert in_zone(name, zone) is inside


@pytest.mark.parametrize(
    ("names", "alias", "covered"),
    [
        (["*.example.com"], "a.example.com", True),
        (["*.example.com"], "A.Example.com", True),
        (["*.example.com"], "*.example.com", True),
        (["*.example.com"], "example.com", False),
        (["*.example.com"], "a.b.example.com", False),
        (["*.example.com"], "*.a.example.com", False),
        (["*.example.com", "example.com"], "example.com", True),
        (["www.example.com"], "www.example.com", True),
        (["www.example.com"], "api.example.com", False),
        (["a.example.com"], "*.example.com", False),
        ([], "example.com", False),
    ],
)
def test_covers_wildcard_semantics(names: list[str], alias: str, covered: bool) -> None:
    assert covers(names, alias) is covered


def test_rules_report_field_value_and_fix() -> None:
    (problem,) = domain_name_problems("*.*.example.com", field="domain_name")
    text = problem.describe()
    assert re.search(r"domain_name='\*\.\*\.example\.com'", text)
    assert "Fix:" in text
