"""Deploy rehearsals of the CA lifecycle (tests/rehearsal.py: the templates applied to moto the way
CloudFormation would, moto made faithful to AWS's validity and profiles).

Renewal, on the reference app itself: deploy generation 1, issue an end-entity certificate, renew the root
(native path) and then the cross-region issuing CA (custom resource): the certificate issued before either
renewal still verifies against the renewed chain alone, and nothing else was re-issued.

Rotation: two root generations side by side, a trust bundle that carries both during the overlap
(clients of G1 and of G2 accepted), then only G2 once G1 is retired and removed (kept in AWS: RETAIN).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import boto3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from app import build
from pki_constructs import (
    CaBundle,
    CaRotation,
    DistinguishedName,
    OfflineParent,
    RootCa,
    RotationPhase,
    ServiceCertificate,
    SubordinateCa,
)
from tests.local_pki import LocalCa, generate_key, make_csr, pem, split_pem
from tests.rehearsal import Cloud, rehearsal_aws
from tests.synth import make_app, make_stack, pinned_context, resources_of_type, template_of

HOME, WORKLOAD = "us-east-1", "eu-west-1"
CLIENT_TEMPLATE = "arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1"
SERVER_TEMPLATE = "arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1"


def reference_templates(**generations: int) -> dict[str, dict[str, Any]]:
    # Revocation in the trust store is rehearsed elsewhere (moto's Private CA publishes no CRL); here the bundle
    # carries certificates only, which is what a renewal changes.
    config = {**pinned_context()["pki-reference"], "trustStoreRevocation": False, **generations}
    context: dict[str, Any] = {"pki-reference": config}
    app = build(make_app(**context))
    assembly = app.synth()
    return {stack.stack_name: stack.template for stack in assembly.stacks}


def issue_leaf(ca_arn: str, region: str, template: str, name: str) -> x509.Certificate:
    pca = boto3.client("acm-pca", region_name=region)
    csr = make_csr(generate_key("EC_prime256v1"), name, dns_names=[name])
    arn = pca.issue_certificate(
        CertificateAuthorityArn=ca_arn,
        Csr=csr.public_bytes(Encoding.PEM),
        SigningAlgorithm="SHA256WITHRSA",
        TemplateArn=template,
        Validity={"Type": "DAYS", "Value": 30},
    )["CertificateArn"]
    got = pca.get_certificate(CertificateAuthorityArn=ca_arn, CertificateArn=arn)
    return x509.load_pem_x509_certificate(got["Certificate"].encode())


def ca_chain(ca_arn: str, region: str) -> list[x509.Certificate]:
    got = boto3.client("acm-pca", region_name=region).get_certificate_authority_certificate(
        CertificateAuthorityArn=ca_arn
    )
    return split_pem(got.get("CertificateChain", ""))


def ca_certificate(ca_arn: str, region: str) -> x509.Certificate:
    got = boto3.client("acm-pca", region_name=region).get_certificate_authority_certificate(
        CertificateAuthorityArn=ca_arn
    )
    return x509.load_pem_x509_certificate(got["Certificate"].encode())


def verify_server(
    leaf: x509.Certificate, name: str, root: x509.Certificate, issuing: x509.Certificate
) -> None:
    verifier = PolicyBuilder().store(Store([root])).build_server_verifier(x509.DNSName(name))
    verifier.verify(leaf, [issuing])


def spki(certificate: x509.Certificate) -> bytes:
    return certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


# Renewal of the reference app ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def renewal() -> Iterator[dict[str, Any]]:
    """The whole story once (three synths, three deploys); the tests below read what happened."""
    g1 = reference_templates()
    root_renewed = reference_templates(rootCaCertificateGeneration=2)
    both_renewed = reference_templates(rootCaCertificateGeneration=2, issuingCaCertificateGeneration=2)
    story: dict[str, Any] = {}
    with rehearsal_aws():
        cloud = Cloud()
        cloud.deploy("PkiReference-Pki", g1["PkiReference-Pki"], HOME)
        cloud.deploy("PkiReference-Workload", g1["PkiReference-Workload"], WORKLOAD)
        root_arn = cloud.physical(
            "PkiReference-Pki", "RootCa", "AWS::ACMPCA::CertificateAuthority"
        ).physical_id
        issuing_arn = cloud.physical(
            "PkiReference-Workload", "IssuingCa", "AWS::ACMPCA::CertificateAuthority"
        ).physical_id
        signing_arn = cloud.physical(
            "PkiReference-Pki", "CodeSigningCa", "AWS::ACMPCA::CertificateAuthority"
        ).physical_id
        story["g1"] = {
            "root": ca_certificate(root_arn, HOME),
            "issuing": ca_certificate(issuing_arn, WORKLOAD),
            "code_signing": ca_certificate(signing_arn, HOME),
        }
        story["leaf"] = issue_leaf(issuing_arn, WORKLOAD, SERVER_TEMPLATE, "api.internal.example.com")

        story["root_log"] = cloud.deploy("PkiReference-Pki", root_renewed["PkiReference-Pki"], HOME)
        story["root_workload_log"] = cloud.deploy(
            "PkiReference-Workload", root_renewed["PkiReference-Workload"], WORKLOAD
        )
        story["after_root"] = {
            "root": ca_certificate(root_arn, HOME),
            "issuing": ca_certificate(issuing_arn, WORKLOAD),
            "code_signing": ca_certificate(signing_arn, HOME),
            "issuing_chain": ca_chain(issuing_arn, WORKLOAD),
            "code_signing_chain": ca_chain(signing_arn, HOME),
        }
        story["issuing_log"] = cloud.deploy(
            "PkiReference-Workload", both_renewed["PkiReference-Workload"], WORKLOAD
        )
        story["rerun_log"] = cloud.deploy(
            "PkiReference-Workload", both_renewed["PkiReference-Workload"], WORKLOAD
        )
        story["after_issuing"] = {
            "root": ca_certificate(root_arn, HOME),
            "issuing": ca_certificate(issuing_arn, WORKLOAD),
            "issuing_chain": ca_chain(issuing_arn, WORKLOAD),
        }
        story["issuing_status"] = boto3.client(
            "acm-pca", region_name=WORKLOAD
        ).describe_certificate_authority(CertificateAuthorityArn=issuing_arn)["CertificateAuthority"][
            "Status"
        ]
        story["leaf_after"] = issue_leaf(issuing_arn, WORKLOAD, SERVER_TEMPLATE, "new.internal.example.com")
        yield story


def test_root_renewal_is_a_new_certificate_and_an_in_place_re_import(renewal: dict[str, Any]) -> None:
    log = renewal["root_log"]
    assert [line.split()[0] for line in log if "RootCa" in line] == ["CREATE", "UPDATE", "RETAIN"]
    assert any(line.startswith("CREATE RootCaCertificate2") for line in log)
    assert any(line.startswith("UPDATE RootCaActivation") for line in log)
    assert any(
        line.startswith("RETAIN RootCaCertificate") for line in log
    )  # the old one leaves the stack only
    # the native child keeps its certificate; only its activation's chain (the renewed root) is re-imported
    assert not any(line.startswith(("CREATE CodeSigningCa", "REPLACE CodeSigningCa")) for line in log)
    before, after = renewal["g1"], renewal["after_root"]
    assert after["code_signing"] == before["code_signing"]
    assert after["root"] != before["root"] and spki(after["root"]) == spki(before["root"])
    assert after["root"].subject == before["root"].subject
    assert after["root"].not_valid_after_utc >= before["root"].not_valid_after_utc


def test_a_renewed_root_leaves_the_cross_region_issuing_ca_alone(renewal: dict[str, Any]) -> None:
    assert not [line for line in renewal["root_workload_log"] if "IssuingCa" in line]
    assert renewal["after_root"]["issuing"] == renewal["g1"]["issuing"]
    # ...so its stored chain still holds the previous root certificate (the runbook says to renew it too),
    # while the native child re-imported its unchanged certificate with the renewed root
    assert renewal["after_root"]["issuing_chain"] == [renewal["g1"]["root"]]
    assert renewal["after_root"]["code_signing_chain"] == [renewal["after_root"]["root"]]


def test_issuing_ca_renewal_through_the_custom_resource(renewal: dict[str, Any]) -> None:
    log = renewal["issuing_log"]
    assert [line.split()[0] for line in log if "IssuingCa" in line] == ["UPDATE", "RETAIN"]
    assert renewal["rerun_log"] == []  # a deploy without changes does nothing
    before, after = renewal["g1"]["issuing"], renewal["after_issuing"]["issuing"]
    assert after != before and spki(after) == spki(before) and after.subject == before.subject
    assert after.issuer == renewal["after_issuing"]["root"].subject
    assert renewal["after_issuing"]["issuing_chain"] == [renewal["after_issuing"]["root"]]  # the renewed root
    assert renewal["issuing_status"] == "ACTIVE"


def test_a_certificate_issued_before_renewal_verifies_against_the_renewed_chain(
    renewal: dict[str, Any],
) -> None:
    renewed = renewal["after_issuing"]
    # trust only the renewed root, present only the renewed issuing CA certificate
    verify_server(renewal["leaf"], "api.internal.example.com", renewed["root"], renewed["issuing"])
    verify_server(renewal["leaf_after"], "new.internal.example.com", renewed["root"], renewed["issuing"])
    # and the old chain still verifies it too (nothing was revoked or replaced)
    verify_server(
        renewal["leaf"], "api.internal.example.com", renewal["g1"]["root"], renewal["g1"]["issuing"]
    )


def test_fails_renewal_that_would_outlive_the_parent() -> None:
    """The handler checks the parent's actual NotAfter before IssueCertificate (synth checks durations only)."""
    app = make_app()
    home, away = make_stack(app, "Home", region=HOME), make_stack(app, "Away", region=WORKLOAD)
    root = RootCa(
        home, "Root", subject=DistinguishedName(common_name="Short Root G1"), validity=cdk.Duration.days(400)
    )
    SubordinateCa(
        away,
        "Issuing",
        parent=root,
        subject=DistinguishedName(common_name="Short Issuing G1"),
        validity=cdk.Duration.days(399),
        certificate_generation=1,
    )
    g1 = {"home": template_of(home), "away": template_of(away)}
    app2 = make_app()
    home2, away2 = make_stack(app2, "Home", region=HOME), make_stack(app2, "Away", region=WORKLOAD)
    root2 = RootCa(
        home2, "Root", subject=DistinguishedName(common_name="Short Root G1"), validity=cdk.Duration.days(400)
    )
    SubordinateCa(
        away2,
        "Issuing",
        parent=root2,
        subject=DistinguishedName(common_name="Short Issuing G1"),
        validity=cdk.Duration.days(399),
        certificate_generation=2,
    )
    with rehearsal_aws():
        cloud = Cloud()
        cloud.deploy("Home", g1["home"], HOME)
        cloud.deploy("Away", g1["away"], WORKLOAD)
        # make the root's certificate end sooner than a fresh 399-day child would: re-import a 100-day root
        root_arn = cloud.physical("Home", "Root", "AWS::ACMPCA::CertificateAuthority").physical_id
        pca = boto3.client("acm-pca", region_name=HOME)
        csr = pca.get_certificate_authority_csr(CertificateAuthorityArn=root_arn)["Csr"]
        short = pca.issue_certificate(
            CertificateAuthorityArn=root_arn,
            Csr=csr.encode(),
            SigningAlgorithm="SHA256WITHRSA",
            TemplateArn="arn:aws:acm-pca:::template/RootCACertificate/V1",
            Validity={"Type": "DAYS", "Value": 100},
        )["CertificateArn"]
        pem = pca.get_certificate(CertificateAuthorityArn=root_arn, CertificateArn=short)["Certificate"]
        pca.import_certificate_authority_certificate(
            CertificateAuthorityArn=root_arn, Certificate=pem.encode()
        )
        with pytest.raises(Exception, match="AWS requires a CA certificate to expire before its parent's"):
            cloud.deploy("Away", template_of(away2), WORKLOAD)


# Rotation -----------------------------------------------------------------------------------------------


def rotation_app(phase: RotationPhase | None) -> dict[str, Any]:
    """G1 and G2 hierarchies in one stack; phase None = G1 removed from the app."""
    stack = make_stack(region=HOME)
    g2_root = RootCa(stack, "RootG2", subject=DistinguishedName(common_name="Example Root CA G2"))
    g2 = SubordinateCa(
        stack, "IssuingG2", parent=g2_root, subject=DistinguishedName(common_name="Example Issuing CA G2")
    )
    g1 = None
    if phase is not None:
        g1_root = RootCa(stack, "RootG1", subject=DistinguishedName(common_name="Example Root CA G1"))
        g1 = SubordinateCa(
            stack, "IssuingG1", parent=g1_root, subject=DistinguishedName(common_name="Example Issuing CA G1")
        )
    rotation = CaRotation(current=g1, successor=g2, phase=phase or RotationPhase.RETIRE_CURRENT)
    CaBundle(stack, "Trust", trusted_cas=rotation.trusted_cas)
    ServiceCertificate(
        stack, "Api", certificate_authority=rotation.issuer, domain_name="api.internal.example"
    )
    for ca in rotation.trusted_cas:
        ca.add_expiry_alarm(create_topic=False)  # type: ignore[attr-defined]
    return template_of(stack)


def bundle_store(cloud: Cloud) -> Store:
    bundle = cloud.physical("Test", "Trust", "Custom::PkiTrustBundle")
    body = (
        boto3.client("s3", region_name=HOME)
        .get_object(Bucket=bundle.attributes["BundleBucket"], Key=bundle.attributes["BundleKey"])["Body"]
        .read()
        .decode()
    )
    return Store(split_pem(body))


def accepted(store: Store, leaf: x509.Certificate, issuing: x509.Certificate) -> bool:
    verifier = PolicyBuilder().store(store).time(dt.datetime.now(dt.UTC)).build_client_verifier()
    try:
        verifier.verify(leaf, [issuing])
    except VerificationError:
        return False
    return True


def test_rotation_overlap_then_only_the_successor() -> None:
    phases = [
        RotationPhase.TRUST_SUCCESSOR,
        RotationPhase.ISSUE_FROM_SUCCESSOR,
        RotationPhase.RETIRE_CURRENT,
        None,
    ]
    templates = {phase: rotation_app(phase) for phase in phases}
    results: dict[Any, Any] = {}
    with rehearsal_aws():
        cloud = Cloud()
        cloud.deploy("Test", templates[RotationPhase.TRUST_SUCCESSOR], HOME)
        arn = {
            name: cloud.physical("Test", name, "AWS::ACMPCA::CertificateAuthority").physical_id
            for name in ("IssuingG1", "IssuingG2")
        }
        issuing = {name: ca_certificate(a, HOME) for name, a in arn.items()}
        clients = {
            name: issue_leaf(a, HOME, CLIENT_TEMPLATE, f"{name.lower()}.clients.example")
            for name, a in arn.items()
        }
        for phase in phases:
            log = cloud.deploy("Test", templates[phase], HOME)
            store = bundle_store(cloud)
            results[phase] = {name: accepted(store, clients[name], issuing[name]) for name in arn}
            results[phase, "log"] = log
        g1_status = boto3.client("acm-pca", region_name=HOME).describe_certificate_authority(
            CertificateAuthorityArn=arn["IssuingG1"]
        )["CertificateAuthority"]["Status"]
    assert results[RotationPhase.TRUST_SUCCESSOR] == {"IssuingG1": True, "IssuingG2": True}
    assert results[RotationPhase.ISSUE_FROM_SUCCESSOR] == {"IssuingG1": True, "IssuingG2": True}
    assert results[RotationPhase.RETIRE_CURRENT] == {"IssuingG1": False, "IssuingG2": True}
    assert results[None] == {"IssuingG1": False, "IssuingG2": True}
    # removing G1 from the app keeps its CA (RETAIN): still ACTIVE, still billed, until deleted by hand
    assert any(line.startswith("RETAIN RootG1") for line in results[None, "log"])
    assert g1_status == "ACTIVE"


def test_rotation_moves_service_certificates_with_one_prop_and_alarms_on_both() -> None:
    trust, switch = (
        rotation_app(RotationPhase.TRUST_SUCCESSOR),
        rotation_app(RotationPhase.ISSUE_FROM_SUCCESSOR),
    )

    def issuer_of(template: dict[str, Any]) -> Any:
        (certificate,) = resources_of_type(template, "AWS::CertificateManager::Certificate").values()
        return certificate["Properties"]["CertificateAuthorityArn"]["Ref"]

    assert issuer_of(trust).startswith("IssuingG1Activation")
    assert issuer_of(switch).startswith("IssuingG2Activation")
    watched = [
        str(alarm["Properties"]["Dimensions"])
        for alarm in resources_of_type(trust, "AWS::CloudWatch::Alarm").values()
    ]
    assert any("IssuingG1Activation" in w for w in watched) and any(
        "IssuingG2Activation" in w for w in watched
    )


# Offline: a new signed file ----------------------------------------------------------------------------


def offline_template(generation: int, folder: Path | None) -> dict[str, Any]:
    app = make_app(**({"issuingSigned": str(folder)} if folder else {}))
    stack = make_stack(app, name="Offline", region=WORKLOAD)
    SubordinateCa(
        stack,
        "Issuing",
        parent=OfflineParent(context_key="issuingSigned"),
        subject=DistinguishedName(common_name="Example Issuing CA G1"),
        certificate_generation=generation,
    )
    return template_of(stack)


def sign_offline(offline_root: LocalCa, csr_pem: str, folder: Path, days: int, generation: int = 1) -> Path:
    """Saved as OfflineParent expects: certificate.pem/chain.pem, certificate-g<n>.pem/chain-g<n>.pem."""
    folder.mkdir(exist_ok=True)
    suffix = "" if generation == 1 else f"-g{generation}"
    certificate = offline_root.issue_subordinate(x509.load_pem_x509_csr(csr_pem.encode()), days=days)
    (folder / f"certificate{suffix}.pem").write_text(pem(certificate))
    (folder / f"chain{suffix}.pem").write_text(offline_root.pem)
    return folder


def test_offline_renewal_re_imports_a_newly_signed_certificate_for_the_same_csr(tmp_path: Path) -> None:
    offline_root = LocalCa.root("Offline Root CA")
    with rehearsal_aws():
        cloud = Cloud()
        cloud.deploy("Offline", offline_template(1, None), WORKLOAD)  # phase 1: CSR out, PENDING_CERTIFICATE
        ca = cloud.physical("Offline", "Issuing", "AWS::ACMPCA::CertificateAuthority")
        csr = ca.attributes["CertificateSigningRequest"]
        g1 = sign_offline(offline_root, csr, tmp_path / "signed", days=300)
        cloud.deploy("Offline", offline_template(1, g1), WORKLOAD)  # phase 2: activated
        leaf = issue_leaf(ca.physical_id, WORKLOAD, SERVER_TEMPLATE, "svc.example")
        # renewal: the same CSR (the key did not change), signed again with a longer validity
        again = boto3.client("acm-pca", region_name=WORKLOAD).get_certificate_authority_csr(
            CertificateAuthorityArn=ca.physical_id
        )["Csr"]
        assert again == csr
        g2 = sign_offline(offline_root, again, tmp_path / "signed", days=600, generation=2)
        log = cloud.deploy("Offline", offline_template(2, g2), WORKLOAD)
        renewed = ca_certificate(ca.physical_id, WORKLOAD)
        # a certificate signed for another key is refused on import (what AWS calls CertificateMismatchException)
        wrong = sign_offline(
            offline_root, pem(make_csr(generate_key(), "Example Issuing CA G1")), tmp_path / "bad", 600, 3
        )
        with pytest.raises(Exception, match="CertificateMismatchException"):
            cloud.deploy("Offline", offline_template(3, wrong), WORKLOAD)
    assert [line.split()[0] for line in log] == ["UPDATE"]
    assert (
        renewed.not_valid_after_utc
        > x509.load_pem_x509_certificate((g1 / "certificate.pem").read_bytes()).not_valid_after_utc
    )
    verify_server(leaf, "svc.example", offline_root.certificate, renewed)
