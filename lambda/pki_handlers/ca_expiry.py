"""Scheduled handler (``pki_handlers.ca_expiry.handler``): publishes how many days each Private CA's own
certificate has left.

ACM's ``DaysToExpiry`` metric exists only for ACM certificates; a root or subordinate CA certificate has
none, and when it expires everything under it fails at once. This handler reads ``NotAfter`` with
``DescribeCertificateAuthority`` and publishes ``DaysToExpiry`` in our own namespace with a
``CertificateAuthorityArn`` dimension, so a CloudWatch alarm can watch it.

Event (from the EventBridge rule's fixed input)::

    {"CertificateAuthorityArns": ["arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>", ...]}

Partial progress: each CA's data point is published as soon as its CA is read, so whatever happens later
in the invocation cannot take it back. Every CA is handled on its own: a CA without a certificate yet, a
deleted CA or a CA that keeps failing (throttling past the SDK's retries, access denied) is reported and
the others are still published. A Region that cannot be reached (connection error or timeout after the
SDK's retries), or that throttles ``THROTTLED_TIMES_DOWN`` reads in a row, costs only its own CAs: its remaining
CAs are not asked again in this invocation. A slow Region cannot starve the others either: the next CA read is
always one of the Region that has used the least time so far, so healthy Regions are read while a slow one
waits its turn. Calls are bounded (``CONNECT_TIMEOUT``/``READ_TIMEOUT``/``ATTEMPTS`` below) and no read starts
without time left for it and the PutMetricData of its value, so what is read is published and the function
(5 minutes) is never killed with work unreported.

No data point is published for a CA that could not be read, so its alarm (missing data = breaching) fires.
The invocation fails at the end when any CA failed for a reason other than its own state, so the
function's ``Errors`` metric, its retries and its dead-letter queue see it.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal, TypedDict

from . import aws
from .arns import parse_ca_arn
from .aws import LambdaContext
from .logs import Logger

LOG = Logger(__name__)

DEFAULT_NAMESPACE = "PkiConstructs"
METRIC_NAME = "DaysToExpiry"
DIMENSION = "CertificateAuthorityArn"
# Statuses whose certificate no longer matters: the CA is gone (restorable for a while, but not in use).
GONE_STATUSES = frozenset({"DELETED"})

CONNECT_TIMEOUT = 3
READ_TIMEOUT = 10
ATTEMPTS = 3
WORST_CALL_SECONDS = aws.worst_call_seconds(
    connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT, attempts=ATTEMPTS
)
"""42 s: a dead Region costs at most this once; the 300 s function fits several."""
THROTTLED_TIMES_DOWN = 2
"""Reads of one Region throttled past the SDK's retries in a row before its other CAs are given up."""

Outcome = Literal["published", "skipped", "failed"]


class CaExpiryEvent(TypedDict):
    CertificateAuthorityArns: list[str]


class Report(TypedDict):
    published: dict[str, dict[str, Any]]
    skipped: dict[str, dict[str, Any]]
    failed: dict[str, dict[str, Any]]


class CaExpiryCheckError(RuntimeError):
    """Raised after publishing, when at least one CA could not be checked."""


@cache
def _config() -> Any:
    return aws.make_config(connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT, attempts=ATTEMPTS)


@cache
def _pca(region: str) -> Any:
    # The CA may live in another region than this function: its ARN says where to ask.
    import boto3

    return boto3.client("acm-pca", region_name=region, config=_config())


@cache
def _cloudwatch() -> Any:
    # Metrics go to this function's own region, where the alarms are.
    import boto3

    return boto3.client("cloudwatch", config=_config())


def _namespace() -> str:
    return os.environ.get("METRIC_NAMESPACE", DEFAULT_NAMESPACE)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _arns_of(event: CaExpiryEvent | dict[str, Any]) -> list[str]:
    arns = event.get("CertificateAuthorityArns")
    if not isinstance(arns, list) or not all(isinstance(a, str) for a in arns):
        raise ValueError("event must carry 'CertificateAuthorityArns': a list of Private CA ARNs")
    return _unique(arns)


def _reason(error: BaseException) -> str:
    code = aws.error_code(error)
    return f"{code}: {aws.error_message(error)}".strip() if code else f"{type(error).__name__}: {error}"


def check_certificate_authority(arn: str, now: datetime) -> tuple[Outcome, dict[str, Any]]:
    """Describe one CA. Returns ``(outcome, details)`` with outcome ``published`` (details carry
    ``DaysToExpiry``), ``skipped`` (the CA's own state: no certificate yet, deleted) or ``failed``
    (details carry ``Reason``, and ``Unreachable`` when the CA's Region did not answer)."""
    try:
        region = parse_ca_arn(arn).region
    except ValueError as error:
        return "failed", {"Reason": str(error)}
    try:
        # Time for the read and for publishing its value: a value read is never dropped for lack of time.
        aws.DEADLINE.check("DescribeCertificateAuthority", arn, 2 * WORST_CALL_SECONDS)
        response = _pca(region).describe_certificate_authority(CertificateAuthorityArn=arn)
    except aws.OutOfTime as error:
        return "failed", {"Reason": f"not checked: {error}"}
    except Exception as error:
        if aws.error_code(error) == "ResourceNotFoundException":
            return "skipped", {"Reason": "CA not found (deleted permanently?); remove it from monitoring"}
        if aws.error_code(error) or aws.is_network_error(error):
            details: dict[str, Any] = {"Reason": _reason(error)}
            if not aws.error_code(error):
                details["Unreachable"] = region
            elif aws.error_code(error) in aws.THROTTLING_CODES:
                details["Throttled"] = region
            return "failed", details
        raise

    ca = response["CertificateAuthority"]
    status = ca.get("Status", "UNKNOWN")
    if status in GONE_STATUSES:
        return "skipped", {"Status": status, "Reason": "CA is deleted; remove it from monitoring"}
    not_after = ca.get("NotAfter")
    if not_after is None:
        # PENDING_CERTIFICATE (not yet activated), CREATING or FAILED: there is no CA certificate to age.
        return "skipped", {"Status": status, "Reason": "CA has no certificate yet"}
    days = (not_after - now).total_seconds() / 86400
    return "published", {"Status": status, "NotAfter": not_after.isoformat(), "DaysToExpiry": round(days, 3)}


def _put_metric(arn: str, days: float, now: datetime) -> str | None:
    """Publish one CA's data point at once; returns why it was refused, or None."""
    try:
        aws.DEADLINE.check("PutMetricData", arn)
        _cloudwatch().put_metric_data(
            Namespace=_namespace(),
            MetricData=[
                {
                    "MetricName": METRIC_NAME,
                    "Dimensions": [{"Name": DIMENSION, "Value": arn}],
                    "Timestamp": now,
                    "Value": days,
                }
            ],
        )
    except aws.OutOfTime as error:
        return f"PutMetricData not started: {error}"
    except Exception as error:
        if aws.error_code(error) or aws.is_network_error(error):
            return f"PutMetricData: {_reason(error)}"
        raise
    return None


def handler(event: CaExpiryEvent | dict[str, Any], context: LambdaContext | None) -> Report:
    """Check every CA in the event, publishing each as soon as it is read; report the rest."""
    aws.DEADLINE.start(context, WORST_CALL_SECONDS)
    now = datetime.now(UTC)
    report: Report = {"published": {}, "skipped": {}, "failed": {}}
    down: dict[str | None, str] = {}
    throttled: Counter[str | None] = Counter()
    spent: dict[str | None, float] = {}
    pending: dict[str | None, list[str]] = {}
    for arn in _arns_of(event):
        pending.setdefault(_region_or_none(arn), []).append(arn)
        spent.setdefault(_region_or_none(arn), 0.0)
    while pending:
        # The Region that has used the least time goes next (first listed on a tie): a slow or throttling
        # Region gets its turns but cannot use up the invocation before the others are read.
        region = min(pending, key=spent.__getitem__)
        arn = pending[region].pop(0)
        if not pending[region]:
            del pending[region]
        if region in down:
            report["failed"][arn] = {"Reason": f"not checked: {region} {down[region]}"}
            continue
        started = time.monotonic()
        outcome, details = check_certificate_authority(arn, now)
        throttled[region] = throttled[region] + 1 if "Throttled" in details else 0
        if "Unreachable" in details:
            down[region] = f"did not answer ({details['Reason']})"
        elif throttled[region] >= THROTTLED_TIMES_DOWN:
            down[region] = f"kept throttling ({details['Reason']})"
        if outcome == "published":
            refused = _put_metric(arn, details["DaysToExpiry"], now)
            if refused is not None:
                outcome, details = "failed", {**details, "Reason": refused}
        spent[region] += time.monotonic() - started
        report[outcome][arn] = details
        LOG.info(outcome, certificate_authority=arn, **details)

    LOG.info(
        "summary",
        namespace=_namespace(),
        published=len(report["published"]),
        skipped=len(report["skipped"]),
        failed=len(report["failed"]),
    )
    for arn, details in report["skipped"].items():
        LOG.warning("skipped", certificate_authority=arn, reason=details["Reason"])
    for arn, details in report["failed"].items():
        LOG.error("failed", certificate_authority=arn, reason=details["Reason"])
    if report["failed"]:
        raise CaExpiryCheckError(
            f"{len(report['failed'])} of {len(_arns_of(event))} CA(s) could not be checked "
            "(grant acm-pca:DescribeCertificateAuthority on them and check their Regions answer): "
            + "; ".join(f"{arn}: {d['Reason']}" for arn, d in report["failed"].items())
        )
    return report


def _region_or_none(arn: str) -> str | None:
    try:
        return parse_ca_arn(arn).region
    except ValueError:
        return None
