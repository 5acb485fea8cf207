"""Security posture changes: revocation turned off, a bucket or security group opened, a TLS policy
weakened, mutual TLS relaxed, a grant widened.

Each rule compares one resource's properties before and after. A new resource is compared with nothing, so
it is reported only when it is open or weak in itself (a new world-open security group, a new TLS policy
below 1.2, a new policy allowing anyone or a whole service on every resource, a new RAM share of a CA).
Grants compare by what they name: a reference to a CA (or its certificate, activation) is spelled by the
CA's id, so a CA renamed under a new logical id does not read as a wider grant.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .changes import Action, Change, Key, canonical, references
from .hierarchy import Pki


@dataclass(frozen=True)
class Context:
    """What a rule may need beyond one resource's properties."""

    key: Key
    ca_label: Callable[[Key], str | None]
    """The label of the CA a resource is or belongs to (its certificate, activation), either side."""
    identity_old: Callable[[Any], Any]
    identity_new: Callable[[Any], Any]
    """A property value with references to CAs (and their parts) spelled by CA id instead of logical id,
    so a grant compares by what it names, not by a logical id that a rename changed."""


Rule = Callable[[Context, dict[str, Any], dict[str, Any] | None], Iterator[str]]
"""(context, new properties, old properties or None for a new resource) -> findings."""


def posture_changes(
    changes: dict[Key, Change], before: Pki, after: Pki, renamed: dict[str, str] | None = None
) -> list[str]:
    """``renamed``: old CA id -> new CA id for a CA removed and re-created under another id."""
    renamed = renamed or {}
    ca_names = {ca.key: ca.label for pki in (before, after) for ca in pki.cas.values()}
    part_names = {
        key: pki.cas[ca_id].label
        for pki in (before, after)
        for key, ca_id in pki.ca_parts.items()
        if ca_id in pki.cas
    }
    staying = {ca.key for ca in after.cas.values()} | {k for k, i in after.ca_parts.items() if i in after.cas}
    old_ids = _identities(before, renamed)
    new_ids = _identities(after, {})
    findings: list[str] = []
    for key, change in changes.items():
        context = Context(
            key,
            lambda k: ca_names.get(k) or part_names.get(k),
            functools.partial(_spelled, stack=key[0], ids=old_ids),
            functools.partial(_spelled, stack=key[0], ids=new_ids),
        )
        if change.action is Action.REMOVE:
            findings.extend(_removed(context, change, staying))
            continue
        rules = RULES.get(change.type, ())
        if not rules or change.action is Action.NONE:
            continue
        name = ca_names.get(key) or f"`{_name(key, change)}`"
        old = change.properties_old if change.action is not Action.ADD else None
        for rule in rules:
            findings.extend(f"{name}: {finding}" for finding in rule(context, change.properties_new, old))
    return findings


def _identities(pki: Pki, renamed: dict[str, str]) -> dict[Key, str]:
    ids = {ca.key: f"CA {renamed.get(ca.id, ca.id)}" for ca in pki.cas.values()}
    for key, ca_id in pki.ca_parts.items():
        ids[key] = (
            f"CA {renamed.get(ca_id, ca_id)} ({'certificate' if 'Certificate' in key[1] else 'activation'})"
        )
    return ids


def _spelled(value: Any, stack: str, ids: dict[Key, str]) -> Any:
    if isinstance(value, list):
        return [_spelled(v, stack, ids) for v in value]
    if not isinstance(value, dict):
        return value
    if isinstance(value.get("Ref"), str) and (stack, value["Ref"]) in ids:
        return {"Ref": ids[(stack, value["Ref"])]}
    get_att = value.get("Fn::GetAtt")
    if isinstance(get_att, list) and get_att and (stack, get_att[0]) in ids:
        return {"Fn::GetAtt": [ids[(stack, get_att[0])], *get_att[1:]]}
    return {k: _spelled(v, stack, ids) for k, v in value.items()}


def _removed(context: Context, change: Change, staying: set[Key]) -> Iterator[str]:
    """Removals that loosen or break: a trust store's revocation list; ACM's permission to renew from a CA
    that stays; a RAM share of a CA that stays (the accounts it named can no longer issue or renew)."""
    key = context.key
    if change.type == "AWS::ElasticLoadBalancingV2::TrustStoreRevocation":
        yield f"`{_name(key, change)}`: trust-store revocation list removed (revoked clients accepted)."
    if (
        change.type == "AWS::ACMPCA::Permission"
        and change.properties_old.get("Principal") == "acm.amazonaws.com"
    ):
        cas = _cas_named(context, change.properties_old.get("CertificateAuthorityArn"), staying)
        if cas:  # a replaced CA replaces its permission instead of removing it; a removed CA takes it along
            yield (
                f"{cas[0]}: ACM renewal permission removed: ACM private certificates from this CA will fail to renew."
            )
    if change.type == "AWS::RAM::ResourceShare":
        arns = change.properties_old.get("ResourceArns")
        cas = _cas_named(context, arns, staying)
        if cas or not list(references(arns, key[0])):
            shared = ", ".join(cas) or "`" + "`, `".join(_texts(arns)) + "`"
            yield (
                f"`{_name(key, change)}`: RAM share removed: {_texts_joined(change.properties_old.get('Principals'))} "
                f"can no longer issue from {shared}, and ACM there can no longer renew certificates it issued."
            )


def _cas_named(context: Context, value: Any, staying: set[Key]) -> list[str]:
    found = []
    for k in references(value, context.key[0]):
        label = context.ca_label(k)
        if label is not None and k in staying and label not in found:
            found.append(label)
    return found


def _texts(value: Any) -> list[str]:
    return [_readable(v) for v in (value if isinstance(value, list) else [] if value is None else [value])]


def _texts_joined(value: Any) -> str:
    texts = _texts(value)
    return "`" + "`, `".join(texts) + "`" if texts else "nobody"


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


def _revocation(_: Context, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
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


def _bucket(_: Context, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
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


def _security_group(_: Context, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
    opened = _world_rules(new.get("SecurityGroupIngress")) - _world_rules(
        (old or {}).get("SecurityGroupIngress")
    )
    if opened:
        yield f"security group {_opened(old)} to the internet: {', '.join(sorted(opened))}."


def _ingress(_: Context, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
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


ELB_DEFAULT_POLICY = "ELBSecurityPolicy-2016-08"
"""What an HTTPS or TLS listener without ``SslPolicy`` gets when created through the API or CloudFormation
(the console's default differs): https://docs.aws.amazon.com/elasticloadbalancing/latest/application/
describe-ssl-policies.html, noted in /work/shared/research/reliability_security.md §3.1."""


def _listener_policy(properties: dict[str, Any]) -> Any:
    policy = properties.get("SslPolicy")
    if policy is None and properties.get("Protocol") in ("HTTPS", "TLS"):
        return f"{ELB_DEFAULT_POLICY} (the default, SslPolicy unset)"
    return policy


def _tls_rule(floor_of: Callable[[str], TlsFloor | None], read: Callable[[dict[str, Any]], Any]) -> Rule:
    def rule(_: Context, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
        after = read(new)
        before = read(old) if old is not None else None
        if not isinstance(after, str) or after == before:
            return
        floor_after = floor_of(after.split(" ")[0])
        floor_before = floor_of(before.split(" ")[0]) if isinstance(before, str) else None
        if floor_after is None:
            return
        if floor_before is not None and floor_after < floor_before:
            yield f"TLS policy weakened: `{before}` ({floor_before}) -> `{after}` ({floor_after})."
        elif old is None and floor_after.minimum < (1, 2):
            yield f"TLS policy `{after}` accepts {floor_after}."

    return rule


def _at(*path: str | int) -> Callable[[dict[str, Any]], Any]:
    return lambda properties: _get(properties, *path)


# ------------------------------------------------------------------------------------------ mutual TLS


_MTLS_STRENGTH = {"verify": 2, "passthrough": 1, "off": 0}


def _listener_mtls(_: Context, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
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


def _api_mtls(_: Context, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
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


def _grant_rule(*documents: Callable[[dict[str, Any]], list[Any]], star_is_self: bool = False) -> Rule:
    """``star_is_self``: a key policy's ``Resource: "*"`` means the key itself, not every resource."""

    def rule(context: Context, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
        after = {p for read in documents for doc in read(new) for p in permissions(context.identity_new(doc))}
        if old is None:  # a new grant: reported only when it is open in itself
            yield from _open_grants(after, star_is_self=star_is_self)
            return
        before = {
            p for read in documents for doc in read(old) for p in permissions(context.identity_old(doc))
        }
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


_ANYONE = {canonical("*"), canonical({"AWS": "*"})}
_PKI_SERVICES = ("acm-pca:", "acm:")
_READ_ONLY = ("describe", "get", "list")


def _open_grants(grants: set[Permission], *, star_is_self: bool) -> Iterator[str]:
    """A new policy that allows anyone without a condition, any action of a service on every resource, or
    changing a CA or certificate (``acm-pca:``/``acm:`` beyond Describe/Get/List) on every resource."""
    open_ = sorted(
        (
            p
            for p in grants
            if p.effect == "Allow"
            and (
                (p.principal in _ANYONE and p.condition == "{}")
                or (
                    p.resource == "*"
                    and not star_is_self
                    and (
                        "*" in p.action
                        or (
                            p.action.startswith(_PKI_SERVICES)
                            and not p.action.split(":", 1)[1].startswith(_READ_ONLY)
                        )
                    )
                )
            )
        ),
        key=str,
    )
    for p in open_[:5]:
        who = f" to {p.principal}" if p.principal in _ANYONE else ""
        yield f"new open grant{who}: `{p.action}` on `{_short(p.resource)}`."
    if len(open_) > 5:
        yield f"... and {len(open_) - 5} more open permissions."


# ------------------------------------------------------------------------------------------ RAM shares


def _ram_share(context: Context, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
    """A RAM share is a grant to other accounts: who (principals, external ones allowed), what (the
    permission: which certificates they may issue) and which CAs."""
    principals = _texts(new.get("Principals"))
    permission = [p.rsplit("/", 1)[-1] for p in _texts(new.get("PermissionArns"))]
    cas = [context.ca_label(k) or f"`{k[1]}`" for k in references(new.get("ResourceArns"), context.key[0])]
    shared = ", ".join(dict.fromkeys(cas)) or _texts_joined(new.get("ResourceArns"))
    if old is None:
        yield f"new RAM share of {shared} with `{'`, `'.join(principals)}` (`{'`, `'.join(permission)}`)."
        return
    before = _texts(old.get("Principals"))
    added = [p for p in principals if p not in before]
    if added:
        whole = " (every account in it)" if any(":organization/" in p or ":ou/" in p for p in added) else ""
        yield f"RAM share widened: {shared} now shared with `{'`, `'.join(added)}`{whole}, was `{'`, `'.join(before)}`."
    if new.get("AllowExternalPrincipals") is not False and old.get("AllowExternalPrincipals") is False:
        yield "RAM share now allows principals outside the organization."
    permission_before = [p.rsplit("/", 1)[-1] for p in _texts(old.get("PermissionArns"))]
    if permission != permission_before:
        yield (
            f"RAM share permission changed: `{'`, `'.join(permission_before)}` -> `{'`, `'.join(permission)}`: "
            "what the other accounts may issue from the CA changes."
        )
    resources_before = _texts(context.identity_old(old.get("ResourceArns")))
    resources_after = _texts(context.identity_new(new.get("ResourceArns")))
    if [r for r in resources_after if r not in resources_before]:
        yield f"RAM share now includes more CAs: {shared}."


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


def _pca_permission(_: Context, new: dict[str, Any], old: dict[str, Any] | None) -> Iterator[str]:
    if old is None:
        return
    added = sorted(set(_as_list(new.get("Actions") or [])) - set(_as_list(old.get("Actions") or [])))
    if added or new.get("Principal") != old.get("Principal"):
        yield f"Private CA permission widened: `{new.get('Principal')}` may now `{'`, `'.join(map(str, added))}`."


RULES: dict[str, tuple[Rule, ...]] = {
    "AWS::ACMPCA::CertificateAuthority": (_revocation,),
    "AWS::ACMPCA::Permission": (_pca_permission,),
    "AWS::RAM::ResourceShare": (_ram_share,),
    "AWS::S3::Bucket": (_bucket,),
    "AWS::EC2::SecurityGroup": (_security_group,),
    "AWS::EC2::SecurityGroupIngress": (_ingress,),
    "AWS::ElasticLoadBalancingV2::Listener": (_tls_rule(elb_tls_floor, _listener_policy), _listener_mtls),
    "AWS::CloudFront::Distribution": (
        _tls_rule(
            cloudfront_tls_floor, _at("DistributionConfig", "ViewerCertificate", "MinimumProtocolVersion")
        ),
    ),
    "AWS::ApiGateway::DomainName": (_tls_rule(api_tls_floor, _at("SecurityPolicy")), _api_mtls),
    "AWS::ApiGatewayV2::DomainName": (
        _tls_rule(api_tls_floor, _at("DomainNameConfigurations", 0, "SecurityPolicy")),
        _api_mtls,
    ),
    "AWS::IAM::Policy": (_grant_rule(_doc("PolicyDocument")),),
    "AWS::IAM::ManagedPolicy": (_grant_rule(_doc("PolicyDocument")),),
    "AWS::IAM::Role": (_grant_rule(_inline_policies, _doc("AssumeRolePolicyDocument")),),
    "AWS::S3::BucketPolicy": (_grant_rule(_doc("PolicyDocument")),),
    "AWS::KMS::Key": (_grant_rule(_doc("KeyPolicy"), star_is_self=True),),
    "AWS::SNS::TopicPolicy": (_grant_rule(_doc("PolicyDocument")),),
}
