"""RootCa and SubordinateCa as synthesized templates: snapshots, ordering, grants, failures (cfn-lint and
cdk-nag: tests/test_gates.py)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import Duration
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_route53 as route53
from aws_cdk.assertions import Annotations, Match, Template
from syrupy.assertion import SnapshotAssertion

from pki_constructs import (
    CertificateTemplate,
    CrlConfiguration,
    DistinguishedName,
    KeyAlgorithm,
    OcspConfiguration,
    OfflineParent,
    PkiValidationError,
    PublicCertificate,
    RootCa,
    ServiceCertificate,
    SigningAlgorithm,
    SubordinateCa,
    UsageMode,
)
from pki_constructs.imported_ca import ImportedCertificateAuthority
from tests.gate_apps import built, private_ca_seed
from tests.synth import make_app, make_stack, resources_of_type, snapshot_of, template_of


def seed_hierarchy() -> tuple[cdk.Stack, RootCa, SubordinateCa]:
    """A fresh app of the seed's ca-config.json, for tests that add to it."""
    seed = private_ca_seed()
    return seed["stack"], seed["root"], seed["sub"]


@pytest.fixture(scope="module")
def seed() -> dict[str, Any]:
    """The seed's template, of the app the gate checks (tests/gate_apps.py ``private_ca_seed``)."""
    return template_of(built("private_ca_seed")["stack"])


def _the(template: dict[str, Any], type_name: str, **match: Any) -> dict[str, Any]:
    found = [
        r for r in resources_of_type(template, type_name).values() if match.items() <= r["Properties"].items()
    ]
    assert len(found) == 1, found
    return found[0]


# The seed's configuration ------------------------------------------------------------------------


def test_seed_configuration_is_two_calls_and_synthesizes_exactly_that(seed: dict[str, Any]) -> None:
    root = _the(seed, "AWS::ACMPCA::CertificateAuthority", Type="ROOT")["Properties"]
    assert root["KeyAlgorithm"] == "RSA_2048"
    assert root["SigningAlgorithm"] == "SHA256WITHRSA"
    assert root["Subject"] == {
        "CommonName": "MyCompany Root CA",
        "Organization": "MyCompany",
        "OrganizationalUnit": "IT Department",
        "Country": "US",
    }
    root_cert = _the(
        seed, "AWS::ACMPCA::Certificate", TemplateArn="arn:aws:acm-pca:::template/RootCACertificate/V1"
    )
    assert root_cert["Properties"]["Validity"] == {"Type": "DAYS", "Value": 3650}
    sub_cert = _the(
        seed,
        "AWS::ACMPCA::Certificate",
        TemplateArn="arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1",
    )
    assert sub_cert["Properties"]["SigningAlgorithm"] == "SHA256WITHRSA"  # the parent signs
    assert sub_cert["Properties"]["Validity"] == {"Type": "DAYS", "Value": 1825}


def test_snapshot_seed_hierarchy(snapshot_json: SnapshotAssertion) -> None:
    assert snapshot_of(built("private_ca_seed")["stack"]) == snapshot_json


# Ordering: nothing issues from a CA before it is ACTIVE ---------------------------------------------


def _logical_id(template: dict[str, Any], type_name: str, prefix: str) -> str:
    """The one resource of ``type_name`` whose logical id starts with the construct path ``prefix``."""
    [logical_id] = [k for k in resources_of_type(template, type_name) if k.startswith(prefix)]
    return logical_id


def test_child_ca_certificate_is_issued_by_the_activated_parent(seed: dict[str, Any]) -> None:
    root_activation = _logical_id(seed, "AWS::ACMPCA::CertificateAuthorityActivation", "RootActivation")
    sub_cert = _the(
        seed,
        "AWS::ACMPCA::Certificate",
        TemplateArn="arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1",
    )
    # Ref of the parent's activation (= its CA ARN) makes CloudFormation wait for the activation.
    assert sub_cert["Properties"]["CertificateAuthorityArn"] == {"Ref": root_activation}


def test_acm_private_certificate_waits_for_activation() -> None:
    stack, _, sub = seed_hierarchy()
    acm.PrivateCertificate(stack, "Service", domain_name="svc.internal.example", certificate_authority=sub)
    template = template_of(stack)
    [cert] = resources_of_type(template, "AWS::CertificateManager::Certificate").values()
    activation_ids = set(resources_of_type(template, "AWS::ACMPCA::CertificateAuthorityActivation"))
    assert cert["Properties"]["CertificateAuthorityArn"]["Ref"] in activation_ids


def test_ca_is_created_after_its_crl_bucket_policy(seed: dict[str, Any]) -> None:
    policies = set(resources_of_type(seed, "AWS::S3::BucketPolicy"))
    for ca in resources_of_type(seed, "AWS::ACMPCA::CertificateAuthority").values():
        assert set(ca["DependsOn"]) & policies


def test_grant_issue_is_scoped_to_the_ca_and_templates() -> None:
    stack, _, sub = seed_hierarchy()
    role = iam.Role(stack, "Workload", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    sub.grant_issue(role, CertificateTemplate.END_ENTITY_CLIENT_AUTH)
    template = Template.from_stack(stack)
    activation = _logical_id(
        template.to_json(), "AWS::ACMPCA::CertificateAuthorityActivation", "SubordinateActivation"
    )
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "acm-pca:IssueCertificate",
                                "Condition": {
                                    "StringEquals": {
                                        "acm-pca:TemplateArn": [
                                            "arn:aws:acm-pca:::template/EndEntityClientAuthCertificate/V1"
                                        ]
                                    }
                                },
                                "Resource": {"Ref": activation},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_fails_grant_issue_without_templates() -> None:
    stack, _, sub = seed_hierarchy()
    role = iam.Role(stack, "Workload", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    with pytest.raises(PkiValidationError, match="templates"):
        sub.grant_issue(role)


def test_fails_grant_issue_of_ca_templates_or_from_a_root() -> None:
    stack, root, sub = seed_hierarchy()
    role = iam.Role(stack, "Workload", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    with pytest.raises(PkiValidationError, match=r"templates=.*SubordinateCACertificate"):
        sub.grant_issue(role, CertificateTemplate.SUBORDINATE_CA_PATH_LEN_0)
    with pytest.raises(PkiValidationError, match=r"templates=.*root CA"):
        root.grant_issue(role, CertificateTemplate.END_ENTITY)


def test_fails_grant_issue_of_a_template_named_by_a_string_or_a_grantee_that_is_not_one() -> None:
    stack, _, sub = seed_hierarchy()
    role = iam.Role(stack, "Workload", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    with pytest.raises(PkiValidationError, match="expected CertificateTemplate") as error:
        sub.grant_issue(role, "EndEntityCertificate/V1")  # type: ignore[arg-type]
    assert [p.field for p in error.value.problems] == ["templates[0]"]
    with pytest.raises(PkiValidationError) as error:
        sub.grant_issue(role.role_arn, CertificateTemplate.END_ENTITY)  # type: ignore[arg-type]
    assert [p.field for p in error.value.problems] == ["grantee"]


def test_fails_acm_private_certificate_from_a_ca_waiting_for_its_offline_signature() -> None:
    """ServiceCertificate refuses it in its constructor; aws-cdk-lib's own certificate fails the synth."""
    stack = make_stack(name="Offline")
    pending = SubordinateCa(
        stack,
        "Issuing",
        parent=OfflineParent(context_key="issuingSigned"),
        subject=DistinguishedName(common_name="Issuing"),
        path_length=0,
    )
    acm.PrivateCertificate(stack, "Theirs", certificate_authority=pending, domain_name="b.internal.example")
    with pytest.raises(
        RuntimeError,
        match=r"Offline/Issuing: certificate_authority='Offline/Theirs/Resource'.*PENDING_CERTIFICATE",
    ):
        template_of(stack)


def test_fails_acm_private_certificate_from_an_expired_import() -> None:
    """The one "expired CA" rule (outside attack round 2, finding 13): ServiceCertificate and CaBundle refuse it
    in their constructors (tests/test_adversarial.py); aws-cdk-lib's own certificate fails the synth."""
    app = cdk.App(context={"pki-constructs:today": "2026-11-29"})
    stack = make_stack(app, name="Expired")
    expired = SubordinateCa.from_certificate_authority_attributes(
        stack,
        "Old",
        certificate_authority_arn="arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/"
        "11111111-2222-3333-4444-555555555555",
        not_after="2026-11-29",  # ends today: expired
    )
    acm.PrivateCertificate(stack, "Theirs", certificate_authority=expired, domain_name="b.internal.example")
    with pytest.raises(
        RuntimeError,
        match=r"Expired/Old: certificate_authority='Expired/Theirs/Resource'.*ended on 2026-11-29",
    ):
        template_of(stack)


def test_an_import_ending_tomorrow_still_issues() -> None:
    app = cdk.App(context={"pki-constructs:today": "2026-11-29"})
    stack = make_stack(app, name="Fresh")
    ca = SubordinateCa.from_certificate_authority_attributes(
        stack,
        "Ca",
        certificate_authority_arn="arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/"
        "11111111-2222-3333-4444-555555555555",
        not_after="2026-11-30",
    )
    ServiceCertificate(stack, "Svc", certificate_authority=ca, domain_name="b.internal.example")
    acm.PrivateCertificate(stack, "Theirs", certificate_authority=ca, domain_name="c.internal.example")
    template_of(stack)


# Variants ---------------------------------------------------------------------------------------------


def ec_hierarchy() -> cdk.Stack:
    return built("private_ca_ec")["stack"]  # type: ignore[no-any-return]


def test_snapshot_ec_hierarchy_ocsp_on_crl_off(snapshot_json: SnapshotAssertion) -> None:
    assert snapshot_of(ec_hierarchy()) == snapshot_json


def test_ec_child_is_signed_with_the_parents_algorithm() -> None:
    template = template_of(ec_hierarchy())
    sub_cert = _the(
        template,
        "AWS::ACMPCA::Certificate",
        TemplateArn="arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1",
    )
    assert sub_cert["Properties"]["SigningAlgorithm"] == "SHA384WITHECDSA"
    sub = _the(template, "AWS::ACMPCA::CertificateAuthority", Type="SUBORDINATE")["Properties"]
    assert sub["SigningAlgorithm"] == "SHA256WITHECDSA"
    assert sub["RevocationConfiguration"] == {
        "CrlConfiguration": {"Enabled": False},
        "OcspConfiguration": {"Enabled": True},
    }


def cloudfront_crl() -> cdk.Stack:
    return built("private_ca_cloudfront_crl")["stack"]  # type: ignore[no-any-return]


def test_snapshot_cloudfront_crl(snapshot_json: SnapshotAssertion) -> None:
    assert snapshot_of(cloudfront_crl()) == snapshot_json


def test_cloudfront_crl_allows_http_and_keeps_the_bucket_private() -> None:
    template = template_of(cloudfront_crl())
    [distribution] = resources_of_type(template, "AWS::CloudFront::Distribution").values()
    behaviour = distribution["Properties"]["DistributionConfig"]["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "allow-all"  # the CDP in certificates is http://
    ca = _the(template, "AWS::ACMPCA::CertificateAuthority", Type="ROOT")["Properties"]
    crl = ca["RevocationConfiguration"]["CrlConfiguration"]
    [distribution_id] = resources_of_type(template, "AWS::CloudFront::Distribution")
    assert crl["CustomCname"] == {"Fn::GetAtt": [distribution_id, "DomainName"]}
    assert crl["S3ObjectAcl"] == "BUCKET_OWNER_FULL_CONTROL"
    for bucket in resources_of_type(template, "AWS::S3::Bucket").values():
        assert bucket["Properties"]["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }


@pytest.mark.parametrize("app_name", ["private_ca_china", "private_ca_china_sm2", "private_ca_govcloud"])
def test_default_crl_has_no_cloudfront_front_where_the_partition_lacks_it(app_name: str) -> None:
    """cfn-lint's region schemas: no AWS::CloudFront::OriginAccessControl in cn-*, no CloudFront in us-gov-*.
    The CRL stays in its private bucket, with a warning that says why; the gate lints these apps there."""
    stack = built(app_name)["stack"]
    template = template_of(stack)
    assert not [t for r in template["Resources"].values() if (t := r["Type"]).startswith("AWS::CloudFront::")]
    warnings = Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp("crlNoCloudFront"))
    assert len(warnings) == 2, warnings  # the root's and the subordinate's CRL


@pytest.mark.parametrize("region", ["cn-north-1", "us-gov-west-1"])
def test_fails_crl_cloudfront_true_where_the_partition_lacks_it(region: str) -> None:
    stack = make_stack(region=region)
    with pytest.raises(PkiValidationError, match=r"crl\.cloudfront.*partition aws-") as error:
        RootCa(
            stack, "Root", subject=DistinguishedName(common_name="R"), crl=CrlConfiguration(cloudfront=True)
        )
    assert "omit_extension=True" in str(error.value)


def test_default_crl_keeps_its_cloudfront_front_in_the_aws_partition() -> None:
    stack = make_stack(region="eu-west-1")
    RootCa(stack, "Root", subject=DistinguishedName(common_name="R"))
    assert resources_of_type(template_of(stack), "AWS::CloudFront::Distribution")


def cross_stack() -> tuple[cdk.Stack, cdk.Stack]:
    apps = built("private_ca_cross_stack")
    return apps["pki"], apps["workload"]


def test_snapshot_cross_stack_same_region_parent(snapshot_json: SnapshotAssertion) -> None:
    pki, workload = cross_stack()
    assert {"pki": snapshot_of(pki), "workload": snapshot_of(workload)} == snapshot_json


def test_cross_stack_same_region_reads_the_parent_weakly() -> None:
    # A parent in another stack of the same account and region used to be joined natively through
    # Fn::ImportValue, which locks the parent's stack (issue 11, class 8): it now takes the weak path.
    pki, workload = cross_stack()
    template = template_of(workload)
    assert "Fn::ImportValue" not in json.dumps(template)
    assert "Fn::ImportValue" not in json.dumps(template_of(pki))
    assert resources_of_type(template, "Custom::PkiCaActivation")
    assert not resources_of_type(template, "AWS::ACMPCA::Certificate")


def test_three_levels_with_path_lengths() -> None:
    stack = make_stack(name="Deep")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Root"))
    policy = SubordinateCa(
        stack, "Policy", parent=root, subject=DistinguishedName(common_name="Policy"), path_length=1
    )
    issuing = SubordinateCa(
        stack,
        "Issuing",
        parent=policy,
        subject=DistinguishedName(common_name="Issuing"),
        validity=Duration.days(730),
    )
    assert (root.depth, policy.depth, issuing.depth) == (1, 2, 3)
    template = template_of(stack)
    activations = resources_of_type(template, "AWS::ACMPCA::CertificateAuthorityActivation")
    issuing = activations[
        _logical_id(template, "AWS::ACMPCA::CertificateAuthorityActivation", "IssuingActivation")
    ]
    policy_activation = _logical_id(
        template, "AWS::ACMPCA::CertificateAuthorityActivation", "PolicyActivation"
    )
    # The chain handed to the activation is the parent's complete chain (policy CA + root).
    assert issuing["Properties"]["CertificateChain"] == {
        "Fn::GetAtt": [policy_activation, "CompleteCertificateChain"]
    }
    issuing_cert = template["Resources"][
        _logical_id(template, "AWS::ACMPCA::Certificate", "IssuingCertificate")
    ]
    assert issuing_cert["Properties"]["CertificateAuthorityArn"] == {"Ref": policy_activation}


# Cost -------------------------------------------------------------------------------------------------


def test_cost_is_annotated_per_ca_and_in_total() -> None:
    stack = make_stack(name="Costly")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Root"))
    SubordinateCa(
        stack,
        "ShortLived",
        parent=root,
        subject=DistinguishedName(common_name="Short"),
        usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE,
    )
    annotations = Annotations.from_stack(stack)
    annotations.has_info("/Costly/Root", Match.string_like_regexp(r"about \$400/month"))
    annotations.has_info("/Costly/ShortLived", Match.string_like_regexp(r"about \$50/month"))
    annotations.has_info("/Costly", Match.string_like_regexp(r"2 CA\(s\) in this stack: about \$450/month"))


def test_cost_total_covers_every_stack_of_the_app() -> None:
    app = make_app()
    first, second = make_stack(app, "First"), make_stack(app, "Second")
    RootCa(first, "Root", subject=DistinguishedName(common_name="Root"))
    RootCa(
        second,
        "Mesh",
        subject=DistinguishedName(common_name="Mesh"),
        usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE,
    )
    for stack, own in ((first, 400), (second, 50)):
        Annotations.from_stack(stack).has_info(
            f"/{stack.stack_name}",
            Match.string_like_regexp(
                rf"1 CA\(s\) in this stack: about \${own}/month; all CAs of the app: about \$450"
            ),
        )


def test_short_lived_ca_gets_no_acm_permission() -> None:
    stack = make_stack(name="Short")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Root"))
    SubordinateCa(
        stack,
        "Mesh",
        parent=root,
        subject=DistinguishedName(common_name="Mesh"),
        usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE,
    )
    assert len(resources_of_type(template_of(stack), "AWS::ACMPCA::Permission")) == 1  # the root's only


def test_warns_when_a_general_purpose_ca_cannot_revoke() -> None:
    stack = make_stack(name="NoRevocation")
    RootCa(stack, "Root", subject=DistinguishedName(common_name="Root"), crl=CrlConfiguration.disabled())
    Annotations.from_stack(stack).has_warning(
        "/NoRevocation/Root", Match.string_like_regexp("cannot be revoked")
    )


# Failures at synth --------------------------------------------------------------------------------


def _root_error(**props: Any) -> PkiValidationError:
    stack = make_stack(name="Bad")
    with pytest.raises(PkiValidationError) as caught:
        RootCa(stack, "Root", **{"subject": DistinguishedName(common_name="Root"), **props})
    return caught.value


def _sub_error(**props: Any) -> PkiValidationError:
    stack = make_stack(name="Bad")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Root"), validity=Duration.days(3650))
    with pytest.raises(PkiValidationError) as caught:
        SubordinateCa(stack, "Sub", parent=root, **{"subject": DistinguishedName(common_name="Sub"), **props})
    return caught.value


def test_fails_collects_every_problem_and_names_path_field_value_rule_and_fix() -> None:
    error = _root_error(
        subject=DistinguishedName(country="USA"),
        key_algorithm=KeyAlgorithm.EC_PRIME256V1,
        signing_algorithm=SigningAlgorithm.SHA256WITHRSA,
        crl=CrlConfiguration(expiration=Duration.days(6000)),
    )
    assert error.path == "Bad/Root"
    assert [p.field for p in error.problems] == ["subject.country", "signing_algorithm", "crl.expiration"]
    message = str(error)
    assert "3 invalid prop(s) at Bad/Root" in message
    assert "signing_algorithm='SHA256WITHRSA'" in message
    assert "Fix: use SHA256WITHECDSA" in message
    assert isinstance(error, ValueError)


def test_fails_root_with_bad_subject() -> None:
    assert [p.field for p in _root_error(subject=DistinguishedName()).problems] == ["subject"]


def test_fails_sm2_in_the_aws_partition() -> None:
    error = _root_error(key_algorithm=KeyAlgorithm.SM2)
    assert [p.field for p in error.problems] == ["key_algorithm"]


def test_subordinate_with_a_classical_key_under_an_ml_dsa_root_is_warned() -> None:
    """Not refused (AWS documents no such rule; tests/test_ca_rules.py has the pure rule), but said."""
    stack = make_stack()
    root = RootCa(
        stack, "Root", subject=DistinguishedName(common_name="PQ Root"), key_algorithm=KeyAlgorithm.ML_DSA_65
    )
    SubordinateCa(stack, "Issuing", parent=root, subject=DistinguishedName(common_name="Issuing"))
    annotations = Annotations.from_stack(stack)
    warnings = annotations.find_warning("/Test/Issuing", Match.string_like_regexp("mix ML-DSA"))
    assert len(warnings) == 1 and "RSA_2048" in warnings[0].entry.data
    assert annotations.find_warning("/Test/Root", Match.string_like_regexp("mix ML-DSA")) == []


def test_fails_root_validity_fraction_of_a_day() -> None:
    assert [p.field for p in _root_error(validity=Duration.hours(36)).problems] == ["validity"]


def test_fails_subordinate_outliving_parent() -> None:
    assert [p.field for p in _sub_error(validity=Duration.days(3650)).problems] == ["validity"]


def test_fails_subordinate_path_length_out_of_range() -> None:
    assert [p.field for p in _sub_error(path_length=4).problems] == ["path_length"]
    # reported together with the other rules, not instead of them
    error = _sub_error(
        path_length=4, validity=Duration.days(3650), subject=DistinguishedName(common_name="Root")
    )
    assert [p.field for p in error.problems] == ["path_length", "validity", "subject"]


def test_fails_subordinate_with_parents_name() -> None:
    assert [p.field for p in _sub_error(subject=DistinguishedName(common_name="Root")).problems] == [
        "subject"
    ]


def test_fails_grandchild_of_path_length_zero() -> None:
    stack = make_stack(name="Bad")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Root"))
    issuing = SubordinateCa(stack, "Issuing", parent=root, subject=DistinguishedName(common_name="Issuing"))
    with pytest.raises(PkiValidationError, match="path_length=0: the parent has path length 0") as caught:
        SubordinateCa(
            stack,
            "Below",
            parent=issuing,
            subject=DistinguishedName(common_name="Below"),
            validity=Duration.days(10),
        )
    assert caught.value.path == "Bad/Below"


def test_fails_child_of_short_lived_ca() -> None:
    stack = make_stack(name="Bad")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Root"))
    mesh = SubordinateCa(
        stack,
        "Mesh",
        parent=root,
        subject=DistinguishedName(common_name="Mesh"),
        usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE,
        path_length=1,
    )
    with pytest.raises(PkiValidationError, match=r"parent=.*short-lived"):
        SubordinateCa(
            stack,
            "Below",
            parent=mesh,
            subject=DistinguishedName(common_name="Below"),
            validity=Duration.days(10),
        )


def test_fails_acm_permission_on_short_lived_ca() -> None:
    error = _root_error(usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE, acm_renewal_permission=True)
    assert [p.field for p in error.problems] == ["acm_renewal_permission"]


def test_fails_snapshot_removal_policy() -> None:
    error = _root_error(removal_policy=cdk.RemovalPolicy.SNAPSHOT)
    assert [p.field for p in error.problems] == ["removal_policy"]


def test_destroy_removes_the_ca_but_retains_the_crl_bucket() -> None:
    """AWS Private CA writes to the CRL bucket when it creates the CA: a DESTROY bucket would fail the stack delete."""
    stack = make_stack(name="Disposable")
    RootCa(
        stack, "Root", subject=DistinguishedName(common_name="Root"), removal_policy=cdk.RemovalPolicy.DESTROY
    )
    template = template_of(stack)
    buckets = resources_of_type(template, "AWS::S3::Bucket").values()  # the CRL and its front's access logs
    assert len(buckets) == 2
    assert all(bucket["DeletionPolicy"] == "Retain" for bucket in buckets)
    assert _the(template, "AWS::ACMPCA::CertificateAuthority", Type="ROOT")["DeletionPolicy"] == "Delete"


def test_fails_disabled_crl_carrying_settings() -> None:
    error = _root_error(crl=CrlConfiguration(enabled=False, custom_cname="crl.example.com"))
    assert [p.field for p in error.problems] == ["crl.custom_cname"]


def test_fails_ocsp_cname_with_scheme() -> None:
    error = _root_error(ocsp=OcspConfiguration(custom_cname="https://ocsp.example.com"))
    assert [p.field for p in error.problems] == ["ocsp.custom_cname"]


# Gates (cfn-lint and cdk-nag: tests/test_gates.py, apps private_ca_*) --------------------------------


def test_no_pem_or_key_material_in_templates(seed: dict[str, Any]) -> None:
    text = json.dumps(seed)
    assert "BEGIN" not in text
    assert "PRIVATE KEY" not in text


def test_fails_acm_certificate_from_a_short_lived_ca_at_synth() -> None:
    stack = make_stack(name="Bad")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Root"))
    mesh = SubordinateCa(
        stack,
        "Mesh",
        parent=root,
        subject=DistinguishedName(common_name="Mesh"),
        usage_mode=UsageMode.SHORT_LIVED_CERTIFICATE,
    )
    acm.PrivateCertificate(stack, "Service", domain_name="svc.internal.example", certificate_authority=mesh)
    with pytest.raises(
        RuntimeError, match=r"Bad/Mesh: certificate_authority='Bad/Service/Resource'.*SHORT_LIVED"
    ):
        template_of(stack)


def test_acm_certificate_from_a_general_purpose_ca_passes_the_late_check() -> None:
    stack, _, sub = seed_hierarchy()
    acm.PrivateCertificate(stack, "Service", domain_name="svc.internal.example", certificate_authority=sub)
    assert resources_of_type(template_of(stack), "AWS::CertificateManager::Certificate")


def test_warns_when_the_default_crl_is_unreachable_for_relying_parties() -> None:
    stack = make_stack(name="Crl")
    RootCa(
        stack,
        "Private",
        subject=DistinguishedName(common_name="Private"),
        crl=CrlConfiguration(cloudfront=False),
    )
    RootCa(stack, "Fronted", subject=DistinguishedName(common_name="Fronted"))  # the default: CloudFront
    RootCa(
        stack,
        "Omitted",
        subject=DistinguishedName(common_name="Omitted"),
        crl=CrlConfiguration(omit_extension=True),
    )
    annotations = Annotations.from_stack(stack)
    annotations.has_warning("/Crl/Private", Match.string_like_regexp("get 403"))
    for quiet in ("/Crl/Fronted", "/Crl/Omitted"):
        assert not annotations.find_warning(quiet, Match.string_like_regexp("get 403"))


def test_the_readme_quick_start_root_synthesizes_without_warnings() -> None:
    """Issue 13: the default CA's certificates point at a CRL relying parties can fetch (CloudFront), so the
    quick start's RootCa(...) raises no warning at all."""
    stack = make_stack(name="QuickStart")
    RootCa(
        stack,
        "Root",
        subject=DistinguishedName(
            common_name="MyCompany Root CA",
            organization="MyCompany",
            organizational_unit="IT Department",
            country="US",
        ),
    )
    assert Annotations.from_stack(stack).find_warning("*", Match.any_value()) == []
    [ca] = resources_of_type(template_of(stack), "AWS::ACMPCA::CertificateAuthority").values()
    crl = ca["Properties"]["RevocationConfiguration"]["CrlConfiguration"]
    assert "Fn::GetAtt" in crl["CustomCname"] and crl["CustomCname"]["Fn::GetAtt"][1] == "DomainName"


# Across stacks: the CRL front's certificate and the CA itself (issue 10, findings 02, 03, 20, 22) -----------


def _templates_without_exports(app: cdk.App) -> dict[str, dict[str, Any]]:
    templates = {s.stack_name: s.template for s in app.synth().stacks}
    for name, template in templates.items():
        assert "Fn::ImportValue" not in json.dumps(template), name
        assert "Custom::CrossRegionExport" not in json.dumps(template), name
    return templates


def _crl_certificate(stack: cdk.Stack) -> PublicCertificate:
    zone = route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
    )
    return PublicCertificate(stack, "CrlCert", domain_name="crl.example.com", hosted_zone=zone)


@pytest.mark.parametrize("ca_region", ["us-east-1", "eu-west-1"])
def test_crl_front_reads_a_us_east_1_certificate_of_another_stack_weakly(ca_region: str) -> None:
    app = make_app()
    edge, pki = make_stack(app, "Edge"), make_stack(app, "Pki", region=ca_region)
    RootCa(
        pki,
        "Root",
        subject=DistinguishedName(common_name="Root"),
        crl=CrlConfiguration(
            cloudfront=True, custom_cname="crl.example.com", cloudfront_certificate=_crl_certificate(edge)
        ),
    )
    template = _templates_without_exports(app)["Pki"]
    distribution = _the(template, "AWS::CloudFront::Distribution")
    certificate_arn = distribution["Properties"]["DistributionConfig"]["ViewerCertificate"][
        "AcmCertificateArn"
    ]
    # Same region: an SSM parameter type; another region: the regional reader's attribute.
    assert "Ref" in certificate_arn or "Fn::GetAtt" in certificate_arn
    assert "/pki-constructs/Edge/CrlCert/certificate-arn" in json.dumps(template)


def test_fails_crl_front_certificate_of_an_environment_agnostic_stack() -> None:
    app = make_app()
    agnostic, pki = cdk.Stack(app, "Agnostic"), make_stack(app, "Pki")
    with pytest.raises(PkiValidationError, match=r"Agnostic has no region") as raised:
        RootCa(
            pki,
            "Root",
            subject=DistinguishedName(common_name="Root"),
            crl=CrlConfiguration(
                cloudfront=True,
                custom_cname="crl.example.com",
                cloudfront_certificate=_crl_certificate(agnostic),
            ),
        )
    assert {p.field for p in raised.value.problems} == {"crl.cloudfront_certificate"}


def _private_certificate_in_another_stack(fixed: bool) -> tuple[cdk.App, RootCa]:
    app = make_app()
    pki, workload = make_stack(app, "Pki"), make_stack(app, "Workload")
    ca = RootCa(pki, "Root", subject=DistinguishedName(common_name="Root"))
    acm.PrivateCertificate(
        workload,
        "Cert",
        certificate_authority=ca.certificate_authority_in(workload) if fixed else ca,
        domain_name="svc.internal.example",
    )
    return app, ca


def test_fails_our_ca_given_to_aws_cdk_lib_in_another_stack_and_names_certificate_authority_in() -> None:
    app, _ = _private_certificate_in_another_stack(fixed=False)
    with pytest.raises(RuntimeError) as raised:
        app.synth()
    message = str(raised.value)
    assert "Workload/Cert/Resource: strong reference" in message
    assert "Pki/Root.certificate_authority_in(consumer_scope)" in message


def test_certificate_authority_in_carries_the_ca_weakly_to_aws_cdk_lib() -> None:
    app, ca = _private_certificate_in_another_stack(fixed=True)
    template = _templates_without_exports(app)["Workload"]
    certificate = _the(template, "AWS::CertificateManager::Certificate")
    parameter = template["Parameters"][certificate["Properties"]["CertificateAuthorityArn"]["Ref"]]
    assert parameter["Default"] == "/pki-constructs/Pki/Root/certificate-authority-arn"
    assert ca.certificate_authority_in(ca) is ca


def test_certificate_authority_in_twice_returns_the_same_import() -> None:
    """Two acm.PrivateCertificate in one consumer stack used to crash with jsii's duplicate-id RuntimeError."""
    app = make_app()
    pki, workload = make_stack(app, "Pki"), make_stack(app, "Workload")
    ca = RootCa(pki, "Root", subject=DistinguishedName(common_name="Root"))
    assert ca.certificate_authority_in(workload) is ca.certificate_authority_in(workload)


def test_fails_certificate_authority_in_with_an_id_taken_by_another_ca() -> None:
    app = make_app()
    pki, workload = make_stack(app, "Pki"), make_stack(app, "Workload")
    one = RootCa(pki, "One", subject=DistinguishedName(common_name="One"))
    two = RootCa(pki, "Two", subject=DistinguishedName(common_name="Two"))
    one.certificate_authority_in(workload)
    with pytest.raises(
        PkiValidationError, match=r"Workload already has a child 'CertificateAuthority'"
    ) as raised:
        two.certificate_authority_in(workload)
    assert [p.field for p in raised.value.problems] == ["id"]


def test_certificate_authority_in_carries_the_ca_facts_grant_issue_and_metric() -> None:
    app = make_app()
    pki, workload = make_stack(app, "Pki"), make_stack(app, "Workload")
    root = RootCa(pki, "Root", subject=DistinguishedName(common_name="Root"))
    issuing = SubordinateCa(pki, "Issuing", parent=root, subject=DistinguishedName(common_name="Issuing"))
    imported = issuing.certificate_authority_in(workload)
    assert isinstance(imported, ImportedCertificateAuthority)
    facts = imported.facts
    assert (facts.region, facts.account) == ("us-east-1", pki.account)
    assert (facts.depth, facts.path_length, facts.key_algorithm) == (
        2,
        issuing.path_length,
        issuing.key_algorithm,
    )
    role = iam.Role(workload, "Task", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    imported.grant_issue(role, CertificateTemplate.END_ENTITY_SERVER_AUTH)
    cloudwatch.Alarm(
        workload, "Expiry", metric=imported.metric_days_to_expiry(), threshold=30, evaluation_periods=1
    )
    templates = _templates_without_exports(app)
    assert "certificate-authority-arn" in json.dumps(templates["Workload"]["Parameters"])


def test_fails_certificate_authority_in_of_another_region_used_by_acm_private_certificate() -> None:
    """Direct, the strong-reference check refuses; through the accessor the region rule must still fire."""
    app = make_app()
    pki, workload = make_stack(app, "Pki"), make_stack(app, "Workload", region="eu-west-1")
    ca = RootCa(pki, "Root", subject=DistinguishedName(common_name="Root"))
    acm.PrivateCertificate(
        workload,
        "Cert",
        certificate_authority=ca.certificate_authority_in(workload),
        domain_name="s.internal.example",
    )
    with pytest.raises(
        RuntimeError, match=r"certificate_authority='Workload/Cert/Resource'.*this CA is in us-east-1"
    ):
        app.synth()


def test_fails_certificate_authority_in_for_another_account_names_scope_and_the_importer() -> None:
    app = make_app()
    pki, member = make_stack(app, "Pki"), make_stack(app, "Member", account="222222222222")
    ca = RootCa(pki, "Root", subject=DistinguishedName(common_name="Root"))
    with pytest.raises(PkiValidationError) as raised:
        ca.certificate_authority_in(member)
    message = str(raised.value)
    assert [p.field for p in raised.value.problems] == ["scope"]
    assert "at Member" in message and "RootCa.from_certificate_authority_attributes" in message
    assert "ArnForSubordinates" not in message and "readable_by" not in message


def test_grant_issue_to_a_role_of_another_stack_reads_the_ca_arn_weakly() -> None:
    app = make_app()
    pki, workload = make_stack(app, "Pki"), make_stack(app, "Workload")
    root = RootCa(pki, "Root", subject=DistinguishedName(common_name="Root"))
    issuing = SubordinateCa(pki, "Issuing", parent=root, subject=DistinguishedName(common_name="Issuing"))
    role = iam.Role(workload, "Task", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    issuing.grant_issue(role, CertificateTemplate.END_ENTITY_SERVER_AUTH)
    templates = _templates_without_exports(app)
    assert "/pki-constructs/Pki/Issuing/certificate-authority-arn" in json.dumps(templates["Workload"])


def test_fails_grant_issue_to_a_role_of_another_account() -> None:
    app = make_app()
    pki, member = make_stack(app, "Pki"), make_stack(app, "Member", account="222222222222")
    root = RootCa(pki, "Root", subject=DistinguishedName(common_name="Root"))
    issuing = SubordinateCa(pki, "Issuing", parent=root, subject=DistinguishedName(common_name="Issuing"))
    role = iam.Role(member, "Task", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    with pytest.raises(PkiValidationError) as raised:
        issuing.grant_issue(role, CertificateTemplate.END_ENTITY_SERVER_AUTH)
    assert [p.field for p in raised.value.problems] == ["grantee"]
