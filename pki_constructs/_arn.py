"""ARN parsing and formatting for the constructs: the one place that knows the shapes of the ARNs we check.

Token-aware: an unresolved token is not an ARN we can read, so every parser returns None for it (the rule
that needed the parts is skipped) instead of calling it malformed. Shapes: AWS General Reference, "Amazon
Resource Names"; acm-pca and acm resource types from the botocore service models.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aws_cdk import Token

from .errors import Problem
from .value_rules import partition_of, region_problems

# Every pattern is applied with ``fullmatch``: ``$`` would let a trailing newline through ("...\\n" matches
# ``x$``), and an ARN with one is no ARN AWS accepts.
_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):(?P<account>\d{12}|aws|):(?P<resource>.+)"
)
_CA_RESOURCE = re.compile(r"certificate-authority/[0-9a-zA-Z-]+")
_ACM_RESOURCE = re.compile(r"certificate/[0-9a-zA-Z-]+")
_ROLE_RESOURCE = re.compile(r"role/[\w+=,.@/-]{1,512}")
_ACCOUNT = re.compile(r"\d{12}")
EXTERNAL_ID = re.compile(r"^[\w+=,.@:/-]{2,1224}\Z")  # \Z, not $: callers use .match
"""``sts:AssumeRole`` ExternalId: 2-1224 characters of ``[\\w+=,.@:/-]`` (botocore sts model)."""


@dataclass(frozen=True)
class Arn:
    """The parts of a literal ARN."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    @property
    def resource_id(self) -> str:
        """What follows the resource type: ``<id>`` of ``certificate-authority/<id>``."""
        return self.resource.split("/", 1)[-1]


def is_literal(value: str | None) -> bool:
    """A value known at synth (not None, not an unresolved token)."""
    return value is not None and not Token.is_unresolved(value)


def parse(arn: str | None) -> Arn | None:
    """The parts of a literal ARN; None for a token, None, or a string that is no ARN."""
    if not is_literal(arn):
        return None
    assert arn is not None
    match = _ARN.fullmatch(arn)
    if not match:
        return None
    return Arn(**match.groupdict())


def parse_ca_arn(arn: str | None) -> Arn | None:
    """``arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<id>``, else None.

    A CA always belongs to an account: its ARN names the owner's 12-digit id (not empty, not ``aws``, which
    only AWS-owned resources such as templates carry); the account rules read it."""
    parts = parse(arn)
    if (
        parts
        and parts.service == "acm-pca"
        and parts.region
        and is_account_id(parts.account)
        and _CA_RESOURCE.fullmatch(parts.resource)
    ):
        return parts
    return None


CA_ARN_SHAPE = "arn:<partition>:acm-pca:<region>:<account>:certificate-authority/<id>"


def ca_arn_problems(field: str, arn: object, *, fix: str | None = None) -> list[Problem]:
    """The one rule for a literal CA ARN, wherever a CA is taken (the importer, ``parent=``,
    ``certificate_authority=``, ``trusted_cas=``, ``CaExpiryAlarm``, ``CaRotation``): an AWS Private CA ARN
    (not an ACM certificate, nor a certificate a CA issued, ``.../certificate/<serial>``), whose region is a
    region code (not an availability zone such as ``eu-west-1a``) of the ARN's partition (``arn:aws-cn`` holds
    only ``cn-*`` regions). A token is unknown, not wrong: no problem.

    :param fix: what to do instead. Default: - copy the ARN from ``aws acm-pca list-certificate-authorities``
    """
    if not isinstance(arn, str) or not is_literal(arn):
        return []
    copy = fix or "copy the CA's ARN from `aws acm-pca list-certificate-authorities` (or the console)"
    parts = parse(arn)
    if parts is not None and parts.service == "acm":
        return [
            Problem(
                field,
                arn,
                "is an ACM certificate ARN, not an AWS Private CA",
                f"name the CA that issued it by its own ARN ({CA_ARN_SHAPE}; {copy}); to watch this "
                "certificate's expiry use ExpiryAlarm(certificate=acm.Certificate.from_certificate_arn(...))",
            )
        ]
    ca = parse_ca_arn(arn)
    if ca is None:
        return [Problem(field, arn, f"is not an AWS Private CA ARN ({CA_ARN_SHAPE})", copy)]
    if region_problems(field, ca.region):
        return [
            Problem(
                field,
                arn,
                f"its region {ca.region!r} is not an AWS region code (an availability zone, like "
                "'eu-west-1a', is not a region)",
                f"use the CA's region, e.g. {ca.region.rstrip('abcdefghijklmnopqrstuvwxyz')!r}; {copy}",
            )
        ]
    expected = partition_of(ca.region)
    if expected is not None and expected != ca.partition:
        return [
            Problem(
                field,
                arn,
                f"partition {ca.partition!r} has no region {ca.region!r} (it is in {expected!r}, "
                "aws-cdk-lib's region facts)",
                f"use arn:{expected}:acm-pca:{ca.region}:..., or the region of partition {ca.partition}",
            )
        ]
    return []


def partition_of_arn(arn: str | None) -> str | None:
    """The partition of a literal ARN of any service (``aws``, ``aws-cn``, ...); None for tokens and non-ARNs."""
    parts = parse(arn)
    return parts.partition if parts else None


def parse_acm_arn(arn: str | None) -> Arn | None:
    """``arn:<partition>:acm:<region>:<account>:certificate/<id>``, else None."""
    parts = parse(arn)
    if (
        parts
        and parts.service == "acm"
        and parts.region
        and is_account_id(parts.account)
        and _ACM_RESOURCE.fullmatch(parts.resource)
    ):
        return parts
    return None


def parse_role_arn(arn: str | None) -> Arn | None:
    """``arn:<partition>:iam::<account>:role/<path/><name>``, else None."""
    parts = parse(arn)
    if (
        parts
        and parts.service == "iam"
        and not parts.region
        and is_account_id(parts.account)
        and _ROLE_RESOURCE.fullmatch(parts.resource)
    ):
        return parts
    return None


def region_of(arn: str | None) -> str | None:
    """The region of a literal ARN of any service; None for tokens, malformed ARNs and global resources."""
    parts = parse(arn)
    return (parts.region or None) if parts else None


def account_of(arn: str | None) -> str | None:
    """The account of a literal ARN of any service; None for tokens, malformed ARNs and AWS-owned resources."""
    parts = parse(arn)
    return parts.account if parts and is_account_id(parts.account) else None


def is_account_id(value: str) -> bool:
    return bool(_ACCOUNT.fullmatch(value))


def format_role_arn(*, partition: str, account: str, path: str, name: str) -> str:
    """``arn:<partition>:iam::<account>:role<path><name>`` (``path`` starts and ends with ``/``)."""
    return f"arn:{partition}:iam::{account}:role{path}{name}"


def format_parameter_arn(*, partition: str, region: str, account: str, name: str) -> str:
    """``arn:<partition>:ssm:<region>:<account>:parameter/<name without its leading slash>``."""
    return f"arn:{partition}:ssm:{region}:{account}:parameter/{name.lstrip('/')}"
