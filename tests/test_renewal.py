"""Renewal as a prop change (certificate_generation), as synthesized templates: what changes and, as much,
what must not (a renewed root's children), on every activation path; and the rotation helper's phases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_acmpca as acmpca
from aws_cdk.assertions import Annotations, Match

from pki_constructs import (
    CaRotation,
    DistinguishedName,
    MutualTls,
    OfflineParent,
    PkiValidationError,
    RootCa,
    RotationPhase,
    SubordinateCa,
)
from pki_constructs.custom_activation import RESOURCE_TYPE, CaActivation
from pki_constructs.review import Status, compare, render
from pki_constructs.trust_store import CaBundle
from tests.local_pki import LocalCa, generate_key, make_csr
from tests.synth import make_app, make_stack, resources_of_type, template_of

ROOT_NAME = DistinguishedName(common_name="Example Root CA G1", organization="Example")
ROOT_G2_NAME = DistinguishedName(common_name="Example Root CA G2", organization="Example")
ISSUING_NAME = DistinguishedName(common_name="Example Issuing CA G1", organization="Example")
TEAM_NAME = DistinguishedName(common_name="Example Team CA G1", organization="Example")


def hierarchy(
    root_generation: int = 1, team_generation: int = 1, issuing_generation: int = 1
) -> dict[str, Any]:
    """Root (us-east-1) with a native child (Team, same stack) and a cross-region child (Issuing, eu-west-1)."""
    app = make_app()
    home = make_stack(app, "Home", region="us-east-1")
    away = make_stack(app, "Away", region="eu-west-1")
    root = RootCa(home, "Root", subject=ROOT_NAME, certificate_generation=root_generation)
    SubordinateCa(home, "Team", parent=root, subject=TEAM_NAME, certificate_generation=team_generation)
    SubordinateCa(
        away, "Issuing", parent=root, subject=ISSUING_NAME, certificate_generation=issuing_generation
    )
    return {"home": template_of(home), "away": template_of(away)}


def under(template: dict[str, Any], prefix: str) -> dict[str, Any]:
    return {k: v for k, v in template["Resources"].items() if k.startswith(prefix)}


@pytest.fixture(scope="module")
def generations() -> dict[int, dict[str, Any]]:
    return {1: hierarchy(), 2: hierarchy(root_generation=2)}


def test_renewing_a_root_issues_a_new_certificate_and_updates_the_activation_in_place(
    generations: dict[int, dict[str, Any]],
) -> None:
    before, after = generations[1]["home"], generations[2]["home"]
    old_certs = [
        k for k in under(before, "Root") if before["Resources"][k]["Type"] == "AWS::ACMPCA::Certificate"
    ]
    new_certs = [
        k for k in under(after, "Root") if after["Resources"][k]["Type"] == "AWS::ACMPCA::Certificate"
    ]
    assert [k.startswith("RootCertificate") and not k.startswith("RootCertificate2") for k in old_certs] == [
        True
    ]
    assert [k.startswith("RootCertificate2") for k in new_certs] == [True]
    # the new certificate is the old one's twin: same CA, same CSR, same template and validity
    assert before["Resources"][old_certs[0]]["Properties"] == after["Resources"][new_certs[0]]["Properties"]
    # the CA and the activation keep their logical ids; only the activation's Certificate points elsewhere
    for kind in ("AWS::ACMPCA::CertificateAuthority", "AWS::ACMPCA::CertificateAuthorityActivation"):
        assert resources_of_type(before, kind).keys() == resources_of_type(after, kind).keys()
    activation_id = next(k for k in under(after, "RootActivation"))
    assert after["Resources"][activation_id]["Properties"]["Certificate"] == {
        "Fn::GetAtt": [new_certs[0], "Certificate"]
    }


def test_a_renewed_roots_children_are_not_re_issued(generations: dict[int, dict[str, Any]]) -> None:
    """Native child (same stack) and cross-region child: identical logical ids and properties."""
    before, after = generations[1], generations[2]
    assert under(before["home"], "Team") == under(after["home"], "Team")
    assert under(before["away"], "Issuing") == under(after["away"], "Issuing")
    (activation,) = resources_of_type(after["away"], RESOURCE_TYPE).values()
    assert "CertificateGeneration" not in activation["Properties"]


def test_renewing_a_native_subordinate_re_issues_only_it() -> None:
    before, after = hierarchy()["home"], hierarchy(team_generation=3)["home"]
    assert under(before, "Root") == under(after, "Root")
    certs = resources_of_type(after, "AWS::ACMPCA::Certificate")
    assert sorted(k[: len("TeamCertificate3")] for k in certs if k.startswith("Team")) == ["TeamCertificate3"]
    (activation,) = (v for k, v in under(after, "TeamActivation").items())
    assert activation["Properties"]["Certificate"]["Fn::GetAtt"][0].startswith("TeamCertificate3")


def test_renewing_a_cross_region_subordinate_sends_a_new_generation_to_the_handler() -> None:
    first = resources_of_type(hierarchy()["away"], RESOURCE_TYPE)
    second = resources_of_type(hierarchy(issuing_generation=2)["away"], RESOURCE_TYPE)
    assert first.keys() == second.keys()  # same resource: an Update, which the handler turns into a re-issue
    (props_1,) = (v["Properties"] for v in first.values())
    (props_2,) = (v["Properties"] for v in second.values())
    assert "CertificateGeneration" not in props_1  # generation 1: templates from before renewal are unchanged
    assert props_2 == {**props_1, "CertificateGeneration": "2"}


@pytest.mark.parametrize(
    "bad",
    [0, -1, True, 1.5, "2", cdk.Token.as_number(cdk.Aws.ACCOUNT_ID)],
    # a token's number differs between processes: fixed ids keep xdist workers' collections equal
    ids=["zero", "negative", "bool", "float", "str", "token"],
)
def test_fails_certificate_generation_not_a_literal_positive_int(bad: Any) -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError, match="certificate_generation"):
        RootCa(stack, "Root", subject=ROOT_NAME, certificate_generation=bad)


def test_fails_certificate_generation_of_a_subordinate() -> None:
    stack = make_stack()
    root = RootCa(stack, "Root", subject=ROOT_NAME)
    with pytest.raises(PkiValidationError, match="certificate_generation=0"):
        SubordinateCa(stack, "Issuing", parent=root, subject=ISSUING_NAME, certificate_generation=0)


def test_fails_custom_activation_generation() -> None:
    stack = make_stack()
    with pytest.raises(PkiValidationError, match="certificate_generation"):
        CaActivation(
            stack,
            "Activation",
            certificate_authority_arn="arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/x",
            parent_arn="arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/y",
            path_length=0,
            validity=cdk.Duration.days(300),
            certificate_generation=0,
        )


# Offline: a new signed file -----------------------------------------------------------------------------


def sign_into(folder: Path, root: LocalCa, key: Any, days: int, generation: int = 1) -> Path:
    """The offline CA signs the CA's CSR; saved as certificate.pem/chain.pem (generation 1) or
    certificate-g<n>.pem/chain-g<n>.pem, as ``OfflineParent`` expects."""
    folder.mkdir(exist_ok=True)
    suffix = "" if generation == 1 else f"-g{generation}"
    certificate = root.issue_subordinate(make_csr(key, "Example Issuing CA G1"), days=days)
    (folder / f"certificate{suffix}.pem").write_text(root.get_certificate(certificate)["Certificate"])
    (folder / f"chain{suffix}.pem").write_text(root.pem)
    return folder


def offline(generation: int | None, parent: OfflineParent | None = None, **context: Any) -> dict[str, Any]:
    stack = make_stack(make_app(**context), name="Offline", region="eu-west-1")
    SubordinateCa(
        stack,
        "Issuing",
        parent=parent or OfflineParent(context_key="issuingSigned"),
        subject=ISSUING_NAME,
        certificate_generation=generation,
    )
    return template_of(stack)


def test_offline_renewal_re_imports_the_newly_signed_file_in_place(tmp_path: Path) -> None:
    root, key = LocalCa.root("Offline Root"), generate_key()
    folder = str(sign_into(tmp_path / "signed", root, key, days=300))
    first = offline(1, issuingSigned=folder)
    sign_into(tmp_path / "signed", root, key, days=600, generation=2)
    second = offline(2, issuingSigned=folder)
    assert offline(1, issuingSigned=folder) == first  # generation 1 still reads certificate.pem
    (a1,) = resources_of_type(first, "AWS::ACMPCA::CertificateAuthorityActivation").items()
    (a2,) = resources_of_type(second, "AWS::ACMPCA::CertificateAuthorityActivation").items()
    assert (
        a1[0] == a2[0]
    )  # the same activation, updated in place (only CertificateAuthorityArn is create-only)
    assert a1[1]["Properties"]["Certificate"] != a2[1]["Properties"]["Certificate"]
    assert resources_of_type(first, "AWS::ACMPCA::CertificateAuthority") == resources_of_type(
        second, "AWS::ACMPCA::CertificateAuthority"
    )


def test_fails_offline_renewal_without_the_signed_file() -> None:
    with pytest.raises(PkiValidationError, match="certificate_generation=2: renewing a CA signed offline"):
        offline(2)


def test_fails_offline_renewal_with_the_previous_generations_file(tmp_path: Path) -> None:
    # attack3/offline_gen2.py: the same signed file for generation 2 synthesized a template that renews nothing.
    folder = sign_into(tmp_path / "signed", LocalCa.root("Offline Root"), generate_key(), days=300)
    (folder / "certificate-g2.pem").write_text((folder / "certificate.pem").read_text())
    (folder / "chain-g2.pem").write_text((folder / "chain.pem").read_text())
    with pytest.raises(
        PkiValidationError, match=r"context issuingSigned.*already supplied as certificate\.pem"
    ):
        offline(2, issuingSigned=str(folder))


def test_fails_offline_renewal_from_a_folder_without_the_new_generations_file(tmp_path: Path) -> None:
    folder = sign_into(tmp_path / "signed", LocalCa.root("Offline Root"), generate_key(), days=300)
    with pytest.raises(PkiValidationError, match=r"context issuingSigned.*certificate-g2\.pem.*cannot read"):
        offline(2, issuingSigned=str(folder))


def test_fails_offline_renewal_with_a_certificate_file_not_named_for_its_generation(tmp_path: Path) -> None:
    folder = sign_into(tmp_path / "signed", LocalCa.root("Offline Root"), generate_key(), days=300)
    same = OfflineParent(
        certificate_file=str(folder / "certificate.pem"), chain_file=str(folder / "chain.pem")
    )
    with pytest.raises(PkiValidationError, match=r"parent\.certificate_file.*named for its generation"):
        offline(2, parent=same)
    (folder / "issuing-g2.pem").write_text((folder / "certificate.pem").read_text())
    renamed = OfflineParent(
        certificate_file=str(folder / "issuing-g2.pem"), chain_file=str(folder / "chain.pem")
    )
    assert resources_of_type(offline(2, parent=renamed), "AWS::ACMPCA::CertificateAuthorityActivation")


def test_certificate_generation_none_is_the_default() -> None:
    stack = make_stack()
    root = RootCa(stack, "Root", subject=ROOT_NAME, certificate_generation=None)
    issuing = SubordinateCa(stack, "Issuing", parent=root, subject=ISSUING_NAME, certificate_generation=None)
    assert root.certificate_generation == issuing.certificate_generation == 1


# Trust bundles follow a renewal -------------------------------------------------------------------------


def bundle_versions(root_generation: int, issuing_generation: int) -> list[Any]:
    app = make_app()
    home = make_stack(app, "Home", region="us-east-1")
    away = make_stack(app, "Away", region="eu-west-1")
    root = RootCa(home, "Root", subject=ROOT_NAME, certificate_generation=root_generation)
    issuing = SubordinateCa(
        away, "Issuing", parent=root, subject=ISSUING_NAME, certificate_generation=issuing_generation
    )
    CaBundle(away, "Bundle", trusted_cas=[issuing])
    template = template_of(away)
    assert "ExportsReader" not in str(template)  # no strong cross-region reference: the root could not renew
    (bundle,) = resources_of_type(template, "Custom::PkiTrustBundle").values()
    return list(bundle["Properties"]["CaCertificateVersions"])


def test_a_trust_bundle_is_rebuilt_when_a_ca_it_carries_is_renewed() -> None:
    assert bundle_versions(1, 1) == []
    assert bundle_versions(1, 2) == ["Away/Issuing#certificate-generation=2"]
    assert bundle_versions(2, 1) == ["Home/Root#certificate-generation=2"]


# Rotation -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_roots() -> tuple[RootCa, RootCa]:
    stack = make_stack()
    return (
        RootCa(stack, "RootG1", subject=ROOT_NAME),
        RootCa(stack, "RootG2", subject=ROOT_G2_NAME),
    )


def test_rotation_phases_name_the_issuer_and_the_trusted_cas(two_roots: tuple[RootCa, RootCa]) -> None:
    g1, g2 = two_roots
    trust = CaRotation(current=g1, successor=g2, phase=RotationPhase.TRUST_SUCCESSOR)
    assert (trust.issuer, trust.trusted_cas) == (g1, [g1, g2])
    switch = CaRotation(current=g1, successor=g2, phase=RotationPhase.ISSUE_FROM_SUCCESSOR)
    assert (switch.issuer, switch.trusted_cas) == (g2, [g1, g2])
    retire = CaRotation(current=g1, successor=g2, phase=RotationPhase.RETIRE_CURRENT)
    assert (retire.issuer, retire.trusted_cas) == (g2, [g2])
    removed = CaRotation(successor=g2, phase=RotationPhase.RETIRE_CURRENT)
    assert (removed.issuer, removed.trusted_cas) == (g2, [g2])
    assert list(MutualTls(trusted_cas=trust.trusted_cas).trusted_cas) == [g1, g2]


def test_fails_rotation_without_the_current_ca_before_retirement(two_roots: tuple[RootCa, RootCa]) -> None:
    with pytest.raises(PkiValidationError, match="current=None"):
        CaRotation(successor=two_roots[1], phase=RotationPhase.ISSUE_FROM_SUCCESSOR)


def test_fails_rotation_to_the_same_ca(two_roots: tuple[RootCa, RootCa]) -> None:
    with pytest.raises(PkiValidationError, match=r"successor=.*certificate_generation to renew"):
        CaRotation(current=two_roots[0], successor=two_roots[0])


def test_fails_rotation_to_a_ca_with_the_same_name() -> None:
    stack = make_stack()
    g1 = RootCa(stack, "RootG1", subject=ROOT_NAME)
    same = RootCa(stack, "RootAgain", subject=ROOT_NAME)
    with pytest.raises(PkiValidationError, match=r"successor=.*one name but different keys"):
        CaRotation(current=g1, successor=same)


CA_ARN = "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-2222-3333-4444-555555555555"


@pytest.mark.parametrize(
    ("props", "field"),
    [
        ({"current": "l1", "successor": "g2"}, "current"),
        ({"current": CA_ARN, "successor": "g2"}, "current"),
        ({"current": "g1", "successor": CA_ARN}, "successor"),
        ({"current": "g1", "successor": None}, "successor"),
    ],
    ids=[
        "current L1 CfnCertificateAuthority",
        "current ARN string",
        "successor ARN string",
        "successor None",
    ],
)
def test_fails_rotation_of_what_is_no_ca(
    two_roots: tuple[RootCa, RootCa], props: dict[str, Any], field: str
) -> None:
    g1, g2 = two_roots
    l1 = acmpca.CfnCertificateAuthority(
        make_stack(),
        "L1",
        key_algorithm="RSA_2048",
        signing_algorithm="SHA256WITHRSA",
        type="ROOT",
        subject=acmpca.CfnCertificateAuthority.SubjectProperty(common_name="L1"),
    )
    named = {"g1": g1, "g2": g2, "l1": l1}
    given = {k: named.get(v, v) if isinstance(v, str) else v for k, v in props.items()}
    with pytest.raises(PkiValidationError) as error:
        CaRotation(phase=RotationPhase.TRUST_SUCCESSOR, **given)
    assert [p.field for p in error.value.problems] == [field]


def test_fails_rotation_to_a_plain_import_of_no_ca_arn(two_roots: tuple[RootCa, RootCa]) -> None:
    stack = make_stack()
    acm_arn = "arn:aws:acm:us-east-1:111111111111:certificate/11111111-2222-3333-4444-555555555555"
    disguised = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Disguised", acm_arn)
    with pytest.raises(PkiValidationError) as error:
        CaRotation(current=two_roots[0], successor=disguised)
    assert [p.field for p in error.value.problems] == ["successor"]


def test_a_renewal_says_at_synth_what_the_deploy_does_and_the_rule_synth_cannot_check() -> None:
    stack = make_stack()
    root = RootCa(stack, "Root", subject=ROOT_NAME)
    SubordinateCa(stack, "Issuing", parent=root, subject=ISSUING_NAME, certificate_generation=2)
    infos = Annotations.from_stack(stack).find_info("*", Match.string_like_regexp(r"pki-constructs:renewal"))
    assert [i.id for i in infos] == ["/Test/Issuing"]
    assert "must end before the parent's current one" in str(infos[0].entry.data)
    assert "1825 days" in str(infos[0].entry.data)


# The change review reads a renewal as what it is ---------------------------------------------------------


def review_of_generations(tmp_path: Path, before: dict[str, int], after: dict[str, int]) -> tuple[str, int]:
    outputs = []
    for name, generations in (("old", before), ("new", after)):
        app = make_app(outdir=str(tmp_path / name))
        home = make_stack(app, "Home", region="us-east-1")
        away = make_stack(app, "Away", region="eu-west-1")
        root = RootCa(home, "Root", subject=ROOT_NAME, certificate_generation=generations.get("root", 1))
        SubordinateCa(home, "Team", parent=root, subject=TEAM_NAME)
        SubordinateCa(
            away,
            "Issuing",
            parent=root,
            subject=ISSUING_NAME,
            certificate_generation=generations.get("issuing", 1),
        )
        outputs.append(Path(app.synth().directory))
    review = compare(*outputs)
    return render(review), int(review.status)


@pytest.mark.parametrize(
    ("renewed", "ca"),
    [
        ({"root": 2}, "**Example Root CA G1** (`Home/Root`)"),
        ({"issuing": 2}, "**Example Issuing CA G1** (`Away/Issuing`)"),
    ],
)
def test_pki_review_reads_a_renewal_as_a_reissue_that_keeps_trust(
    tmp_path: Path, renewed: dict[str, int], ca: str
) -> None:
    text, status = review_of_generations(tmp_path, {}, renewed)
    assert status == Status.REVIEW
    assert f"- CA {ca}: CA certificate re-issued with the same key" in text
    assert "Re-issue, trust kept" in text
    assert "## Replacements that break trust\nNone." in text
    assert "Team" not in text.split("## Replacements that break trust")[0]  # no child named as re-issued


def test_fails_a_renewal_whose_validity_does_not_nest_inside_the_parents() -> None:
    """The duration rule holds for every generation (the end date against the parent's current certificate
    is checked at deploy: by AWS natively, by the handler before IssueCertificate)."""
    stack = make_stack()
    root = RootCa(
        stack, "Root", subject=ROOT_NAME, validity=cdk.Duration.days(3650), certificate_generation=3
    )
    with pytest.raises(
        PkiValidationError, match=r"validity='3650 days': a CA certificate must expire before"
    ):
        SubordinateCa(
            stack,
            "Issuing",
            parent=root,
            subject=ISSUING_NAME,
            validity=cdk.Duration.days(3650),
            certificate_generation=2,
        )


def test_renewing_a_parent_of_a_child_in_another_stack_meets_no_export_lock() -> None:
    # A child in another stack of the same region no longer imports the parent's chain (issue 11: it takes the
    # weak path, SSM + custom resource), so renewing the parent cannot hit CloudFormation's export lock and
    # there is nothing to warn about.
    app = make_app()
    pki, workload = make_stack(app, "Pki"), make_stack(app, "Workload")
    root = RootCa(pki, "Root", subject=ROOT_NAME, certificate_generation=2)
    SubordinateCa(workload, "Issuing", parent=root, subject=ISSUING_NAME)
    SubordinateCa(pki, "Team", parent=root, subject=TEAM_NAME)
    for stack in (pki, workload):
        assert not Annotations.from_stack(stack).find_warning(
            "*", Match.string_like_regexp("renewalExportLock")
        )
        assert "Fn::ImportValue" not in json.dumps(template_of(stack))
