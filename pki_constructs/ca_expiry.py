"""Expiry alarms for Private CA certificates, which no AWS metric covers.

ACM's ``DaysToExpiry`` exists only for ACM certificates. A root or subordinate CA's own certificate has no
metric and no event, and when it expires every certificate under it fails at once. :class:`CaExpiryAlarm`
closes that gap:

- a scheduled Lambda (``pki_handlers.ca_expiry``, one per stack, shared by every ``CaExpiryAlarm`` in it) reads
  ``NotAfter`` with ``DescribeCertificateAuthority`` and publishes ``DaysToExpiry`` in the ``PkiConstructs``
  namespace with a ``CertificateAuthorityArn`` dimension, every ``check_interval`` and right after each
  successful deployment of the stack (a CloudFormation stack-status rule, so the alarms get data at once);
- one alarm per CA on that metric: Minimum, ``LESS_THAN_THRESHOLD``, missing data *breaching* (no data means
  the check failed, or the CA has no certificate or was deleted);
- least privilege: ``acm-pca:DescribeCertificateAuthority`` on exactly the watched CA ARNs, and
  ``cloudwatch:PutMetricData`` limited to our namespace with the ``cloudwatch:namespace`` condition key.
  PutMetricData has no resource-level permissions (its only "resource" is ``*``), which is why that one
  statement says ``Resource: *``.

The CA may be in another region than the alarm (the handler asks the CA's own region); the metric and the
alarm are in the alarm's stack region.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jsii
from aws_cdk import (
    Acknowledgment,
    Annotations,
    Duration,
    IStableAnyProducer,
    Lazy,
    Stack,
    Token,
    Validations,
)
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from constructs import Construct

from . import _arn
from ._provider import async_handler_function
from .ca_facts import ca_facts, note_skipped_rules
from .cross_region import RegionalExport, default_parameter_name
from .errors import Problem, add_late_validation, raise_if_any
from .expiry_alarm_factory import days_to_expiry_alarm
from .expiry_metrics import (
    CA_METRIC_NAMESPACE,
    DEFAULT_CHECK_INTERVAL,
    ca_days_to_expiry_metric,
    ca_metric_period,
)
from .expiry_rules import check_interval_problems, days_of, threshold_problems
from .inputs import is_token, token_days, typed_props

DEFAULT_CA_THRESHOLD = Duration.days(90)

MAX_CAS_PER_STACK = 60
"""The ARNs travel in the EventBridge target input (at most 8192 characters); 60 ARNs fit with room."""

_MONITOR_ID = "PkiConstructsCaExpiryMonitor"
_HANDLER = "ca_expiry"


def _arn_in(certificate_authority: acmpca.ICertificateAuthority, arn: str, scope: Construct) -> str:
    """The CA's ARN usable in ``scope``'s stack. A CA construct of another stack is read through an SSM
    parameter next to it (:mod:`pki_constructs.cross_region`): a plain token would make aws-cdk-lib write a
    strong cross-stack (or cross-region) export that locks the CA's ARN."""
    if not Token.is_unresolved(arn) or not hasattr(certificate_authority, "node"):
        return arn
    owner: Any = certificate_authority
    if Stack.of(owner) is Stack.of(scope):
        return arn
    export = RegionalExport.of(
        owner, "PkiArnExport", value=arn, name=default_parameter_name(owner, "certificate-authority-arn")
    )
    return export.value_in(scope)


# --------------------------------------------------------------------------------------------------------
# The per-stack checker
# --------------------------------------------------------------------------------------------------------


@jsii.implements(IStableAnyProducer)
class _Produce:
    def __init__(self, produce: Callable[[], Any]) -> None:
        self._produce = produce

    def produce(self) -> Any:
        return self._produce()


class CaExpiryMonitor(Construct):
    """The stack's scheduled checker: one Lambda, its schedule and its on-deploy trigger, shared by every
    :class:`CaExpiryAlarm` of the stack. Use :meth:`of`; alarms register their CAs with it."""

    def __init__(self, scope: Construct, id: str, *, check_interval: Duration) -> None:
        super().__init__(scope, id)
        self.check_interval = check_interval
        self._arns: list[str] = []
        self.function, self.failures = async_handler_function(
            self,
            "Function",
            handler_name=_HANDLER,
            entry_point="handler",
            description="pki-constructs: publishes DaysToExpiry of Private CA certificates",
            # The handler starts no call with less than its worst case (42 s) left, so a dead Region costs
            # one call's worth and the rest of the CAs are still published; a normal run takes seconds.
            timeout=Duration.minutes(5),
            environment={"METRIC_NAMESPACE": CA_METRIC_NAMESPACE},
        )
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                sid="PutDaysToExpiryInOurNamespaceOnly",
                actions=["cloudwatch:PutMetricData"],
                # PutMetricData supports no resource-level permissions: "*" is the only resource it accepts;
                # the namespace condition is what limits it.
                resources=["*"],
                conditions={"StringEquals": {"cloudwatch:namespace": CA_METRIC_NAMESPACE}},
            )
        )
        role = self.function.role
        assert role is not None
        Validations.of(role).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="cloudwatch:PutMetricData has no resource-level permissions; the statement is limited "
                "to the PkiConstructs namespace by the cloudwatch:namespace condition key",
            )
        )
        payload = events.RuleTargetInput.from_object(
            {"CertificateAuthorityArns": Lazy.any(_Produce(lambda: list(self._arns)))}
        )
        stack = Stack.of(self)
        self.schedule = events.Rule(
            self,
            "Schedule",
            description="pki-constructs: check Private CA certificate expiry",
            schedule=events.Schedule.rate(check_interval),
            targets=[self._target(payload)],
        )
        # Without this the alarms would start in ALARM (missing data) until the first scheduled run.
        self.on_deploy = events.Rule(
            self,
            "OnDeploy",
            description="pki-constructs: check Private CA certificate expiry after each deployment",
            event_pattern=events.EventPattern(
                source=["aws.cloudformation"],
                detail_type=["CloudFormation Stack Status Change"],
                detail={
                    "stack-id": [stack.stack_id],
                    "status-details": {"status": ["CREATE_COMPLETE", "UPDATE_COMPLETE"]},
                },
            ),
            targets=[self._target(payload)],
        )
        add_late_validation(self, self._size_problems)

    def _target(self, payload: events.RuleTargetInput) -> targets.LambdaFunction:
        return targets.LambdaFunction(
            self.function, event=payload, retry_attempts=2, dead_letter_queue=self.failures.queue
        )

    @classmethod
    def of(cls, scope: Construct, *, check_interval: Duration) -> CaExpiryMonitor:
        """The stack's monitor, created on first use."""
        stack = Stack.of(scope)
        existing = stack.node.try_find_child(_MONITOR_ID)
        if isinstance(existing, CaExpiryMonitor):
            return existing
        return cls(stack, _MONITOR_ID, check_interval=check_interval)

    @property
    def certificate_authority_arns(self) -> list[str]:
        return list(self._arns)

    def watch(self, certificate_authority_arn: str) -> None:
        """Check this CA too (idempotent) and allow describing exactly it."""
        if certificate_authority_arn in self._arns:
            return
        self._arns.append(certificate_authority_arn)
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                actions=["acm-pca:DescribeCertificateAuthority"], resources=[certificate_authority_arn]
            )
        )

    def _size_problems(self) -> list[Problem]:
        if len(self._arns) > MAX_CAS_PER_STACK:
            return [
                Problem(
                    "certificate_authority",
                    len(self._arns),
                    f"at most {MAX_CAS_PER_STACK} CAs per stack fit in the checker's EventBridge input",
                    "spread the CaExpiryAlarms over several stacks",
                )
            ]
        return []


# --------------------------------------------------------------------------------------------------------
# The alarm
# --------------------------------------------------------------------------------------------------------


class CaExpiryAlarm(Construct):
    """A CloudWatch alarm on the days left before a Private CA's own certificate expires.

    ACM has no metric for CA certificates; this construct makes one (see the module docstring) and alarms on
    it. Every ``CaExpiryAlarm`` of a stack shares that stack's :class:`CaExpiryMonitor`.

    :param certificate_authority: the CA to watch: a ``RootCa``/``SubordinateCa`` (its ``validity`` bounds the
        threshold), an import (``SubordinateCa.from_certificate_authority_attributes``, or aws-cdk-lib's
        ``acmpca.CertificateAuthority.from_certificate_authority_arn``) of a CA in any region of this account;
        another account works only if the CA is shared so that this account may call
        DescribeCertificateAuthority. An ARN string is not a CA: import it. An ACM certificate is refused: use
        ``ExpiryAlarm``.
    :param threshold: alarm when fewer days than this remain. At least 1 day and below the CA's validity when
        known. A CA cannot issue certificates that outlive it, so a CA backing ACM private certificates (395
        days) needs replacing well before that: raise the threshold accordingly. Default: - 90 days
    :param topic: notify this SNS topic on ALARM (it must allow ``cloudwatch.amazonaws.com`` to publish).
        Not together with ``create_topic``. Default: - no notification action
    :param create_topic: create an :class:`ExpiryTopic` (KMS-encrypted, SSL-only) for this alarm.
        Default: - False
    :param check_interval: how often the stack's checker runs, 1 to 12 hours (the same for every
        ``CaExpiryAlarm`` of a stack). The alarm period is twice this. Default: - 12 hours
    :param alarm_description: the alarm's description. Default: - says what fired and what to do
    """

    _accepts_pending_ca = (
        True  # watching a CA before its offline signature is fine: the alarm fires until then
    )

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate_authority: acmpca.ICertificateAuthority,
        threshold: Duration = DEFAULT_CA_THRESHOLD,
        topic: sns.ITopic | None = None,
        create_topic: bool = False,
        check_interval: Duration = DEFAULT_CHECK_INTERVAL,
        alarm_description: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        facts = ca_facts(
            certificate_authority
        )  # its literal ARN was checked by the CA prop rule (typed_props)
        stack = Stack.of(self)
        problems = threshold_problems(threshold, lifetime=facts.validity, lifetime_source="CA certificate")
        if facts.validity is None:
            note_skipped_rules(self, certificate_authority, {"threshold below the CA's validity": "validity"})
        problems += check_interval_problems(check_interval)
        existing = stack.node.try_find_child(_MONITOR_ID)
        if (
            isinstance(existing, CaExpiryMonitor)
            and not is_token(check_interval)
            and existing.check_interval.to_minutes() != check_interval.to_minutes()
        ):
            problems.append(
                Problem(
                    "check_interval",
                    check_interval.to_human_string(),
                    f"this stack's CA expiry checker already runs every {existing.check_interval.to_human_string()}",
                    "use the same check_interval for every CaExpiryAlarm of a stack",
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
        raise_if_any(self, problems)

        ca_arn = certificate_authority.certificate_authority_arn
        ca_account = _arn.account_of(ca_arn)
        if ca_account and not Token.is_unresolved(stack.account) and ca_account != stack.account:
            Annotations.of(self).add_warning_v2(
                "pki-constructs:ca-expiry-cross-account",
                f"CA {ca_arn} is in account {ca_account}: the checker in {stack.account} can describe it only "
                "if the CA is shared with this account (AWS RAM); otherwise its alarm fires for missing data.",
            )
        ca_region = _arn.region_of(ca_arn)
        if ca_region and not Token.is_unresolved(stack.region) and ca_region != stack.region:
            Annotations.of(self).add_info(
                f"CA in {ca_region} is checked from {stack.region}; its metric and alarm live in {stack.region}."
            )

        arn = _arn_in(certificate_authority, ca_arn, self)
        self.certificate_authority_arn: str = arn
        """The CA's ARN as valid in this alarm's stack."""
        self.threshold = threshold
        self.monitor = CaExpiryMonitor.of(self, check_interval=check_interval)
        self.monitor.watch(arn)
        self.metric = ca_days_to_expiry_metric(arn, period=ca_metric_period(check_interval))
        days = token_days(threshold) if is_token(threshold) else int(days_of(threshold))
        assert days is not None  # threshold_problems refuses a token in another unit
        self.alarm, self.expiry_topic, self.topic = days_to_expiry_alarm(
            self,
            metric=self.metric,
            threshold_days=days,
            description=alarm_description
            or (
                f"Private CA {arn}: its CA certificate expires in fewer than {days} days, or the expiry "
                "check published no data (check failed, CA has no certificate yet, or CA deleted: see the "
                "checker's logs). Plan the CA's replacement: certificates cannot outlive their CA."
            ),
            topic=topic,
            create_topic=create_topic,
        )

    @property
    def function(self) -> lambda_.IFunction:
        """The stack's checker function."""
        return self.monitor.function
