"""Fault injection for the handler fault matrix: one patch of ``BaseClient._make_api_call`` sees every call
of every boto3 client (the handler's own, assumed-role and per-Region ones alike), so a fault can be placed on
any (service, operation) while moto keeps the state of everything else.

An injected fault is what the handler sees *after* botocore's own retries: a ``ClientError`` with the service's
error code and HTTP status, or the ``EndpointConnectionError``/``ReadTimeoutError`` botocore raises when the
network fails. (Error codes raised this way are the same ``ClientError`` objects a ``Stubber`` produces.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from botocore.client import BaseClient
from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError

Make = Callable[[str], BaseException]


def code(error_code: str, status: int = 400) -> Make:
    def make(operation: str) -> BaseException:
        return ClientError(
            {
                "Error": {"Code": error_code, "Message": f"{error_code} (injected)"},
                "ResponseMetadata": {"HTTPStatusCode": status},
            },
            operation,
        )

    make.__name__ = error_code
    return make


def connection_error(operation: str) -> BaseException:
    return EndpointConnectionError(endpoint_url="https://unreachable.amazonaws.com/")


def read_timeout(operation: str) -> BaseException:
    return ReadTimeoutError(endpoint_url="https://slow.amazonaws.com/")


# Each service's own throttling code (AWS common errors; STS and CloudWatch speak the query protocol's "Throttling").
THROTTLING = {
    "acm-pca": "ThrottlingException",
    "acm": "ThrottlingException",
    "secretsmanager": "ThrottlingException",
    "ssm": "ThrottlingException",
    "sts": "Throttling",
    "s3": "SlowDown",
    "cloudwatch": "Throttling",
}
ACCESS_DENIED = {
    "acm-pca": "AccessDeniedException",
    "acm": "AccessDeniedException",
    "secretsmanager": "AccessDeniedException",
    "ssm": "AccessDeniedException",
    "sts": "AccessDenied",
    "s3": "AccessDenied",
    "cloudwatch": "AccessDenied",
}


def transient_faults(service: str) -> dict[str, Make]:
    """The faults that trying again later may fix: throttling (the service's own code and the other names
    AWS uses), a 5xx, a connection error and a read timeout."""
    throttle_status = 503 if service == "s3" else 400
    return {
        THROTTLING[service]: code(THROTTLING[service], throttle_status),
        "TooManyRequestsException": code("TooManyRequestsException"),
        "RequestLimitExceeded": code("RequestLimitExceeded"),
        "5xx": code("InternalFailure", 500),
        "EndpointConnectionError": connection_error,
        "ReadTimeoutError": read_timeout,
    }


@dataclass
class _Planned:
    service: str
    operation: str
    make: Make
    left: int


@dataclass
class Injector:
    """Plans faults and counts the calls that got through."""

    planned: list[_Planned] = field(default_factory=list)
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    order: list[tuple[str, str, str]] = field(default_factory=list)
    injected: int = 0

    def fail(self, service: str, operation: str, make: Make, times: int = 1) -> None:
        self.planned.append(_Planned(service, operation, make, times))

    def install(self, monkeypatch: pytest.MonkeyPatch) -> Injector:
        original = BaseClient._make_api_call
        injector = self

        def patched(client: Any, operation: str, params: dict[str, Any]) -> Any:
            service = client.meta.service_model.service_name
            region = client.meta.region_name
            for plan in injector.planned:
                if plan.left > 0 and (plan.service, plan.operation) == (service, operation):
                    plan.left -= 1
                    injector.injected += 1
                    raise plan.make(operation)
            injector.calls[(service, operation)] += 1
            injector.order.append((service, operation, region))
            return original(client, operation, params)

        monkeypatch.setattr(BaseClient, "_make_api_call", patched)
        return self


class Context:
    """A Lambda context whose invocation has ``seconds`` left."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def get_remaining_time_in_millis(self) -> int:
        return int(self.seconds * 1000)
