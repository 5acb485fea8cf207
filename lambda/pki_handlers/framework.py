"""The shapes the aws-cdk-lib Provider framework hands our handlers and expects back.

Source: aws-cdk-lib ``custom-resources/lib/provider-framework`` (``types.d.ts``: ``OnEventRequest``,
``OnEventResponse``, ``IsCompleteResponse``) and the CloudFormation custom-resource request objects.
CloudFormation passes every scalar property as a string.
"""

from __future__ import annotations

import json
from typing import Any, Literal, NotRequired, TypedDict

RequestType = Literal["Create", "Update", "Delete"]

RESPONSE_LIMIT_BYTES = 4096
"""CloudFormation refuses a custom-resource response object larger than this ("Response object is too long")."""


class CustomResourceEvent(TypedDict):
    RequestType: RequestType
    RequestId: NotRequired[str]
    StackId: NotRequired[str]
    LogicalResourceId: NotRequired[str]
    ResourceType: NotRequired[str]
    ResponseURL: NotRequired[str]
    PhysicalResourceId: NotRequired[str]
    ResourceProperties: dict[str, Any]
    OldResourceProperties: NotRequired[dict[str, Any]]


class OnEventResponse(TypedDict):
    PhysicalResourceId: str
    Data: NotRequired[dict[str, str]]


class IsCompleteResponse(TypedDict):
    IsComplete: bool
    Data: NotRequired[dict[str, str]]


def response_size(event: dict[str, Any], response: dict[str, Any]) -> int:
    """Bytes of the object the framework sends to the ResponseURL for ``event`` answered with ``response``
    (aws-cdk-lib ``cfn-response.ts``: Status, Reason, PhysicalResourceId, StackId, RequestId,
    LogicalResourceId, NoEcho, Data)."""
    body = {
        "Status": "SUCCESS",
        "Reason": "SUCCESS",
        "StackId": event.get("StackId", ""),
        "RequestId": event.get("RequestId", ""),
        "PhysicalResourceId": response.get("PhysicalResourceId", event.get("PhysicalResourceId", "")),
        "LogicalResourceId": event.get("LogicalResourceId", ""),
        "NoEcho": False,
        "Data": response.get("Data", {}),
    }
    return len(json.dumps(body).encode())
