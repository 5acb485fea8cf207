"""Rules that hold wherever a prop of a given name appears, applied by :func:`pki_constructs.inputs.typed_props`.

Issue 11's classes 3, 5 and 6 are facts the library already knows but did not cross-check in every construct
that takes the value: a CA still waiting for its offline signature used to issue (class 5), a validity that
ends after 9999-12-31, an SNS topic CloudWatch cannot publish to, the same construct id twice (class 6), a
region string that is not a region (class 3). Keying them by prop name applies each rule in every public
construct at once, so no constructor can forget one; a construct that legitimately takes such a value opts
out with a class attribute (``_accepts_pending_ca``).

Each rule is a pure function ``(field, value) -> list[Problem]``; sources are in the docstrings.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
from collections.abc import Callable, Sequence

from aws_cdk import Duration, Stack, Token
from constructs import Construct, IConstruct

from . import _arn, _pem
from .app_checks import claim, install
from .certificate_facts import certificate_arn_problems
from .errors import Problem
from .lifetime_schedule import TODAY_CONTEXT_KEY, today_of
from .value_rules import offline_certificate_problems, region_problems, validity_end_problems

__all__ = [
    "PROP_RULES",
    "alarm_topic_problems",
    "duplicate_id_problems",
    "expired_ca_problems",
    "pending_ca_problems",
    "prop_problems",
    "validity_limit_problems",
]

PENDING_MARKER = "pki-constructs:offlineParentPending"
"""The warning a CA waiting for its offline-signed certificate carries (activation.py); the fact read here."""


def is_pending(ca: object) -> bool:
    """Whether ``ca`` is a CA of this app that stays ``PENDING_CERTIFICATE`` until an offline signature arrives."""
    if not isinstance(ca, Construct):
        return False
    return any(PENDING_MARKER in str(entry.data) for entry in ca.node.metadata)


def pending_ca_problems(field: str, value: object) -> list[Problem]:
    """A CA waiting for its offline signature issues nothing (AWS Private CA issues only from ACTIVE CAs), so it
    can't yet be a parent, an issuer or a trusted CA whose certificate the trust bundle reads."""
    cas = value if isinstance(value, list | tuple) else [value]
    return [
        Problem(
            field,
            ca.node.path,
            "this CA is PENDING_CERTIFICATE until its offline-signed certificate is supplied; AWS issues "
            "nothing from it and has no certificate of it to read",
            "supply its certificate_file and chain_file (or the context folder) first, then use it here",
        )
        for ca in cas
        if isinstance(ca, Construct) and is_pending(ca)
    ]


def _cas(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else [value]


def ca_arn_prop_problems(field: str, value: object) -> list[Problem]:
    """The literal ARN every CA given carries must be an AWS Private CA ARN of a real region
    (:func:`pki_constructs._arn.ca_arn_problems`): aws-cdk-lib's ``from_certificate_authority_arn`` takes any
    string, so an ACM certificate ARN or ``"not-an-arn"`` would otherwise become an IAM policy resource or a
    certificate's issuer, failing only at deploy."""
    return [
        problem
        for ca in _cas(value)
        if not isinstance(ca, str)  # a string is not a CA: the type check says so, with the importer to use
        for problem in _arn.ca_arn_problems(
            field,
            getattr(ca, "certificate_authority_arn", None),
            fix="import the CA by its own ARN: SubordinateCa.from_certificate_authority_attributes(scope, id, "
            "certificate_authority_arn=<the ARN from `aws acm-pca list-certificate-authorities`>)",
        )
    ]


def expired_ca_problems(scope: IConstruct, field: str, value: object) -> list[Problem]:
    """The one "expired CA" rule, wherever a CA issues or is trusted (``parent=``, ``certificate_authority=``,
    ``trusted_cas=``, and every ACM certificate naming a CA): a CA whose certificate's ``not_after`` (told to
    the importer) is on or before today has expired. AWS Private CA issues nothing from an ``EXPIRED`` CA
    (API reference, CertificateAuthorityStatus) and relying parties reject a chain through it. Today is the
    ``pki-constructs:today`` context, else today's UTC date; a CA without ``not_after`` skips the rule."""
    dated = [
        (ca, not_after)
        for ca in _cas(value)
        if isinstance(ca, Construct)
        and isinstance(not_after := getattr(getattr(ca, "facts", None), "not_after", None), datetime.date)
    ]
    if not dated:
        return []
    today = today_of(scope)
    if isinstance(today, Problem):  # a malformed context value is refused where the schedule reads it
        return []
    whose = "the parent CA's" if field == "parent" else "the CA's"
    return [
        Problem(
            field,
            ca.node.path,
            f"this CA's certificate ended on {not_after.isoformat()} (its not_after), on or before today "
            f"{today.isoformat()} (the {TODAY_CONTEXT_KEY} context, else today's UTC date): AWS Private CA "
            "issues nothing from an expired CA and clients reject a chain through it",
            f"renew {whose} certificate first (its owner), then import it with the new not_after; or use "
            "another CA",
        )
        for ca, not_after in dated
        if not_after <= today
    ]


def foreign_account_ca_problems(scope: IConstruct, field: str, value: object) -> list[Problem]:
    """A CA construct of this app whose stack is in another account than the construct using it: the CA's ARN
    exists only at deploy, and neither CloudFormation exports nor the SSM parameters the library reads a CA's
    ARN through (:mod:`pki_constructs.cross_region`) cross accounts. The other account names the CA by its
    literal ARN with the importer (README "Sharing a CA across accounts")."""
    problems = []
    here = Stack.of(scope).account
    for ca in _cas(value):
        if not isinstance(ca, Construct):
            continue
        arn = getattr(ca, "certificate_authority_arn", None)
        if not isinstance(arn, str) or _arn.is_literal(arn) or Token.is_unresolved(here):
            continue
        there = Stack.of(ca).account
        if Token.is_unresolved(there) or there == here:
            continue
        problems.append(
            Problem(
                field,
                ca.node.path,
                f"this CA belongs to a stack of account {there}; its ARN is known only once that stack has "
                f"deployed, and CloudFormation cannot pass it to a stack of account {here}",
                f"create this construct in a stack of account {there}; or, to use the CA from account {here}, "
                f"share it (ca.share(...)) and import it there by its literal ARN (an output of its stack, or "
                f"`aws acm-pca list-certificate-authorities` in {there}): SubordinateCa."
                "from_certificate_authority_attributes(stack, 'SharedCa', certificate_authority_arn='arn:...', "
                "shared_permissions=[RamPermission.END_ENTITY])",
            )
        )
    return problems


def validity_limit_problems(field: str, value: object) -> list[Problem]:
    """X.509 GeneralizedTime ends at 9999-12-31 (RFC 5280 §4.1.2.5); a longer validity can't be encoded."""
    if not isinstance(value, Duration) or value.is_unresolved():
        return []
    return validity_end_problems(field, float(value.to_hours(integral=False)) / 24)


def alarm_topic_problems(field: str, value: object) -> list[Problem]:
    """CloudWatch alarm actions publish to standard topics only (SNS FIFO topics accept no CloudWatch alarm
    notifications), and not to a topic encrypted with the AWS managed key ``alias/aws/sns``, whose key policy
    cannot be changed to let ``cloudwatch.amazonaws.com`` use it (CloudWatch alarm actions docs, "encrypted
    SNS topics")."""
    if value is None:
        return []
    problems = []
    arn = getattr(value, "topic_arn", None)
    child = value.node.default_child if isinstance(value, Construct) else None
    fifo = getattr(child, "fifo_topic", None) is True or (
        isinstance(arn, str) and not Token.is_unresolved(arn) and arn.endswith(".fifo")
    )
    if fifo:
        problems.append(
            Problem(
                field,
                arn
                if isinstance(arn, str) and not Token.is_unresolved(arn)
                else str(getattr(value, "node", value)),
                "CloudWatch alarms can't notify a FIFO SNS topic",
                "use a standard topic, e.g. ExpiryTopic(...).topic",
            )
        )
    key = getattr(child, "kms_master_key_id", None)
    if isinstance(key, str) and Token.is_unresolved(key) and isinstance(value, Construct):
        key = json.dumps(Stack.of(value).resolve(key))  # an imported alias's ARN is a join of tokens
    if isinstance(key, str) and "alias/aws/sns" in key:
        problems.append(
            Problem(
                field,
                "alias/aws/sns",
                "the AWS managed key alias/aws/sns does not let CloudWatch publish: alarm notifications are lost",
                "encrypt the topic with a customer managed key, e.g. ExpiryTopic(...) does",
            )
        )
    return problems


def _path(value: object) -> str:
    return value.node.path if isinstance(value, Construct) else type(value).__name__


def duplicate_id_problems(scope: IConstruct, id: str) -> list[Problem]:
    """A second construct with one id under one scope fails inside jsii ("There is already a Construct");
    the usual cause is adding the same alarm (or certificate) twice."""
    existing = scope.node.try_find_child(id) if isinstance(id, str) else None
    if existing is None:
        return []
    return [
        Problem(
            "id",
            id,
            f"{scope.node.path} already has a child {id!r} ({type(existing).__name__})",
            "reuse the existing construct, or give this one another id",
        )
    ]


PROP_RULES: dict[str, Sequence[Callable[[str, object], list[Problem]]]] = {
    "validity": [validity_limit_problems],
    "topic": [alarm_topic_problems],
    "region": [lambda field, value: region_problems(field, value)],
    "parent": [pending_ca_problems, ca_arn_prop_problems],
    "certificate_authority": [pending_ca_problems, ca_arn_prop_problems],
    "trusted_cas": [pending_ca_problems, ca_arn_prop_problems],
    "certificate": [certificate_arn_problems],
    "certificates": [certificate_arn_problems],
}
"""Rules by prop name; a construct class may skip the CA-lifecycle rules (pending, expired) with
``_accepts_pending_ca = True``."""

_LIFECYCLE_RULES = frozenset({pending_ca_problems})
_LIFECYCLE_PROPS = frozenset({"parent", "certificate_authority", "trusted_cas"})


_OFFLINE_CERTIFICATE = "offline-signed certificate"


def _offline_der(scope: IConstruct, parent: object) -> bytes | None:
    """The DER of the signed certificate an ``OfflineParent`` supplies (None when pending or unreadable)."""
    read = getattr(parent, "read", None)
    if read is None or not hasattr(parent, "context_key"):
        return None
    material, problems = read(scope)
    if material is None or problems:
        return None  # OfflineParent reports its own problems (missing file, not PEM, ...)
    bodies = _pem.certificate_bodies(material[0])
    return base64.b64decode(bodies[0]) if bodies else None


def offline_parent_problems(scope: IConstruct, field: str, parent: object) -> list[Problem]:
    """The certificate an offline CA signed for this CA: a CA certificate, not expired, and not already
    given to another CA of this app (each CA has its own key; AWS refuses a certificate for another key)."""
    der = _offline_der(scope, parent)
    if der is None:
        return []
    where = f"{field}.certificate_file"
    problems = offline_certificate_problems(where, der)
    fingerprint = hashlib.sha256(der).hexdigest()
    for other, kind, key, _, _ in install(scope).claims:
        if kind == _OFFLINE_CERTIFICATE and key == fingerprint:
            problems.append(
                Problem(
                    where,
                    f"sha256 {fingerprint[:16]}…",
                    f"this signed certificate was already supplied for {other.node.path}; it certifies that CA's key",
                    "supply the certificate the offline CA signed for this CA's own CSR",
                )
            )
    return problems


def claim_offline_certificate(ca: IConstruct, parent: object) -> None:
    """Record the offline-signed certificate ``ca`` imports, so a second CA given the same one fails."""
    der = _offline_der(ca, parent)
    if der is not None:
        claim(
            ca, _OFFLINE_CERTIFICATE, hashlib.sha256(der).hexdigest(), field="parent", shown="<certificate>"
        )


def _literal_env_of(value: object) -> tuple[str | None, str | None]:
    """(account, region) of a resource (its ``env``, which an imported one takes from its ARN) or of an ARN,
    each None when unknown at synth."""
    if isinstance(value, str):
        return _arn.account_of(value), _arn.region_of(value)
    env = getattr(value, "env", None)
    if env is None and isinstance(value, Construct):
        env = Stack.of(value)
    account, region = getattr(env, "account", None), getattr(env, "region", None)
    return (
        account if isinstance(account, str) and not Token.is_unresolved(account) else None,
        region if isinstance(region, str) and not Token.is_unresolved(region) else None,
    )


def topic_region_problems(scope: IConstruct, field: str, topic: object) -> list[Problem]:
    """A CloudWatch alarm notifies an SNS topic of its own region only (alarm actions take a same-Region topic
    ARN, PutMetricAlarm AlarmActions docs)."""
    if topic is None:
        return []
    _, topic_region = _literal_env_of(topic)
    stack = Stack.of(scope)
    if topic_region is None or Token.is_unresolved(stack.region) or topic_region == stack.region:
        return []
    return [
        Problem(
            field,
            f"topic in {topic_region}",
            f"a CloudWatch alarm in {stack.region} can only notify an SNS topic in {stack.region}",
            f"use a topic of {stack.region}, e.g. ExpiryTopic(<a stack in {stack.region}>, ...).topic",
        )
    ]


def web_acl_problems(scope: IConstruct, field: str, web_acl_id: object) -> list[Problem]:
    """CloudFront takes a WAFv2 web ACL of scope CLOUDFRONT, which lives in us-east-1 (its ARN reads
    ``arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>``; AWS::CloudFront::Distribution WebACLId)."""
    if (
        not isinstance(web_acl_id, str)
        or Token.is_unresolved(web_acl_id)
        or not web_acl_id.startswith("arn:")
    ):
        return []
    parts = _arn.parse(web_acl_id)
    if (
        parts is not None
        and parts.service == "wafv2"
        and parts.region == "us-east-1"
        and parts.resource.startswith("global/webacl/")
    ):
        return []
    return [
        Problem(
            field,
            web_acl_id,
            "CloudFront needs a WAFv2 web ACL with scope CLOUDFRONT (us-east-1, 'global/webacl/...'); a regional "
            "web ACL or a WAF Classic ID does not attach",
            "create the web ACL with scope CLOUDFRONT in us-east-1",
        )
    ]


SCOPED_RULES: dict[str, Callable[[IConstruct, str, object], list[Problem]]] = {
    "parent": lambda scope, field, value: offline_parent_problems(scope, field, value),
    "certificate_authority": foreign_account_ca_problems,
    "topic": topic_region_problems,
    "web_acl_id": web_acl_problems,
}
"""Rules by prop name that need the scope the construct is created in."""


def prop_problems(owner: type, kwargs: dict[str, object], scope: IConstruct | None = None) -> list[Problem]:
    """Every prop rule for the props passed to a constructor of ``owner`` (under ``scope``)."""
    problems = []
    for name, value in kwargs.items():
        if scope is not None and name in SCOPED_RULES:
            problems += SCOPED_RULES[name](scope, name, value)
    accepts_pending = getattr(owner, "_accepts_pending_ca", False)
    for name, value in kwargs.items():
        if scope is not None and not accepts_pending and name in _LIFECYCLE_PROPS:
            problems += expired_ca_problems(scope, name, value)
        for rule in PROP_RULES.get(name, ()):
            if accepts_pending and name in _LIFECYCLE_PROPS and rule in _LIFECYCLE_RULES:
                continue
            problems += rule(name, value)
    return problems
