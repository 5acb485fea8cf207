"""The fault matrix (issue 12.1) for the trust bundle's ``is_complete`` (issue 13.2): every AWS call of the CRL
poll, each fault AWS can answer with, and the outcome. Same style as ``test_fault_matrix.py``; documented in
lambda/README.md ("Fault matrix").

Outcomes: ``NOT_YET`` — this poll answers ``IsComplete: false`` and the next one completes (the Provider
framework polls every minute, up to ``pki_constructs.trust_store.REVOCATION_WAIT``); ``SUCCEEDS`` — this poll
completes; ``FAILS`` — the resource fails with an error naming the call, the resource and the fix.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.handler_loading import load_handler
from tests.handlers import activation_support as act
from tests.handlers.faults import ACCESS_DENIED, Context, Injector, Make, code, transient_faults
from tests.handlers.test_fault_matrix import assert_no_secrets

NOT_YET, SUCCEEDS, FAILS = "not-yet", "succeeds", "fails"
BUCKET, CRL_BUCKET, PREFIX = "poll-bundles", "poll-crls", "trust/revocation/"

POLL_CALLS = [
    ("s3", "GetObject", f"s3://{CRL_BUCKET}/crl/"),  # the CA's CRL, as AWS Private CA writes it
    ("s3", "HeadObject", f"s3://{BUCKET}/{PREFIX}"),  # the PEM CRL already there?
    ("s3", "PutObject", f"s3://{BUCKET}/{PREFIX}"),  # the PEM CRL
]
POLL_FAULTS: dict[tuple[str, str], dict[str, tuple[Make, str]]] = {
    # No ListBucket on the CRL bucket: a CRL not written yet is 403 AccessDenied, else 404 NoSuchKey.
    ("s3", "GetObject"): {
        "AccessDenied": (code(ACCESS_DENIED["s3"], 403), NOT_YET),
        "NotFound": (code("NoSuchKey", 404), NOT_YET),
    },
    ("s3", "HeadObject"): {
        "AccessDenied": (code("403", 403), SUCCEEDS),
        "NotFound": (code("404", 404), SUCCEEDS),
    },
    ("s3", "PutObject"): {
        "AccessDenied": (code(ACCESS_DENIED["s3"], 403), FAILS),
        "NotFound": (code("NoSuchBucket", 404), FAILS),
    },
}


def poll_cases() -> list[Any]:
    params = []
    for service, operation, resource in POLL_CALLS:
        faults = {name: (make, NOT_YET) for name, make in transient_faults(service).items()}
        faults.update(POLL_FAULTS[(service, operation)])
        for name, (make, outcome) in faults.items():
            params.append(
                pytest.param(service, operation, resource, make, outcome, id=f"{operation}-{name}-{outcome}")
            )
    return params


@pytest.fixture(scope="module")
def poll_ca() -> Iterator[str]:
    with mock_aws():
        ca = act.create_root("us-east-1")
        s3 = boto3.client("s3", region_name="us-east-1")
        for name in (BUCKET, CRL_BUCKET):
            s3.create_bucket(Bucket=name)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        yield ca


_COUNTER = iter(range(1, 1_000_000))


@pytest.fixture
def poll(poll_ca: str) -> dict[str, Any]:
    """A fresh CRL for each case (a distinct CRL number), so the PEM CRL is always a new object to write."""
    index = load_handler("trust_store_bundle")
    der = bytes([0x30, 0x03, 0x02, 0x01, next(_COUNTER) % 128])
    boto3.client("s3", region_name="us-east-1").put_object(
        Bucket=CRL_BUCKET, Key=f"crl/{poll_ca.split('/')[-1]}.crl", Body=der
    )
    event = {
        "RequestType": "Create",
        "ResourceProperties": {
            "CertificateAuthorityArns": [poll_ca],
            "Bucket": BUCKET,
            "BundleKey": "bundle.pem",
            "Revocation": [{"CertificateAuthorityArn": poll_ca, "CrlBucket": CRL_BUCKET}],
            "RevocationKeyPrefix": PREFIX,
        },
    }
    return {"index": index, "event": event}


@pytest.mark.parametrize(("service", "operation", "resource", "make", "outcome"), poll_cases())
def test_trust_store_bundle_is_complete(
    poll: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    service: str,
    operation: str,
    resource: str,
    make: Make,
    outcome: str,
) -> None:
    index, event = poll["index"], poll["event"]
    injector = Injector().install(monkeypatch)
    injector.fail(service, operation, make)
    caplog.set_level(logging.INFO)

    if outcome == FAILS:
        with pytest.raises(index.aws.HandlerError) as raised:
            index.is_complete(event, Context(300))
        text = str(raised.value)
        assert resource in text and operation in text, text
        assert "fix" in text or "(" in text, text  # the hint in parentheses
    else:
        first = index.is_complete(event, Context(300))
        assert injector.injected == 1
        if outcome == NOT_YET:
            assert first == {"IsComplete": False}
            assert "not yet" in caplog.text
            first = index.is_complete(event, Context(300))  # the next poll
        assert first["IsComplete"] is True and len(first["Data"]["RevocationGeneration"]) == 64
        text = json.dumps(first)
    assert_no_secrets(text, caplog.text)


def test_trust_store_bundle_is_complete_answers_not_yet_before_its_deadline(
    poll: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With less than one worst-case call left, the poll starts no call and answers "not yet"."""
    index = poll["index"]
    injector = Injector().install(monkeypatch)
    assert index.is_complete(poll["event"], Context(10)) == {"IsComplete": False}
    assert injector.calls == {}
    assert index.is_complete(poll["event"], Context(300))["IsComplete"] is True


def test_trust_store_bundle_is_complete_finishes_at_once_without_revocation_and_on_delete(
    poll: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = poll["index"]
    injector = Injector().install(monkeypatch)
    props = {k: v for k, v in poll["event"]["ResourceProperties"].items() if k != "Revocation"}
    assert index.is_complete({"RequestType": "Create", "ResourceProperties": props}) == {"IsComplete": True}
    delete = {**poll["event"], "RequestType": "Delete", "PhysicalResourceId": "s3://x/y"}
    assert index.is_complete(delete) == {"IsComplete": True}
    assert injector.calls == {}
