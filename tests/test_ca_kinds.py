"""Every prop that takes a CA accepts our constructs, our importer and aws-cdk-lib's own ICertificateAuthority."""

from __future__ import annotations

import datetime
import inspect
from collections.abc import Callable
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Annotations

from pki_constructs import (
    CaBundle,
    CaExpiryAlarm,
    CertificateTemplate,
    CertifiedAlb,
    DistinguishedName,
    IssuerRole,
    KeyAlgorithm,
    MutualTls,
    MutualTlsApiDomain,
    MutualTlsTrustStore,
    PkiValidationError,
    PrivateServiceTier,
    RootCa,
    ServiceCertificate,
    SigningAlgorithm,
    SubordinateCa,
    UsageMode,
)
from pki_constructs.ca_facts import ca_facts
from pki_constructs.lifetime_schedule import TODAY_CONTEXT_KEY
from tests.synth import ACCOUNT, OTHER_ACCOUNT, make_app, make_stack, template_of

ARN = f"arn:aws:acm-pca:us-east-1:{ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555"


def ours(stack: cdk.Stack) -> acmpca.ICertificateAuthority:
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Kinds Root"))
    return SubordinateCa(
        stack, "Issuing", parent=root, subject=DistinguishedName(common_name="Kinds Issuing"), path_length=1
    )


def imported(stack: cdk.Stack) -> acmpca.ICertificateAuthority:
    return SubordinateCa.from_certificate_authority_attributes(
        stack, "Imported", certificate_authority_arn=ARN, path_length=1, validity=cdk.Duration.days(1825)
    )


def plain(stack: cdk.Stack) -> acmpca.ICertificateAuthority:
    return acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Plain", ARN)


KINDS = {"ours": ours, "imported": imported, "aws-cdk-lib": plain}


def _vpc(stack: cdk.Stack) -> ec2.Vpc:
    return ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)


PROPS: dict[str, Callable[[cdk.Stack, acmpca.ICertificateAuthority], Any]] = {
    "SubordinateCa.parent": lambda s, ca: SubordinateCa(
        s,
        "Child",
        parent=ca,
        subject=DistinguishedName(common_name="Kinds Child"),
        validity=cdk.Duration.days(100),
    ),
    "ServiceCertificate.certificate_authority": lambda s, ca: ServiceCertificate(
        s, "Cert", certificate_authority=ca, domain_name="svc.internal.example"
    ),
    "acm.PrivateCertificate.certificate_authority": lambda s, ca: acm.PrivateCertificate(
        s, "AcmCert", certificate_authority=ca, domain_name="svc.internal.example"
    ),
    "CaBundle.trusted_cas": lambda s, ca: CaBundle(s, "Bundle", trusted_cas=[ca]),
    "MutualTlsTrustStore.trusted_cas": lambda s, ca: MutualTlsTrustStore(s, "Store", trusted_cas=[ca]),
    "MutualTls.trusted_cas": lambda s, ca: CertifiedAlb(
        s,
        "Alb",
        vpc=_vpc(s),
        internet_facing=False,
        certificates=[
            acm.Certificate.from_certificate_arn(s, "Cert", f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/x")
        ],
        mutual_tls=MutualTls(trusted_cas=[ca]),
    ),
    "MutualTlsApiDomain.trusted_cas": lambda s, ca: MutualTlsApiDomain(
        s,
        "Api",
        domain_name="api.example.com",
        certificate=acm.Certificate.from_certificate_arn(
            s, "Public", f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/abc"
        ),
        trusted_cas=[ca],
    ),
    "PrivateServiceTier.certificate_authority": lambda s, ca: PrivateServiceTier(
        s,
        "Tier",
        vpc=_vpc(s),
        certificate_authority=ca,
        domain_name="api.internal.example",
        services=["orders"],
    ),
    "CaExpiryAlarm.certificate_authority": lambda s, ca: CaExpiryAlarm(s, "Expiry", certificate_authority=ca),
    "IssuerRole.certificate_authority": lambda s, ca: IssuerRole(
        s, "Issuer", certificate_authority=ca, trusted_accounts=[OTHER_ACCOUNT]
    ),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("prop", PROPS)
def test_every_ca_prop_takes_every_kind_of_ca(kind: str, prop: str) -> None:
    stack = make_stack(make_app(), "Kinds")
    ca = KINDS[kind](stack)
    PROPS[prop](stack, ca)
    cdk.assertions.Template.from_stack(stack)  # synthesizes


def test_grant_issue_works_on_our_ca_and_is_the_interface() -> None:
    stack = make_stack(make_app(), "Kinds")
    ca = ours(stack)
    assert isinstance(ca, SubordinateCa)
    role = iam.Role(stack, "Workload", assumed_by=iam.AccountPrincipal(ACCOUNT))
    ca.grant_issue(role, CertificateTemplate.END_ENTITY_SERVER_AUTH)
    assert ca.certificate_authority_ref.certificate_authority_arn == ca.certificate_authority_arn
    cdk.assertions.Template.from_stack(stack)


def test_a_plain_parent_skips_its_rules_with_an_info_line_naming_them() -> None:
    stack = make_stack(make_app(), "Kinds")
    child = PROPS["SubordinateCa.parent"](stack, plain(stack))
    infos = Annotations.from_stack(stack).find_info(
        f"/{child.node.path}",
        cdk.assertions.Match.string_like_regexp("ruleSkipped.*validity within the parent"),
    )
    assert infos


def test_facts_of_each_kind() -> None:
    stack = make_stack(make_app(), "Kinds")
    assert ca_facts(ours(stack)).created_here
    assert ca_facts(imported(stack)).path_length == 1
    facts = ca_facts(plain(stack))
    assert facts.certificate_authority_arn == ARN and facts.validity is None and not facts.created_here


# ------------------------------------------------------------------------------------------ importer facts


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"path_length": -1}, "path_length"),
        ({"path_length": 7}, "path_length"),
        ({"path_length": True}, "path_length"),
        ({"validity": cdk.Duration.hours(36)}, "validity"),
        ({"validity": cdk.Duration.days(0)}, "validity"),
        ({"depth": 0}, "depth"),
        ({"depth": 9}, "depth"),
        (
            {"key_algorithm": KeyAlgorithm.RSA_2048, "signing_algorithm": SigningAlgorithm.SHA256WITHECDSA},
            "signing_algorithm",
        ),
        ({"subject": DistinguishedName(country="USA")}, "subject.country"),
        ({"certificate_authority_arn": None}, "certificate_authority_arn"),
        ({"certificate_authority_arn": 123}, "certificate_authority_arn"),
    ],
)
def test_fails_impossible_importer_facts(facts: dict[str, Any], field: str) -> None:
    stack = make_stack(make_app(), "Kinds")
    with pytest.raises(PkiValidationError) as error:
        SubordinateCa.from_certificate_authority_attributes(
            stack, "Imported", **{"certificate_authority_arn": ARN, **facts}
        )
    assert {p.field for p in error.value.problems} == {field}
    assert error.value.path == "Kinds/Imported"  # the importer's own fields, not a child's


def test_imported_ca_grants_issue_with_a_template_condition() -> None:
    stack = make_stack(make_app(), "Kinds")
    ca = imported(stack)
    role = iam.Role(stack, "Workload", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    ca.grant_issue(role, CertificateTemplate.END_ENTITY_CLIENT_AUTH)  # type: ignore[attr-defined]
    (policy,) = [r for r in template_of(stack)["Resources"].values() if r["Type"] == "AWS::IAM::Policy"]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    issue = next(s for s in statements if s["Action"] == "acm-pca:IssueCertificate")
    assert issue["Resource"] == ARN
    assert issue["Condition"] == {
        "StringEquals": {
            "acm-pca:TemplateArn": ["arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1"]
        }
    }


def test_fails_imported_root_grant_issue() -> None:
    stack = make_stack(make_app(), "Kinds")
    root = SubordinateCa.from_certificate_authority_attributes(
        stack, "ImportedRoot", certificate_authority_arn=ARN, depth=1
    )
    role = iam.Role(stack, "Workload", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    with pytest.raises(PkiValidationError, match="templates="):
        root.grant_issue(role, CertificateTemplate.END_ENTITY_CLIENT_AUTH)


def test_imported_ca_has_the_days_to_expiry_metric_of_its_arn() -> None:
    stack = make_stack(make_app(), "Kinds")
    metric = imported(stack).metric_days_to_expiry(period=cdk.Duration.hours(6))  # type: ignore[attr-defined]
    assert metric.dimensions == {"CertificateAuthorityArn": ARN}
    assert metric.period.to_hours() == 6


# Naming a CA: one way, and one rule for the literal ARN it carries ---------------------------------------

NOT_CA_ARNS = {
    "acm certificate": f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555",
    "garbage": "not-an-arn",
    "availability zone": ARN.replace("us-east-1", "eu-west-1a"),
    "partition without the region": ARN.replace("arn:aws:", "arn:aws-cn:"),
}
FIELD_OF = {
    "SubordinateCa.parent": "parent",
    "ServiceCertificate.certificate_authority": "certificate_authority",
    "CaBundle.trusted_cas": "trusted_cas",
    "MutualTlsTrustStore.trusted_cas": "trusted_cas",
    "MutualTls.trusted_cas": "trusted_cas",
    "MutualTlsApiDomain.trusted_cas": "trusted_cas",
    "PrivateServiceTier.certificate_authority": "certificate_authority",
    "CaExpiryAlarm.certificate_authority": "certificate_authority",
    "IssuerRole.certificate_authority": "certificate_authority",
}


@pytest.mark.parametrize("arn", NOT_CA_ARNS.values(), ids=NOT_CA_ARNS.keys())
@pytest.mark.parametrize("prop", FIELD_OF)
def test_fails_a_plain_import_whose_arn_is_no_ca_arn(prop: str, arn: str) -> None:
    stack = make_stack(make_app(), "Kinds")
    ca = acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Plain", arn)
    with pytest.raises(PkiValidationError) as error:
        PROPS[prop](stack, ca)
    assert FIELD_OF[prop] in {p.field for p in error.value.problems}


@pytest.mark.parametrize("arn", NOT_CA_ARNS.values(), ids=NOT_CA_ARNS.keys())
def test_fails_importing_what_is_no_ca_arn(arn: str) -> None:
    stack = make_stack(make_app(), "Kinds")
    with pytest.raises(PkiValidationError) as error:
        SubordinateCa.from_certificate_authority_attributes(stack, "Ca", certificate_authority_arn=arn)
    assert [p.field for p in error.value.problems] == ["certificate_authority_arn"]


@pytest.mark.parametrize("prop", [p for p in FIELD_OF if p != "SubordinateCa.parent"])
def test_fails_an_arn_string_where_a_ca_is_taken_and_names_the_importer(prop: str) -> None:
    stack = make_stack(make_app(), "Kinds")
    with pytest.raises(PkiValidationError) as error:
        PROPS[prop](stack, ARN)
    [problem] = [
        p for p in error.value.problems if p.field.endswith(FIELD_OF[prop])
    ]  # mutual_tls.trusted_cas
    assert "from_certificate_authority_attributes" in problem.fix


@pytest.mark.parametrize("owner", [IssuerRole, CaExpiryAlarm])
def test_ca_props_are_typed_with_the_interface_alone(owner: type) -> None:
    annotation = inspect.signature(owner.__init__).parameters["certificate_authority"].annotation
    assert str(annotation) == "acmpca.ICertificateAuthority"


def _infos(stack: cdk.Stack, text: str) -> list[Any]:
    return Annotations.from_stack(stack).find_info("*", cdk.assertions.Match.string_like_regexp(text))


@pytest.mark.parametrize("kind", ["aws-cdk-lib", "imported"])
def test_a_token_arn_says_its_region_and_account_rules_were_skipped(kind: str) -> None:
    stack = make_stack(make_app(), "Kinds")
    token = cdk.CfnParameter(stack, "CaArn", type="String").value_as_string
    ca = (
        acmpca.CertificateAuthority.from_certificate_authority_arn(stack, "Ca", token)
        if kind == "aws-cdk-lib"
        else SubordinateCa.from_certificate_authority_attributes(stack, "Ca", certificate_authority_arn=token)
    )
    ServiceCertificate(stack, "Svc", certificate_authority=ca, domain_name="a.internal.example")
    lines = [str(m.entry.data) for m in _infos(stack, "tokenSkipped")]
    assert any("region" in line and "account" in line for line in lines), lines


@pytest.mark.parametrize("kind", ["aws-cdk-lib", "imported"])
def test_an_issuer_role_for_a_ca_without_facts_names_the_rules_it_skipped(kind: str) -> None:
    stack = make_stack(make_app(), "Kinds")
    ca = (
        plain(stack)
        if kind == "aws-cdk-lib"
        else SubordinateCa.from_certificate_authority_attributes(
            stack, "Imported", certificate_authority_arn=ARN
        )
    )
    IssuerRole(stack, "Issuer", certificate_authority=ca, trusted_accounts=[OTHER_ACCOUNT])
    [line] = [str(m.entry.data) for m in _infos(stack, "ruleSkipped")]
    assert "path_length" in line and "usage_mode" in line


def test_an_issuer_role_for_a_ca_with_its_facts_skips_nothing() -> None:
    stack = make_stack(make_app(), "Kinds")
    ca = SubordinateCa.from_certificate_authority_attributes(
        stack, "Imported", certificate_authority_arn=ARN, path_length=1, usage_mode=UsageMode.GENERAL_PURPOSE
    )
    IssuerRole(stack, "Issuer", certificate_authority=ca, trusted_accounts=[OTHER_ACCOUNT])
    assert _infos(stack, "ruleSkipped") == []


# RootCa's importer knows it imports a root ----------------------------------------------------------------


def test_the_root_importer_imports_a_root() -> None:
    stack = make_stack(make_app(), "Kinds")
    root = RootCa.from_certificate_authority_attributes(stack, "Root", certificate_authority_arn=ARN)
    assert ca_facts(root).depth == 1


def test_fails_root_importer_grant_issue_of_end_entity_certificates() -> None:
    stack = make_stack(make_app(), "Kinds")
    root = RootCa.from_certificate_authority_attributes(stack, "Root", certificate_authority_arn=ARN)
    role = iam.Role(stack, "Workload", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(PkiValidationError) as error:
        root.grant_issue(role, CertificateTemplate.END_ENTITY_CLIENT_AUTH)
    assert [p.field for p in error.value.problems] == ["templates"]


def test_fails_root_importer_at_another_depth() -> None:
    stack = make_stack(make_app(), "Kinds")
    with pytest.raises(PkiValidationError) as error:
        RootCa.from_certificate_authority_attributes(stack, "Root", certificate_authority_arn=ARN, depth=2)
    assert [p.field for p in error.value.problems] == ["depth"]


# The parent's validity end (not_after) ----------------------------------------------------------------------


def _child_of_parent_ending(
    not_after: object, validity_days: int, today: str = "2026-06-01"
) -> SubordinateCa:
    app = make_app(**{TODAY_CONTEXT_KEY: today})
    stack = make_stack(app, "Kinds")
    parent = SubordinateCa.from_certificate_authority_attributes(
        stack,
        "Corp",
        certificate_authority_arn=ARN,
        not_after=not_after,  # type: ignore[arg-type]
    )
    return SubordinateCa(
        stack,
        "Child",
        parent=parent,
        subject=DistinguishedName(common_name="Kinds Child"),
        validity=cdk.Duration.days(validity_days),
    )


@pytest.mark.parametrize(
    "not_after", ["2027-03-01", datetime.date(2027, 3, 1), datetime.datetime(2027, 3, 1, 12)]
)
def test_fails_a_child_outliving_the_imported_parents_not_after(not_after: object) -> None:
    with pytest.raises(PkiValidationError) as error:
        _child_of_parent_ending(not_after, 1825)
    [problem] = error.value.problems
    assert problem.field == "validity"
    assert "2027-03-01" in problem.rule and "2026-06-01" in problem.rule
    assert problem.fix == "use at most Duration.days(272)"  # 2026-06-01 + 272 days = 2027-02-28


def test_a_child_ending_before_the_parents_not_after_is_accepted() -> None:
    _child_of_parent_ending("2027-03-01", 272)


def test_fails_a_child_of_a_parent_already_expired_on_the_pinned_date() -> None:
    with pytest.raises(PkiValidationError) as error:
        _child_of_parent_ending("2026-05-01", 30)
    assert "renew the parent" in error.value.problems[0].fix


def test_fails_a_not_after_that_is_no_date() -> None:
    stack = make_stack(make_app(), "Kinds")
    with pytest.raises(PkiValidationError) as error:
        SubordinateCa.from_certificate_authority_attributes(
            stack, "Corp", certificate_authority_arn=ARN, not_after="next spring"
        )
    assert [p.field for p in error.value.problems] == ["not_after"]
