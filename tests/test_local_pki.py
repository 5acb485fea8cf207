"""The local fake Private CA issues AWS-template-shaped certificates that a real verifier accepts, and the
verifier rejects what it should: the other tests rely on both."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, SignatureAlgorithmOID
from cryptography.x509.verification import VerificationError

from tests.local_pki import (
    BACKDATE,
    IssuanceRejected,
    LocalCa,
    generate_key,
    make_csr,
    sha256_fingerprint,
    split_pem,
    validity_end,
)

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def hierarchy() -> tuple[LocalCa, LocalCa, LocalCa]:
    root = LocalCa.root("Test Root CA", key_algorithm="EC_secp384r1", days=3650, now=NOW)
    policy = root.subordinate("Test Policy CA", key_algorithm="RSA_2048", path_length=1, days=1825, now=NOW)
    issuing = policy.subordinate(
        "Test Issuing CA", key_algorithm="EC_prime256v1", path_length=0, days=900, now=NOW
    )
    return root, policy, issuing


def ext(cert: x509.Certificate, cls: type) -> x509.Extension:  # type: ignore[type-arg]
    return cert.extensions.get_extension_for_class(cls)


def test_root_matches_root_ca_template(hierarchy: tuple[LocalCa, LocalCa, LocalCa]) -> None:
    root = hierarchy[0].certificate
    bc = ext(root, x509.BasicConstraints)
    assert bc.critical and bc.value.ca and bc.value.path_length is None
    ku = ext(root, x509.KeyUsage)
    assert ku.critical and ku.value.key_cert_sign and ku.value.crl_sign and ku.value.digital_signature
    assert not ku.value.key_encipherment
    assert ext(root, x509.SubjectKeyIdentifier)
    with pytest.raises(x509.ExtensionNotFound):
        ext(root, x509.AuthorityKeyIdentifier)
    assert root.not_valid_before_utc == NOW - BACKDATE
    assert root.not_valid_after_utc == NOW + dt.timedelta(days=3650)
    assert isinstance(root.public_key(), ec.EllipticCurvePublicKey)
    assert root.public_key().curve.name == "secp384r1"
    assert root.signature_algorithm_oid == SignatureAlgorithmOID.ECDSA_WITH_SHA384


def test_subordinate_matches_path_len_template(hierarchy: tuple[LocalCa, LocalCa, LocalCa]) -> None:
    root, policy, issuing = hierarchy
    bc = ext(policy.certificate, x509.BasicConstraints)
    assert bc.critical and bc.value.ca and bc.value.path_length == 1
    assert ext(issuing.certificate, x509.BasicConstraints).value.path_length == 0
    aki = ext(policy.certificate, x509.AuthorityKeyIdentifier).value
    assert aki.key_identifier == ext(root.certificate, x509.SubjectKeyIdentifier).value.digest
    assert ext(policy.certificate, x509.KeyUsage).critical
    with pytest.raises(x509.ExtensionNotFound):
        ext(policy.certificate, x509.ExtendedKeyUsage)
    assert policy.certificate.not_valid_after_utc - policy.certificate.not_valid_before_utc == (
        dt.timedelta(days=1825) + BACKDATE
    )
    # signed by the EC root with its default SHA-384 hash
    assert policy.certificate.signature_algorithm_oid == SignatureAlgorithmOID.ECDSA_WITH_SHA384
    policy.certificate.verify_directly_issued_by(root.certificate)


def test_end_entity_server_auth_profile(hierarchy: tuple[LocalCa, LocalCa, LocalCa]) -> None:
    issuing = hierarchy[2]
    leaf = issuing.issue_end_entity(
        generate_key("EC_prime256v1"), dns_names=["app.example"], days=30, now=NOW
    )
    assert ext(leaf, x509.BasicConstraints).value.ca is False
    ku = ext(leaf, x509.KeyUsage)
    assert (
        ku.critical
        and ku.value.digital_signature
        and ku.value.key_encipherment
        and not ku.value.key_cert_sign
    )
    assert list(ext(leaf, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert ext(leaf, x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName) == ["app.example"]
    assert ext(leaf, x509.AuthorityKeyIdentifier).value.key_identifier == (
        ext(issuing.certificate, x509.SubjectKeyIdentifier).value.digest
    )
    client = issuing.issue_end_entity(
        make_csr(generate_key("EC_prime256v1"), "client.example", dns_names=["client.example"]),
        template="EndEntityClientAuthCertificate/V1",
        now=NOW,
    )
    assert list(ext(client, x509.ExtendedKeyUsage).value) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert ext(client, x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName) == [
        "client.example"
    ]


@pytest.mark.parametrize(
    ("key_algorithm", "size"),
    [
        ("RSA_2048", 2048),
        ("RSA_3072", 3072),
        ("RSA_4096", 4096),
        ("EC_prime256v1", 256),
        ("EC_secp521r1", 521),
    ],
)
def test_key_algorithms_are_honoured(key_algorithm: str, size: int) -> None:
    key = generate_key(key_algorithm)
    assert key.key_size == size
    assert isinstance(key, rsa.RSAPrivateKey) == key_algorithm.startswith("RSA")


def test_signing_algorithm_is_honoured_including_pss() -> None:
    root = LocalCa.root(key_algorithm="RSA_2048", signing_algorithm="SHA512WITHRSA_PSS", now=NOW)
    assert root.certificate.signature_algorithm_oid == SignatureAlgorithmOID.RSASSA_PSS
    assert isinstance(root.certificate.signature_hash_algorithm, hashes.SHA512)
    sub = root.issue_subordinate(
        generate_key("RSA_2048"), common_name="s", signing_algorithm="SHA384WITHRSA", now=NOW
    )
    assert sub.signature_algorithm_oid == SignatureAlgorithmOID.RSA_WITH_SHA384


def test_fails_signing_algorithm_of_wrong_family() -> None:
    root = LocalCa.root(key_algorithm="EC_prime256v1", now=NOW)
    with pytest.raises(IssuanceRejected, match="SHA256WITHRSA"):
        root.issue_subordinate(
            generate_key("EC_prime256v1"), common_name="s", signing_algorithm="SHA256WITHRSA"
        )


def test_chain_verifies_with_policy_builder(hierarchy: tuple[LocalCa, LocalCa, LocalCa]) -> None:
    root, policy, issuing = hierarchy
    leaf = issuing.issue_end_entity(generate_key("EC_prime256v1"), dns_names=["app.example"], now=NOW)
    path = root.verify_server(
        leaf,
        "app.example",
        intermediates=[issuing.certificate, policy.certificate],
        at=NOW + dt.timedelta(hours=1),
    )
    assert [c.subject for c in path] == [
        leaf.subject,
        issuing.certificate.subject,
        policy.certificate.subject,
        root.certificate.subject,
    ]
    with pytest.raises(VerificationError):
        root.verify_server(
            leaf, "other.example", intermediates=[issuing.certificate, policy.certificate], at=NOW
        )


def test_fails_path_length_violating_chain_in_verifier() -> None:
    root = LocalCa.root(key_algorithm="EC_prime256v1", now=NOW, enforce_aws_rules=False)
    capped = root.subordinate("PathLen0 CA", key_algorithm="EC_prime256v1", path_length=0, now=NOW)
    # AWS would refuse this issuance; the lax CA lets us build the chain a verifier must reject.
    below = capped.subordinate("Illegal CA", key_algorithm="EC_prime256v1", path_length=0, days=100, now=NOW)
    leaf = below.issue_end_entity(generate_key("EC_prime256v1"), dns_names=["app.example"], now=NOW)
    with pytest.raises(VerificationError):
        root.verify_server(leaf, "app.example", intermediates=[below.certificate, capped.certificate], at=NOW)


def test_fails_aws_rules_path_length_and_validity(hierarchy: tuple[LocalCa, LocalCa, LocalCa]) -> None:
    root, _policy, issuing = hierarchy
    with pytest.raises(IssuanceRejected, match="path length"):
        issuing.issue_subordinate(
            generate_key("EC_prime256v1"), common_name="x", path_length=0, days=10, now=NOW
        )
    with pytest.raises(IssuanceRejected, match="validity"):
        root.issue_subordinate(
            generate_key("EC_prime256v1"), common_name="x", path_length=2, days=3650, now=NOW
        )
    with pytest.raises(IssuanceRejected, match="outlive"):
        issuing.issue_end_entity(generate_key("EC_prime256v1"), dns_names=["a.example"], days=901, now=NOW)


def test_aws_response_shapes(hierarchy: tuple[LocalCa, LocalCa, LocalCa]) -> None:
    root, policy, issuing = hierarchy
    assert root.get_certificate_authority_certificate() == {"Certificate": root.pem}
    got = issuing.get_certificate_authority_certificate()
    assert split_pem(got["Certificate"]) == [issuing.certificate]
    assert split_pem(got["CertificateChain"]) == [policy.certificate, root.certificate]  # root last
    leaf = issuing.issue_end_entity(generate_key("EC_prime256v1"), dns_names=["a.example"], now=NOW)
    response = issuing.get_certificate(leaf)
    assert split_pem(response["CertificateChain"]) == [
        issuing.certificate,
        policy.certificate,
        root.certificate,
    ]
    assert root.get_certificate(root.certificate) == {"Certificate": root.pem}


def test_crl_is_v2_with_aki_and_number(hierarchy: tuple[LocalCa, LocalCa, LocalCa]) -> None:
    issuing = hierarchy[2]
    leaf = issuing.issue_end_entity(generate_key("EC_prime256v1"), dns_names=["a.example"], now=NOW)
    crl = x509.load_der_x509_crl(issuing.crl(revoked=[leaf, 12345], crl_number=7, now=NOW))
    assert crl.is_signature_valid(issuing.key.public_key())  # type: ignore[arg-type]
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 7
    assert crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier == (
        ext(issuing.certificate, x509.SubjectKeyIdentifier).value.digest
    )
    assert crl.get_revoked_certificate_by_serial_number(leaf.serial_number) is not None
    assert crl.get_revoked_certificate_by_serial_number(12345) is not None
    assert crl.next_update_utc == NOW + dt.timedelta(days=7)


def test_validity_types_and_fingerprint() -> None:
    assert validity_end(NOW, {"Type": "YEARS", "Value": 2}) == NOW.replace(year=2028)
    assert validity_end(NOW, {"Type": "MONTHS", "Value": 3}) == NOW.replace(year=2027, month=2)
    assert validity_end(NOW, {"Type": "END_DATE", "Value": 20301231235959}).year == 2030
    root = LocalCa.root(key_algorithm="EC_prime256v1", now=NOW)
    fp = sha256_fingerprint(root.certificate)
    assert len(fp) == 95 and fp.count(":") == 31
    assert fp.replace(":", "").lower() == root.certificate.fingerprint(hashes.SHA256()).hex()
