"""pki_handlers.ca_expiry: DescribeCertificateAuthority -> NotAfter -> PutMetricData, proven against moto.

moto's acm-pca keeps real state (PENDING_CERTIFICATE until import, DELETED after delete, NotAfter of the
imported certificate) and moto's CloudWatch records PutMetricData for GetMetricStatistics/ListMetrics.
Faults moto cannot produce (throttling, expired CAs) are injected: throttling with a ``before-send`` hook
that runs ahead of moto, so botocore's retry logic sees it; an expired CA with a Stubber.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.stub import Stubber
from moto import mock_aws
from moto.core.botocore_stubber import MockRawResponse

from tests.handler_loading import load_handler as load_named

HOME = "us-east-1"  # the function's (and the alarms') region
OTHER = "eu-west-1"  # a CA monitored from another region


index = load_named("ca_expiry")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", HOME)
    monkeypatch.delenv("METRIC_NAMESPACE", raising=False)
    with mock_aws():
        index._pca.cache_clear()
        index._cloudwatch.cache_clear()
        yield
        index._pca.cache_clear()
        index._cloudwatch.cache_clear()


def _create_ca(region: str, *, activate: bool = True) -> str:
    pca = boto3.client("acm-pca", region_name=region)
    arn: str = pca.create_certificate_authority(
        CertificateAuthorityConfiguration={
            "KeyAlgorithm": "RSA_2048",
            "SigningAlgorithm": "SHA256WITHRSA",
            "Subject": {"CommonName": f"Test Root {region}"},
        },
        CertificateAuthorityType="ROOT",
    )["CertificateAuthorityArn"]
    if activate:
        csr = pca.get_certificate_authority_csr(CertificateAuthorityArn=arn)["Csr"]
        cert_arn = pca.issue_certificate(
            CertificateAuthorityArn=arn,
            Csr=csr.encode(),
            SigningAlgorithm="SHA256WITHRSA",
            TemplateArn="arn:aws:acm-pca:::template/RootCACertificate/V1",
            Validity={"Type": "YEARS", "Value": 10},
        )["CertificateArn"]
        pem = pca.get_certificate(CertificateAuthorityArn=arn, CertificateArn=cert_arn)["Certificate"]
        pca.import_certificate_authority_certificate(CertificateAuthorityArn=arn, Certificate=pem.encode())
    return arn


def _not_after(arn: str) -> datetime:
    region = arn.split(":")[3]
    ca = boto3.client("acm-pca", region_name=region).describe_certificate_authority(
        CertificateAuthorityArn=arn
    )
    not_after: datetime = ca["CertificateAuthority"]["NotAfter"]
    return not_after


def _recorded(arn: str, namespace: str = "PkiConstructs") -> list[float]:
    """Minimum DaysToExpiry values moto's CloudWatch (home region) recorded for ``arn``."""
    now = datetime.now(UTC)
    points = boto3.client("cloudwatch", region_name=HOME).get_metric_statistics(
        Namespace=namespace,
        MetricName="DaysToExpiry",
        Dimensions=[{"Name": "CertificateAuthorityArn", "Value": arn}],
        StartTime=now - timedelta(hours=1),
        EndTime=now + timedelta(minutes=5),
        Period=3600,
        Statistics=["Minimum"],
    )["Datapoints"]
    return [p["Minimum"] for p in points]


def _expected_days(arn: str) -> float:
    return (_not_after(arn) - datetime.now(UTC)).total_seconds() / 86400


def test_publishes_days_to_expiry_per_ca_including_a_ca_in_another_region(aws: None) -> None:
    home, away = _create_ca(HOME), _create_ca(OTHER)

    report = index.handler({"CertificateAuthorityArns": [home, away]}, None)

    assert set(report["published"]) == {home, away}
    assert report["skipped"] == {} and report["failed"] == {}
    for arn in (home, away):
        [value] = _recorded(arn)
        assert value == pytest.approx(_expected_days(arn), abs=0.01)
        assert report["published"][arn]["NotAfter"] == _not_after(arn).isoformat()
    metrics = boto3.client("cloudwatch", region_name=HOME).list_metrics(Namespace="PkiConstructs")["Metrics"]
    assert {(m["MetricName"], m["Dimensions"][0]["Name"]) for m in metrics} == {
        ("DaysToExpiry", "CertificateAuthorityArn")
    }


def test_namespace_comes_from_the_environment(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRIC_NAMESPACE", "Custom/Pki")
    arn = _create_ca(HOME)
    index.handler({"CertificateAuthorityArns": [arn]}, None)
    assert len(_recorded(arn, namespace="Custom/Pki")) == 1
    assert _recorded(arn) == []


def test_ca_without_certificate_is_skipped_and_the_others_published(aws: None) -> None:
    pending, active = _create_ca(HOME, activate=False), _create_ca(HOME)

    report = index.handler({"CertificateAuthorityArns": [pending, active]}, None)

    assert report["skipped"][pending]["Status"] == "PENDING_CERTIFICATE"
    assert "no certificate" in report["skipped"][pending]["Reason"]
    assert _recorded(pending) == []
    assert len(_recorded(active)) == 1


def test_deleted_and_unknown_cas_are_skipped_and_the_others_published(aws: None) -> None:
    deleted, active = _create_ca(HOME), _create_ca(HOME)
    boto3.client("acm-pca", region_name=HOME).delete_certificate_authority(CertificateAuthorityArn=deleted)
    unknown = active[:-12] + "000000000000"

    report = index.handler({"CertificateAuthorityArns": [deleted, unknown, active]}, None)

    assert report["skipped"][deleted]["Status"] == "DELETED"
    assert "not found" in report["skipped"][unknown]["Reason"]
    assert _recorded(deleted) == [] and _recorded(unknown) == []
    assert list(report["published"]) == [active]
    assert len(_recorded(active)) == 1


def _throttle(times: int) -> Any:
    """A before-send hook answering ThrottlingException ``times`` times (then letting moto answer)."""
    left = {"n": times}

    def hook(request: Any, **_: Any) -> AWSResponse | None:
        if left["n"] <= 0:
            return None
        left["n"] -= 1
        body = b'{"__type": "ThrottlingException", "message": "Rate exceeded (injected)"}'
        return AWSResponse(
            request.url, 400, {"x-amzn-ErrorType": "ThrottlingException"}, MockRawResponse(body)
        )

    hook.left = left  # type: ignore[attr-defined]
    return hook


def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr("botocore.endpoint.time.sleep", slept.append)
    return slept


def test_throttling_is_retried_by_the_sdk(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    slept = _no_sleep(monkeypatch)
    arn = _create_ca(OTHER)
    hook = _throttle(2)
    index._pca(OTHER).meta.events.register_first("before-send.acm-pca.DescribeCertificateAuthority", hook)

    report = index.handler({"CertificateAuthorityArns": [arn]}, None)

    assert hook.left["n"] == 0 and len(slept) == 2  # two throttled attempts, backed off, then success
    assert list(report["published"]) == [arn]
    assert len(_recorded(arn)) == 1


def test_persistent_throttling_fails_that_ca_only_and_is_reported(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_sleep(monkeypatch)
    throttled, fine = _create_ca(OTHER), _create_ca(HOME)
    index._pca(OTHER).meta.events.register_first(
        "before-send.acm-pca.DescribeCertificateAuthority", _throttle(100)
    )

    with pytest.raises(index.CaExpiryCheckError) as raised:
        index.handler({"CertificateAuthorityArns": [throttled, fine]}, None)

    assert throttled in str(raised.value) and "ThrottlingException" in str(raised.value)
    assert fine not in str(raised.value)
    assert _recorded(throttled) == []
    assert len(_recorded(fine)) == 1  # published before the invocation failed


def test_failed_put_metric_data_is_reported(aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _no_sleep(monkeypatch)
    arn = _create_ca(HOME)
    index._cloudwatch().meta.events.register_first("before-send.cloudwatch.PutMetricData", _throttle(100))

    with pytest.raises(index.CaExpiryCheckError, match="PutMetricData"):
        index.handler({"CertificateAuthorityArns": [arn]}, None)


def test_malformed_arn_fails_without_stopping_the_others(aws: None) -> None:
    good = _create_ca(HOME)
    issued_cert = good + "/certificate/0123456789abcdef"
    acm_cert = f"arn:aws:acm:{HOME}:123456789012:certificate/1111"

    with pytest.raises(index.CaExpiryCheckError) as raised:
        index.handler({"CertificateAuthorityArns": [issued_cert, acm_cert, good]}, None)

    assert issued_cert in str(raised.value) and acm_cert in str(raised.value)
    assert len(_recorded(good)) == 1


def test_duplicate_arns_are_checked_once(aws: None) -> None:
    arn = _create_ca(HOME)
    report = index.handler({"CertificateAuthorityArns": [arn, arn]}, None)
    assert list(report["published"]) == [arn]
    assert len(_recorded(arn)) == 1


@pytest.mark.parametrize(
    "event", [{}, {"CertificateAuthorityArns": "arn"}, {"CertificateAuthorityArns": [1]}]
)
def test_fails_on_an_event_without_a_list_of_arns(event: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="CertificateAuthorityArns"):
        index.handler(event, None)


def test_expired_ca_publishes_a_negative_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """EXPIRED CAs keep their NotAfter: the metric goes negative, so the alarm stays in ALARM."""
    client = boto3.client("acm-pca", region_name=HOME)
    arn = f"arn:aws:acm-pca:{HOME}:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"
    now = datetime(2026, 11, 27, tzinfo=UTC)
    with Stubber(client) as stub:
        stub.add_response(
            "describe_certificate_authority",
            {"CertificateAuthority": {"Arn": arn, "Status": "EXPIRED", "NotAfter": now - timedelta(days=2)}},
            {"CertificateAuthorityArn": arn},
        )
        monkeypatch.setattr(index, "_pca", lambda region: client)
        outcome, details = index.check_certificate_authority(arn, now)
    assert outcome == "published"
    assert details["DaysToExpiry"] == pytest.approx(-2.0)
    assert details["Status"] == "EXPIRED"


def test_access_denied_is_a_failure_not_a_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    client = boto3.client("acm-pca", region_name=HOME)
    arn = f"arn:aws:acm-pca:{HOME}:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"
    with Stubber(client) as stub:
        stub.add_client_error("describe_certificate_authority", "AccessDeniedException", "not allowed")
        monkeypatch.setattr(index, "_pca", lambda region: client)
        outcome, details = index.check_certificate_authority(arn, datetime.now(UTC))
    assert outcome == "failed"
    assert details["Reason"].startswith("AccessDeniedException")


def test_the_synthesized_checker_feeds_exactly_the_metric_its_alarms_watch(
    aws: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Construct <-> handler contract: run the handler with the synthesized rule input and environment, then
    read the data point back with the alarm's own namespace, metric name and dimension."""
    from pki_constructs import CaExpiryAlarm, SubordinateCa
    from tests.synth import make_stack, resources_of_type, template_of

    home, away = _create_ca(HOME), _create_ca(OTHER)
    stack = make_stack(name="Contract", region=HOME, account="123456789012")
    for i, arn in enumerate((home, away)):
        ca = SubordinateCa.from_certificate_authority_attributes(
            stack, f"Ca{i}", certificate_authority_arn=arn
        )
        CaExpiryAlarm(stack, f"Expiry{i}", certificate_authority=ca)
    template = template_of(stack)

    [function] = [
        f["Properties"]
        for f in resources_of_type(template, "AWS::Lambda::Function").values()
        if f["Properties"]["Handler"] == "pki_handlers.ca_expiry.handler"
    ]
    for name, value in function["Environment"]["Variables"].items():
        monkeypatch.setenv(name, value)
    [scheduled] = [
        r
        for r in resources_of_type(template, "AWS::Events::Rule").values()
        if "ScheduleExpression" in r["Properties"]
    ]
    event = json.loads(scheduled["Properties"]["Targets"][0]["Input"])

    report = index.handler(event, None)
    assert set(report["published"]) == {home, away}

    now = datetime.now(UTC)
    cloudwatch = boto3.client("cloudwatch", region_name=HOME)
    expiry_alarms = [
        a
        for a in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("Namespace") == function["Environment"]["Variables"]["METRIC_NAMESPACE"]
    ]
    assert len(expiry_alarms) == 2  # (the checker's own failure alarms watch other metrics)
    for alarm in expiry_alarms:
        props = alarm["Properties"]
        [point] = cloudwatch.get_metric_statistics(
            Namespace=props["Namespace"],
            MetricName=props["MetricName"],
            Dimensions=props["Dimensions"],
            StartTime=now - timedelta(hours=1),
            EndTime=now + timedelta(minutes=5),
            Period=props["Period"],
            Statistics=[props["Statistic"]],
        )["Datapoints"]
        arn = props["Dimensions"][0]["Value"]
        assert point[props["Statistic"]] == pytest.approx(_expected_days(arn), abs=0.01)
        assert point[props["Statistic"]] > props["Threshold"]  # a fresh CA does not alarm
