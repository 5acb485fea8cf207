"""hierarchy_mermaid draws what the construct tree holds."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_certificatemanager as acm

from pki_constructs import DistinguishedName, KeyAlgorithm, RootCa, SubordinateCa, UsageMode
from pki_constructs.diagram import hierarchy_mermaid
from tests.synth import make_app, make_stack


def test_diagram_shows_cas_their_edges_and_issued_certificates() -> None:
    app = make_app()
    pki = make_stack(app, "Pki")
    workload = make_stack(app, "Workload")
    root = RootCa(pki, "Root", subject=DistinguishedName(common_name="Example Root CA G1"))
    issuing = SubordinateCa(
        workload,
        "Issuing",
        parent=root,
        subject=DistinguishedName(common_name="Example Issuing CA G1"),
        key_algorithm=KeyAlgorithm.EC_PRIME256V1,
        validity=Duration.days(1095),
    )
    SubordinateCa(
        pki,
        "Mesh",
        parent=root,
        subject=DistinguishedName(common_name="Mesh CA"),
        usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE,
    )
    acm.PrivateCertificate(
        workload,
        "Api",
        domain_name="api.internal.example",
        certificate_authority=issuing,
    )

    diagram = hierarchy_mermaid(app)

    assert diagram.startswith("graph TD\n")
    assert 'Pki_Root["Root CA: Example Root CA G1<br/>RSA_2048, 3650 days, pathLen none' in diagram
    assert "EC_prime256v1, 1095 days, pathLen 0<br/>GENERAL_PURPOSE, us-east-1" in diagram
    assert "SHORT_LIVED_CERTIFICATE" in diagram
    assert "    Pki_Root --> Workload_Issuing\n" in diagram
    assert "    Pki_Root --> Pki_Mesh\n" in diagram
    assert '    Workload_Api(["api.internal.example"])\n' in diagram
    assert "    Workload_Issuing --> Workload_Api\n" in diagram
    assert "Pki_Mesh --> Workload_Api" not in diagram


def test_diagram_of_a_tree_without_cas_is_empty() -> None:
    assert hierarchy_mermaid(make_app()) == "graph TD\n"
