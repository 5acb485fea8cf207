"""Hierarchy rules: what AWS Private CA enforces between a CA and its parent, as pure functions.

They need no construct scope, so they are unit-tested in milliseconds; the parent is described by its
:class:`~pki_constructs.ca_facts.CaFacts`, and each rule whose fact is unknown is skipped.
"""

from __future__ import annotations

import datetime

from aws_cdk import Duration

from .algorithms import KeyAlgorithm, UsageMode, child_key_compatible_with_parent
from .ca_facts import CaFacts
from .errors import Problem
from .inputs import is_token
from .subject import DistinguishedName
from .templates import MAX_PATH_LENGTH

MAX_HIERARCHY_DEPTH = 5
"""AWS Private CA hierarchies have at most five levels: a root and four subordinate levels."""


# Pure rules -------------------------------------------------------------------------------------------


def validity_problems(validity: Duration) -> list[Problem]:
    if is_token(validity):
        return []
    days = validity.to_days(integral=False)
    if days < 1 or days != int(days):
        return [
            Problem(
                "validity",
                f"{days} days",
                "a CA validity is a whole number of days, at least 1",
                "use Duration.days(n)",
            )
        ]
    return []


def path_length_problems(path_length: int) -> list[Problem]:
    if (
        isinstance(path_length, bool)
        or not isinstance(path_length, int)
        or not 0 <= path_length <= MAX_PATH_LENGTH
    ):
        return [
            Problem(
                "path_length",
                path_length,
                "AWS issues subordinate CA certificates with path length 0 to 3 only",
                "use 0 for a CA that issues only end-entity certificates",
            )
        ]
    return []


def hierarchy_problems(
    *,
    subject: DistinguishedName,
    key_algorithm: KeyAlgorithm,
    validity: Duration,
    path_length: int,
    parent: CaFacts,
    today: datetime.date | None = None,
) -> list[Problem]:
    """Rules between a subordinate CA and its parent, as AWS Private CA enforces them at IssueCertificate.

    :param today: the date the child's certificate is taken to be issued on, for the parent's ``not_after``
        (SubordinateCa passes the ``pki-constructs:today`` context, else today's UTC date). Default: - the
        ``not_after`` rule is skipped
    """
    problems = []
    if parent.usage_mode is UsageMode.SHORT_LIVED_CERTIFICATE:
        problems.append(
            Problem(
                "parent",
                "SHORT_LIVED_CERTIFICATE CA",
                "a short-lived-certificate CA must be the last CA of its hierarchy",
                "make the parent GENERAL_PURPOSE, or give this CA another parent",
            )
        )
    if parent.path_length is not None and path_length >= parent.path_length:
        rule = (
            "the parent has path length 0, so it cannot issue CA certificates"
            if parent.path_length == 0
            else f"AWS requires a child path length below the parent's ({parent.path_length})"
        )
        fix = (
            "give the parent path_length >= 1"
            if parent.path_length == 0
            else f"use path_length <= {parent.path_length - 1}"
        )
        problems.append(Problem("path_length", path_length, rule, fix))
    if parent.depth is not None and parent.depth + 1 > MAX_HIERARCHY_DEPTH:
        problems.append(
            Problem(
                "parent",
                f"CA at depth {parent.depth}",
                f"AWS Private CA hierarchies have at most {MAX_HIERARCHY_DEPTH} levels",
                "attach this CA higher up the hierarchy",
            )
        )
    if (
        parent.validity is not None
        and not is_token(validity)
        and not is_token(parent.validity)
        and validity.to_days(integral=False) >= parent.validity.to_days(integral=False)
    ):
        problems.append(
            Problem(
                "validity",
                f"{validity.to_days(integral=False):g} days",
                f"a CA certificate must expire before its parent's ({parent.validity.to_days(integral=False):g} days)",
                f"use at most Duration.days({int(parent.validity.to_days(integral=False)) - 1}); AWS advises "
                "a parent 2-5 times longer than its children",
            )
        )
    problems += outlives_parent_problems(validity, parent=parent, today=today)
    if parent.subject is not None and parent.subject.same_name_as(subject):
        problems.append(
            Problem(
                "subject",
                str(subject),
                "a subordinate CA with its parent's name looks self-issued and confuses path building",
                "give it its own common name, e.g. '... Issuing CA G1'",
            )
        )
    if parent.key_algorithm is not None:
        problems += child_key_compatible_with_parent(key_algorithm, parent.key_algorithm)
    return problems


def outlives_parent_problems(
    validity: Duration, *, parent: CaFacts, today: datetime.date | None
) -> list[Problem]:
    """A child certificate issued on ``today`` for ``validity`` must end before the parent's ``not_after``:
    AWS Private CA refuses a CA certificate that outlives its issuer. The child's end is *estimated* as
    ``today + validity``; the real certificate is issued at deploy, later, so the estimate errs on the side of
    accepting, and the activation handler still refuses at deploy what slips through."""
    if parent.not_after is None or today is None or is_token(validity):
        return []
    days = validity.to_days(integral=False)
    child_end = today + datetime.timedelta(days=days)
    if child_end < parent.not_after:
        return []
    room = (parent.not_after - today).days - 1
    return [
        Problem(
            "validity",
            f"{days:g} days",
            f"a CA certificate must end before its parent's, which ends on {parent.not_after.isoformat()} "
            f"(not_after); issued on {today.isoformat()} (the pki-constructs:today context, else today's UTC "
            f"date) this one would end on {child_end.isoformat()}",
            f"use at most Duration.days({room})"
            if room >= 1
            else "renew the parent CA's certificate first (its owner), then import it with the new not_after",
        )
    ]


def skipped_hierarchy_rules(parent: CaFacts) -> dict[str, str]:
    """The hierarchy rules that :func:`hierarchy_problems` cannot run for this parent: rule -> missing fact."""
    needs = {
        "path length below the parent's": ("path_length", parent.path_length),
        "at most five hierarchy levels": ("depth", parent.depth),
        "validity within the parent's": ("validity or not_after", parent.validity or parent.not_after),
        "a name other than the parent's": ("subject", parent.subject),
        "key compatible with the parent's": ("key_algorithm", parent.key_algorithm),
        "parent is not a short-lived-certificate CA": ("usage_mode", parent.usage_mode),
    }
    return {rule: fact for rule, (fact, value) in needs.items() if value is None}
