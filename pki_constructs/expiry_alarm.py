"""Expiry alarms for ACM certificates: ACM's ``DaysToExpiry`` metric, done right.

The hand-written alarm this replaces (``aws cloudwatch put-metric-alarm --metric-name DaysToExpiry
--namespace AWS/CertificateManager ...``) had no ``CertificateArn`` dimension and therefore never received a
data point. Here the metric is always built from a certificate, so that alarm cannot be produced:

- one alarm per certificate on ``AWS/CertificateManager`` ``DaysToExpiry`` with the ``CertificateArn``
  dimension, statistic ``Minimum``, period one day (ACM publishes once a day);
- missing data is *breaching*: ACM stops publishing once a certificate has expired (or was deleted), so
  silence means trouble, not health;
- the alarm lives in the certificate's region (the metric is regional and CDK refuses cross-region alarms);
- the default threshold (30 days) is below the point where ACM starts managed renewal (about 60 days before
  expiry), so the alarm means "renewal failed", not "renewal is due".

``DaysToExpiry`` exists only for ACM certificates. A Private CA's own certificate has no metric: use
:class:`pki_constructs.ca_expiry.CaExpiryAlarm` (or ``ca.add_expiry_alarm()``) for CAs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import Annotations, Duration, Stack, Token
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from .cross_region import RegionalExport, default_parameter_name
from .errors import PkiValidationError, Problem, raise_if_any

ACM_METRIC_NAMESPACE = "AWS/CertificateManager"
DAYS_TO_EXPIRY = "DaysToExpiry"
CERTIFICATE_ARN_DIMENSION = "CertificateArn"

ACM_PUBLIC_CERTIFICATE_LIFETIME = Duration.days(198)
"""Lifetime of ACM public certificates issued since 18 Feb 2026 (CA/B Forum SC-081). It keeps shrinking
(under 100 days from March 2027, 47 from March 2029): never assume the old 395 days."""

ACM_PRIVATE_CERTIFICATE_LIFETIME = Duration.days(395)
"""Lifetime of private certificates requested through ACM (``acm.PrivateCertificate``)."""

ACM_RENEWAL_LEAD_TIME = Duration.days(60)
"""ACM starts managed renewal about this long before expiry; a threshold at or above it fires on healthy
renewals too."""

DEFAULT_THRESHOLD = Duration.days(30)

ACM_EXPIRY_EVENT_TYPES = ("ACM Certificate Approaching Expiration", "ACM Certificate Expired")
"""``aws.acm`` EventBridge detail-types about expiry (ACM user guide, "Amazon EventBridge support for ACM")."""

ACM_HEALTH_EVENT_CODES = ("AWS_ACM_RENEWAL_STATE_CHANGE", "CAA_CHECK_FAILURE", "AWS_ACM_RENEWAL_FAILURE")
"""AWS Health event type codes ACM raises when a renewal needs action or failed (same page)."""

ACCOUNT_DAYS_BEFORE_EXPIRY_RANGE = (1, 45)
"""``AWS::CertificateManager::Account`` ``ExpiryEventsConfiguration.DaysBeforeExpiry`` bounds."""


# --------------------------------------------------------------------------------------------------------
# Pure rules (no CDK scope): each returns the problems it finds.
# --------------------------------------------------------------------------------------------------------


def _days(duration: Duration) -> float:
    return float(duration.to_hours(integral=False)) / 24


def threshold_problems(
    threshold: Duration,
    *,
    lifetime: Duration | None,
    lifetime_source: str = "certificate",
    field: str = "threshold",
) -> list[Problem]:
    """The alarm fires when days-to-expiry drops *below* ``threshold``: it must be a whole number of days,
    at least one, and below the lifetime of what it watches (else it fires from the day of issue)."""
    days = _days(threshold)
    problems: list[Problem] = []
    if days != int(days):
        problems.append(
            Problem(
                field, threshold.to_human_string(), "must be a whole number of days", "use Duration.days(n)"
            )
        )
    if days < 1:
        problems.append(
            Problem(
                field,
                threshold.to_human_string(),
                "must be at least 1 day: below that the alarm could only fire once the certificate has expired",
                "use Duration.days(1) or more (default 30 for ACM certificates)",
            )
        )
    if lifetime is not None and days >= _days(lifetime):
        problems.append(
            Problem(
                field,
                threshold.to_human_string(),
                f"must be below the {lifetime_source} lifetime of {_days(lifetime):g} days, "
                "or the alarm is in ALARM from the day the certificate is issued",
                f"use fewer than {_days(lifetime):g} days",
            )
        )
    return problems


def renewal_advice(threshold: Duration, *, renewed_by_acm: bool) -> str | None:
    """Advice when a threshold would also fire during ACM's normal renewal window."""
    if renewed_by_acm and _days(threshold) >= _days(ACM_RENEWAL_LEAD_TIME):
        return (
            f"threshold of {_days(threshold):g} days is not below ACM's renewal start (~"
            f"{_days(ACM_RENEWAL_LEAD_TIME):g} days before expiry): the alarm fires on healthy renewals too. "
            "Keep it below 60 days so that it means 'renewal failed'."
        )
    return None


def region_of_arn(arn: str) -> str | None:
    """The region of a literal ARN, ``None`` for tokens or malformed ARNs."""
    if Token.is_unresolved(arn):
        return None
    parts = arn.split(":")
    return (parts[3] or None) if len(parts) >= 6 and parts[0] == "arn" else None


def account_of_arn(arn: str) -> str | None:
    if Token.is_unresolved(arn):
        return None
    parts = arn.split(":")
    return (parts[4] or None) if len(parts) >= 6 and parts[0] == "arn" else None


def acm_certificate_arn_problems(arn: str, *, field: str = "certificate") -> list[Problem]:
    """A literal ARN must be an ACM certificate ARN; Private CA ARNs have no DaysToExpiry metric."""
    if Token.is_unresolved(arn):
        return []
    parts = arn.split(":")
    service = parts[2] if len(parts) >= 6 and parts[0] == "arn" else None
    if service == "acm-pca":
        return [
            Problem(
                field,
                arn,
                "is an AWS Private CA ARN: DaysToExpiry exists only for ACM certificates, not for CAs or "
                "certificates issued directly by a CA (IssueCertificate)",
                "for a CA use CaExpiryAlarm(scope, id, certificate_authority=...) or ca.add_expiry_alarm()",
            )
        ]
    if service != "acm" or not parts[5].startswith("certificate/") or not parts[3]:
        return [
            Problem(
                field,
                arn,
                "is not an ACM certificate ARN (arn:<partition>:acm:<region>:<account>:certificate/<id>)",
                "pass the certificate, or acm.Certificate.from_certificate_arn(...) with its ARN",
            )
        ]
    return []


def region_problems(
    *, certificate_region: str | None, alarm_region: str | None, certificate_stack: str | None, field: str
) -> list[Problem]:
    """The metric is published in the certificate's region and alarms read only their own region."""
    if not certificate_region or not alarm_region or certificate_region == alarm_region:
        return []
    where = f"a stack in {certificate_region}"
    if certificate_stack:
        where += f" (e.g. the certificate's own stack {certificate_stack!r})"
    return [
        Problem(
            field,
            certificate_region,
            f"DaysToExpiry of this certificate is published in {certificate_region}, but this alarm's stack is "
            f"in {alarm_region}; CloudWatch alarms only read metrics of their own region",
            f"create the ExpiryAlarm in {where}: ExpiryAlarm.in_certificate_stack(certificate, id, ...) or "
            "public_certificate.add_expiry_alarm(...) place it there for you",
        )
    ]


def account_days_before_expiry_problems(
    days: int, *, field: str = "account_days_before_expiry"
) -> list[Problem]:
    low, high = ACCOUNT_DAYS_BEFORE_EXPIRY_RANGE
    if isinstance(days, bool) or not isinstance(days, int) or not low <= days <= high:
        return [
            Problem(
                field, days, f"must be a whole number of days from {low} to {high}", "e.g. 45 (AWS default)"
            )
        ]
    return []


# --------------------------------------------------------------------------------------------------------
# What the construct watches
# --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CertificateFacts:
    arn: str
    region: str | None
    account: str | None
    stack: Stack | None
    lifetime: Duration | None
    lifetime_source: str
    renewed_by_acm: bool


def is_certificate_authority(obj: object) -> bool:
    """Our RootCa/SubordinateCa and any ``acmpca.ICertificateAuthority`` (detected by attribute, so this module
    never imports the CA module); certificates that merely name their CA have a ``certificate_arn`` too."""
    return hasattr(obj, "certificate_authority_arn") and not hasattr(obj, "certificate_arn")


def _wrapped_certificate(obj: object) -> Any | None:
    """A PublicCertificate-like wrapper exposes its ``acm.ICertificate`` as ``.certificate``."""
    inner = getattr(obj, "certificate", None)
    return inner if inner is not None and hasattr(inner, "certificate_arn") else None


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
                "pass the acm.ICertificate or PublicCertificate to watch",
            )
        ]
    if is_certificate_authority(certificate):
        return [
            Problem(
                field,
                getattr(getattr(certificate, "node", None), "path", type(certificate).__name__),
                "is a Private CA: DaysToExpiry exists only for ACM certificates, a CA certificate has no metric",
                "use CaExpiryAlarm(scope, id, certificate_authority=ca) or ca.add_expiry_alarm(), which publish "
                "and alarm on the CA certificate's own days to expiry",
            )
        ]
    wrapper = _wrapped_certificate(certificate)
    inner = wrapper if wrapper is not None else certificate
    arn = getattr(inner, "certificate_arn", None)
    if not isinstance(arn, str) or not arn:
        return [
            Problem(
                field,
                type(certificate).__name__,
                "is not an ACM certificate (no certificate_arn)",
                "pass an acm.ICertificate (e.g. acm.Certificate.from_certificate_arn) or a PublicCertificate",
            )
        ]
    problems = acm_certificate_arn_problems(arn, field=field)
    if problems:
        return problems

    stack = _stack_of(inner)
    region = region_of_arn(arn) or _metric_region(inner)
    account = account_of_arn(arn)
    # A token ARN says where the certificate is only when this construct creates it in its own stack; an
    # import by token (e.g. an ARN read from another region by certificate_in) could be anywhere.
    created_here = stack is not None and isinstance(
        inner, acm.Certificate | acm.PrivateCertificate | acm.DnsValidatedCertificate
    )
    if region is None and created_here and stack is not None and not Token.is_unresolved(stack.region):
        region = stack.region
    if account is None and created_here and stack is not None and not Token.is_unresolved(stack.account):
        account = stack.account

    lifetime: Duration | None = None
    source = "certificate"
    renewed = False
    # Classify by the ACM construct itself, so wrappers (PublicCertificate, ServiceCertificate) get the lifetime
    # of what they wrap; imported certificates stay unknown.
    if isinstance(inner, acm.PrivateCertificate):
        lifetime, source, renewed = ACM_PRIVATE_CERTIFICATE_LIFETIME, "ACM private certificate", True
    elif isinstance(inner, acm.Certificate | acm.DnsValidatedCertificate):
        lifetime, source, renewed = ACM_PUBLIC_CERTIFICATE_LIFETIME, "ACM public certificate", True
    return _CertificateFacts(arn, region, account, stack, lifetime, source, renewed)


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
        owner: Any = _wrapped_certificate(certificate) or certificate
        export = RegionalExport.of(
            owner, "PkiArnExport", value=facts.arn, name=default_parameter_name(owner, "certificate-arn")
        )
    return export.value_in(scope)


def acm_days_to_expiry_metric(certificate_arn: str) -> cloudwatch.Metric:
    """``AWS/CertificateManager`` ``DaysToExpiry`` of one certificate: Minimum over one day, with the
    ``CertificateArn`` dimension (the only way this library builds that metric)."""
    return cloudwatch.Metric(
        namespace=ACM_METRIC_NAMESPACE,
        metric_name=DAYS_TO_EXPIRY,
        dimensions_map={CERTIFICATE_ARN_DIMENSION: certificate_arn},
        statistic=cloudwatch.Stats.MINIMUM,
        period=Duration.days(1),
    )


# --------------------------------------------------------------------------------------------------------
# Constructs
# --------------------------------------------------------------------------------------------------------


class ExpiryTopic(Construct):
    """An SNS topic for expiry notifications that passes cdk-nag: encrypted with its own KMS key (rotation
    on), SSL-only, and open to CloudWatch alarms (and EventBridge rules, when they target it) of this account.

    Share one per region: every alarm and rule of that region can use ``topic``.

    :param display_name: the topic's display name. Default: - "Certificate expiry"
    :param master_key: encrypt with this key instead of a new one (its policy must let
        ``cloudwatch.amazonaws.com`` use ``kms:Decrypt`` and ``kms:GenerateDataKey*``).
        Default: - a new customer-managed key with yearly rotation
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        display_name: str = "Certificate expiry",
        master_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.key: kms.IKey = master_key or kms.Key(
            self,
            "Key",
            enable_key_rotation=True,
            description="pki-constructs: encrypts certificate expiry notifications",
        )
        self.topic = sns.Topic(
            self, "Resource", master_key=self.key, enforce_ssl=True, display_name=display_name
        )
        account = Stack.of(self).account
        # An explicit topic policy replaces SNS's default one, so CloudWatch needs its own statement,
        # limited to alarms of this account (confused-deputy guard).
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsOfThisAccount",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": account}},
            )
        )
        # CloudWatch encrypts the message through SNS with this key.
        self.key.grant(
            iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*"
        )

    @property
    def topic_arn(self) -> str:
        return self.topic.topic_arn


def days_to_expiry_alarm(
    scope: Construct,
    *,
    metric: cloudwatch.IMetric,
    threshold_days: int,
    description: str,
    topic: sns.ITopic | None,
    create_topic: bool,
) -> tuple[cloudwatch.Alarm, ExpiryTopic | None, sns.ITopic | None]:
    """The alarm both expiry constructs make: below ``threshold_days``, missing data breaching (an expired
    certificate publishes nothing), notifying ``topic`` or a new :class:`ExpiryTopic`. Returns the alarm,
    the created topic construct and the topic notified."""
    alarm = cloudwatch.Alarm(
        scope,
        "Resource",
        metric=metric,
        threshold=threshold_days,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.BREACHING,
        alarm_description=description,
    )
    created = ExpiryTopic(scope, "Topic") if create_topic else None
    notified = created.topic if created else topic
    if notified is not None:
        alarm.add_alarm_action(cloudwatch_actions.SnsAction(notified))
    return alarm, created, notified


class ExpiryAlarm(Construct):
    """A CloudWatch alarm on ACM's ``DaysToExpiry`` for one ACM certificate (public, or private through ACM).

    Statistic Minimum over one day, ``LESS_THAN_THRESHOLD``, missing data *breaching* (ACM stops publishing at
    expiry). The alarm must be in the certificate's region: when both regions are known and differ, synth
    fails and says where to put it (``ExpiryAlarm.in_certificate_stack`` places it there).

    Note: a new alarm has no data until ACM's next daily data point, so it may start in ALARM for up to a
    day after the first deploy.

    :param certificate: the certificate to watch: any ``acm.ICertificate`` or a ``PublicCertificate``. A
        Private CA (``RootCa``, ``SubordinateCa``, ``acmpca.ICertificateAuthority``) is refused: use
        ``CaExpiryAlarm``.
    :param threshold: alarm when fewer days than this remain. At least 1 day, below the certificate's
        lifetime when known (198 days for ACM public, 395 for ACM private). Default: - 30 days, below ACM's
        ~60-day renewal start, so the alarm means "renewal failed"
    :param topic: notify this SNS topic on ALARM. It must allow ``cloudwatch.amazonaws.com`` to publish (and
        to use its KMS key). Not together with ``create_topic``. Default: - no notification action
    :param create_topic: create an :class:`ExpiryTopic` (KMS-encrypted, SSL-only) for this alarm. Prefer one
        shared ``ExpiryTopic`` per region passed as ``topic``. Default: - False
    :param acm_events: also route ACM's own EventBridge signals for this certificate to the topic: "ACM
        Certificate Approaching Expiration" / "ACM Certificate Expired" and the AWS Health renewal events
        (AWS_ACM_RENEWAL_STATE_CHANGE, CAA_CHECK_FAILURE, AWS_ACM_RENEWAL_FAILURE), each matched by this
        certificate's ARN in the event's ``resources`` (where ACM and AWS Health list the affected resource).
        Needs a topic. Default: - False
    :param account_days_before_expiry: also set the *account-wide, per-region* ACM setting for when
        "Approaching Expiration" events start (``AWS::CertificateManager::Account``, 1-45 days). This takes
        over a singleton other stacks may manage; it is only created when you set it, at most once per
        stack. Default: - not managed (AWS default: 45 days)
    :param alarm_description: the alarm's description. Default: - says what fired and what to do
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate: Any,
        threshold: Duration = DEFAULT_THRESHOLD,
        topic: sns.ITopic | None = None,
        create_topic: bool = False,
        acm_events: bool = False,
        account_days_before_expiry: int | None = None,
        alarm_description: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        problems: list[Problem] = []
        facts = _certificate_facts(certificate, "certificate")
        if isinstance(facts, list):
            raise PkiValidationError(self.node.path, facts)

        problems += threshold_problems(
            threshold, lifetime=facts.lifetime, lifetime_source=facts.lifetime_source
        )
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
            topic_region = region_of_arn(topic.topic_arn) or (
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
        if acm_events and topic is None and not create_topic:
            problems.append(
                Problem(
                    "acm_events",
                    True,
                    "routes events to the alarm topic, but there is none",
                    "pass topic= or create_topic=True",
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
        days = int(_days(threshold))
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

        self.rules: list[events.Rule] = []
        if acm_events and self.topic is not None:
            self.rules = self._route_acm_events(arn, self.topic)

        self.account_configuration: acm.CfnAccount | None = None
        if account_days_before_expiry is not None:
            self.account_configuration = acm.CfnAccount(
                self,
                "AccountConfiguration",
                expiry_events_configuration=acm.CfnAccount.ExpiryEventsConfigurationProperty(
                    days_before_expiry=account_days_before_expiry
                ),
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
        advice = renewal_advice(threshold, renewed_by_acm=facts.renewed_by_acm)
        if advice:
            Annotations.of(self).add_warning_v2("pki-constructs:expiry-threshold-in-renewal-window", advice)

    def _route_acm_events(self, certificate_arn: str, topic: sns.ITopic) -> list[events.Rule]:
        target = targets.SnsTopic(topic)
        expiry = events.Rule(
            self,
            "AcmEvents",
            description="ACM expiry events of one certificate -> expiry topic",
            event_pattern=events.EventPattern(
                source=["aws.acm"], detail_type=list(ACM_EXPIRY_EVENT_TYPES), resources=[certificate_arn]
            ),
            targets=[target],
        )
        health = events.Rule(
            self,
            "HealthEvents",
            description="AWS Health renewal events of one ACM certificate -> expiry topic",
            event_pattern=events.EventPattern(
                source=["aws.health"],
                detail_type=["AWS Health Event"],
                resources=[certificate_arn],
                detail={"service": ["ACM"], "eventTypeCode": list(ACM_HEALTH_EVENT_CODES)},
            ),
            targets=[target],
        )
        return [expiry, health]

    @staticmethod
    def in_certificate_stack(certificate: Any, id: str, **props: Any) -> ExpiryAlarm:
        """Create the alarm in the certificate's own stack (and so in its region), whatever stack the caller
        is in. ``props`` are those of the constructor; a topic must be in that region too (no cross-region
        references are created)."""
        inner = _wrapped_certificate(certificate) or certificate
        stack = _stack_of(inner)
        if stack is None:
            raise TypeError("in_certificate_stack needs a certificate construct; use ExpiryAlarm(scope, ...)")
        return ExpiryAlarm(stack, id, certificate=certificate, **props)
