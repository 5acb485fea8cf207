"""Shared helpers for the ca_activation handler tests: loading the handler, moto CAs, events, a Provider-framework
loop, and botocore hooks that inject the faults moto cannot produce."""

from __future__ import annotations

from collections import Counter
from types import ModuleType
from typing import Any

import boto3

from tests.handler_loading import load_handler as load_named

TEMPLATE = "arn:aws:acm-pca:::template/"
PARENT_REGION = "us-east-1"
CHILD_REGION = "eu-west-1"
STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/Issuing/0a1b2c3d"


def load_handler() -> ModuleType:
    return load_named("ca_activation")


def create_root(region: str = PARENT_REGION, *, session: boto3.Session | None = None) -> str:
    """An ACTIVE moto root CA (moto makes every certificate valid for 365 days)."""
    pca = (session or boto3).client("acm-pca", region_name=region)
    arn: str = pca.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": "Test Root CA", "Organization": "Example"},
        },
        CertificateAuthorityType="ROOT",
    )["CertificateAuthorityArn"]
    csr = pca.get_certificate_authority_csr(CertificateAuthorityArn=arn)["Csr"]
    cert_arn = pca.issue_certificate(
        CertificateAuthorityArn=arn,
        Csr=csr.encode(),
        SigningAlgorithm="SHA256WITHRSA",
        TemplateArn=TEMPLATE + "RootCACertificate/V1",
        Validity={"Type": "YEARS", "Value": 10},
    )["CertificateArn"]
    pem = pca.get_certificate(CertificateAuthorityArn=arn, CertificateArn=cert_arn)["Certificate"]
    pca.import_certificate_authority_certificate(CertificateAuthorityArn=arn, Certificate=pem.encode())
    return arn


def create_subordinate(region: str, common_name: str = "Test Issuing CA") -> str:
    """A moto SUBORDINATE CA in PENDING_CERTIFICATE."""
    pca = boto3.client("acm-pca", region_name=region)
    arn: str = pca.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": common_name, "Organization": "Example"},
        },
        CertificateAuthorityType="SUBORDINATE",
    )["CertificateAuthorityArn"]
    return arn


def activate_natively(parent_arn: str, child_arn: str, path_length: int) -> None:
    """What the native CloudFormation resources do in one region (used to build a 3-level parent)."""
    pca = boto3.client("acm-pca", region_name=parent_arn.split(":")[3])
    csr = pca.get_certificate_authority_csr(CertificateAuthorityArn=child_arn)["Csr"]
    cert_arn = pca.issue_certificate(
        CertificateAuthorityArn=parent_arn,
        Csr=csr.encode(),
        SigningAlgorithm="SHA256WITHRSA",
        TemplateArn=TEMPLATE + f"SubordinateCACertificate_PathLen{path_length}/V1",
        Validity={"Type": "DAYS", "Value": 360},
    )["CertificateArn"]
    got = pca.get_certificate(CertificateAuthorityArn=parent_arn, CertificateArn=cert_arn)
    parent = pca.get_certificate_authority_certificate(CertificateAuthorityArn=parent_arn)
    chain = parent["Certificate"] + parent.get("CertificateChain", "")
    pca.import_certificate_authority_certificate(
        CertificateAuthorityArn=child_arn,
        Certificate=got["Certificate"].encode(),
        CertificateChain=chain.encode(),
    )


def properties(child_arn: str, parent_arn: str | None = None, **overrides: Any) -> dict[str, Any]:
    """ResourceProperties as CloudFormation delivers them (every scalar a string)."""
    props: dict[str, Any] = {
        "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:provider",
        "SchemaVersion": "1",
        "CertificateAuthorityArn": child_arn,
        "PathLength": "0",
        "Validity": {"Type": "DAYS", "Value": "300"},
    }
    if parent_arn:
        props["ParentCertificateAuthorityArn"] = parent_arn
    props.update(overrides)
    return {k: v for k, v in props.items() if v is not None}


def event(
    kind: str,
    props: dict[str, Any],
    *,
    request_id: str = "req-1",
    physical_id: str | None = None,
    old: dict[str, Any] | None = None,
) -> dict[str, Any]:
    e: dict[str, Any] = {
        "RequestType": kind,
        "RequestId": request_id,
        "StackId": STACK_ID,
        "LogicalResourceId": "IssuingCaActivation",
        "ResourceType": "Custom::PkiCaActivation",
        "ResponseURL": "https://example.invalid/response",
        "ResourceProperties": props,
    }
    if physical_id is not None:
        e["PhysicalResourceId"] = physical_id
    if old is not None:
        e["OldResourceProperties"] = old
    return e


class Provider:
    """The Provider framework in miniature: on_event, then is_complete until done; counts invocations."""

    def __init__(self, index: ModuleType) -> None:
        self.index = index
        self.invocations = 0

    def on_event(self, e: dict[str, Any]) -> dict[str, Any]:
        self.invocations += 1
        result: dict[str, Any] = self.index.on_event(e, None)
        return result

    def run(self, e: dict[str, Any], *, max_polls: int = 10) -> dict[str, Any]:
        """The response CloudFormation would get (merged like aws-cdk-lib's framework.js)."""
        result = self.on_event(e)
        waiting = {
            **e,
            **result,
            "PhysicalResourceId": result.get("PhysicalResourceId") or e.get("RequestId"),
        }
        for _ in range(max_polls):
            self.invocations += 1
            done = self.index.is_complete(waiting, None)
            if done["IsComplete"]:
                return {**waiting, **done, "Data": {**waiting.get("Data", {}), **done.get("Data", {})}}
            assert not done.get("Data"), "the framework rejects Data when IsComplete is false"
        raise AssertionError(f"not complete after {max_polls} polls")


class _Http:
    status_code = 400
    headers: dict[str, str] = {}


class Faults:
    """Injects AWS errors on chosen operations via botocore ``before-call`` hooks on every client the handler
    creates (moto keeps the state; the hook answers first). Also counts the calls that reached moto."""

    def __init__(self) -> None:
        self.plan: dict[str, list[tuple[str, str]]] = {}
        self.calls: Counter[str] = Counter()
        self._hooked: set[int] = set()

    def fail(self, operation: str, code: str, message: str = "injected", times: int = 1) -> None:
        self.plan.setdefault(operation, []).extend([(code, message)] * times)

    def attach(self, client: Any) -> Any:
        if id(client) not in self._hooked:
            self._hooked.add(id(client))
            client.meta.events.register("before-call.*.*", self._hook)
        return client

    def _hook(self, model: Any, **_: Any) -> Any:
        queue = self.plan.get(model.name)
        if queue:
            code, message = queue.pop(0)
            return _Http(), {
                "Error": {"Code": code, "Message": message},
                "ResponseMetadata": {"HTTPStatusCode": 400},
            }
        self.calls[model.name] += 1
        return None


def tags_of(arn: str) -> dict[str, str]:
    pca = boto3.client("acm-pca", region_name=arn.split(":")[3])
    return {t["Key"]: t["Value"] for t in pca.list_tags(CertificateAuthorityArn=arn).get("Tags", [])}


def status_of(arn: str) -> str:
    pca = boto3.client("acm-pca", region_name=arn.split(":")[3])
    return str(
        pca.describe_certificate_authority(CertificateAuthorityArn=arn)["CertificateAuthority"]["Status"]
    )
