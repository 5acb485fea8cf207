"""Failures of the asynchronous handlers are seen: retries, a dead-letter queue and alarms that notify the
topics users already wire to their expiry alarms.

Every asynchronous handler function (the CA expiry checker, the certificate renewal re-export) gets one
:class:`HandlerFailures`:

* Lambda retries a failed asynchronous invocation ``RETRY_ATTEMPTS`` times within ``MAX_EVENT_AGE``; an event
  that still fails (or that EventBridge could not deliver at all, when the rule target is given
  :attr:`HandlerFailures.queue` as its ``dead_letter_queue``) lands in the dead-letter queue: SQS-managed
  encryption, SSL-only, kept 14 days.
* Two alarms, both notifying every topic registered with :func:`notify_failures_to` in the stack (an
  ``ExpiryTopic`` or ``topic`` given to an expiry alarm registers itself; with none, ``cdk synth`` warns):

  - ``Errors``: the function failed at least once in an hour (an invocation a retry may still fix): early
    warning, e.g. one CA whose Region did not answer, a throttled re-export.
  - ``DeadLetters``: an event is in the dead-letter queue: every retry failed, the work was not done (a
    secret may still hold a renewed-away certificate). Stays in ALARM until the queue is drained.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import jsii
from aws_cdk import Acknowledgment, Annotations, Aspects, Duration, IAspect, Stack, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IConstruct

if TYPE_CHECKING:  # a type only: CA-only apps should not load Lambda code (tests/test_package_root.py)
    from aws_cdk import aws_lambda as lambda_

from ._compliance import exempt

RETRY_ATTEMPTS = 2
"""Lambda's maximum for asynchronous invocations (0-2)."""
MAX_EVENT_AGE = Duration.hours(6)
"""Long enough for Lambda's retry back-off (about 1 min, then 2 min) and a throttled function's queueing."""
DLQ_RETENTION = Duration.days(14)
"""SQS maximum: an operator has two weeks to look at what failed."""


@jsii.implements(IAspect)
class _FailureTopics(Construct):
    """The stack's topics that hear about handler failures, and the alarms that notify them.

    A topic may be registered after the alarms (any order in user code); once the tree is complete (an aspect,
    run at synth), alarms that still notify nobody are a ``cdk synth`` warning.
    """

    ID = "PkiConstructsHandlerFailureTopics"

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self._topics: list[sns.ITopic] = []
        self._alarms: list[cloudwatch.Alarm] = []
        Aspects.of(self).add(self)

    def visit(self, node: IConstruct) -> None:
        if node is not self or self._topics or not self._alarms:
            return
        Annotations.of(Stack.of(self)).add_warning_v2(
            "pki-constructs:failureAlarmsNotifyNobody",
            f"{len(self._alarms)} handler-failure alarm(s) in this stack have no alarm action: no topic "
            "registered for them. Create an ExpiryTopic in this stack, or pass topic= to an expiry alarm "
            "(add_expiry_alarm(topic=...)): every failure alarm of the stack then notifies it.",
        )

    @classmethod
    def of(cls, scope: Construct) -> _FailureTopics:
        stack = Stack.of(scope)
        existing = stack.node.try_find_child(cls.ID)
        return existing if isinstance(existing, _FailureTopics) else cls(stack, cls.ID)

    def add_topic(self, topic: sns.ITopic) -> None:
        if any(known is topic for known in self._topics):
            return
        self._topics.append(topic)
        for alarm in self._alarms:
            alarm.add_alarm_action(actions.SnsAction(topic))

    def add_alarm(self, alarm: cloudwatch.Alarm) -> None:
        self._alarms.append(alarm)
        for topic in self._topics:
            alarm.add_alarm_action(actions.SnsAction(topic))


def notify_failures_to(scope: Construct, topic: sns.ITopic) -> None:
    """Send the failure alarms of every asynchronous handler in ``scope``'s stack to ``topic`` too."""
    _FailureTopics.of(scope).add_topic(topic)


class HandlerFailures(Construct):
    """The dead-letter queue and failure alarms of one asynchronous handler function.

    Create it before the function (its :attr:`queue` is the function's ``dead_letter_queue``), then call
    :meth:`watch` with the function.
    """

    def __init__(self, scope: Construct, id: str, *, what: str) -> None:
        super().__init__(scope, id)
        self.what = what
        self.queue = sqs.Queue(
            self,
            "DeadLetters",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
        )
        # AwsSolutions-SQS3 asks every queue for a DLQ "or a suppression indicating it is a DLQ".
        Validations.of(self.queue).acknowledge(
            Acknowledgment(
                id="AwsSolutions-SQS3",
                reason=f"this queue is the dead-letter queue of {what} (Lambda and EventBridge target)",
            )
        )
        exempt(
            self.queue,
            reason="encrypted with SQS-managed SSE (SqsManagedSseEnabled), which this KMS-only check does not "
            "recognise; messages are failed-event envelopes (ARNs, no key material)",
            checkov=["CKV_AWS_27"],
        )
        self.dead_letters_alarm = cloudwatch.Alarm(
            self,
            "DeadLettersAlarm",
            alarm_description=f"pki-constructs: {what} failed after every retry; the events are in "
            f"the dead-letter queue {self.queue.node.path} (inspect, fix, then drain it)",
            metric=self.queue.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5), statistic="Maximum"
            ),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.errors_alarm: cloudwatch.Alarm | None = None

    def watch(self, function: lambda_.IFunction) -> None:
        """Alarm on ``function``'s Errors and send both alarms to the stack's failure topics."""
        self.errors_alarm = cloudwatch.Alarm(
            self,
            "ErrorsAlarm",
            alarm_description=f"pki-constructs: {self.what} failed (Lambda retries it; see its log group)",
            metric=function.metric_errors(period=Duration.hours(1), statistic="Sum"),
            threshold=1,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        topics = _FailureTopics.of(self)
        topics.add_alarm(self.dead_letters_alarm)
        topics.add_alarm(self.errors_alarm)
