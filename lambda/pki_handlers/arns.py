"""ARN parsing shared by every handler (one implementation; the constructs have their own ``_arn``)."""

from __future__ import annotations

import re
from typing import NamedTuple

_CA_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):acm-pca:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"certificate-authority/(?P<id>[0-9a-zA-Z-]+)$"
)


class CaArn(NamedTuple):
    """The parts of an AWS Private CA ARN."""

    arn: str
    partition: str
    region: str
    account: str
    ca_id: str


def parse_ca_arn(arn: str) -> CaArn:
    """Parse ``arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<id>``; ValueError otherwise
    (a certificate ARN under a CA is refused too)."""
    match = _CA_ARN.match(arn)
    if match is None:
        raise ValueError(f"{arn!r} is not an AWS Private CA ARN")
    return CaArn(arn, match["partition"], match["region"], match["account"], match["id"])


def is_ca_arn(arn: str) -> bool:
    return _CA_ARN.match(arn) is not None


def issuer_of(certificate_arn: str) -> str:
    """The CA ARN of a certificate ARN issued by AWS Private CA (``<ca arn>/certificate/<serial>``)."""
    return certificate_arn.split("/certificate/")[0]


# arn:<partition>:<service>:<region>:<account>:<resource> (AWS General Reference, "Amazon Resource Names").
_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):[^:]*:.+$")


def _fields(arn: str) -> re.Match[str]:
    match = _ARN.match(arn)
    if match is None:
        raise ValueError(f"{arn!r} is not an ARN")
    return match


def region_of(arn: str) -> str:
    """The Region field of any regional ARN."""
    region = _fields(arn)["region"]
    if not region:
        raise ValueError(f"{arn!r} is not a regional ARN")
    return region


def partition_of(arn: str) -> str:
    """The partition field of any ARN (``aws``, ``aws-cn``, ``aws-us-gov``, ...)."""
    return _fields(arn)["partition"]
