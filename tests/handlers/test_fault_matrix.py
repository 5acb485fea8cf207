"""The fault matrix (issue 12.1): for every AWS call each handler makes, each fault AWS can answer with, and
the outcome the handler must reach. Documented in lambda/README.md ("Fault matrix"); the tables below are the
specification, the moto flows are the evidence.

Outcomes:

* ``SUCCEEDS``: the handler gets there anyway: a poll later (asynchronous custom resource), after its own
  bounded back-off (synchronous custom resource), or by design (a 403/404 HeadObject means "write").
* ``FAILS``: it fails with one message that names the call, the resource and the fix.
* For the scheduled CA expiry check, the other CAs are still published and the invocation fails at the end.

Every case also checks that nothing secret (PEM, private key, passphrase) reached a log record, a response or
an error message.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from moto import mock_aws

from tests.handler_loading import load_handler
from tests.handlers import activation_support as act
from tests.handlers.faults import (
    ACCESS_DENIED,
    Context,
    Injector,
    Make,
    code,
    connection_error,
    read_timeout,
    transient_faults,
)

SUCCEEDS, FAILS = "succeeds", "fails"


@pytest.fixture(scope="module")
def moto() -> Iterator[None]:
    """One moto world per module: CAs are slow to create (RSA keys), so the cases share them and each case
    makes only what it changes (a pending child, a certificate and secret, a bundle key, a metric namespace)."""
    with mock_aws():
        yield


_COUNTER = iter(range(1, 1_000_000))


def _unique(prefix: str) -> str:
    return f"{prefix}{next(_COUNTER)}"


PASSPHRASE = "pAsSpHrAsEmArKeR-0123456789abcdefghijklmnop"
_SECRET_MARKERS = ("-----BEGIN", "PRIVATE KEY", PASSPHRASE)


def assert_no_secrets(*texts: str) -> None:
    for text in texts:
        for marker in _SECRET_MARKERS:
            assert marker not in text, f"{marker!r} leaked: {text[:300]}"


def cases(
    calls: list[tuple[str, str, str]],
    terminal: dict[tuple[str, str], dict[str, tuple[Make, str]]],
    transient_outcome: str = SUCCEEDS,
) -> list[Any]:
    """pytest params (service, operation, resource, fault name, make, outcome) for every call: each transient
    fault (expected to succeed), then AccessDenied, not-found and the call's own faults from ``terminal``."""
    params = []
    for service, operation, resource in calls:
        faults: dict[str, tuple[Make, str]] = {
            name: (make, transient_outcome)
            for name, make in transient_faults(service).items()
            if name not in ("TooManyRequestsException", "RequestLimitExceeded")  # same class; see unit test
        }
        faults["AccessDenied"] = (code(ACCESS_DENIED[service], 403 if service == "s3" else 400), FAILS)
        faults.update(terminal.get((service, operation), {}))
        for name, (make, outcome) in faults.items():
            params.append(
                pytest.param(service, operation, resource, make, outcome, id=f"{operation}-{name}-{outcome}")
            )
    return params


def test_every_throttling_code_5xx_and_network_error_is_transient() -> None:
    aws = load_handler("aws")
    for service in ("acm-pca", "acm", "secretsmanager", "ssm", "sts", "s3", "cloudwatch"):
        for name, make in transient_faults(service).items():
            assert aws.is_transient(make("Op")), (service, name)
    for terminal in (
        "AccessDenied",
        "AccessDeniedException",
        "ResourceNotFoundException",
        "LimitExceededException",
    ):
        assert not aws.is_transient(code(terminal)("Op"))


# ------------------------------------------------------------------------------------------ ca_activation

ROLE = "arn:aws:iam::123456789012:role/pki-issuer"
PARAMETER = "/pki/root-ca-arn"

ACTIVATION_CALLS = [
    ("acm-pca", "DescribeCertificateAuthority", "child"),
    ("acm-pca", "ListTags", "child"),
    ("acm-pca", "TagCertificateAuthority", "child"),
    ("sts", "AssumeRole", ROLE),
    ("ssm", "GetParameter", PARAMETER),
    ("acm-pca", "GetCertificateAuthorityCsr", "child"),
    ("acm-pca", "GetCertificateAuthorityCertificate", "parent"),
    ("acm-pca", "IssueCertificate", "parent"),
    ("acm-pca", "GetCertificate", "parent"),
    ("acm-pca", "ImportCertificateAuthorityCertificate", "child"),
]
_PCA_NOT_FOUND = (code("ResourceNotFoundException"), FAILS)
ACTIVATION_TERMINAL: dict[tuple[str, str], dict[str, tuple[Make, str]]] = {
    **{("acm-pca", op): {"NotFound": _PCA_NOT_FOUND} for _, op, _ in ACTIVATION_CALLS},
    ("ssm", "GetParameter"): {"ParameterNotFound": (code("ParameterNotFound"), FAILS)},
    ("acm-pca", "GetCertificate"): {
        "NotFound": _PCA_NOT_FOUND,
        "RequestInProgressException": (code("RequestInProgressException"), SUCCEEDS),
    },
    ("acm-pca", "IssueCertificate"): {
        "NotFound": _PCA_NOT_FOUND,
        "InvalidStateException": (code("InvalidStateException"), FAILS),
    },
    ("acm-pca", "ImportCertificateAuthorityCertificate"): {
        "NotFound": _PCA_NOT_FOUND,
        "InvalidStateException": (code("InvalidStateException"), FAILS),
        "ConcurrentModificationException": (code("ConcurrentModificationException"), SUCCEEDS),
    },
}


@pytest.fixture(scope="module")
def activation_root(moto: None) -> str:
    root = act.create_root(act.PARENT_REGION)
    boto3.client("ssm", region_name=act.PARENT_REGION).put_parameter(
        Name=PARAMETER, Value=root, Type="String"
    )
    return root


@pytest.fixture
def activation(activation_root: str) -> dict[str, Any]:
    index = load_handler("ca_activation")
    child = act.create_subordinate(act.CHILD_REGION, _unique("Issuing CA "))
    props = act.properties(
        child, None, ParentArnParameter={"Name": PARAMETER, "Region": act.PARENT_REGION}, IssuerRoleArn=ROLE
    )
    return {"index": index, "root": activation_root, "child": child, "props": props}


@pytest.mark.parametrize(
    ("service", "operation", "resource", "make", "outcome"), cases(ACTIVATION_CALLS, ACTIVATION_TERMINAL)
)
def test_ca_activation(
    activation: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    service: str,
    operation: str,
    resource: str,
    make: Make,
    outcome: str,
) -> None:
    index, child = activation["index"], activation["child"]
    resource = {"child": child, "parent": activation["root"]}.get(resource, resource)
    injector = Injector().install(monkeypatch)
    injector.fail(service, operation, make)
    provider = act.Provider(index)
    caplog.set_level(logging.INFO)

    if outcome == SUCCEEDS:
        response = provider.run(act.event("Create", activation["props"]))
        assert injector.injected == 1
        assert act.status_of(child) == "ACTIVE"
        assert response["Data"]["CertificateArn"].startswith(activation["root"] + "/certificate/")
        assert provider.invocations <= 4  # the fault costs at most a poll or two
        text = json.dumps(response)
    else:
        with pytest.raises(index.ActivationError) as raised:
            provider.run(act.event("Create", activation["props"]))
        text = str(raised.value)
        assert operation in text and resource in text, text
        assert "(" in text and text.rstrip().endswith(")"), f"no fix in: {text}"
        assert act.status_of(child) == "PENDING_CERTIFICATE"
    assert_no_secrets(text, caplog.text)


def test_ca_activation_watches_its_deadline(
    activation: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With less than one worst-case call left, on_event answers "not yet" without a call, is_complete too,
    and a later poll with time to spare completes."""
    index = activation["index"]
    injector = Injector().install(monkeypatch)
    create = act.event("Create", activation["props"])

    first = index.on_event(create, Context(index.aws.WORST_CALL_SECONDS - 1))
    assert injector.calls == {} and first[index.CLAIM_PENDING] is True
    waiting = {**create, **first}
    assert index.is_complete(waiting, Context(5)) == {"IsComplete": False}
    assert injector.calls == {}
    assert index.is_complete(waiting, Context(300))["IsComplete"] is True
    assert act.status_of(activation["child"]) == "ACTIVE"


def test_assume_role_asks_for_the_shortest_session_and_passes_the_external_id(
    activation: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[dict[str, Any]] = []
    sts = boto3.client("sts", region_name=act.CHILD_REGION)
    sts.meta.events.register(
        "provide-client-params.sts.AssumeRole", lambda params, **_: seen.append(dict(params))
    )
    index = activation["index"]
    monkeypatch.setattr(
        index,
        "_plain_client",
        lambda service, region=None: sts if service == "sts" else index.aws.client(service, region),
    )
    act.Provider(index).run(act.event("Create", {**activation["props"], "ExternalId": "pki-issuer-7"}))
    assert seen and all(p["DurationSeconds"] == 900 and p["ExternalId"] == "pki-issuer-7" for p in seen)


# ------------------------------------------------------------------------------------------ cert_export

EXPORT_SECRET = "pki-constructs/svc/api"
EXPORT_CALLS = [
    ("acm", "DescribeCertificate", "cert"),
    ("secretsmanager", "DescribeSecret", EXPORT_SECRET),
    ("acm", "ExportCertificate", "cert"),
    ("secretsmanager", "PutSecretValue", EXPORT_SECRET),
]
EXPORT_TERMINAL: dict[tuple[str, str], dict[str, tuple[Make, str]]] = {
    ("acm", "DescribeCertificate"): {"NotFound": (code("ResourceNotFoundException"), FAILS)},
    ("acm", "ExportCertificate"): {
        "NotFound": (code("ResourceNotFoundException"), FAILS),
        "RequestInProgressException": (code("RequestInProgressException"), FAILS),
    },
    ("secretsmanager", "PutSecretValue"): {"NotFound": (code("ResourceNotFoundException"), FAILS)},
}


@pytest.fixture(scope="module")
def export_world(moto: None) -> dict[str, str]:
    pca = boto3.client("acm-pca", region_name="us-east-1")
    ca_arn = pca.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": "Issuing CA"},
        },
        CertificateAuthorityType="ROOT",
    )["CertificateAuthorityArn"]
    key = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["Arn"]
    return {"ca": ca_arn, "key": key}


@pytest.fixture
def export(export_world: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    index = load_handler("cert_export")
    monkeypatch.setattr(index, "sleep", lambda seconds: None)
    monkeypatch.setattr(index.secrets, "token_urlsafe", lambda n: PASSPHRASE)
    acm = boto3.client("acm", region_name="us-east-1")
    cert = acm.request_certificate(
        DomainName="api.internal.example", CertificateAuthorityArn=export_world["ca"]
    )["CertificateArn"]
    sm = boto3.client("secretsmanager", region_name="us-east-1")
    name = _unique(EXPORT_SECRET)
    # An earlier export made the secret (tagged with the stack's scope), so every call of an export is made.
    sm.create_secret(
        Name=name,
        KmsKeyId=export_world["key"],
        SecretString='{"status": "exported before"}',
        Tags=[{"Key": index.SCOPE_TAG, "Value": "Services"}],
    )
    props = {
        "Scope": "Services",
        "KmsKeyArn": export_world["key"],
        "Exports": {"Api": {"CertificateArn": cert, "SecretName": name}},
    }
    return {"index": index, "cert": cert, "props": props, "sm": sm, "secret": name, "acm": acm}


def _export_cases() -> list[Any]:
    params = cases(EXPORT_CALLS, EXPORT_TERMINAL)
    # Transient faults that outlast our own back-off fail too, naming the call and saying to retry.
    for service, operation, resource in EXPORT_CALLS:
        for name, make in transient_faults(service).items():
            if name in (ACCESS_DENIED[service], "TooManyRequestsException", "RequestLimitExceeded"):
                continue
            params.append(
                pytest.param(
                    service, operation, resource, make, "persists", id=f"{operation}-{name}-persists"
                )
            )
    return params


@pytest.mark.parametrize(("service", "operation", "resource", "make", "outcome"), _export_cases())
def test_cert_export(
    export: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    service: str,
    operation: str,
    resource: str,
    make: Make,
    outcome: str,
) -> None:
    index = export["index"]
    resource = export["cert"] if resource == "cert" else export["secret"]
    injector = Injector().install(monkeypatch)
    injector.fail(service, operation, make, times=99 if outcome == "persists" else 1)
    caplog.set_level(logging.INFO)
    create = {"RequestType": "Create", "ResourceProperties": export["props"]}

    if outcome == SUCCEEDS:
        response = index.on_event(create, Context(300))
        assert injector.injected == 1
        stored = json.loads(export["sm"].get_secret_value(SecretId=export["secret"])["SecretString"])
        issued = export["acm"].describe_certificate(CertificateArn=export["cert"])["Certificate"]
        assert stored["serial"] == issued["Serial"] and response["Data"]["Exported"] == "1"
        text = json.dumps(response)
    else:
        with pytest.raises((index.aws.HandlerError, index.NotYetIssued)) as raised:
            index.on_event(create, Context(300))
        text = str(raised.value)
        assert resource in text, text
        if isinstance(raised.value, index.aws.HandlerError):
            assert operation in text and "(" in text, text
        if outcome == "persists":
            assert "retry" in text and f"after {index._ATTEMPTS} attempts" in text
    assert_no_secrets(text, caplog.text)


EXPORT_UPDATE_CALLS = [c for c in EXPORT_CALLS if c[1] in ("ExportCertificate", "PutSecretValue")]


@pytest.mark.parametrize(
    ("service", "operation", "resource", "make", "outcome"), cases(EXPORT_UPDATE_CALLS, EXPORT_TERMINAL)
)
def test_cert_export_update_to_a_new_certificate(
    export: dict[str, Any],
    export_world: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    service: str,
    operation: str,
    resource: str,
    make: Make,
    outcome: str,
) -> None:
    """An Update whose certificate changed (ACM replacement): ExportCertificate and PutSecretValue faults on the
    new certificate either pass after back-off, or fail naming the call and leave the old export current."""
    index, sm, secret = export["index"], export["sm"], export["secret"]
    index.on_event({"RequestType": "Create", "ResourceProperties": export["props"]}, Context(300))
    old = json.loads(sm.get_secret_value(SecretId=secret)["SecretString"])
    new_cert = boto3.client("acm", region_name="us-east-1").request_certificate(
        DomainName="api.internal.example", CertificateAuthorityArn=export_world["ca"]
    )["CertificateArn"]
    props = {**export["props"], "Exports": {"Api": {"CertificateArn": new_cert, "SecretName": secret}}}
    update = {
        "RequestType": "Update",
        "PhysicalResourceId": secret,
        "ResourceProperties": props,
        "OldResourceProperties": export["props"],
    }
    resource = new_cert if resource == "cert" else secret
    injector = Injector().install(monkeypatch)
    injector.fail(service, operation, make)
    caplog.set_level(logging.INFO)

    stored = lambda: json.loads(sm.get_secret_value(SecretId=secret)["SecretString"])  # noqa: E731
    if outcome == SUCCEEDS:
        response = index.on_event(update, Context(300))
        assert injector.injected == 1
        assert stored()["certificate_arn"] == new_cert and response["Data"]["Exported"] == "1"
        text = json.dumps(response)
    else:
        with pytest.raises((index.aws.HandlerError, index.NotYetIssued)) as raised:
            index.on_event(update, Context(300))
        text = str(raised.value)
        assert resource in text, text
        if isinstance(raised.value, index.aws.HandlerError):
            assert operation in text, text
        assert stored() == old  # the previous export stays current
    assert_no_secrets(text, caplog.text)


def test_cert_export_fails_cleanly_before_its_deadline(
    export: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = export["index"]
    injector = Injector().install(monkeypatch)
    with pytest.raises(index.aws.HandlerError, match=r"DescribeCertificate on \S+ not started.*retry"):
        index.on_event({"RequestType": "Create", "ResourceProperties": export["props"]}, Context(30))
    assert injector.calls == {}


def test_cert_export_backs_off_no_longer_than_the_invocation_allows(
    export: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = export["index"]
    injector = Injector().install(monkeypatch)
    injector.fail("acm", "DescribeCertificate", code("ThrottlingException"), times=99)
    with pytest.raises(index.aws.HandlerError, match=r"still throttled after 1 attempts"):
        index.on_event(
            {"RequestType": "Create", "ResourceProperties": export["props"]},
            Context(index.aws.WORST_CALL_SECONDS + 0.1),
        )


# ------------------------------------------------------------------------------------------ trust_store_bundle

BUCKET, CRL_BUCKET = "trust-bundles", "ca-crls"
BUNDLE_CALLS = [
    ("acm-pca", "GetCertificateAuthorityCertificate", "ca"),
    ("s3", "HeadObject", "bundle"),
    ("s3", "PutObject", "bundle"),
]  # on_event; the CRLs are read and written by is_complete (tests/handlers/test_fault_matrix_crl_poll.py)
BUNDLE_TERMINAL: dict[tuple[str, str], dict[str, tuple[Make, str]]] = {
    ("acm-pca", "GetCertificateAuthorityCertificate"): {
        "NotFound": (code("ResourceNotFoundException"), FAILS),
        "InvalidStateException": (code("InvalidStateException"), FAILS),
    },
    # HEAD answers carry no body: S3 says 403 (no ListBucket) or 404 for a key not written yet. Either way: write.
    ("s3", "HeadObject"): {
        "AccessDenied": (code("403", 403), SUCCEEDS),
        "NotFound": (code("404", 404), SUCCEEDS),
    },
    ("s3", "PutObject"): {"NotFound": (code("NoSuchBucket", 404), FAILS)},
}


@pytest.fixture(scope="module")
def bundle_ca(moto: None) -> str:
    ca = act.create_root("us-east-1")
    s3 = boto3.client("s3", region_name="us-east-1")
    for name in (BUCKET, CRL_BUCKET):
        s3.create_bucket(Bucket=name)
    s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=CRL_BUCKET, Key=f"crl/{ca.split('/')[-1]}.crl", Body=b"\x30\x03\x02\x01\x01")
    return ca


@pytest.fixture
def bundle(bundle_ca: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    index = load_handler("trust_store_bundle")
    monkeypatch.setattr(index, "sleep", lambda seconds: None)
    key = _unique("bundle-")
    props = {
        "CertificateAuthorityArns": [bundle_ca],
        "Bucket": BUCKET,
        "BundleKey": f"{key}.pem",
        "Revocation": [
            {"CertificateAuthorityArn": bundle_ca, "CrlBucket": CRL_BUCKET, "Key": f"{key}-crl.pem"}
        ],
    }
    return {"index": index, "ca": bundle_ca, "props": props, "key": f"{key}.pem"}


@pytest.mark.parametrize(
    ("service", "operation", "resource", "make", "outcome"), cases(BUNDLE_CALLS, BUNDLE_TERMINAL)
)
def test_trust_store_bundle(
    bundle: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    service: str,
    operation: str,
    resource: str,
    make: Make,
    outcome: str,
) -> None:
    index = bundle["index"]
    resource = {"ca": bundle["ca"], "bundle": f"s3://{BUCKET}/{bundle['key']}"}.get(resource, resource)
    injector = Injector().install(monkeypatch)
    injector.fail(service, operation, make)
    caplog.set_level(logging.INFO)
    create = {"RequestType": "Create", "PhysicalResourceId": "x", "ResourceProperties": bundle["props"]}

    if outcome == SUCCEEDS:
        response = index.on_event(create, Context(300))
        assert injector.injected == 1
        assert response["Data"]["CertificateCount"] == "1"
        text = json.dumps(response)
    else:
        with pytest.raises(index.aws.HandlerError) as raised:
            index.on_event(create, Context(300))
        text = str(raised.value)
        assert resource in text, text
        assert operation in text or "CRL" in text or "not activated" in text, text
    assert_no_secrets(text, caplog.text)


def test_trust_store_bundle_fails_cleanly_before_its_deadline(
    bundle: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    index = bundle["index"]
    injector = Injector().install(monkeypatch)
    with pytest.raises(index.aws.HandlerError, match=r"not started.*retrying the deployment is safe"):
        index.on_event({"RequestType": "Create", "ResourceProperties": bundle["props"]}, Context(10))
    assert injector.calls == {}


# ------------------------------------------------------------------------------------------ ca_expiry

HOME, AWAY = "us-east-1", "eu-west-1"
EXPIRY_CALLS = [
    ("acm-pca", "DescribeCertificateAuthority", "first"),
    ("cloudwatch", "PutMetricData", "first"),
]
EXPIRY_TERMINAL: dict[tuple[str, str], dict[str, tuple[Make, str]]] = {
    ("acm-pca", "DescribeCertificateAuthority"): {"NotFound": (code("ResourceNotFoundException"), "skipped")},
}


@pytest.fixture(scope="module")
def expiry_cas(moto: None) -> list[str]:
    return [act.create_root(HOME), act.create_root(HOME), act.create_root(AWAY), act.create_root(AWAY)]


@pytest.fixture
def expiry(expiry_cas: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    index = load_handler("ca_expiry")
    namespace = _unique("PkiConstructsMatrix")
    monkeypatch.setenv("AWS_DEFAULT_REGION", HOME)
    monkeypatch.setenv("METRIC_NAMESPACE", namespace)
    return {"index": index, "cas": expiry_cas, "namespace": namespace}


def _published(namespace: str, ca: str) -> int:
    cloudwatch = boto3.client("cloudwatch", region_name=HOME)
    metrics = cloudwatch.list_metrics(
        Namespace=namespace, Dimensions=[{"Name": "CertificateAuthorityArn", "Value": ca}]
    )["Metrics"]
    return len(metrics)


@pytest.mark.parametrize(
    ("service", "operation", "resource", "make", "outcome"),
    cases(EXPIRY_CALLS, EXPIRY_TERMINAL, "others-published"),
)
def test_ca_expiry(
    expiry: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    service: str,
    operation: str,
    resource: str,
    make: Make,
    outcome: str,
) -> None:
    """Whatever fails for the first CA costs that CA's data point (and, when its Region does not answer, the
    data points of that Region's other CAs); every other CA is published, and a failure fails the invocation
    at the end (Errors metric, retries, dead-letter queue)."""
    index, cas, namespace = expiry["index"], expiry["cas"], expiry["namespace"]
    injector = Injector().install(monkeypatch)
    injector.fail(service, operation, make)
    caplog.set_level(logging.INFO)
    region_down = operation == "DescribeCertificateAuthority" and make in (connection_error, read_timeout)
    lost = cas[:2] if region_down else cas[:1]

    if outcome == "skipped":
        report = index.handler({"CertificateAuthorityArns": cas}, Context(300))
        assert list(report["skipped"]) == [cas[0]]
        text = json.dumps(report)
    else:
        with pytest.raises(index.CaExpiryCheckError) as raised:
            index.handler({"CertificateAuthorityArns": cas}, Context(300))
        text = str(raised.value)
        assert all(ca in text for ca in lost) and "grant acm-pca:DescribeCertificateAuthority" in text, text
        if region_down:
            assert f"{HOME} did not answer" in text
            assert injector.calls[("acm-pca", "DescribeCertificateAuthority")] == 2  # only the other Region's
    assert [_published(namespace, ca) for ca in cas] == [0 if ca in lost else 1 for ca in cas]
    assert_no_secrets(text, caplog.text)


def test_ca_expiry_publishes_each_ca_before_reading_the_next(
    expiry: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    index, cas = expiry["index"], expiry["cas"]
    injector = Injector().install(monkeypatch)
    index.handler({"CertificateAuthorityArns": cas}, Context(300))
    operations = [operation for _, operation, _ in injector.order]
    assert operations == ["DescribeCertificateAuthority", "PutMetricData"] * len(cas)


def test_ca_expiry_stops_before_its_deadline_and_keeps_what_it_published(
    expiry: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Time runs out after the first CA: its data point stays published, the rest are reported, and the
    invocation ends on its own instead of being killed."""
    index, cas, namespace = expiry["index"], expiry["cas"], expiry["namespace"]
    remaining = iter([300.0, 300.0] + [1.0] * 20)
    monkeypatch.setattr(index.aws.DEADLINE, "remaining", lambda: next(remaining))
    with pytest.raises(index.CaExpiryCheckError, match="not started") as raised:
        index.handler({"CertificateAuthorityArns": cas}, Context(300))
    assert all(ca in str(raised.value) for ca in cas[1:])
    assert [_published(namespace, ca) for ca in cas] == [1, 0, 0, 0]


def _slow_region(
    monkeypatch: pytest.MonkeyPatch, region: str, seconds: float, fault: Make | None
) -> list[tuple[str, str]]:
    """An injected clock: every DescribeCertificateAuthority in ``region`` takes ``seconds`` (and then raises
    ``fault``, if given); other calls take no time. Returns the calls made, (operation, region)."""
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    original = BaseClient._make_api_call
    calls: list[tuple[str, str]] = []

    def patched(client: Any, operation: str, params: dict[str, Any]) -> Any:
        calls.append((operation, client.meta.region_name))
        if client.meta.region_name == region and operation == "DescribeCertificateAuthority":
            now[0] += seconds
            if fault is not None:
                raise fault(operation)
        return original(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", patched)
    return calls


def _many_in(region: str, real: list[str]) -> list[str]:
    """``real`` plus unknown CAs of the same Region (DescribeCertificateAuthority: not found), 8 in all."""
    account = real[0].split(":")[4]
    fake = f"arn:aws:acm-pca:{region}:{account}:certificate-authority/{{:08d}}-0000-0000-0000-000000000000"
    return real + [fake.format(i) for i in range(8 - len(real))]


def test_ca_expiry_slow_region_costs_only_its_own_cas(
    expiry: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """8 CAs of a Region answering in 33 s each (two read timeouts, then an answer), listed first, take more
    than the invocation; the healthy Region's CAs are read anyway and every value read is published
    (attack3/expiry_throttle.py slow)."""
    index, cas, namespace = expiry["index"], expiry["cas"], expiry["namespace"]
    slow = _many_in(AWAY, cas[2:])
    calls = _slow_region(monkeypatch, AWAY, 33.0, None)
    with pytest.raises(index.CaExpiryCheckError, match="not started") as raised:
        index.handler({"CertificateAuthorityArns": [*slow, *cas[:2]]}, Context(300))
    assert [_published(namespace, ca) for ca in cas] == [1, 1, 1, 1]
    assert calls.count(("PutMetricData", HOME)) == 4  # no value read was dropped
    assert all(ca not in str(raised.value) for ca in cas)


def test_ca_expiry_throttling_region_is_given_up_and_the_others_published(
    expiry: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Region that throttles every read past the SDK's retries (42 s each) is given up after
    THROTTLED_TIMES_DOWN reads; the healthy Region listed after it is published (attack3/expiry_throttle.py)."""
    index, cas, namespace = expiry["index"], expiry["cas"], expiry["namespace"]
    throttling = _many_in(AWAY, cas[2:])
    calls = _slow_region(monkeypatch, AWAY, 42.0, code("ThrottlingException"))
    with pytest.raises(index.CaExpiryCheckError) as raised:
        index.handler({"CertificateAuthorityArns": [*throttling, *cas[:2]]}, Context(300))
    assert calls.count(("DescribeCertificateAuthority", AWAY)) == index.THROTTLED_TIMES_DOWN
    assert [_published(namespace, ca) for ca in cas] == [1, 1, 0, 0]
    assert all(ca in str(raised.value) for ca in throttling)
    assert f"{AWAY} kept throttling" in str(raised.value)
