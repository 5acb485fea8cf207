"""How long public TLS certificates live, by date, and the expiry thresholds that follow from it.

Pure data and functions, so the schedule is tested on both sides of every date; only :func:`today_of` reads
a scope (the date comes from the ``pki-constructs:today`` context).

**CA/Browser Forum ballot SC-081** (Baseline Requirements 7.1.2.7; cabforum/servercert#553) lowers the
maximum validity of publicly trusted TLS certificates in steps:

=================  ========================  ====================================================
from               maximum (CA/B Forum)      ACM public certificate lifetime
=================  ========================  ====================================================
(before)           398 days                  395 days (13 months)
2026-03-15         200 days                  198 days (ACM since 2026-02-18)
2027-03-15         100 days                  98 days (assumed: ACM's 2-day margin under the maximum)
2029-03-15         47 days                   45 days (assumed: the same margin)
=================  ========================  ====================================================

**ACM's renewal window.** ACM starts managed renewal 60 days before expiry: documented for 13-month
certificates ("After 11 months" in the public-certificate page, "When a managed certificate is 60 days away
from expiration" in renew-private-cert.html) and reported unchanged for the 198-day certificates (research
notes: reliability_security.md, "Validity"; one secondary source says ~45 days). ACM has not documented the
window for 98- or 45-day certificates. We assume it scales to at most a third of the lifetime (the share
ACME clients such as certbot and Let's Encrypt's guidance use: renew with a third of the lifetime left) and
never exceeds 60 days:

    renewal window = min(60 days, lifetime // 3)

**Default alarm threshold** = half the renewal window: well after renewal should have finished (so the alarm
means "renewal failed", not "renewal is due") and well before expiry (time to act): 30 days for 198-day
certificates, 16 days for 98-day and 7 days for 45-day certificates. A threshold lives in the template until
the next deploy, while the certificate renews under whatever step is in force then; so the default is taken
over the *horizon* of one certificate: every lifetime in force from the synth date until a certificate
issued that day is renewed, i.e. when ACM's renewal window opens (synth date + lifetime - window). Synthesized
on 2026-11-29, a 198-day certificate renews around 2027-04-15, under the 98-day step: the default is 16 days,
not 30. The switch dates follow from that one computation (:func:`next_threshold_change`): 30 -> 16 days from
2026-10-28, 16 -> 7 days from 2029-01-08.

The date is injectable: constructs read the ``pki-constructs:today`` context key (ISO date) and otherwise use
today's UTC date, so a template synthesized after a schedule date gets that period's thresholds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from constructs import IConstruct

from .errors import Problem

TODAY_CONTEXT_KEY = "pki-constructs:today"
"""Context key (``YYYY-MM-DD``) that pins the date the schedule is read at, e.g. in tests or for a planned
deploy after a schedule date: ``cdk synth -c pki-constructs:today=2027-03-15``."""


@dataclass(frozen=True)
class LifetimePeriod:
    """One step of the schedule: from ``effective`` on, public TLS certificates live at most
    ``cabf_maximum_days`` and ACM issues them for ``acm_lifetime_days``."""

    effective: datetime.date
    cabf_maximum_days: int
    acm_lifetime_days: int
    source: str


PUBLIC_LIFETIME_SCHEDULE: tuple[LifetimePeriod, ...] = (
    LifetimePeriod(datetime.date.min, 398, 395, "CA/B Forum BR before SC-081; ACM: 13 months (395 days)"),
    LifetimePeriod(
        datetime.date(2026, 3, 15),
        200,
        198,
        "SC-081 step 1; ACM issues 198-day certificates since 2026-02-18",
    ),
    LifetimePeriod(datetime.date(2027, 3, 15), 100, 98, "SC-081 step 2; ACM figure assumed (maximum - 2)"),
    LifetimePeriod(datetime.date(2029, 3, 15), 47, 45, "SC-081 step 3; ACM figure assumed (maximum - 2)"),
)
"""The SC-081 schedule as data, oldest first."""

ACM_198_DAY_SINCE = datetime.date(2026, 2, 18)
"""ACM issued 198-day public certificates ahead of the first SC-081 step."""

ACM_PRIVATE_LIFETIME_DAYS = 395
"""ACM private certificates (``acm.PrivateCertificate``) are not under the CA/B Forum rules: 13 months."""

ACM_MAX_RENEWAL_WINDOW_DAYS = 60
"""ACM starts managed renewal this many days before expiry (documented for 13-month certificates)."""


def public_period(on: datetime.date) -> LifetimePeriod:
    """The schedule step in force on ``on``."""
    current = PUBLIC_LIFETIME_SCHEDULE[0]
    for period in PUBLIC_LIFETIME_SCHEDULE:
        if period.effective <= on:
            current = period
    return current


def acm_public_lifetime_days(on: datetime.date) -> int:
    """Lifetime of an ACM public certificate issued (or renewed) on ``on``."""
    if ACM_198_DAY_SINCE <= on < PUBLIC_LIFETIME_SCHEDULE[1].effective:
        return 198
    return public_period(on).acm_lifetime_days


def renewal_window_days(lifetime_days: int) -> int:
    """Days before expiry at which ACM starts managed renewal: 60, or a third of a shorter lifetime."""
    return min(ACM_MAX_RENEWAL_WINDOW_DAYS, lifetime_days // 3)


def default_threshold_days(lifetime_days: int) -> int:
    """Half the renewal window (at least 1 day): fires only when renewal has failed, with time left to act."""
    return max(1, renewal_window_days(lifetime_days) // 2)


def horizon_lifetimes_days(on: datetime.date) -> list[int]:
    """ACM public lifetimes of a certificate issued on ``on`` and of its renewal: every step in force from
    ``on`` until that renewal is issued, when ACM's renewal window opens (``on`` + lifetime - window); the
    renewed certificate gets the lifetime in force on that day, not on the old one's expiry."""
    first = acm_public_lifetime_days(on)
    end = on + datetime.timedelta(days=first - renewal_window_days(first))
    later = [p.acm_lifetime_days for p in PUBLIC_LIFETIME_SCHEDULE if on < p.effective <= end]
    return [first, *later]


def shortest_public_lifetime_days(on: datetime.date) -> int:
    """The shortest ACM public lifetime over the horizon of a certificate issued on ``on``."""
    return min(horizon_lifetimes_days(on))


def default_public_threshold_days(on: datetime.date) -> int:
    """The default ``ExpiryAlarm`` threshold for an ACM public certificate synthesized on ``on``."""
    return default_threshold_days(shortest_public_lifetime_days(on))


def next_threshold_change(on: datetime.date) -> tuple[datetime.date, int] | None:
    """The first date after ``on`` from which the default public threshold differs, and its new value (a
    template synthesized on ``on`` should be synthesized and deployed again from then)."""
    current = default_public_threshold_days(on)
    last = PUBLIC_LIFETIME_SCHEDULE[-1].effective
    day = on
    while day <= last:
        day += datetime.timedelta(days=1)
        value = default_public_threshold_days(day)
        if value != current:
            return day, value
    return None


def next_change(on: datetime.date) -> LifetimePeriod | None:
    """The next schedule step after ``on``, if any."""
    return next((p for p in PUBLIC_LIFETIME_SCHEDULE if p.effective > on), None)


def parse_today(value: object) -> datetime.date | None:
    """The ``pki-constructs:today`` context value as a date; ``None`` when unset. Raises ``ValueError`` for
    anything that is not an ISO date."""
    if value is None:
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def utc_today() -> datetime.date:
    return datetime.datetime.now(datetime.UTC).date()


def today_of(scope: IConstruct) -> datetime.date | Problem:
    """The date the lifetime schedule is read at: the ``pki-constructs:today`` context value, else today
    (UTC). A malformed value is a :class:`Problem`."""
    value = scope.node.try_get_context(TODAY_CONTEXT_KEY)
    try:
        return parse_today(value) or utc_today()
    except ValueError:
        return Problem(
            TODAY_CONTEXT_KEY,
            value,
            "must be an ISO date (YYYY-MM-DD)",
            f"e.g. cdk synth -c {TODAY_CONTEXT_KEY}=2027-03-15, or leave it unset for today",
        )
