"""Scheduled handler: publishes how many days each Private CA's own certificate has left.

ACM's ``DaysToExpiry`` metric exists only for ACM certificates; a root or subordinate CA certificate has
none, and when it expires everything under it fails at once. This handler reads ``NotAfter`` with
``DescribeCertificateAuthority`` and publishes ``DaysToExpiry`` in our own namespace with a
``CertificateAuthorityArn`` dimension, so a CloudWatch alarm can watch it.

Event (from the EventBridge rule's fixed input)::

    {"CertificateAuthorityArns": ["arn:aws:acm-pca:<region>:<account>:certificate-authority/<id>", ...]}

Every CA is handled on its own: a CA without a certificate yet, a deleted CA or a CA that keeps failing
(throttling past the SDK's retries, access denied) is reported and the others are still published. No
data point is published for a CA that could not be read, so its alarm (missing data = breaching) fires.
The invocation fails at the end when any CA failed for a reason other than its own state, so the
function's ``Errors`` metric and the async retry see it.

stdlib + boto3 only; never imports pki_constructs.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

LOG = logging.getLogger()
LOG.setLevel(logging.INFO)

DEFAULT_NAMESPACE = "PkiConstructs"
METRIC_NAME = "DaysToExpiry"
DIMENSION = "CertificateAuthorityArn"
# PutMetricData accepts up to 1000 metrics per call (botocore model); small batches keep each request
# far below the 1 MB payload limit.
BATCH_SIZE = 100
# Statuses whose certificate no longer matters: the CA is gone (restorable for a while, but not in use).
GONE_STATUSES = frozenset({"DELETED"})

_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5})


class CaExpiryCheckError(RuntimeError):
    """Raised after publishing, when at least one CA could not be checked."""


@cache
def _pca(region: str) -> Any:
    # The CA may live in another region than this function: its ARN says where to ask.
    return boto3.client("acm-pca", region_name=region, config=_CONFIG)


@cache
def _cloudwatch() -> Any:
    # Metrics go to this function's own region, where the alarms are.
    return boto3.client("cloudwatch", config=_CONFIG)


def _namespace() -> str:
    return os.environ.get("METRIC_NAMESPACE", DEFAULT_NAMESPACE)


def _region_of(arn: str) -> str:
    parts = arn.split(":")
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "acm-pca" or not parts[3]:
        raise ValueError(f"not a Private CA ARN with a region: {arn!r}")
    if not parts[5].startswith("certificate-authority/") or "/certificate/" in parts[5]:
        raise ValueError(f"not a certificate-authority ARN: {arn!r}")
    return parts[3]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _arns_of(event: dict[str, Any]) -> list[str]:
    arns = event.get("CertificateAuthorityArns")
    if not isinstance(arns, list) or not all(isinstance(a, str) for a in arns):
        raise ValueError("event must carry 'CertificateAuthorityArns': a list of Private CA ARNs")
    return _unique(arns)


def check_certificate_authority(arn: str, now: datetime) -> tuple[str, dict[str, Any]]:
    """Describe one CA. Returns ``(outcome, details)`` with outcome ``published`` (details carry
    ``DaysToExpiry``), ``skipped`` (the CA's own state: no certificate yet, deleted) or ``failed``."""
    try:
        region = _region_of(arn)
    except ValueError as error:
        return "failed", {"Reason": str(error)}
    try:
        response = _pca(region).describe_certificate_authority(CertificateAuthorityArn=arn)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "Unknown")
        message = error.response.get("Error", {}).get("Message", "")
        if code == "ResourceNotFoundException":
            return "skipped", {"Reason": "CA not found (deleted permanently?); remove it from monitoring"}
        return "failed", {"Reason": f"{code}: {message}".strip()}
    except BotoCoreError as error:
        return "failed", {"Reason": f"{type(error).__name__}: {error}"}

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


def _put_metrics(published: dict[str, dict[str, Any]], now: datetime) -> dict[str, str]:
    """Publish one data point per CA; returns the CAs whose batch was refused, with the reason."""
    data = [
        {
            "MetricName": METRIC_NAME,
            "Dimensions": [{"Name": DIMENSION, "Value": arn}],
            "Timestamp": now,
            "Value": details["DaysToExpiry"],
        }
        for arn, details in published.items()
    ]
    refused: dict[str, str] = {}
    for start in range(0, len(data), BATCH_SIZE):
        batch = data[start : start + BATCH_SIZE]
        try:
            _cloudwatch().put_metric_data(Namespace=_namespace(), MetricData=batch)
        except (ClientError, BotoCoreError) as error:
            reason = f"PutMetricData: {error}"
            for datum in batch:
                refused[datum["Dimensions"][0]["Value"]] = reason
    return refused


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Check every CA in the event, publish what could be read, report the rest."""
    now = datetime.now(UTC)
    report: dict[str, dict[str, Any]] = {"published": {}, "skipped": {}, "failed": {}}
    for arn in _arns_of(event):
        outcome, details = check_certificate_authority(arn, now)
        report[outcome][arn] = details

    for arn, reason in _put_metrics(report["published"], now).items():
        report["failed"][arn] = {**report["published"].pop(arn), "Reason": reason}

    for arn, details in report["skipped"].items():
        LOG.warning("skipped %s: %s", arn, details["Reason"])
    for arn, details in report["failed"].items():
        LOG.error("failed %s: %s", arn, details["Reason"])
    LOG.info(json.dumps({"namespace": _namespace(), **report}, default=str))

    if report["failed"]:
        raise CaExpiryCheckError(
            f"{len(report['failed'])} of {sum(len(v) for v in report.values())} CA(s) could not be checked: "
            + "; ".join(f"{arn}: {d['Reason']}" for arn, d in report["failed"].items())
        )
    return report
