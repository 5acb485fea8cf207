"""Configuration of the reference app, read from the ``pki-reference`` context of cdk.json.

The placeholders synthesize offline with no credentials and no lookups; point them at real accounts
with ``-c`` flags or by editing cdk.json (see the README).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from pki_constructs import DistinguishedName

CONTEXT_KEY = "pki-reference"


@dataclass(frozen=True, kw_only=True)
class MemberStackSetConfig:
    """``memberStackSet`` in the context: stamp a member-account stack into every account of these OUs."""

    administrator_account: str
    certificate_authority_arn: str
    organizational_unit_ids: list[str]
    delegated_admin: bool = False


@dataclass(frozen=True, kw_only=True)
class ReferenceConfig:
    pki_account: str
    workload_account: str
    home_region: str
    workload_region: str
    organization: str
    organizational_unit: str
    country: str
    domain_name: str
    hosted_zone_id: str
    alarm_email: str | None = None
    trust_store_revocation: bool = True
    member_stack_set: MemberStackSetConfig | None = None
    root_ca_generation: int = 1
    issuing_ca_generation: int = 1

    @classmethod
    def from_context(cls, scope: Construct) -> ReferenceConfig:
        value = scope.node.try_get_context(CONTEXT_KEY)
        if value is None:
            raise ValueError(
                f"context {CONTEXT_KEY!r} is missing: run the app through the CDK CLI (npm run synth), "
                "which reads it from cdk.json"
            )
        raw = _object(value, CONTEXT_KEY)
        return cls(
            pki_account=str(raw["pkiAccount"]),
            workload_account=str(raw.get("workloadAccount", raw["pkiAccount"])),
            home_region=raw.get("homeRegion", "us-east-1"),
            workload_region=raw.get("workloadRegion", "eu-west-1"),
            organization=raw["organization"],
            organizational_unit=raw.get("organizationalUnit", "IT Department"),
            country=raw["country"],
            domain_name=raw["domainName"],
            hosted_zone_id=raw["hostedZoneId"],
            alarm_email=raw.get("alarmEmail"),
            trust_store_revocation=bool(raw.get("trustStoreRevocation", True)),
            member_stack_set=_member_stack_set(
                None
                if raw.get("memberStackSet") is None
                else _object(raw["memberStackSet"], "memberStackSet"),
                raw["pkiAccount"],
            ),
            # Renewal (README "CA lifecycle runbook"): increment to re-issue a CA certificate, same key.
            root_ca_generation=int(raw.get("rootCaCertificateGeneration", 1)),
            issuing_ca_generation=int(raw.get("issuingCaCertificateGeneration", 1)),
        )

    @property
    def multi_account(self) -> bool:
        """The PKI and the workloads live in different accounts: the issuing CA is shared through RAM."""
        return self.pki_account != self.workload_account

    @property
    def site_name(self) -> str:
        """The public site CloudFront serves, e.g. ``www.example.com``."""
        return f"www.{self.domain_name}"

    def subject(self, common_name: str) -> DistinguishedName:
        return DistinguishedName(
            common_name=common_name,
            organization=self.organization,
            organizational_unit=self.organizational_unit,
            country=self.country,
        )


def _object(value: object, key: str) -> dict[str, Any]:
    """A context object: as cdk.json gives it, or as a JSON string (``cdk synth -c pki-reference='{...}'`` passes
    the value as text)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as error:
            raise ValueError(
                f"context {key!r} is a string but not JSON ({error}): pass a JSON object"
            ) from None
    if not isinstance(value, dict):
        raise ValueError(f"context {key!r} must be a JSON object, got {type(value).__name__}: {value!r}")
    return value


def _member_stack_set(raw: dict[str, Any] | None, pki_account: str) -> MemberStackSetConfig | None:
    if raw is None:
        return None
    return MemberStackSetConfig(
        administrator_account=str(raw.get("administratorAccount", pki_account)),
        certificate_authority_arn=raw["certificateAuthorityArn"],
        organizational_unit_ids=list(raw["organizationalUnitIds"]),
        delegated_admin=bool(raw.get("delegatedAdmin", False)),
    )
