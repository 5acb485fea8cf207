"""The PKI meaning of a change set: which changes break trust, which re-issue and keep it, what it costs.

- A CA resource that CloudFormation replaces is a new CA with a new key: nothing issued under the old key
  chains to it, so every CA, certificate, trust store and service beneath it is hit ("trust-breaking").
  The same holds for a CA that moves to another parent.
- A CA whose own certificate or activation changes while the CA resource stays (a renewal: same key, new
  certificate) keeps trust: what it issued still chains. So does an end-entity certificate re-issued by the
  same CA.
- Trust-store content changes (CAs added or removed) change who is accepted, without breaking a chain.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .assembly import App
from .changes import Action, Change, Key, exports, references
from .hierarchy import Ca, Pki, align, read
from .posture import posture_changes


class Status(enum.IntEnum):
    """The exit status of ``pki-review``."""

    NOTHING = 0
    """Nothing PKI-relevant changed."""
    REVIEW = 1
    """Review needed: re-issues, trust-store contents, security posture, cost, CAs or certificates added."""
    TRUST_BREAKING = 2
    """A CA gets a new key or a new parent: require an explicit approval."""


SERVICE_TYPES = {
    "AWS::ElasticLoadBalancingV2::Listener": "listener",
    "AWS::ElasticLoadBalancingV2::ListenerCertificate": "listener certificate",
    "AWS::CloudFront::Distribution": "CloudFront distribution",
    "AWS::ApiGateway::DomainName": "API domain",
    "AWS::ApiGatewayV2::DomainName": "API domain",
    "Custom::PkiCertificateExport": "export to Secrets Manager",
}
"""Resources that present a certificate or check clients against a trust store: the services a reviewer
must know about."""
_PASS_THROUGH = {"AWS::ElasticLoadBalancingV2::TrustStore"}
"""Between a trust bundle and the listener that uses it."""


@dataclass
class BlastRadius:
    ca: Ca
    why: str
    ca_ids: set[str] = field(default_factory=set)
    cas: list[str] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)
    trust_stores: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    new_key: bool = True
    """False when the CA keeps its key but moves to another parent."""


@dataclass
class CostLine:
    usage_mode: str
    count: int
    each_usd: int
    sign: int
    what: str


@dataclass
class Review:
    breaking: list[BlastRadius] = field(default_factory=list)
    reissues: list[str] = field(default_factory=list)
    trust_store_changes: list[str] = field(default_factory=list)
    posture: list[str] = field(default_factory=list)
    cost: list[CostLine] = field(default_factory=list)
    still_billing: list[Ca] = field(default_factory=list)
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    updated_cas: list[str] = field(default_factory=list)
    other_resources: int = 0

    @property
    def monthly_delta_usd(self) -> int:
        return sum(line.sign * line.count * line.each_usd for line in self.cost)

    @property
    def status(self) -> Status:
        if self.breaking:
            return Status.TRUST_BREAKING
        if (
            self.reissues
            or self.trust_store_changes
            or self.posture
            or self.cost
            or any(self.added.values())
            or any(self.removed.values())
            or self.updated_cas
        ):
            return Status.REVIEW
        return Status.NOTHING


def classify(old: App, new: App, changes: dict[Key, Change]) -> Review:
    before, after = read(old), read(new)
    align(before, after, old, new)
    renamed = _taken_over(before, after)
    review = Review(posture=posture_changes(changes, before, after, renamed))
    services = _Services(old, new)
    hit: set[str] = set()  # CA ids inside some blast radius
    renamed_from = {new_id: old_id for old_id, new_id in renamed.items()}

    for ca_id in _top_down(after, before):
        old_ca, new_ca = before.cas.get(renamed_from.get(ca_id, ca_id)), after.cas.get(ca_id)
        if old_ca is None or new_ca is None or ca_id in hit:
            continue
        reason = _breaking_reason(old_ca, new_ca, changes)
        if reason is not None:
            radius = _blast_radius(new_ca, reason, before, after, changes, services, old_id=old_ca.id)
            hit.update([ca_id, old_ca.id, *radius.ca_ids])
            review.breaking.append(radius)

    _reissues(review, before, after, changes, hit)
    _trust_store_changes(review, before, after)
    _cost(review, before, after, changes, renamed)
    _added_and_removed(review, before, after, changes)
    pki_keys = _pki_keys(before) | _pki_keys(after)
    review.other_resources = sum(
        1
        for key, c in changes.items()
        if c.action is not Action.NONE and key not in pki_keys and c.type != "AWS::CDK::Metadata"
    )
    return review


# ------------------------------------------------------------------------------------------ trust-breaking


def _top_down(*sides: Pki) -> list[str]:
    """CA ids, parents before children, so the highest broken CA owns the blast radius."""
    depth: dict[str, int] = {}
    for pki in sides:
        for ca_id in pki.cas:
            depth[ca_id] = max(depth.get(ca_id, 0), len(pki.chain(ca_id)))
    return sorted(depth, key=lambda ca_id: (depth[ca_id], ca_id))


def _taken_over(before: Pki, after: Pki) -> dict[str, str]:
    """CAs removed while a CA added in the same change takes over their certificates, child CAs or places in
    trust stores (e.g. a renamed construct: new logical id and path): old id -> new id. CloudFormation
    deletes the old CA and creates the new one, with a new key."""
    removed = sorted(set(before.cas) - set(after.cas))
    added = set(after.cas) - set(before.cas)
    found: dict[str, str] = {}
    for old_id in removed:
        heirs = [
            *(
                after.certificates[c].issuer
                for c, cert in before.certificates.items()
                if cert.issuer == old_id and c in after.certificates
            ),
            *(after.cas[c].parent for c in before.children(old_id) if c in after.cas),
            *(
                new_id
                for store_id, store in before.trust_stores.items()
                if old_id in store.cas and store_id in after.trust_stores
                for new_id in after.trust_stores[store_id].cas
            ),
        ]
        taking_over = sorted({h for h in heirs if h in added and h not in found.values()})
        if taking_over:
            found[old_id] = taking_over[0]
    return found


def _breaking_reason(old: Ca, new: Ca, changes: dict[Key, Change]) -> tuple[str, bool] | None:
    """Why the CA breaks trust, and whether it gets a new key; None when it does not."""
    change = changes.get(new.key)
    if old.id != new.id:
        return (
            f"replaced: `{old.id}` is removed and `{new.id}` (a new CA, logical id `{new.key[1]}`) takes over what "
            "it issued",
            True,
        )
    if old.key != new.key:
        return f"its CA resource moved from `{old.key[1]}` to `{new.key[1]}` (a new CA)", True
    if change is not None and change.action is Action.REPLACE:
        return "replaced: " + ", ".join(f"`{cause}` changed" for cause in change.causes), True
    if old.parent != new.parent:
        return f"moves from parent `{old.parent}` to `{new.parent}`", False
    return None


def _blast_radius(
    ca: Ca,
    reason: tuple[str, bool],
    before: Pki,
    after: Pki,
    changes: dict[Key, Change],
    services: _Services,
    *,
    old_id: str,
) -> BlastRadius:
    radius = BlastRadius(ca=ca, why=reason[0], new_key=reason[1])
    below = _descendants(ca.id, after) | _descendants(old_id, before)
    radius.ca_ids = below
    for ca_id in sorted(below):
        sub = after.cas.get(ca_id) or before.cas[ca_id]
        change = changes.get(sub.key)
        if change is not None and change.action is Action.REPLACE:
            note = "replaced too"
        elif ca_id not in after.cas:
            note = "removed"
        else:
            note = "re-signed, same key"
        radius.cas.append(f"{sub.label} ({note})")
    issuers = {ca.id, old_id, *below}
    certificates = {
        cert.id: cert
        for pki in (before, after)
        for cert in pki.certificates.values()
        if cert.issuer in issuers
    }
    radius.certificates = [certificates[i].label for i in sorted(certificates)]
    trust_stores = {
        store.id: store
        for pki in (before, after)
        for store in pki.trust_stores.values()
        if issuers & {c for trusted in store.cas for c in [trusted, *pki.chain(trusted)]}
    }
    radius.trust_stores = [trust_stores[i].label for i in sorted(trust_stores)]
    keys = [c.key for c in certificates.values()] + [s.key for s in trust_stores.values()]
    ca_keys = {
        key
        for pki in (before, after)
        for key in [
            *(c.key for i, c in pki.cas.items() if i in issuers),
            *(k for k, i in pki.ca_parts.items() if i in issuers),
        ]
    }
    radius.services = services.using(keys) + services.issuing_from(ca_keys)
    return radius


def _statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, dict)]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _descendants(ca_id: str, pki: Pki) -> set[str]:
    found: set[str] = set()
    todo = [ca_id]
    while todo:
        for child in pki.children(todo.pop()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


class _Services:
    """Who uses a certificate or trust bundle, from the references in the templates of both sides."""

    def __init__(self, *apps: App) -> None:
        self._users: dict[Key, set[Key]] = {}
        self._types: dict[Key, str] = {}
        self._paths: dict[Key, str] = {}
        self._policies: list[tuple[Key, dict[str, Any]]] = []
        for app in apps:
            exported = exports(app)  # a user in another stack of the same region (Fn::ImportValue)
            for name, stack in app.items():
                for logical_id, resource in stack.resources.items():
                    key = (name, logical_id)
                    self._types[key] = str(resource.get("Type"))
                    path = (resource.get("Metadata") or {}).get("aws:cdk:path")
                    if isinstance(path, str):
                        self._paths[key] = path.removesuffix("/Resource").removesuffix("/Default")
                    for target in references(resource.get("Properties"), name, exported):
                        self._users.setdefault(target, set()).add(key)
                    properties = resource.get("Properties") or {}
                    documents = [properties.get("PolicyDocument")] + [
                        p.get("PolicyDocument")
                        for p in properties.get("Policies") or []
                        if isinstance(p, dict)
                    ]
                    self._policies += [(key, d) for d in documents if isinstance(d, dict)]

    def issuing_from(self, ca_keys: set[Key]) -> list[str]:
        """Roles allowed to issue end-entity certificates from these CAs at runtime (``grant_issue``): what
        they issued chains to the old CA. Statements limited to CA templates (activation machinery) are not
        services."""
        found = []
        for key, document in self._policies:
            for statement in _statements(document):
                actions = [a.lower() for a in _as_list(statement.get("Action")) if isinstance(a, str)]
                if statement.get("Effect") != "Allow" or "acm-pca:issuecertificate" not in actions:
                    continue
                if not set(references(statement.get("Resource"), key[0])) & ca_keys:
                    continue
                templates = json.dumps(statement.get("Condition", {}))
                if "CACertificate" in templates and "EndEntity" not in templates:
                    continue
                name = self._paths.get(key, f"{key[0]}/{key[1]}")
                found.append(f"`{name}` (issues certificates at runtime)")
                break
        return sorted(set(found))

    def using(self, keys: Iterable[Key]) -> list[str]:
        seen: set[Key] = set()
        found: list[str] = []
        todo = list(keys)
        while todo:
            for user in sorted(self._users.get(todo.pop(), ())):
                if user in seen:
                    continue
                seen.add(user)
                kind = self._types.get(user, "")
                if kind in _PASS_THROUGH:
                    todo.append(user)
                elif kind in SERVICE_TYPES:
                    name = self._paths.get(user, f"{user[0]}/{user[1]}")
                    found.append(f"`{name}` ({SERVICE_TYPES[kind]})")
        return sorted(found)


# ------------------------------------------------------------------------------------------ trust kept


def _reissues(review: Review, before: Pki, after: Pki, changes: dict[Key, Change], hit: set[str]) -> None:
    parts: dict[str, list[Change]] = {}
    for pki in (before, after):
        for key, ca_id in pki.ca_parts.items():
            change = changes.get(key)
            if change is not None and change.action is not Action.NONE and change not in parts.get(ca_id, []):
                parts.setdefault(ca_id, []).append(change)
    for ca_id, part_changes in sorted(parts.items()):
        if ca_id in hit or ca_id not in before.cas or ca_id not in after.cas:
            continue
        ca = after.cas[ca_id]
        if all(c.action is Action.ADD for c in part_changes):  # e.g. an offline parent's signature arrives
            review.reissues.append(f"CA {ca.label}: activated (its first CA certificate is installed).")
            continue
        if all(c.action is Action.UPDATE and c.changed == ["Status"] for c in part_changes):
            status = [c.properties_new.get("Status") for c in part_changes]
            review.updated_cas.append(f"CA {ca.label}: activation status now `{status[0]}`.")
            continue
        what = sorted({cause.split(" (")[0] for c in part_changes for cause in (c.causes or c.changed)})
        because = f" (`{'`, `'.join(what)}` changed)" if what else ""
        review.reissues.append(
            f"CA {ca.label}: CA certificate re-issued with the same key{because}. "
            "Re-issue, trust kept: what it issued still chains."
        )
    for cert_id, new_cert in sorted(after.certificates.items()):
        old_cert = before.certificates.get(cert_id)
        change = changes.get(new_cert.key)
        if old_cert is None or change is None or new_cert.issuer in hit:
            continue
        if old_cert.issuer != new_cert.issuer:
            review.reissues.append(
                f"Certificate {new_cert.label}: re-issued by `{new_cert.issuer}` instead of `{old_cert.issuer}`; "
                "clients must trust the new issuer."
            )
        elif change.action is Action.REPLACE:
            review.reissues.append(
                f"Certificate {new_cert.label}: re-issued with a new key ({', '.join(f'`{c}`' for c in change.causes)}"
                " changed); same issuer, trust kept."
            )


def _trust_store_changes(review: Review, before: Pki, after: Pki) -> None:
    for store_id, new_store in sorted(after.trust_stores.items()):
        old_store = before.trust_stores.get(store_id)
        if old_store is None:
            continue
        added = [c for c in new_store.cas if c not in old_store.cas]
        removed = [c for c in old_store.cas if c not in new_store.cas]
        if added:
            review.trust_store_changes.append(
                f"Trust store {new_store.label} now trusts {_names(added, after)}: their clients are accepted."
            )
        if removed:
            review.trust_store_changes.append(
                f"Trust store {new_store.label} no longer trusts {_names(removed, before)}: "
                "their clients are refused."
            )


def _names(ca_ids: list[str], pki: Pki) -> str:
    return ", ".join(pki.cas[c].label if c in pki.cas else f"`{c}`" for c in ca_ids)


# ------------------------------------------------------------------------------------------ cost


def _cost(
    review: Review, before: Pki, after: Pki, changes: dict[Key, Change], renamed: dict[str, str]
) -> None:
    lines: dict[tuple[str, int, int, str], int] = {}

    def add(ca: Ca, sign: int, what: str) -> None:
        k = (ca.usage_mode, ca.monthly_usd, sign, what)
        lines[k] = lines.get(k, 0) + 1

    renamed_from = {new_id: old_id for old_id, new_id in renamed.items()}
    for ca_id, ca in after.cas.items():
        old = before.cas.get(renamed_from.get(ca_id, ca_id))
        if old is None:
            add(ca, +1, "new")
            continue
        if old.id != ca_id:  # a removed CA taken over: CloudFormation deletes it (DeletionPolicy)
            add(ca, +1, "replacement")
            if old.retained_on_delete:
                review.still_billing.append(old)
            else:
                add(old, -1, "replaced (deleted)")
            continue
        change = changes.get(ca.key)
        if old.key != ca.key or (change is not None and change.action is Action.REPLACE):
            add(ca, +1, "replacement")
            if old.retained_on_replace:
                review.still_billing.append(old)
            else:
                add(old, -1, "replaced (deleted)")
    for ca_id, old in before.cas.items():
        if ca_id not in after.cas and ca_id not in renamed:
            if old.retained_on_delete:
                review.still_billing.append(old)
            else:
                add(old, -1, "removed (deleted)")
    review.cost = [
        CostLine(usage_mode=mode, count=count, each_usd=usd, sign=sign, what=what)
        for (mode, usd, sign, what), count in sorted(lines.items(), key=lambda item: (-item[0][2], item[0]))
    ]


# ------------------------------------------------------------------------------------------ other


def _added_and_removed(review: Review, before: Pki, after: Pki, changes: dict[Key, Change]) -> None:
    def labels(side: Pki, other: Pki) -> dict[str, list[str]]:
        return {
            "CAs": [
                f"{c.label} under `{c.parent}`" if c.parent else f"{c.label} (root)"
                for i, c in sorted(side.cas.items())
                if i not in other.cas
            ],
            "certificates": [
                c.label for i, c in sorted(side.certificates.items()) if i not in other.certificates
            ],
            "trust stores": [
                s.label for i, s in sorted(side.trust_stores.items()) if i not in other.trust_stores
            ],
        }

    review.added = labels(after, before)
    review.removed = labels(before, after)
    for ca_id, ca in sorted(after.cas.items()):
        change = changes.get(ca.key)
        if ca_id in before.cas and change is not None and change.action is Action.UPDATE:
            review.updated_cas.append(f"CA {ca.label} updated in place: `{'`, `'.join(change.changed)}`.")
        old = before.cas.get(ca_id)
        if old is not None and old.retained_on_delete and not ca.retained_on_delete:
            review.updated_cas.append(
                f"CA {ca.label} is no longer retained: deleting its stack or the construct deletes the CA, and "
                "every certificate it issued can no longer be renewed or revoked."
            )


def _pki_keys(pki: Pki) -> set[Key]:
    return (
        {c.key for c in pki.cas.values()}
        | set(pki.ca_parts)
        | {c.key for c in pki.certificates.values()}
        | {s.key for s in pki.trust_stores.values()}
    )
