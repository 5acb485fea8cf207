"""pkilint's RFC 5280 linters on a local hierarchy shaped like ours (issue 13.5): an RSA root, an EC issuing
CA (path length 0), EC end-entity server and client certificates from the AWS templates we use.

Findings that are AWS template behaviour are allow-listed here with their reason (README "Compliance");
anything else fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from tests.local_pki import CLIENT_AUTH_TEMPLATE, LocalCa, generate_key

pkilint_certificate = pytest.importorskip("pkilint.pkix.certificate")
from pkilint import loader  # noqa: E402
from pkilint.pkix import extension, name  # noqa: E402
from pkilint.validation import ValidationFindingSeverity  # noqa: E402

AWS_TEMPLATE_BEHAVIOUR = {
    # EndEntity*Certificate/V1 templates set KeyUsage "digitalSignature, keyEncipherment" whatever the key
    # type; RFC 5480 / RFC 8813 say an EC key does not encipher keys. TLS stacks ignore it. (pkilint 0.13.3's
    # RFC 5280 linters do not report it; its stricter profiles may, so the reason is kept here.)
    "pkix.key_usage_value_prohibited_for_ec": "AWS EndEntity templates assert keyEncipherment for EC keys",
}
"""pkilint finding code -> why it is accepted."""


def lint(certificate: x509.Certificate) -> list[str]:
    """The pkilint RFC 5280 findings (severity WARNING and above) of one certificate, as 'SEVERITY code'."""
    validator = pkilint_certificate.create_pkix_certificate_validator_container(
        pkilint_certificate.create_decoding_validators(
            name.ATTRIBUTE_TYPE_MAPPINGS, extension.EXTENSION_MAPPINGS
        ),
        [
            pkilint_certificate.create_issuer_validator_container([]),
            pkilint_certificate.create_validity_validator_container(),
            pkilint_certificate.create_subject_validator_container([]),
            pkilint_certificate.create_extensions_validator_container([]),
            pkilint_certificate.create_spki_validator_container([]),
        ],
    )
    document: Any = loader.load_der_certificate(certificate.public_bytes(Encoding.DER), "certificate")
    results = validator.validate(document.root)
    findings = []
    for result in results:
        for finding in result.finding_descriptions:
            # Lower is more severe: FATAL 0, ERROR 1, WARNING 2, NOTICE 3, INFO 4.
            if finding.finding.severity.value <= ValidationFindingSeverity.WARNING.value:
                findings.append(f"{finding.finding.severity.name} {finding.finding.code}")
    return sorted(set(findings))


@pytest.fixture(scope="module")
def hierarchy() -> dict[str, x509.Certificate]:
    root = LocalCa.root(
        "Example Root CA", key_algorithm="RSA_2048", crl_url="http://crl.example.com/crl/root.crl"
    )
    issuing = root.subordinate("Example Issuing CA", key_algorithm="EC_prime256v1", path_length=0)
    server = issuing.issue_end_entity(generate_key("EC_prime256v1"), dns_names=["api.internal.example.com"])
    client = issuing.issue_end_entity(
        generate_key("EC_prime256v1"), dns_names=["orders.clients.example.com"], template=CLIENT_AUTH_TEMPLATE
    )
    return {"root": root.certificate, "issuing": issuing.certificate, "server": server, "client": client}


@pytest.mark.parametrize("role", ["root", "issuing", "server", "client"])
def test_rfc5280_lint_finds_only_documented_aws_template_behaviour(
    hierarchy: dict[str, x509.Certificate], role: str
) -> None:
    findings = lint(hierarchy[role])
    unexplained = [f for f in findings if f.split(" ", 1)[1] not in AWS_TEMPLATE_BEHAVIOUR]
    assert unexplained == [], role
