"""The CA/Browser Forum SC-081 schedule and the thresholds that follow from it, on both sides of every date
(issue 18.3). The date is injected through the ``pki-constructs:today`` context key."""

from __future__ import annotations

import datetime
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from aws_cdk.assertions import Annotations, Match

from pki_constructs import ExpiryAlarm, PkiValidationError, PublicCertificate
from pki_constructs.lifetime_schedule import (
    PUBLIC_LIFETIME_SCHEDULE,
    TODAY_CONTEXT_KEY,
    acm_public_lifetime_days,
    default_public_threshold_days,
    default_threshold_days,
    horizon_lifetimes_days,
    next_change,
    next_threshold_change,
    parse_today,
    renewal_window_days,
)
from tests.scaffolding import fixture_zone
from tests.synth import make_app, make_stack, resources_of_type, template_of

CA_ARN = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# The schedule as data ---------------------------------------------------------------------------------------


def test_schedule_states_sc_081_dates_and_maxima() -> None:
    steps = [(p.effective, p.cabf_maximum_days) for p in PUBLIC_LIFETIME_SCHEDULE[1:]]
    assert steps == [(d("2026-03-15"), 200), (d("2027-03-15"), 100), (d("2029-03-15"), 47)]
    assert [p.effective for p in PUBLIC_LIFETIME_SCHEDULE] == sorted(
        p.effective for p in PUBLIC_LIFETIME_SCHEDULE
    )
    for period in PUBLIC_LIFETIME_SCHEDULE:
        assert period.acm_lifetime_days < period.cabf_maximum_days


@pytest.mark.parametrize(
    ("day", "lifetime"),
    [
        ("2026-02-17", 395),
        ("2026-02-18", 198),  # ACM moved ahead of the first SC-081 step
        ("2026-03-15", 198),
        ("2027-03-14", 198),
        ("2027-03-15", 98),
        ("2029-03-14", 98),
        ("2029-03-15", 45),
    ],
)
def test_acm_public_lifetime_on_each_side_of_each_date(day: str, lifetime: int) -> None:
    assert acm_public_lifetime_days(d(day)) == lifetime


def test_renewal_window_is_sixty_days_or_a_third_of_shorter_lifetimes() -> None:
    assert [renewal_window_days(days) for days in (395, 198, 98, 45)] == [60, 60, 32, 15]
    assert [default_threshold_days(days) for days in (395, 198, 98, 45)] == [30, 30, 16, 7]


@pytest.mark.parametrize(
    ("day", "horizon", "threshold"),
    [
        # the renewal is issued when ACM's window opens: issue date + lifetime - window (60 / 32 / 15 days)
        ("2026-06-01", [198], 30),  # renews 2026-10-17: still 198 days
        ("2026-10-27", [198], 30),  # renews 2027-03-14: the last day of the 198-day step
        ("2026-10-28", [198, 98], 16),  # renews 2027-03-15 under the 98-day step
        ("2026-11-29", [198, 98], 16),
        ("2027-03-14", [198, 98], 16),
        ("2027-03-15", [98], 16),
        ("2028-12-01", [98], 16),  # renews 2029-02-05: still 98 days
        ("2029-01-07", [98], 16),  # renews 2029-03-14
        ("2029-01-08", [98, 45], 7),  # renews 2029-03-15 under the 45-day step
        ("2029-03-15", [45], 7),
    ],
)
def test_default_threshold_covers_the_next_renewal(day: str, horizon: list[int], threshold: int) -> None:
    assert horizon_lifetimes_days(d(day)) == horizon
    assert default_public_threshold_days(d(day)) == threshold


@pytest.mark.parametrize(
    ("day", "change"),
    [
        ("2025-06-01", ("2026-10-28", 16)),  # not 2026-02-13: a 395-day certificate renews at 335 days
        ("2026-06-01", ("2026-10-28", 16)),  # from then a 198-day certificate renews on or after 2027-03-15
        ("2026-11-29", ("2029-01-08", 7)),  # from then a 98-day certificate renews on or after 2029-03-15
        ("2029-03-15", None),
    ],
)
def test_next_threshold_change(day: str, change: tuple[str, int] | None) -> None:
    expected = (d(change[0]), change[1]) if change else None
    assert next_threshold_change(d(day)) == expected


@pytest.mark.parametrize("day", ["2025-06-01", "2026-03-14", "2026-06-01", "2026-11-29", "2028-12-07"])
def test_the_announced_change_is_what_synth_gives_from_that_date_on(day: str) -> None:
    """One computation: the default never changes before the announced date, and is the announced value then."""
    change = next_threshold_change(d(day))
    assert change is not None
    when, value = change
    assert default_public_threshold_days(when) == value
    assert default_public_threshold_days(when - datetime.timedelta(days=1)) == default_public_threshold_days(
        d(day)
    )


def test_next_change() -> None:
    assert next_change(d("2026-11-29")).effective == d("2027-03-15")  # type: ignore[union-attr]
    assert next_change(d("2027-03-15")).effective == d("2029-03-15")  # type: ignore[union-attr]
    assert next_change(d("2029-03-15")) is None


def test_parse_today() -> None:
    assert parse_today(None) is None
    assert parse_today("2027-03-15") == d("2027-03-15")
    with pytest.raises(ValueError):
        parse_today("15/03/2027")


# The alarm follows the injected date -----------------------------------------------------------------------


def _public_alarm(day: str, **props: Any) -> tuple[cdk.Stack, ExpiryAlarm]:
    stack = make_stack(make_app(**{TODAY_CONTEXT_KEY: day}))
    cert = PublicCertificate(stack, "Cert", domain_name="www.example.com", hosted_zone=fixture_zone(stack))
    return stack, cert.add_expiry_alarm(**props)


def _threshold(stack: cdk.Stack) -> Any:
    [alarm] = resources_of_type(template_of(stack), "AWS::CloudWatch::Alarm").values()
    return alarm["Properties"]["Threshold"]


@pytest.mark.parametrize(
    ("day", "threshold"),
    [
        ("2026-06-01", 30),
        ("2026-10-27", 30),
        ("2026-10-28", 16),
        ("2027-03-15", 16),
        ("2029-01-07", 16),
        ("2029-01-08", 7),
        ("2029-03-15", 7),
    ],
)
def test_public_alarm_threshold_on_both_sides_of_each_date(day: str, threshold: int) -> None:
    stack, _ = _public_alarm(day)
    assert _threshold(stack) == threshold


@pytest.mark.parametrize(
    ("day", "lifetime"), [("2026-06-01", "198"), ("2027-03-15", "98"), ("2029-03-15", "45")]
)
def test_fails_threshold_at_the_lifetime_in_force(day: str, lifetime: str) -> None:
    with pytest.raises(PkiValidationError) as error:
        _public_alarm(day, threshold=Duration.days(int(lifetime)))
    assert f"lifetime of {lifetime} days" in {p.field: p.rule for p in error.value.problems}["threshold"]


@pytest.mark.parametrize(
    ("day", "threshold", "warns"),
    [
        ("2026-06-01", 40, False),
        ("2027-03-15", 40, True),
        ("2027-03-15", 30, False),
        ("2029-03-15", 30, True),
    ],
)
def test_a_threshold_warns_once_it_is_inside_the_renewal_window(
    day: str, threshold: int, warns: bool
) -> None:
    """ACM starts renewing 198-day certificates ~60 days before expiry, 98-day ones at ~32 and 45-day ones at
    ~15: the same threshold that meant "renewal failed" then fires on healthy renewals."""
    stack, alarm = _public_alarm(day, threshold=Duration.days(threshold))
    found = Annotations.from_stack(stack).find_warning(
        f"/{alarm.node.path}", Match.string_like_regexp("renewal start")
    )
    assert bool(found) is warns


def test_info_names_the_date_the_default_changes() -> None:
    stack, alarm = _public_alarm("2026-11-29")
    found = Annotations.from_stack(stack).find_info(
        f"/{alarm.node.path}", Match.string_like_regexp("from 2029-01-08 on it becomes 7 days")
    )
    assert len(found) == 1


def test_info_says_the_lifetime_rule_was_skipped_for_an_import() -> None:
    stack = make_stack(make_app(**{TODAY_CONTEXT_KEY: "2029-03-15"}))
    imported = acm.Certificate.from_certificate_arn(
        stack,
        "Imported",
        "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555",
    )
    alarm = ExpiryAlarm(stack, "Expiry", certificate=imported)
    assert _threshold(stack) == 30
    found = Annotations.from_stack(stack).find_info(
        f"/{alarm.node.path}", Match.string_like_regexp(r"ruleSkipped.*SC-081.*threshold=Duration.days\(7\)")
    )
    assert len(found) == 1


def test_private_and_imported_certificates_do_not_follow_the_public_schedule() -> None:
    for day in ("2026-06-01", "2029-03-15"):
        stack = make_stack(make_app(**{TODAY_CONTEXT_KEY: day}))
        ca = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Ca", CA_ARN)
        private = acm.PrivateCertificate(
            stack, "P", domain_name="a.internal.example", certificate_authority=ca
        )
        ExpiryAlarm(stack, "Expiry", certificate=private)
        assert _threshold(stack) == 30


def test_fails_a_malformed_today() -> None:
    stack = make_stack(make_app(**{TODAY_CONTEXT_KEY: "next tuesday"}))
    cert = PublicCertificate(stack, "Cert", domain_name="www.example.com", hosted_zone=fixture_zone(stack))
    with pytest.raises(PkiValidationError) as error:
        cert.add_expiry_alarm()
    assert TODAY_CONTEXT_KEY in {p.field for p in error.value.problems}
