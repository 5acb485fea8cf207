"""AWS clients, error classification and the invocation deadline, shared by every handler.

Timeouts (the worst case every function timeout and the Provider's total timeout are sized from; see
``lambda/README.md``): each call connects within ``CONNECT_TIMEOUT`` s, reads within ``READ_TIMEOUT`` s and
is tried ``MAX_ATTEMPTS`` times in botocore's ``standard`` retry mode (exponential back-off with jitter,
at most 20 s per wait; botocore/retries/standard.py). So one call takes at most ``WORST_CALL_SECONDS``,
and a handler starts no call with less than that left (:class:`Deadline`).

boto3/botocore are imported on first use, not at import time, so a cold start that answers a no-op pays
nothing for them (``benchmarks/activation_handler.py``).
"""

from __future__ import annotations

import functools
import os
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from .logs import Logger

if TYPE_CHECKING:
    from botocore.config import Config

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 15
MAX_ATTEMPTS = 3
WORST_CALL_SECONDS = 63.0
"""MAX_ATTEMPTS x (CONNECT_TIMEOUT + READ_TIMEOUT) + back-off waits of at most 1 s and 2 s
(:func:`worst_call_seconds`; a test keeps the two equal)."""
ASSUME_ROLE_SECONDS = 900
"""The shortest session sts:AssumeRole allows: credentials live one invocation, never longer than needed."""

_LOG = Logger(__name__)

THROTTLING_CODES = frozenset(
    {
        # botocore's own list (retries/standard.py ThrottledRetryableChecker), less LimitExceededException,
        # which ACM and AWS Private CA use for exhausted quotas: retrying cannot help there.
        "Throttling",  # STS, CloudWatch (query protocol)
        "ThrottlingException",  # ACM, AWS Private CA, Secrets Manager, SSM, CloudWatch
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "RequestThrottled",
        "SlowDown",  # S3
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
SERVER_CODES = frozenset(
    {
        # botocore's transient codes (retries/standard.py TransientRetryableChecker) and the 5xx names AWS uses
        "RequestTimeout",
        "RequestTimeoutException",
        "InternalFailure",
        "InternalError",
        "InternalServerError",
        "InternalServiceError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
    }
)


class LambdaContext(Protocol):
    """The part of the Lambda context object the handlers use."""

    def get_remaining_time_in_millis(self) -> int: ...


class HandlerError(RuntimeError):
    """A terminal failure whose message names the call, the resource and the fix (it becomes the
    CloudFormation status reason or the Lambda error)."""


class Transient(Exception):
    """AWS did not answer in time or asked us to slow down: trying again later may succeed."""


class OutOfTime(Transient):
    """Too little of the invocation is left to start another call."""


# ------------------------------------------------------------------------------------------ clients


def make_config(*, connect_timeout: float, read_timeout: float, attempts: int) -> Config:
    from botocore.config import Config

    return Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        # total_max_attempts counts the first try; "max_attempts" would count retries only (botocore/config.py)
        retries={"mode": "standard", "total_max_attempts": attempts},
    )


def worst_call_seconds(*, connect_timeout: float, read_timeout: float, attempts: int) -> float:
    """Longest one call can take: every attempt times out; standard-mode back-off waits at most 2**i s
    (random, capped at 20 s) before retry i (botocore/retries/standard.py ExponentialBackoff)."""
    waits = sum(min(2.0**i, 20.0) for i in range(attempts - 1))
    return attempts * (connect_timeout + read_timeout) + waits


@functools.cache
def config() -> Config:
    return make_config(connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT, attempts=MAX_ATTEMPTS)


@functools.cache
def client(service: str, region: str | None = None) -> Any:
    """A boto3 client acting as the function's own role (``region`` None: the function's Region)."""
    import boto3

    return boto3.client(service, region_name=region, config=config())


def assumed_client(
    service: str,
    region: str,
    role_arn: str,
    external_id: str | None,
    session_name: str,
    *,
    sts: Any = None,
) -> Any:
    """A boto3 client acting as ``role_arn`` (assumed per invocation for the shortest duration allowed, so
    credentials never outlive the work). A throttled (STS answers ``Throttling``) or unreachable STS is
    :class:`Transient`, a refusal a :class:`HandlerError`. ``sts``: the STS client to use (default: ours in
    the function's Region)."""
    import boto3

    kwargs: dict[str, Any] = {
        "RoleArn": role_arn,
        "RoleSessionName": session_name,
        "DurationSeconds": ASSUME_ROLE_SECONDS,
    }
    if external_id:
        kwargs["ExternalId"] = external_id
    sts = sts or client("sts", os.environ.get("AWS_REGION") or region)
    credentials = call(
        sts.assume_role,
        "sts:AssumeRole",
        role_arn,
        hints={
            "AccessDenied": "check the issuer role's trust policy (it must trust this handler's role) and the "
            "external id it requires",
        },
        **kwargs,
    )["Credentials"]
    return boto3.client(
        service,
        region_name=region,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        config=config(),
    )


# ------------------------------------------------------------------------------------------ errors


def error_code(error: BaseException) -> str:
    """The AWS error code of a botocore ClientError ("" for anything else)."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def error_message(error: BaseException) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Message", ""))
    return str(error)


def http_status(error: BaseException) -> int:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
    return 0


def is_network_error(error: BaseException) -> bool:
    """Connection refused/reset, DNS failure, connect or read timeout (after botocore's own retries)."""
    from botocore import exceptions

    return isinstance(error, (exceptions.ConnectionError, exceptions.HTTPClientError))


def is_transient(error: BaseException) -> bool:
    """Throttling (each service's own code), a 5xx, or a network error: worth trying again later."""
    if isinstance(error, Transient):
        return True
    code = error_code(error)
    if code in THROTTLING_CODES or code in SERVER_CODES or http_status(error) >= 500:
        return True
    return not code and is_network_error(error)


_GENERIC_HINTS = {
    "AccessDenied": "the function's role lacks this permission on that resource (granted on its exact ARN by "
    "the construct); look for an SCP, permissions boundary or key/resource policy that denies it",
    "AccessDeniedException": "the function's role lacks this permission on that resource (granted on its exact "
    "ARN by the construct); look for an SCP, permissions boundary or key/resource policy that denies it",
    "ResourceNotFoundException": "the resource does not exist (deleted outside CloudFormation, wrong Region or "
    "account)",
}


def describe_failure(
    error: BaseException, action: str, resource: str, hints: dict[str, str] | None = None
) -> str:
    """'<action> on <resource> failed: <code>: <message> (<fix>)' with the most specific fix we know."""
    code = error_code(error)
    fix = (hints or {}).get(code) or _GENERIC_HINTS.get(code)
    if is_transient(error):
        fix = fix or "AWS is throttling or unreachable; the call was retried and can simply be retried again"
        reason = code or f"{type(error).__name__}: {error}"
    else:
        reason = f"{code}: {error_message(error)}" if code else f"{type(error).__name__}: {error}"
    return f"{_what(action, resource)} failed: {reason}" + (f" ({fix})" if fix else "")


def _what(action: str, resource: str) -> str:
    return f"{action} on {resource}" if resource else action


def call(
    operation: Callable[..., Any],
    action: str,
    resource: str,
    *,
    hints: dict[str, str] | None = None,
    passthrough: frozenset[str] = frozenset(),
    **kwargs: Any,
) -> Any:
    """``operation(**kwargs)`` after checking the deadline. A transient failure raises :class:`Transient`,
    an error code in ``passthrough`` re-raises the ClientError for the caller to interpret, anything else
    raises :class:`HandlerError` naming the call, the resource and the fix."""
    DEADLINE.check(action, resource)
    try:
        return operation(**kwargs)
    except (HandlerError, Transient):
        raise
    except Exception as error:
        if error_code(error) in passthrough:
            raise
        message = describe_failure(error, action, resource, hints)
        if is_transient(error):
            raise Transient(message) from error
        raise HandlerError(message) from error


def call_with_backoff(
    operation: Callable[..., Any],
    action: str,
    resource: str,
    *,
    attempts: int,
    sleep: Callable[[float], None],
    hints: dict[str, str] | None = None,
    passthrough: frozenset[str] = frozenset(),
    **kwargs: Any,
) -> Any:
    """:func:`call` with our own bounded exponential back-off on transient failures, on top of the SDK's
    attempts, for synchronous handlers (no later poll to wait for). Never sleeps past the deadline; when the
    failures outlast ``attempts``, raises a :class:`HandlerError` that says to retry."""
    for attempt in range(attempts):
        try:
            return call(operation, action, resource, hints=hints, passthrough=passthrough, **kwargs)
        except OutOfTime:
            raise
        except Transient as error:
            delay = min(20.0, 0.5 * 2**attempt) * (0.5 + secrets.randbelow(1000) / 1000)
            if attempt == attempts - 1 or DEADLINE.remaining() - delay < DEADLINE.reserve:
                cause = error.__cause__ or error
                throttled = error_code(cause) in THROTTLING_CODES
                raise HandlerError(
                    f"{_what(action, resource)} still {'throttled' if throttled else 'failing'} after "
                    f"{attempt + 1} attempts ({error_code(cause) or type(cause).__name__}); retry the deployment"
                    + (" or raise the account's API quota" if throttled else "")
                ) from error
            _LOG.info("transient failure; retrying", call=action, resource=resource, delay=round(delay, 1))
            sleep(delay)
    raise AssertionError("unreachable")


# ------------------------------------------------------------------------------------------ deadline


class Deadline:
    """When the current invocation ends (``context.get_remaining_time_in_millis()``); unlimited without a
    context (tests, local runs)."""

    def __init__(self) -> None:
        self._ends_at: float | None = None
        self.reserve = float(WORST_CALL_SECONDS)

    def start(self, context: LambdaContext | None, reserve_seconds: float | None = None) -> None:
        remaining = getattr(context, "get_remaining_time_in_millis", None)
        self._ends_at = time.monotonic() + remaining() / 1000 if callable(remaining) else None
        self.reserve = float(WORST_CALL_SECONDS if reserve_seconds is None else reserve_seconds)

    def remaining(self) -> float:
        return float("inf") if self._ends_at is None else self._ends_at - time.monotonic()

    def check(self, action: str, resource: str, seconds: float | None = None) -> None:
        """Raise :class:`OutOfTime` when a call started now could outlive the invocation (``seconds``: what the
        call and whatever must follow it may take; default: one call's worst case)."""
        needed = self.reserve if seconds is None else seconds
        left = self.remaining()
        if left < needed:
            raise OutOfTime(
                f"{_what(action, resource)} not started: {left:.0f} s of the invocation left, a call "
                f"may take {needed:.0f} s"
            )


DEADLINE = Deadline()
"""One per process: Lambda runs one invocation at a time per execution environment."""
