"""End to end, in pure Python: the CA bundle and PEM CRL that lambda/trust_store_bundle writes are what a TLS
server needs to verify client certificates.

A local CA hierarchy shaped like the AWS Private CA templates (tests/local_pki.py) issues the server and
client certificates. The handler runs against moto S3, with ``GetCertificateAuthorityCertificate`` answered by
the local CA. A loopback-only ``ssl`` server (bounded: a fixed number of connections, socket timeouts, a
daemon thread) requires client certificates from that bundle, optionally checking the leaf against the CRL.
"""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from moto import mock_aws

from tests.handler_loading import load_handler
from tests.local_pki import CLIENT_AUTH_TEMPLATE, LocalCa, PrivateKey, generate_key, pem

REGION = "us-east-1"
CA_ARN = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/issuing-1"
TIMEOUT = 5.0


@dataclass
class Identity:
    certificate: x509.Certificate
    key: PrivateKey
    chain: list[x509.Certificate] = field(default_factory=list)

    def write(self, directory: Path, name: str) -> tuple[Path, Path]:
        cert_file, key_file = directory / f"{name}.crt", directory / f"{name}.key"
        cert_file.write_text(pem(self.certificate) + "".join(pem(c) for c in self.chain))
        key_file.write_bytes(
            self.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        return cert_file, key_file


@dataclass
class Pki:
    root: LocalCa
    issuing: LocalCa
    server: Identity
    valid_client: Identity
    revoked_client: Identity
    foreign_client: Identity


@pytest.fixture(scope="module")
def pki() -> Pki:
    root = LocalCa.root("Example Root CA", key_algorithm="RSA_2048")
    issuing = root.subordinate("Example Issuing CA", key_algorithm="EC_prime256v1", path_length=0)
    other = LocalCa.root("Somebody Else's CA", key_algorithm="EC_prime256v1")

    def client(ca: LocalCa, name: str) -> Identity:
        key = generate_key("EC_prime256v1")
        cert = ca.issue_end_entity(key, dns_names=[name], template=CLIENT_AUTH_TEMPLATE, days=7)
        return Identity(cert, key, [ca.certificate])

    server_key = generate_key("EC_prime256v1")
    server = Identity(
        issuing.issue_end_entity(server_key, dns_names=["localhost"]), server_key, [issuing.certificate]
    )
    return Pki(
        root=root,
        issuing=issuing,
        server=server,
        valid_client=client(issuing, "orders.internal.example"),
        revoked_client=client(issuing, "retired.internal.example"),
        foreign_client=client(other, "intruder.example"),
    )


@pytest.fixture(scope="module")
def published(pki: Pki, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run the handler: bundle + PEM CRL into moto S3; return them as files, as the load balancer reads them."""
    handler = load_handler("trust_store_bundle", "pki_handler_trust_store_bundle_e2e")
    directory = tmp_path_factory.mktemp("trust")
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="trust")
        s3.put_bucket_versioning(Bucket="trust", VersioningConfiguration={"Status": "Enabled"})
        s3.create_bucket(Bucket="crls")
        s3.put_object(
            Bucket="crls",
            Key="crl/issuing-1.crl",
            Body=pki.issuing.crl(revoked=[pki.revoked_client.certificate]),
        )
        pca = boto3.client("acm-pca", region_name=REGION, config=Config(retries={"max_attempts": 1}))
        clients: dict[str, Any] = {"s3": s3, "acm-pca": pca}
        handler._client = lambda service, region=None: clients[service]
        with Stubber(pca) as stubber:
            stubber.add_response(
                "get_certificate_authority_certificate",
                pki.issuing.get_certificate_authority_certificate(),
                {"CertificateAuthorityArn": CA_ARN},
            )
            event = {
                "RequestType": "Create",
                "ResourceProperties": {
                    "CertificateAuthorityArns": [CA_ARN],
                    "Bucket": "trust",
                    "BundleKey": "bundle.pem",
                    "Revocation": [{"CertificateAuthorityArn": CA_ARN, "CrlBucket": "crls"}],
                    "RevocationKeyPrefix": "revocation/",
                },
            }
            data = handler.on_event(event)["Data"]
        # The Provider framework then polls is_complete, which publishes the CRLs once they exist.
        done = handler.is_complete(event)
        assert done["IsComplete"] is True
        files = {}
        for name, key, version in (
            ("bundle", "bundle.pem", data["BundleVersionId"]),
            ("crl", handler.revocation_key("revocation/", done["Data"]["RevocationGeneration"], 0), None),
        ):
            body = s3.get_object(Bucket="trust", Key=key, **({"VersionId": version} if version else {}))[
                "Body"
            ].read()
            files[name] = directory / name
            files[name].write_bytes(body)
    return files


@dataclass
class Outcome:
    accepted: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


@pytest.fixture
def server_factory(pki: Pki, tmp_path: Path) -> Iterator[Any]:
    threads: list[threading.Thread] = []

    def start(bundle: Path, crl: Path | None, connections: int) -> tuple[int, Any]:
        """Serve ``connections`` handshakes; returns the port and ``finish()``, which waits for the server
        thread and gives its :class:`Outcome`."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(*pki.server.write(tmp_path, "server"))
        context.verify_mode = ssl.CERT_REQUIRED  # mTLS "verify": no client certificate, no connection
        context.load_verify_locations(cafile=str(bundle))
        if crl is not None:
            context.load_verify_locations(cafile=str(crl))
            context.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
        listener = socket.create_server(("127.0.0.1", 0))
        listener.settimeout(TIMEOUT)
        outcome = Outcome()

        def serve() -> None:
            with listener:
                for _ in range(connections):  # bounded: stops by itself
                    try:
                        raw, _ = listener.accept()
                    except TimeoutError:
                        return
                    raw.settimeout(TIMEOUT)
                    try:
                        with context.wrap_socket(raw, server_side=True) as tls:
                            peer = tls.getpeercert()
                            outcome.accepted.append(dict(x[0] for x in peer["subject"])["commonName"])
                            tls.sendall(b"hello " + tls.recv(64))
                    except (ssl.SSLError, OSError) as error:
                        outcome.refused.append(str(error))
                        raw.close()

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        threads.append(thread)

        def finish() -> Outcome:
            thread.join(timeout=2 * TIMEOUT)
            return outcome

        return listener.getsockname()[1], finish

    yield start
    for thread in threads:
        thread.join(timeout=2 * TIMEOUT)
        assert not thread.is_alive()


def connect(pki: Pki, port: int, client: Identity | None, tmp_path: Path, name: str) -> bytes:
    """One client connection; returns the server's reply, raises when the server refuses."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cadata=pki.root.pem)
    if client is not None:
        context.load_cert_chain(*client.write(tmp_path, name))
    with (
        socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw,
        context.wrap_socket(raw, server_hostname="localhost") as tls,
    ):
        tls.sendall(b"ping")
        reply = tls.recv(64)  # under TLS 1.3 the server's verdict on our certificate arrives here
        if not reply:
            raise ConnectionError("server closed the connection")
        return reply


def test_bundle_is_the_ca_and_its_chain(pki: Pki, published: dict[str, Path]) -> None:
    certificates = x509.load_pem_x509_certificates(published["bundle"].read_bytes())
    assert certificates == [pki.issuing.certificate, pki.root.certificate]


def test_client_from_our_ca_is_accepted_and_others_refused(
    pki: Pki, published: dict[str, Path], server_factory: Any, tmp_path: Path
) -> None:
    port, finish = server_factory(published["bundle"], None, connections=3)

    assert connect(pki, port, pki.valid_client, tmp_path, "valid") == b"hello ping"
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        connect(pki, port, pki.foreign_client, tmp_path, "foreign")
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        connect(pki, port, None, tmp_path, "anonymous")

    outcome = finish()
    assert outcome.accepted == ["orders.internal.example"]
    assert len(outcome.refused) == 2
    assert "certificate verify failed" in outcome.refused[0]
    assert (
        "peer did not return a certificate" in outcome.refused[1]
        or "certificate required" in outcome.refused[1]
    )


def test_revoked_client_is_refused_when_the_crl_is_used(
    pki: Pki, published: dict[str, Path], server_factory: Any, tmp_path: Path
) -> None:
    # Without the CRL the revoked certificate is still a good certificate from our CA ...
    port, finish = server_factory(published["bundle"], None, connections=1)
    assert connect(pki, port, pki.revoked_client, tmp_path, "revoked") == b"hello ping"
    outcome = finish()
    assert outcome.accepted == ["retired.internal.example"]

    # ... with the handler's PEM CRL it is refused, and a valid client still gets in.
    port, finish = server_factory(published["bundle"], published["crl"], connections=2)
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        connect(pki, port, pki.revoked_client, tmp_path, "revoked")
    assert connect(pki, port, pki.valid_client, tmp_path, "valid") == b"hello ping"
    outcome = finish()
    assert outcome.accepted == ["orders.internal.example"]
    assert len(outcome.refused) == 1 and "certificate revoked" in outcome.refused[0]


def test_a_bundle_without_the_chain_would_not_do(pki: Pki, server_factory: Any, tmp_path: Path) -> None:
    """Why the handler adds each CA's chain: the issuing CA alone is not a complete trust path for OpenSSL."""
    only_issuing = tmp_path / "issuing-only.pem"
    only_issuing.write_text(pki.issuing.pem)
    port, finish = server_factory(only_issuing, None, connections=1)
    with pytest.raises((ssl.SSLError, ConnectionError, OSError)):
        connect(pki, port, pki.valid_client, tmp_path, "valid")
    outcome = finish()
    assert outcome.accepted == [] and "certificate verify failed" in outcome.refused[0]


def test_trusting_a_subordinate_also_trusts_its_siblings_clients(
    pki: Pki, published: dict[str, Path], server_factory: Any, tmp_path: Path
) -> None:
    """The bundle holds each trusted CA's chain up to the root, and the root is a trust anchor: a client that
    sends its own issuing CA's certificate (another subordinate of the same root) is accepted too. This is
    the scope of trust the docstrings of MutualTls, CaBundle and PrivateServiceTier state."""
    sibling = pki.root.subordinate("Sibling Issuing CA", key_algorithm="EC_prime256v1", path_length=0)
    key = generate_key("EC_prime256v1")
    certificate = sibling.issue_end_entity(
        key, dns_names=["sibling.internal.example"], template=CLIENT_AUTH_TEMPLATE, days=7
    )
    port, finish = server_factory(published["bundle"], None, connections=1)

    assert connect(pki, port, Identity(certificate, key, [sibling.certificate]), tmp_path, "sibling") == (
        b"hello ping"
    )
    assert finish().accepted == ["sibling.internal.example"]
