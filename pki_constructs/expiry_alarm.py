"""Expiry alarms for ACM certificates: ACM's ``DaysToExpiry`` metric, done right.

The hand-written alarm this replaces (``aws cloudwatch put-metric-alarm --metric-name DaysToExpiry
--namespace AWS/CertificateManager ...``) had no ``CertificateArn`` dimension and therefore never received a
data point. Here the metric is always built from a certificate, so that alarm cannot be produced:

- one alarm per certificate on ``AWS/CertificateManager`` ``DaysToExpiry`` with the ``CertificateArn``
  dimension, statistic ``Minimum``, period one day (ACM publishes once a day);
- missing data is *breaching*: ACM stops publishing once a certificate has expired (or was deleted), so
  silence means trouble, not health;
- the alarm lives in the certificate's region (the metric is regional and CDK refuses cross-region alarms);
- the default threshold follows the certificate's lifetime (:mod:`pki_constructs.lifetime_schedule`): half
  of ACM's renewal window, so the alarm means "renewal failed", not "renewal is due".

``DaysToExpiry`` exists only for ACM certificates. A Private CA's own certificate has no metric: use
:class:`pki_constructs.ca_expiry.CaExpiryAlarm` (or ``ca.add_expiry_alarm()``) for CAs.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from aws_cdk import Annotations, Duration, Stack, Token
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_sns as sns
from constructs import Construct

from . import _arn
from . import lifetime_schedule as schedule
from .certificate_facts import certificate_arn_problems, cfn_certificate_of
from .cross_region import RegionalExport, default_parameter_name
from .errors import PkiValidationError, Problem, raise_if_any
from .expiry_alarm_factory import days_to_expiry_alarm
from .expiry_events import account_expiry_events_configuration, on_expiry_event, on_renewal_failed
from .expiry_metrics import acm_days_to_expiry_metric
from .expiry_rules import (
    account_days_before_expiry_problems,
    days_of,
    region_problems,
    renewal_advice,
    threshold_problems,
)
from .expiry_topic import PublishToTopic
from .inputs import is_token, token_days, typed_props
from .method_inputs import typed_method

__all__ = ["CertificateLifetime", "ExpiryAlarm", "certificate_lifetime", "cfn_certificate_of"]


# --------------------------------------------------------------------------------------------------------
# The date and the lifetime
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateLifetime:
    """What the expiry rules know about a certificate's lifetime; ``lifetime`` ``None`` means unknown."""

    lifetime: Duration | None
    source: str
    renewal_window: Duration | None
    """How long before expiry ACM starts renewing it; ``None`` when ACM does not renew it (imported)."""
    default_threshold: Duration


def certificate_lifetime(kind: str | None, today: datetime.date) -> CertificateLifetime:
    """``kind`` is "public", "private" (ACM-requested) or ``None`` (imported or unknown).

    A public certificate's lifetime is the shortest one it can have until its next renewal (the SC-081
    schedule from ``today``), so the threshold stays right when that renewal falls after a schedule date.
    """
    if kind == "public":
        days = schedule.shortest_public_lifetime_days(today)
        return CertificateLifetime(
            Duration.days(days),
            f"ACM public certificate (SC-081 schedule from {today.isoformat()} through the next renewal)",
            Duration.days(schedule.renewal_window_days(days)),
            Duration.days(schedule.default_public_threshold_days(today)),
        )
    if kind == "private":
        days = schedule.ACM_PRIVATE_LIFETIME_DAYS
        return CertificateLifetime(
            Duration.days(days),
            "ACM private certificate",
            Duration.days(schedule.renewal_window_days(days)),
            Duration.days(schedule.default_threshold_days(days)),
        )
    return CertificateLifetime(
        None,
        "certificate",
        None,
        Duration.days(schedule.default_threshold_days(schedule.ACM_PRIVATE_LIFETIME_DAYS)),
    )


# --------------------------------------------------------------------------------------------------------
# What the construct watches
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CertificateFacts:
    arn: str
    region: str | None
    account: str | None
    stack: Stack | None
    kind: str | None


def is_certificate_authority(obj: object) -> bool:
    """Our RootCa/SubordinateCa and any ``acmpca.ICertificateAuthority`` (detected by attribute, so this module
    never imports the CA module); certificates that merely name their CA have a ``certificate_arn`` too."""
    return hasattr(obj, "certificate_authority_arn") and not hasattr(obj, "certificate_arn")


def _stack_of(obj: object) -> Stack | None:
    """The stack of a construct, ``None`` for anything else (jsii interface proxies are not isinstance-able)."""
    if not hasattr(obj, "node"):
        return None
    try:
        return Stack.of(obj)  # type: ignore[arg-type]
    except Exception:  # not in a stack
        return None


def _path_of(obj: object) -> str:
    node = getattr(obj, "node", None)
    return str(node.path) if node is not None else type(obj).__name__


def _metric_region(certificate: object) -> str | None:
    """The region aws-cdk-lib itself gives the certificate's DaysToExpiry metric (``DnsValidatedCertificate``
    with ``region=`` is created in that region, not its stack's), when it is a literal."""
    metric = getattr(certificate, "metric_days_to_expiry", None)
    if metric is None:
        return None
    try:
        stat = metric().to_metric_config().metric_stat
    except Exception:  # not an aws-cdk-lib certificate
        return None
    region = stat.region if stat is not None else None
    return region if isinstance(region, str) and not Token.is_unresolved(region) else None


def _certificate_facts(certificate: object, field: str) -> _CertificateFacts | list[Problem]:
    if certificate is None:
        return [
            Problem(
                field,
                None,
                "is required: a DaysToExpiry alarm without the CertificateArn dimension never gets data",
                "pass the acm.ICertificate to watch (e.g. a PublicCertificate or ServiceCertificate)",
            )
        ]
    if is_certificate_authority(certificate):
        return [
            Problem(
                field,
                _path_of(certificate),
                "is a Private CA: DaysToExpiry exists only for ACM certificates, a CA certificate has no metric",
                "use CaExpiryAlarm(scope, id, certificate_authority=ca) or ca.add_expiry_alarm(), which publish "
                "and alarm on the CA certificate's own days to expiry",
            )
        ]
    arn = getattr(certificate, "certificate_arn", None)
    if not isinstance(arn, str) or not arn:
        return [
            Problem(
                field,
                type(certificate).__name__,
                "is not an ACM certificate (no certificate_arn)",
                "pass an acm.ICertificate (e.g. acm.Certificate.from_certificate_arn) or a PublicCertificate",
            )
        ]
    problems = certificate_arn_problems(field, certificate)
    if problems:
        return problems

    stack = _stack_of(certificate)
    region = _arn.region_of(arn) or _metric_region(certificate)
    account = _arn.account_of(arn)
    cfn = cfn_certificate_of(certificate)
    # A token ARN says where the certificate is only when this construct creates it in its own stack; an
    # import by token (e.g. an ARN read from another region by certificate_in) could be anywhere.
    created_here = stack is not None and (
        cfn is not None or isinstance(certificate, acm.DnsValidatedCertificate)
    )
    if region is None and created_here and stack is not None and not Token.is_unresolved(stack.region):
        region = stack.region
    if account is None and created_here and stack is not None and not Token.is_unresolved(stack.account):
        account = stack.account

    # Classify by what is created, so our certificates and aws-cdk-lib's get the same lifetime; imported
    # certificates stay unknown.
    kind: str | None = None
    if cfn is not None:
        kind = "private" if cfn.certificate_authority_arn is not None else "public"
    elif isinstance(certificate, acm.DnsValidatedCertificate):
        kind = "public"
    return _CertificateFacts(arn, region, account, stack, kind)


def _arn_in(certificate: object, facts: _CertificateFacts, scope: Construct) -> str:
    """The certificate's ARN usable in ``scope``'s stack. A certificate of another stack is read through an SSM
    parameter next to it (:mod:`pki_constructs.cross_region`, the same one ``certificate_in`` uses): a plain
    token would make aws-cdk-lib write a strong export, and replacing the certificate would then fail with
    "export in use"."""
    if not Token.is_unresolved(facts.arn) or facts.stack is None or facts.stack is Stack.of(scope):
        return facts.arn
    export_arn = getattr(certificate, "export_arn", None)  # PublicCertificate publishes its own
    if callable(export_arn):
        export: RegionalExport = export_arn()
    else:
        owner: Any = certificate
        export = RegionalExport.of(
            owner, "PkiArnExport", value=facts.arn, name=default_parameter_name(owner, "certificate-arn")
        )
    return export.value_in(scope)


# --------------------------------------------------------------------------------------------------------
# The construct
# --------------------------------------------------------------------------------------------------------


class ExpiryAlarm(Construct):
    """A CloudWatch alarm on ACM's ``DaysToExpiry`` for one ACM certificate (public, or private through ACM).

    Statistic Minimum over one day, ``LESS_THAN_THRESHOLD``, missing data *breaching* (ACM stops publishing at
    expiry). The alarm must be in the certificate's region: when both regions are known and differ, synth
    fails and says where to put it (``ExpiryAlarm.in_certificate_stack`` places it there).

    ACM's own EventBridge signals for the certificate reach the alarm's topic through :meth:`on_expiry_event`
    and :meth:`on_renewal_failed`.

    Note: a new alarm has no data until ACM's next daily data point, so it may start in ALARM for up to a
    day after the first deploy.

    :param certificate: the certificate to watch: any ``acm.ICertificate`` (``PublicCertificate``,
        ``ServiceCertificate``, ``acm.Certificate``, ``acm.PrivateCertificate``, an import). A Private CA
        (``RootCa``, ``SubordinateCa``, ``acmpca.ICertificateAuthority``) is refused: use ``CaExpiryAlarm``.
    :param threshold: alarm when fewer days than this remain. At least 1 day, below the certificate's lifetime
        when known (ACM public: the CA/Browser Forum SC-081 schedule, 198 days today, 98 from 2027-03-15, 45
        from 2029-03-15; ACM private: 395). Default: - half of ACM's renewal window for the certificate's
        lifetime through its next renewal (30 days for 198-day certificates, 16 for 98-day, 7 for 45-day;
        30 for private and imported certificates), so the alarm means "renewal failed". The date is
        today's, or the ``pki-constructs:today`` context value.
    :param topic: notify this SNS topic on ALARM. It must allow ``cloudwatch.amazonaws.com`` to publish (and
        to use its KMS key). Not together with ``create_topic``. Default: - no notification action
    :param create_topic: create an :class:`ExpiryTopic` (KMS-encrypted, SSL-only) for this alarm. Prefer one
        shared ``ExpiryTopic`` per region passed as ``topic``. Default: - False
    :param account_days_before_expiry: also set the *account-wide, per-region* ACM setting for when
        "Approaching Expiration" events start (``AWS::CertificateManager::Account``, 1-45 days). This takes
        over a singleton other stacks may manage; it is only created when you set it, at most once per
        stack. Default: - not managed (AWS default: 45 days)
    :param alarm_description: the alarm's description. Default: - says what fired and what to do
    """

    _own_type_checks = frozenset({"certificate"})  # _certificate_facts explains what the alarm needs it for

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate: acm.ICertificate,
        threshold: Duration | None = None,
        topic: sns.ITopic | None = None,
        create_topic: bool = False,
        account_days_before_expiry: int | None = None,
        alarm_description: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        problems: list[Problem] = []
        facts = _certificate_facts(certificate, "certificate")
        if isinstance(facts, list):
            raise PkiValidationError(self.node.path, facts)
        today = schedule.today_of(self)
        if isinstance(today, Problem):
            raise PkiValidationError(self.node.path, [today])
        lifetime = certificate_lifetime(facts.kind, today)
        threshold = threshold if threshold is not None else lifetime.default_threshold

        problems += threshold_problems(threshold, lifetime=lifetime.lifetime, lifetime_source=lifetime.source)
        alarm_region = None if Token.is_unresolved(stack.region) else stack.region
        problems += region_problems(
            certificate_region=facts.region,
            alarm_region=alarm_region,
            certificate_stack=facts.stack.stack_name if facts.stack is not None else None,
            field="certificate",
        )
        alarm_account = None if Token.is_unresolved(stack.account) else stack.account
        if facts.account and alarm_account and facts.account != alarm_account:
            problems.append(
                Problem(
                    "certificate",
                    facts.account,
                    f"ACM publishes DaysToExpiry in the certificate's account, not in {alarm_account}",
                    f"create the ExpiryAlarm in a stack of account {facts.account}",
                )
            )
        if topic is not None and create_topic:
            problems.append(
                Problem(
                    "topic",
                    topic.node.path,
                    "pass an existing topic or create_topic=True, not both",
                    "drop one",
                )
            )
        if topic is not None:
            topic_region = _arn.region_of(topic.topic_arn) or (
                None if Token.is_unresolved(topic.env.region) else topic.env.region
            )
            if topic_region and alarm_region and topic_region != alarm_region:
                problems.append(
                    Problem(
                        "topic",
                        topic_region,
                        f"an alarm in {alarm_region} can only notify an SNS topic of its own region",
                        f"use (or create) a topic in {alarm_region}",
                    )
                )
        if account_days_before_expiry is not None:
            problems += account_days_before_expiry_problems(account_days_before_expiry)
            existing = [
                c.node.path
                for c in stack.node.find_all()
                if isinstance(c, acm.CfnAccount) and not c.node.path.startswith(self.node.path + "/")
            ]
            if existing:
                problems.append(
                    Problem(
                        "account_days_before_expiry",
                        account_days_before_expiry,
                        f"the account-wide ACM expiry-events setting is already managed by {existing[0]}",
                        "set it on one ExpiryAlarm per account and region only",
                    )
                )
        raise_if_any(self, problems)

        arn = _arn_in(certificate, facts, self)
        self.certificate_arn: str = arn
        """The certificate's ARN as valid in this alarm's stack."""
        self.threshold = threshold
        self.metric: cloudwatch.Metric = acm_days_to_expiry_metric(arn)
        days = token_days(threshold) if is_token(threshold) else int(days_of(threshold))
        assert days is not None  # threshold_problems refuses a token in another unit
        self.alarm, self.expiry_topic, self.topic = days_to_expiry_alarm(
            self,
            metric=self.metric,
            threshold_days=days,
            description=alarm_description
            or (
                f"ACM certificate {arn} expires in fewer than {days} days, or ACM stopped publishing "
                "DaysToExpiry (expired or deleted). For an ACM-issued certificate this means managed renewal "
                "failed: check its renewal status and DNS validation records; an imported one must be re-imported."
            ),
            topic=topic,
            create_topic=create_topic,
        )

        self.account_configuration: acm.CfnAccount | None = None
        if account_days_before_expiry is not None:
            self.account_configuration = account_expiry_events_configuration(
                self, "AccountConfiguration", days_before_expiry=account_days_before_expiry
            )
            Annotations.of(self).add_warning_v2(
                "pki-constructs:acm-account-configuration",
                "account_days_before_expiry manages the account-wide ACM expiry-events setting of this region "
                "(AWS::CertificateManager::Account); deleting this stack resets it to the AWS default.",
            )

        if facts.region is None and alarm_region is not None:
            Annotations.of(self).add_warning_v2(
                "pki-constructs:certificate-region-unknown",
                f"the region of certificate {_path_of(certificate)} is not known at synth; ACM publishes "
                "DaysToExpiry only "
                f"in the certificate's region, so this alarm in {alarm_region} gets data only if the "
                "certificate is there too (else it stays in ALARM). Pass the certificate construct itself, "
                "or use ExpiryAlarm.in_certificate_stack / public_certificate.add_expiry_alarm().",
            )
        advice = renewal_advice(threshold, renewal_window=lifetime.renewal_window)
        if advice:
            Annotations.of(self).add_warning_v2("pki-constructs:expiry-threshold-in-renewal-window", advice)
        if facts.kind == "public" and threshold == lifetime.default_threshold:
            change = schedule.next_threshold_change(today)
            if change is not None:
                Annotations.of(self).add_info(
                    f"default expiry threshold {days} days follows the CA/B Forum SC-081 lifetime schedule as "
                    f"of {today.isoformat()}; synthesized from {change[0].isoformat()} on it becomes "
                    f"{change[1]} days: deploy again then so the alarm follows the shorter certificates."
                )
        if facts.kind is None and threshold == lifetime.default_threshold:
            public_days = schedule.default_public_threshold_days(today)
            Annotations.of(self).add_info(
                f"[pki-constructs:ruleSkipped] the kind of certificate {_path_of(certificate)} is not known at "
                f"synth (an import by ARN), so the SC-081 lifetime rule was skipped: the default threshold {days} "
                "days assumes a 395-day certificate. For an ACM public certificate pass "
                f"threshold=Duration.days({public_days}) (the public default as of {today.isoformat()}), or the "
                "certificate construct itself."
            )

    @typed_method(creates_child=True)
    def on_expiry_event(
        self,
        id: str = "AcmEvents",
        *,
        target: events.IRuleTarget | None = None,
        description: str | None = None,
    ) -> events.Rule:
        """Route ACM's "Approaching Expiration" and "Expired" events of this certificate to ``target``.

        :param target: Default: - this alarm's topic (publishing only from this rule: ``aws:SourceArn``)
        :param description: Default: - names the events and the target
        """
        return on_expiry_event(
            self,
            id,
            certificate_arn=self.certificate_arn,
            target=self._target(target),
            description=description or "ACM expiry events of one certificate -> expiry topic",
        )

    @typed_method(creates_child=True)
    def on_renewal_failed(
        self,
        id: str = "HealthEvents",
        *,
        target: events.IRuleTarget | None = None,
        description: str | None = None,
    ) -> events.Rule:
        """Route the AWS Health events ACM raises when renewing this certificate needs action or failed
        (AWS_ACM_RENEWAL_STATE_CHANGE, CAA_CHECK_FAILURE, AWS_ACM_RENEWAL_FAILURE) to ``target``.

        :param target: Default: - this alarm's topic (publishing only from this rule: ``aws:SourceArn``)
        :param description: Default: - names the events and the target
        """
        return on_renewal_failed(
            self,
            id,
            certificate_arn=self.certificate_arn,
            target=self._target(target),
            description=description or "AWS Health renewal events of one ACM certificate -> expiry topic",
        )

    def _target(self, target: events.IRuleTarget | None) -> events.IRuleTarget:
        if target is not None:
            return target
        if self.topic is None:
            raise_if_any(
                self,
                [
                    Problem(
                        "target",
                        None,
                        "the alarm has no topic to route the events to",
                        "pass target=, or create the alarm with topic= or create_topic=True",
                    )
                ],
            )
        assert self.topic is not None
        return PublishToTopic(self.topic)

    @staticmethod
    @typed_method(creates_child=False)  # the constructor checks the id in the certificate's stack
    def in_certificate_stack(
        certificate: acm.ICertificate,
        id: str,
        *,
        threshold: Duration | None = None,
        topic: sns.ITopic | None = None,
        create_topic: bool = False,
        account_days_before_expiry: int | None = None,
        alarm_description: str | None = None,
    ) -> ExpiryAlarm:
        """Create the alarm in the certificate's own stack (and so in its region), whatever stack the caller
        is in. The props are the constructor's (see :class:`ExpiryAlarm`); a topic must be in that region too
        (no cross-region references are created).

        :param certificate: a certificate construct (its stack is where the alarm goes); an import by ARN
            (``acm.Certificate.from_certificate_arn``) is placed in the stack that imported it.
        """
        stack = _stack_of(certificate)
        if stack is None:  # the type check refuses non-certificates; a certificate outside any stack remains
            raise PkiValidationError(
                id,
                [
                    Problem(
                        "certificate",
                        _path_of(certificate),
                        "in_certificate_stack places the alarm in the certificate's stack; this one is in none",
                        "create the alarm with ExpiryAlarm(scope, id, certificate=...) in a stack of the "
                        "certificate's account and region",
                    )
                ],
            )
        return ExpiryAlarm(
            stack,
            id,
            certificate=certificate,
            threshold=threshold,
            topic=topic,
            create_topic=create_topic,
            account_days_before_expiry=account_days_before_expiry,
            alarm_description=alarm_description,
        )
