"""One custom-resource Provider per stack and handler, shared by every construct that needs it."""

from __future__ import annotations

from aws_cdk import Acknowledgment, Duration, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import custom_resources as cr
from constructs import Construct

from ._assets import handler_code, handler_entry
from ._compliance import exempt, exempt_handler_scope
from ._failures import MAX_EVENT_AGE, RETRY_ATTEMPTS, HandlerFailures

HANDLER_RUNTIME = lambda_.Runtime.PYTHON_3_14
"""Handlers need stdlib + boto3 only; the newest runtime keeps cdk-nag's L1 rule quiet."""

# Timeouts, from the worst case of the fault matrix (lambda/README.md "Timeouts"):
WORST_CALL = Duration.seconds(63)
"""One AWS call at worst: 3 attempts x (5 s connect + 15 s read) + back-off waits of at most 1 s and 2 s
(lambda/pki_handlers/aws.py WORST_CALL_SECONDS). A handler starts no call with less than this left."""
HANDLER_TIMEOUT = Duration.minutes(5)
"""Every handler function: 300 s fits four worst-case calls, so even a poll that starts with the two calls that
read the CA's state (DescribeCertificateAuthority, ListTags) makes progress, and no invocation is killed
mid-call: it returns "not yet" (polls), fails saying "retry" (synchronous handlers) or reports what it did not
reach (expiry checker)."""
QUERY_INTERVAL = Duration.seconds(15)
"""Between is_complete polls. When AWS answers at once an activation needs no poll wait at all (on_event
issues, the first is_complete imports: benchmarks/activation_handler.py counts 2 invocations)."""
TOTAL_TIMEOUT = Duration.minutes(40)
"""The activation's polling budget. aws-cdk-lib's waiter turns it into MaxAttempts = 40 min / 15 s = 160 polls
(its Step Functions Retry counts attempts, not wall-clock time). The slowest path the matrix allows, every call
taking its worst case, needs about 12 calls, two of them repeated by each poll, four per 300 s poll: 6 polls,
31.5 min; 160 polls also cover AWS Private CA answering RequestInProgressException for 40 minutes. CloudFormation
stops waiting for any custom resource after one hour, so the budget stays below it."""


def handler_function(
    scope: Construct,
    id: str,
    *,
    handler_name: str,
    entry_point: str,
    description: str,
    timeout: Duration = HANDLER_TIMEOUT,
    environment: dict[str, str] | None = None,
    role_path: str | None = None,
    dead_letter_queue: sqs.IQueue | None = None,
) -> lambda_.Function:
    """A Lambda function running ``pki_handlers.<handler_name>.<entry_point>`` (the one handler asset) with a
    one-year log group and an inline logging policy (instead of the AWSLambdaBasicExecutionRole managed policy).

    ``timeout``: see :data:`HANDLER_TIMEOUT`."""
    log_group = logs.LogGroup(scope, f"{id}Logs", retention=logs.RetentionDays.ONE_YEAR)
    role = iam.Role(
        scope,
        f"{id}Role",
        assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
        description=f"pki-constructs {handler_name} handler",
        path=role_path,
    )
    log_group.grant_write(role)
    function = lambda_.Function(
        scope,
        id,
        runtime=HANDLER_RUNTIME,
        architecture=lambda_.Architecture.ARM_64,
        code=handler_code(),
        handler=handler_entry(handler_name, entry_point),
        description=description,
        timeout=timeout,
        memory_size=256,
        role=role,
        log_group=log_group,
        environment=environment,
        dead_letter_queue=dead_letter_queue,
        retry_attempts=RETRY_ATTEMPTS if dead_letter_queue is not None else None,
        max_event_age=MAX_EVENT_AGE if dead_letter_queue is not None else None,
    )
    for part in (function, log_group, role):
        exempt_handler_scope(part)  # scanner findings explained with reasons (pki_constructs._compliance)
    return function


def async_handler_function(
    scope: Construct,
    id: str,
    *,
    handler_name: str,
    entry_point: str,
    description: str,
    timeout: Duration = HANDLER_TIMEOUT,
    environment: dict[str, str] | None = None,
) -> tuple[lambda_.Function, HandlerFailures]:
    """:func:`handler_function` for asynchronous work (schedules, events): Lambda retries, a dead-letter
    queue, and alarms on its errors and dead letters that notify the stack's expiry topics
    (:mod:`._failures`). Give EventBridge targets ``dead_letter_queue=failures.queue`` too."""
    failures = HandlerFailures(scope, f"{id}Failures", what=description.removeprefix("pki-constructs: "))
    function = handler_function(
        scope,
        id,
        handler_name=handler_name,
        entry_point=entry_point,
        description=description,
        timeout=timeout,
        environment=environment,
        dead_letter_queue=failures.queue,
    )
    failures.watch(function)
    return function, failures


class HandlerProvider(Construct):
    """A ``cr.Provider`` whose onEvent (and optional isComplete) handlers are ``pki_handlers.<handler_name>.on_event``/``.is_complete`` (``lambda/pki_handlers``).

    Use :meth:`of` to get the stack's single instance for a handler.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        handler_name: str,
        description: str,
        asynchronous: bool,
        total_timeout: Duration = TOTAL_TIMEOUT,
        query_interval: Duration = QUERY_INTERVAL,
        role_path: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        self.on_event = handler_function(
            self,
            "OnEvent",
            handler_name=handler_name,
            entry_point="on_event",
            description=description,
            role_path=role_path,
        )
        self.is_complete: lambda_.Function | None = None
        if asynchronous:
            self.is_complete = handler_function(
                self,
                "IsComplete",
                handler_name=handler_name,
                entry_point="is_complete",
                description=f"{description} (completion poll)",
                role_path=role_path,
            )
        self.provider = cr.Provider(
            self,
            "Provider",
            on_event_handler=self.on_event,
            is_complete_handler=self.is_complete,
            total_timeout=total_timeout if asynchronous else None,
            query_interval=query_interval if asynchronous else None,
            log_group=logs.LogGroup(self, "ProviderLogs", retention=logs.RetentionDays.ONE_YEAR),
            waiter_state_machine_log_options=cr.LogOptions(
                destination=logs.LogGroup(self, "WaiterLogs", retention=logs.RetentionDays.ONE_YEAR),
                level=sfn.LogLevel.ALL,
            )
            if asynchronous
            else None,
            # Default is true (no logging): the log options above are ignored unless this is False.
            disable_waiter_state_machine_logging=False if asynchronous else None,
        )
        self._acknowledge_framework_findings()
        exempt_handler_scope(self)

    @classmethod
    def of(
        cls,
        scope: Construct,
        *,
        handler_name: str,
        description: str,
        asynchronous: bool,
        role_path: str | None = None,
    ) -> HandlerProvider:
        """The stack-wide provider for ``handler_name``, created on first use.

        :param role_path: the IAM path of the handler roles (issuer roles trust a fixed path). Default: - ``/``
        """
        stack = Stack.of(scope)
        id = "PkiConstructs" + "".join(part.title() for part in handler_name.split("_")) + "Provider"
        existing = stack.node.try_find_child(id)
        if isinstance(existing, HandlerProvider):
            return existing
        return cls(
            stack,
            id,
            handler_name=handler_name,
            description=description,
            asynchronous=asynchronous,
            role_path=role_path,
        )

    @property
    def service_token(self) -> str:
        return self.provider.service_token

    def add_to_handler_policy(self, statement: iam.PolicyStatement) -> None:
        """Give both handlers a permission (they act on the same resources)."""
        for function in (self.on_event, self.is_complete):
            if function is not None:
                function.add_to_role_policy(statement)

    def _acknowledge_framework_findings(self) -> None:
        """The Provider framework's own Lambdas and state machine are aws-cdk-lib code we don't control."""
        Validations.of(self.provider).acknowledge(
            Acknowledgment(
                id="AwsSolutions-IAM4",
                reason="aws-cdk-lib's Provider framework functions use AWSLambdaBasicExecutionRole for their logs",
            ),
            Acknowledgment(
                id="AwsSolutions-IAM5",
                reason="the framework may invoke every version of our own two handler functions (<fn>:*)",
            ),
            Acknowledgment(
                id="AwsSolutions-L1",
                reason="the framework's Node.js runtime is chosen by aws-cdk-lib, pinned with it",
            ),
            Acknowledgment(
                id="AwsSolutions-SF2",
                reason="X-Ray tracing of the framework's poll state machine adds cost without insight",
            ),
        )
        # cdk-nag 3 matches granular findings by their full id ("AwsSolutions-IAM5[Resource::...]"); the bare
        # rule ids above do not cover them, so name each one (ids embed the functions' logical ids).
        stack = Stack.of(self)
        granular = [
            Acknowledgment(
                id="AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                "AWSLambdaBasicExecutionRole]",
                reason="aws-cdk-lib's Provider framework functions use AWSLambdaBasicExecutionRole for their logs",
            )
        ]
        for function in self.node.find_all():
            if isinstance(function, lambda_.CfnFunction):
                logical_id = stack.resolve(stack.get_logical_id(function))
                granular.append(
                    Acknowledgment(
                        id=f"AwsSolutions-IAM5[Resource::<{logical_id}.Arn>:*]",
                        reason="the Provider framework may invoke every version of this stack's own handler "
                        "functions (<function arn>:*)",
                    )
                )
        Validations.of(self).acknowledge(*granular)
        waiter = self.provider.node.try_find_child("waiter-state-machine")
        if waiter is not None:
            # Only on the waiter: a '*' in our own handlers' policies must still be reported.
            Validations.of(waiter).acknowledge(
                Acknowledgment(
                    id="AwsSolutions-IAM5[Resource::*]",
                    reason="Step Functions logging to CloudWatch Logs needs the logs:*LogDelivery actions, which "
                    "support only Resource '*' (added by aws-cdk-lib to the waiter state machine's role)",
                )
            )
            exempt(
                waiter,
                reason="Step Functions vended log delivery (logs:*LogDelivery) supports only Resource '*' "
                "(added by aws-cdk-lib to the waiter state machine's role)",
                checkov=["CKV_AWS_111"],
                resource_types=["AWS::IAM::Policy"],
            )
