"""Pure rules for expiry alarms (no CDK scope): each function returns the problems it finds.

Shared by the ACM-certificate alarms (:mod:`pki_constructs.expiry_alarm`) and the CA alarms
(:mod:`pki_constructs.ca_expiry`).
"""

from __future__ import annotations

from aws_cdk import Duration

from .errors import Problem
from .inputs import is_token, token_days, token_days_problem

ACCOUNT_DAYS_BEFORE_EXPIRY_RANGE = (1, 45)
"""``AWS::CertificateManager::Account`` ``ExpiryEventsConfiguration.DaysBeforeExpiry`` bounds."""

CHECK_INTERVAL_RANGE = (Duration.hours(1), Duration.hours(12))
"""The CA alarm period is twice the check interval and CloudWatch alarm periods go up to one day."""


def days_of(duration: Duration) -> float:
    return float(duration.to_hours(integral=False)) / 24


# Thresholds -----------------------------------------------------------------------------------------------


def threshold_problems(
    threshold: Duration,
    *,
    lifetime: Duration | None,
    lifetime_source: str = "certificate",
    field: str = "threshold",
) -> list[Problem]:
    """The alarm fires when days-to-expiry drops *below* ``threshold``: it must be a whole number of days,
    at least one, and below the lifetime of what it watches (else it fires from the day of issue)."""
    if is_token(threshold):  # unknown until deploy: only its unit can be checked (issue 11)
        return [] if token_days(threshold) is not None else [token_days_problem(field)]
    days = days_of(threshold)
    problems: list[Problem] = []
    if days != int(days):
        problems.append(
            Problem(
                field, threshold.to_human_string(), "must be a whole number of days", "use Duration.days(n)"
            )
        )
    if days < 1:
        problems.append(
            Problem(
                field,
                threshold.to_human_string(),
                "must be at least 1 day: below that the alarm could only fire once the certificate has expired",
                "use Duration.days(1) or more (the default follows the certificate's lifetime)",
            )
        )
    if lifetime is not None and days >= days_of(lifetime):
        problems.append(
            Problem(
                field,
                threshold.to_human_string(),
                f"must be below the {lifetime_source} lifetime of {days_of(lifetime):g} days, "
                "or the alarm is in ALARM from the day the certificate is issued",
                f"use fewer than {days_of(lifetime):g} days",
            )
        )
    return problems


def renewal_advice(threshold: Duration, *, renewal_window: Duration | None) -> str | None:
    """Advice when a threshold would also fire during ACM's normal renewal window (``None``: nobody renews
    the certificate, e.g. an imported one)."""
    if (
        renewal_window is not None
        and not is_token(threshold)
        and days_of(threshold) >= days_of(renewal_window)
    ):
        window = days_of(renewal_window)
        return (
            f"threshold of {days_of(threshold):g} days is not below ACM's renewal start (~{window:g} days before "
            "expiry for this certificate's lifetime): the alarm fires on healthy renewals too. "
            f"Keep it below {window:g} days so that it means 'renewal failed'."
        )
    return None


# Placement ------------------------------------------------------------------------------------------------


def region_problems(
    *, certificate_region: str | None, alarm_region: str | None, certificate_stack: str | None, field: str
) -> list[Problem]:
    """The metric is published in the certificate's region and alarms read only their own region."""
    if not certificate_region or not alarm_region or certificate_region == alarm_region:
        return []
    where = f"a stack in {certificate_region}"
    if certificate_stack:
        where += f" (e.g. the certificate's own stack {certificate_stack!r})"
    return [
        Problem(
            field,
            certificate_region,
            f"DaysToExpiry of this certificate is published in {certificate_region}, but this alarm's stack is "
            f"in {alarm_region}; CloudWatch alarms only read metrics of their own region",
            f"create the ExpiryAlarm in {where}: ExpiryAlarm.in_certificate_stack(certificate, id, ...) or "
            "public_certificate.add_expiry_alarm(...) place it there for you",
        )
    ]


def account_days_before_expiry_problems(
    days: int, *, field: str = "account_days_before_expiry"
) -> list[Problem]:
    low, high = ACCOUNT_DAYS_BEFORE_EXPIRY_RANGE
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        return [
            Problem(
                field, days, f"must be a whole number of days from {low} to {high}", "e.g. 45 (AWS default)"
            )
        ]
    return []


def check_interval_problems(interval: Duration, *, field: str = "check_interval") -> list[Problem]:
    low, high = CHECK_INTERVAL_RANGE
    if is_token(interval):
        return [
            Problem(
                field,
                "Duration (token)",
                "must be a literal: it sets the schedule and the alarm period, both fixed at synth",
                "e.g. Duration.hours(12) (default) or Duration.hours(6)",
            )
        ]
    minutes = interval.to_minutes(integral=False)
    if minutes != int(minutes) or not low.to_minutes() <= minutes <= high.to_minutes():
        return [
            Problem(
                field,
                interval.to_human_string(),
                f"must be whole minutes from {low.to_human_string()} to {high.to_human_string()}: the alarm "
                "period is twice the interval (so one late run does not flap the alarm) and at most one day",
                "e.g. Duration.hours(12) (default) or Duration.hours(6)",
            )
        ]
    return []
