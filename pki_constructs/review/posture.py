"""Security posture changes: revocation turned off, a bucket or security group opened, a TLS policy
weakened, mutual TLS relaxed, a grant widened.

Each rule compares one resource's properties before and after. A new resource is compared with nothing, so
it is reported only when it is open or weak in itself (a new world-open security group, a new TLS policy
below 1.2); a new IAM policy is a new grant, not a widened one, and is left to the template diff.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .changes import Action, Change, Key, canonical, references
from .hierarchy import Pki

Rule = Callable[[str, dict[str, Any], dict[str, Any] | None], Iterator[str]]
"""(resource name, new properties, old properties or None for a new resource) -> findings."""


def posture_changes(changes: dict[Key, Change], before: Pki, after: Pki) -> list[str]:
    ca_names = {ca.key: ca.label for pki in (before, after) for ca in pki.cas.values()}
    findings: list[str] = []
    for key, change in changes.items():
        if change.action is Action.REMOVE:
            findings.extend(_removed(key, change, ca_names, {ca.key for ca in after.cas.values()}))
            continue
        rules = RULES.get(change.type, ())
        if not rules or change.action is Action.NONE:
            continue
        name = ca_names.get(key) or f"`{_name(key, change)}`"
        old = change.properties_old if change.action is not Action.ADD else None
        for rule in rules:
            findings.extend(f"{name}: {finding}" for finding in rule(name, change.properties_new, old))
    return findings


def _removed(key: Key, change: Change, ca_names: dict[Key, str], staying: set[Key]) -> Iterator[str]:
    """Removals that loosen: a trust store's revocation list; ACM's permission to renew from a CA that stays."""
    if change.type == "AWS::ElasticLoadBalancingV2::TrustStoreRevocation":
        yield f"`{_name(key, change)}`: trust-store revocation list removed (revoked clients accepted)."
    if (
        change.type == "AWS::ACMPCA::Permission"
        and change.properties_old.get("Principal") == "acm.amazonaws.com"
    ):
        cas = [
            ca_names[k]
            for k in references(change.properties_old.get("CertificateAuthorityArn"), key[0])
            if k in ca_names and k in staying
        ]
        if cas:  # a replaced CA replaces its permission instead of removing it; a removed CA takes it along
            yield (
                f"{cas[0]}: ACM renewal permission removed: ACM private certificates from this CA will fail to renew."
            )


def _name(key: Key, change: Change) -> str:
    """The construct path when the template has it (``cdk synth`` writes it), else stack/logical id."""
    path = ((change.new or change.old or {}).get("Metadata") or {}).get("aws:cdk:path")
    if isinstance(path, str):
        return path.removesuffix("/Resource").removesuffix("/Default")
    return f"{key[0]}/{key[1]}"


def _get(value: Any, *path: str | int) -> Any:
    for part in path:
        if isinstance(part, int):
            value = value[part] if isinstance(value, list) and len(value) > part else None
        else:
            value = value.get(part) if isinstance(value, dict) else None
    return value


# ------------------------------------------------------------------------------------------ revocation


def _revocation(_: str, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
    for kind, path in (("CRL", "CrlConfiguration"), ("OCSP", "OcspConfiguration")):
        on_before = old is not None and _get(old, "RevocationConfiguration", path, "Enabled") is True
        on_after = _get(new, "RevocationConfiguration", path, "Enabled") is True
        if on_before and not on_after:
            yield f"{kind} turned off: revoked certificates will look valid to relying parties that check {kind}."
    crl = _get(new, "RevocationConfiguration", "CrlConfiguration", "Enabled") is True
    ocsp = _get(new, "RevocationConfiguration", "OcspConfiguration", "Enabled") is True
    if old is None and not crl and not ocsp:
        yield "new CA without CRL or OCSP: its certificates cannot be revoked in practice."


# ------------------------------------------------------------------------------------------ buckets


_PUBLIC_BLOCKS = ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")
_PUBLIC_ACLS = {"PublicRead", "PublicReadWrite", "AuthenticatedRead"}


def _bucket(_: str, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
    if old is not None:
        opened = [
            flag
            for flag in _PUBLIC_BLOCKS
            if _get(old, "PublicAccessBlockConfiguration", flag) is True
            and _get(new, "PublicAccessBlockConfiguration", flag) is not True
        ]
        if opened:
            yield f"bucket opened: public access block `{'`, `'.join(opened)}` turned off."
    acl = new.get("AccessControl")
    if acl in _PUBLIC_ACLS and (old is None or old.get("AccessControl") != acl):
        yield f"bucket {_opened(old)}: ACL `{acl}`."


# ------------------------------------------------------------------------------------------ security groups


_WORLD = {"0.0.0.0/0", "::/0"}


def _world_rules(rules: Any) -> set[str]:
    found = set()
    for rule in rules if isinstance(rules, list) else []:
        cidr = _get(rule, "CidrIp") or _get(rule, "CidrIpv6")
        if isinstance(cidr, str) and cidr in _WORLD:
            found.add(_port_text(rule, cidr))
    return found


def _port_text(rule: dict[str, Any], cidr: str) -> str:
    protocol = str(rule.get("IpProtocol", "-1"))
    ports = (
        f"{rule.get('FromPort')}-{rule.get('ToPort')}"
        if rule.get("FromPort") != rule.get("ToPort")
        else rule.get("FromPort")
    )
    return f"{cidr} {'all traffic' if protocol == '-1' else f'{protocol} {ports}'}"


def _security_group(_: str, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
    opened = _world_rules(new.get("SecurityGroupIngress")) - _world_rules(
        (old or {}).get("SecurityGroupIngress")
    )
    if opened:
        yield f"security group {_opened(old)} to the internet: {', '.join(sorted(opened))}."


def _ingress(_: str, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
    opened = _world_rules([new]) - _world_rules([old] if old else [])
    if opened:
        yield f"security group {_opened(old)} to the internet: {', '.join(sorted(opened))}."


def _opened(old: dict[str, Any] | None) -> str:
    return "opened" if old is not None else "(new) open"


# ------------------------------------------------------------------------------------------ TLS


@dataclass(frozen=True, order=True)
class TlsFloor:
    """Lowest protocol version a policy accepts, then whether it offers TLS 1.3: the order of strength."""

    minimum: tuple[int, int]
    tls13: bool

    def __str__(self) -> str:
        name = "SSL 3.0" if self.minimum == (0, 3) else f"TLS {self.minimum[0]}.{self.minimum[1]}"
        return f"{name}+" + (", with TLS 1.3" if self.tls13 and self.minimum < (1, 3) else "")


def elb_tls_floor(policy: str) -> TlsFloor | None:
    """From the ELB policy naming scheme (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/
    describe-ssl-policies.html): ``ELBSecurityPolicy-TLS13-1-2-...`` is TLS 1.3 down to 1.2,
    ``-TLS-1-1-...``/``-FS-1-2-...`` name their floor without TLS 1.3, and the dated legacy policies
    (``ELBSecurityPolicy-2016-08``, ``-FS-2018-06``, ...) accept TLS 1.0. None when the name says nothing."""
    match = re.search(r"TLS13-1-([0-3])", policy)
    if match:
        return TlsFloor((1, int(match.group(1))), True)
    match = re.search(r"(?:TLS|FS)-1-([0-2])", policy)
    if match:
        return TlsFloor((1, int(match.group(1))), False)
    if re.fullmatch(r"ELBSecurityPolicy-(?:FS-)?20\d\d-\d\d", policy):
        return TlsFloor((1, 0), False)
    return None


def cloudfront_tls_floor(version: str) -> TlsFloor | None:
    """CloudFront ``MinimumProtocolVersion``: ``SSLv3``, ``TLSv1``, ``TLSv1_2016``, ``TLSv1.1_2016``,
    ``TLSv1.2_2018`` ... ``TLSv1.3_2025`` (AWS::CloudFront::Distribution ViewerCertificate)."""
    if version == "SSLv3":
        return TlsFloor((0, 3), False)
    match = re.fullmatch(r"TLSv1(?:\.([0-3]))?(?:_\d{4})?", version)
    return TlsFloor((1, int(match.group(1) or 0)), False) if match else None


def api_tls_floor(policy: str) -> TlsFloor | None:
    """API Gateway ``SecurityPolicy``: ``TLS_1_0``, ``TLS_1_2`` and the newer ``SecurityPolicy_TLS13_1_2_...``."""
    match = re.search(r"TLS13_1_([0-3])", policy)
    if match:
        return TlsFloor((1, int(match.group(1))), True)
    match = re.search(r"TLS_1_([0-3])", policy)
    return TlsFloor((1, int(match.group(1))), False) if match else None


def _tls_rule(floor_of: Callable[[str], TlsFloor | None], *path: str | int) -> Rule:
    def rule(_: str, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
        after = _get(new, *path)
        before = _get(old, *path) if old is not None else None
        if not isinstance(after, str) or after == before:
            return
        floor_after = floor_of(after)
        floor_before = floor_of(before) if isinstance(before, str) else None
        if floor_after is None:
            return
        if floor_before is not None and floor_after < floor_before:
            yield f"TLS policy weakened: `{before}` ({floor_before}) -> `{after}` ({floor_after})."
        elif old is None and floor_after.minimum < (1, 2):
            yield f"TLS policy `{after}` accepts {floor_after}."

    return rule


# ------------------------------------------------------------------------------------------ mutual TLS


_MTLS_STRENGTH = {"verify": 2, "passthrough": 1, "off": 0}


def _listener_mtls(_: str, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
    mode_after = str(_get(new, "MutualAuthentication", "Mode") or "off")
    if old is None:
        if mode_after == "passthrough":
            yield "mTLS in passthrough mode: the load balancer forwards client certificates without checking them."
        return
    mode_before = str(_get(old, "MutualAuthentication", "Mode") or "off")
    if _MTLS_STRENGTH.get(mode_after, 0) < _MTLS_STRENGTH.get(mode_before, 0):
        yield f"mTLS relaxed: mode `{mode_before}` -> `{mode_after}`."
    if _get(new, "MutualAuthentication", "IgnoreClientCertificateExpiry") is True and (
        _get(old, "MutualAuthentication", "IgnoreClientCertificateExpiry") is not True
    ):
        yield "mTLS relaxed: expired client certificates are now accepted."


def _api_mtls(_: str, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
    if old is not None and old.get("MutualTlsAuthentication") and not new.get("MutualTlsAuthentication"):
        yield "mTLS relaxed: the API domain no longer requires client certificates."


# ------------------------------------------------------------------------------------------ grants


@dataclass(frozen=True)
class Permission:
    effect: str
    principal: str
    action: str
    resource: str
    condition: str


def permissions(document: Any) -> set[Permission]:
    """A policy document flattened to one permission per (principal, action, resource)."""
    found = set()
    statements = _get(document, "Statement")
    for statement in statements if isinstance(statements, list) else [statements] if statements else []:
        if not isinstance(statement, dict):
            continue
        actions = statement.get("Action", statement.get("NotAction", "*"))
        if "NotAction" in statement:
            actions = [f"NOT {a}" for a in _as_list(actions)]
        resources = statement.get("Resource", statement.get("NotResource", "*"))
        for action in _as_list(actions):
            for resource in _as_list(resources):
                found.add(
                    Permission(
                        effect=str(statement.get("Effect", "Allow")),
                        principal=canonical(statement.get("Principal", "")),
                        action=str(action).lower() if isinstance(action, str) else canonical(action),
                        resource=resource if isinstance(resource, str) else canonical(resource),
                        condition=canonical(statement.get("Condition", {})),
                    )
                )
    return found


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _covers(old: Permission, new: Permission) -> bool:
    return (
        old.effect == new.effect
        and old.principal in (new.principal, canonical("*"), canonical({"AWS": "*"}))
        and fnmatch.fnmatchcase(new.action, old.action)
        and (old.resource == new.resource or (old.resource == "*"))
        and old.condition in (new.condition, canonical({}))
    )


def _widened(before: set[Permission], after: set[Permission]) -> tuple[list[Permission], list[Permission]]:
    wider = [p for p in after if p.effect == "Allow" and not any(_covers(o, p) for o in before)]
    denies_gone = [p for p in before if p.effect == "Deny" and p not in after]
    return sorted(wider, key=str), sorted(denies_gone, key=str)


def _grant_rule(*documents: Callable[[dict[str, Any]], list[Any]]) -> Rule:
    def rule(_: str, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
        if old is None:
            return
        before = {p for read in documents for doc in read(old) for p in permissions(doc)}
        after = {p for read in documents for doc in read(new) for p in permissions(doc)}
        wider, denies_gone = _widened(before, after)
        for p in wider[:5]:
            who = "" if p.principal in ('""', "") else f" to {p.principal}"
            when = "" if p.condition == "{}" else " (with conditions)"
            yield f"grant widened{who}: `{p.action}` on `{_short(p.resource)}`{when}."
        if len(wider) > 5:
            yield f"... and {len(wider) - 5} more widened permissions."
        for p in denies_gone[:3]:
            yield f"deny removed: `{p.action}` on `{_short(p.resource)}`."

    return rule


def _short(text: str, limit: int = 90) -> str:
    text = _readable(json.loads(text)) if text.startswith("{") else text
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _readable(value: Any) -> str:
    """``{"Ref": "X"}`` -> ``X``, ``{"Fn::GetAtt": ["X", "Arn"]}`` -> ``X.Arn``, joins spelled out."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and len(value) == 1:
        (function, argument), *_ = value.items()
        if function == "Ref":
            return str(argument)
        if function == "Fn::GetAtt" and isinstance(argument, list):
            return ".".join(map(str, argument))
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            return str(argument[0]).join(_readable(part) for part in argument[1])
    return canonical(value)


def _doc(*path: str) -> Callable[[dict[str, Any]], list[Any]]:
    return lambda properties: [_get(properties, *path)]


def _inline_policies(properties: dict[str, Any]) -> list[Any]:
    return [_get(p, "PolicyDocument") for p in properties.get("Policies") or [] if isinstance(p, dict)]


def _pca_permission(_: str, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
    if old is None:
        return
    added = sorted(set(_as_list(new.get("Actions") or [])) - set(_as_list(old.get("Actions") or [])))
    if added or new.get("Principal") != old.get("Principal"):
        yield f"Private CA permission widened: `{new.get('Principal')}` may now `{'`, `'.join(map(str, added))}`."


RULES: dict[str, tuple[Rule, ...]] = {
    "AWS::ACMPCA::CertificateAuthority": (_revocation,),
    "AWS::ACMPCA::Permission": (_pca_permission,),
    "AWS::S3::Bucket": (_bucket,),
    "AWS::EC2::SecurityGroup": (_security_group,),
    "AWS::EC2::SecurityGroupIngress": (_ingress,),
    "AWS::ElasticLoadBalancingV2::Listener": (_tls_rule(elb_tls_floor, "SslPolicy"), _listener_mtls),
    "AWS::CloudFront::Distribution": (
        _tls_rule(cloudfront_tls_floor, "DistributionConfig", "ViewerCertificate", "MinimumProtocolVersion"),
    ),
    "AWS::ApiGateway::DomainName": (_tls_rule(api_tls_floor, "SecurityPolicy"), _api_mtls),
    "AWS::ApiGatewayV2::DomainName": (
        _tls_rule(api_tls_floor, "DomainNameConfigurations", 0, "SecurityPolicy"),
        _api_mtls,
    ),
    "AWS::IAM::Policy": (_grant_rule(_doc("PolicyDocument")),),
    "AWS::IAM::ManagedPolicy": (_grant_rule(_doc("PolicyDocument")),),
    "AWS::IAM::Role": (_grant_rule(_inline_policies, _doc("AssumeRolePolicyDocument")),),
    "AWS::S3::BucketPolicy": (_grant_rule(_doc("PolicyDocument")),),
    "AWS::KMS::Key": (_grant_rule(_doc("KeyPolicy")),),
    "AWS::SNS::TopicPolicy": (_grant_rule(_doc("PolicyDocument")),),
}
