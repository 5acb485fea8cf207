"""Every prop that takes a CA accepts our constructs, our importer and aws-cdk-lib's own ICertificateAuthority."""

from __future__ import annotations

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
)
from pki_constructs.ca_facts import ca_facts
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
