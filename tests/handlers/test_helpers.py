"""The helpers every handler shares (lambda/pki_handlers): ARNs, PEM, logging that never leaks key material."""

from __future__ import annotations

import json
import logging

import pytest

from tests.handler_loading import load_handler
from tests.local_pki import LocalCa

arns = load_handler("arns")
x509 = load_handler("x509")
logs = load_handler("logs")

CA = "arn:aws-cn:acm-pca:cn-north-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555"


def test_ca_arn_parts() -> None:
    parsed = arns.parse_ca_arn(CA)
    assert (parsed.partition, parsed.region, parsed.account, parsed.ca_id) == (
        "aws-cn",
        "cn-north-1",
        "123456789012",
        "11111111-2222-3333-4444-555555555555",
    )
    assert arns.issuer_of(f"{CA}/certificate/0a0b") == CA


@pytest.mark.parametrize(
    "arn",
    [
        f"{CA}/certificate/0a0b",  # a certificate, not its CA
        "arn:aws:acm:us-east-1:123456789012:certificate/abc",
        "arn:aws:acm-pca::123456789012:certificate-authority/abc",  # no Region
    ],
)
def test_fails_on_what_is_not_a_ca_arn(arn: str) -> None:
    with pytest.raises(ValueError, match="not an AWS Private CA ARN"):
        arns.parse_ca_arn(arn)


def test_region_and_partition_of_any_arn() -> None:
    assert (arns.region_of(CA), arns.partition_of(CA)) == ("cn-north-1", "aws-cn")
    role = "arn:aws-us-gov:iam::123456789012:role/r"
    assert arns.partition_of(role) == "aws-us-gov"


@pytest.mark.parametrize("arn", ["not-an-arn", "arn:aws", "arn:aws:iam::123456789012:role/r"])
def test_fails_region_of_what_has_none(arn: str) -> None:
    with pytest.raises(ValueError, match="not a"):
        arns.region_of(arn)


def test_pem_round_trip_and_fingerprint() -> None:
    ca = LocalCa.root("Helper Root", key_algorithm="EC_prime256v1", days=30)
    messy = ca.pem.replace("\n", "\r\n")
    [normalised] = x509.split_pem(messy + "garbage", "CERTIFICATE")
    assert normalised == ca.pem
    cert = x509.Cert.from_pem(messy)
    assert cert.fingerprint == x509.certificate_fingerprint(ca.pem)
    assert cert.self_issued
    with pytest.raises(x509.PemError):
        x509.Cert.from_pem(ca.pem + ca.pem)


def test_logger_redacts_pem_keys_and_passphrases(caplog: pytest.LogCaptureFixture) -> None:
    ca = LocalCa.root("Helper Root", key_algorithm="EC_prime256v1", days=30)
    log = logs.Logger("pki_handlers.test")
    caplog.set_level(logging.INFO)
    log.info(
        f"careless {ca.pem}",
        value={"private_key": "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA", "passphrase": "hunter2"},
        chain=[ca.pem],
        serial="0a:0b",
    )
    [record] = [r for r in caplog.records if r.name == "pki_handlers.test"]
    text = record.getMessage()
    assert "BEGIN" not in text and "hunter2" not in text
    body = json.loads(text)
    assert body["serial"] == "0a:0b" and body["value"]["passphrase"] == logs.REDACTED
