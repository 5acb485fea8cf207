"""pki-review: for each kind of change, two small apps that differ in exactly that change, the report lines
that must appear and the exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3

from pki_constructs import (
    CertificateTemplate,
    CrlConfiguration,
    DistinguishedName,
    MutualTlsTrustStore,
    OcspConfiguration,
    RootCa,
    ServiceCertificate,
    SubordinateCa,
    UsageMode,
)
from pki_constructs.review import Status, compare, render
from pki_constructs.review.changes import create_only_properties
from pki_constructs.review.cli import INPUT_ERROR, main
from pki_constructs.review.posture import cloudfront_tls_floor, elb_tls_floor
from tests.gate_apps import two_account_app
from tests.synth import ROOT, env, make_app

Build = Callable[[cdk.Stack, dict[str, Any]], None]


_SYNTHS: dict[tuple[str, str], str] = {}


def synth(build: Build, **options: Any) -> dict[str, Any]:
    """{stack name: template} of a one-stack app, as a snapshot file holds it. Tests share the synth of the
    same builder and options (the baselines repeat), which keeps this module's run time down."""
    key = (f"{build.__module__}.{build.__qualname__}", repr(sorted(options.items())))
    if key not in _SYNTHS:
        app = make_app()
        stack = cdk.Stack(app, "Review", env=env())
        build(stack, options)
        _SYNTHS[key] = json.dumps({s.stack_name: s.template for s in app.synth().stacks})
    return dict(json.loads(_SYNTHS[key]))


def review_of(tmp_path: Path, build: Build, before: dict[str, Any], after: dict[str, Any]) -> tuple[str, int]:
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(synth(build, **before)))
    new.write_text(json.dumps(synth(build, **after)))
    review = compare(old, new)
    return render(review), int(review.status)


def subject(name: str, unit: str = "PKI") -> DistinguishedName:
    return DistinguishedName(common_name=name, organization="Example", organizational_unit=unit, country="US")


def hierarchy(stack: cdk.Stack, o: dict[str, Any]) -> None:
    """Root -> issuing CA -> a service certificate and a trust store of the issuing CA (all native)."""
    root = RootCa(
        stack,
        "Root",
        subject=subject("Example Root CA G1", o.get("root_unit", "PKI")),
        ocsp=OcspConfiguration() if o.get("ocsp", True) else None,
        crl=CrlConfiguration(omit_extension=True) if o.get("crl", True) else CrlConfiguration.disabled(),
    )
    issuing = SubordinateCa(
        stack,
        o.get("issuing_id", "Issuing"),
        parent=root,
        subject=subject("Example Issuing CA G1"),
        validity=cdk.Duration.days(o.get("issuing_days", 1825)),
        crl=CrlConfiguration(omit_extension=True),
        usage_mode=o.get("usage_mode", UsageMode.GENERAL_PURPOSE),
        acm_renewal_permission=o.get("acm_renewal"),
    )
    if o.get("second_issuer"):
        second = SubordinateCa(
            stack,
            "Second",
            parent=root,
            subject=subject("Example Issuing CA G2"),
            crl=CrlConfiguration.disabled(),
        )
    if o.get("usage_mode", UsageMode.GENERAL_PURPOSE) is UsageMode.GENERAL_PURPOSE:
        ServiceCertificate(
            stack,
            "Api",
            certificate_authority=second if o.get("moved") else issuing,
            domain_name=o.get("domain", "api.example.internal"),
        )
    if o.get("destroy_issuing"):
        issuing.apply_removal_policy(cdk.RemovalPolicy.DESTROY)
    if o.get("disable_issuing"):
        issuing.activation.add_property_override("Status", "DISABLED")  # type: ignore[attr-defined]
    if o.get("worker"):
        worker = iam.Role(stack, "Worker", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
        issuing.grant_issue(worker, CertificateTemplate.END_ENTITY_CLIENT_AUTH)
    if o.get("plain_acm"):
        cdk.aws_certificatemanager.PrivateCertificate(
            stack,
            "Plain",
            domain_name="plain.example.internal",
            certificate_authority=issuing,
        )
    trusted = [issuing, second] if o.get("trust_second") else [issuing]
    MutualTlsTrustStore(stack, "TrustStore", trusted_cas=trusted)


# ------------------------------------------------------------------------------------------ trust-breaking


def test_a_root_subject_change_replaces_the_root_and_names_everything_beneath(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, hierarchy, {}, {"root_unit": "Security"})
    assert status == Status.TRUST_BREAKING == 2
    assert "- CA **Example Root CA G1** (`Review/Root`), root: replaced: `Subject` changed." in text
    assert "The new CA costs $400/month (GENERAL_PURPOSE)." in text
    assert "  - CAs beneath: **Example Issuing CA G1** (`Review/Issuing`) (re-signed, same key)" in text
    assert "  - Certificates beneath: `api.example.internal` (`Review/Api`)" in text
    assert "  - Trust stores to rebuild: `Review/TrustStore/Bundle`" in text
    assert "+$400/month: replacement GENERAL_PURPOSE CA x 1" in text
    assert "Retained (RETAIN), still billing $400/month until deleted by hand: **Example Root CA G1**" in text
    # the subordinate is inside the root's blast radius, not a second entry
    assert text.count("- CA **") == 1


def test_a_plain_acm_private_certificate_is_in_the_blast_radius_too(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, hierarchy, {"plain_acm": True}, {"plain_acm": True, "root_unit": "X"})
    assert status == 2
    assert "`plain.example.internal` (`Review/Plain" in text.split("Certificates beneath:")[1].splitlines()[0]


def test_roles_that_issue_at_runtime_are_services_in_the_blast_radius(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, hierarchy, {"worker": True}, {"worker": True, "root_unit": "X"})
    assert status == 2
    services = text.split("  - Services: ")[1].splitlines()[0]
    assert "`Review/WorkerDefaultPolicy" in services and "(issues certificates at runtime)" in services


def test_a_usage_mode_change_replaces_the_ca_and_changes_its_cost(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, hierarchy, {}, {"usage_mode": UsageMode.SHORT_LIVED_CERTIFICATE})
    assert status == 2
    assert "(`Review/Issuing`), subordinate: replaced: `UsageMode` changed." in text
    assert "+$50/month: replacement SHORT_LIVED_CERTIFICATE CA x 1 ($50/month each)" in text


def test_moving_a_certificate_to_another_ca_is_a_reissue_by_a_new_issuer(tmp_path: Path) -> None:
    text, status = review_of(
        tmp_path, hierarchy, {"second_issuer": True}, {"second_issuer": True, "moved": True}
    )
    assert status == 1
    assert (
        "Certificate `api.example.internal` (`Review/Api`): re-issued by `Review/Second` instead of `Review/Issuing`"
        in text
    )


# ------------------------------------------------------------------------------------------ trust kept


def test_renewing_a_ca_certificate_is_a_reissue_that_keeps_trust(tmp_path: Path) -> None:
    """Issue 17: a new CA certificate for the same CA resource (same key) is not a replacement of the CA."""
    text, status = review_of(tmp_path, hierarchy, {}, {"issuing_days": 1500})
    assert status == Status.REVIEW == 1
    assert (
        "- CA **Example Issuing CA G1** (`Review/Issuing`): CA certificate re-issued with the same key "
        "(`Validity` changed). Re-issue, trust kept" in text
    )
    assert "## Replacements that break trust\nNone." in text


def test_disabling_a_ca_is_not_a_reissue(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, hierarchy, {}, {"disable_issuing": True})
    assert status == 1
    assert "- CA **Example Issuing CA G1** (`Review/Issuing`): activation status now `DISABLED`." in text
    assert "re-issued" not in text


def test_dropping_acm_renewal_permission_is_a_posture_change(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, hierarchy, {}, {"acm_renewal": False})
    assert status == 1
    assert (
        "- **Example Issuing CA G1** (`Review/Issuing`): ACM renewal permission removed: ACM private "
        "certificates from this CA will fail to renew." in text
    )


def test_a_ca_no_longer_retained_is_named(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, hierarchy, {}, {"destroy_issuing": True})
    assert status == 1
    assert "- CA **Example Issuing CA G1** (`Review/Issuing`) is no longer retained" in text


def test_a_certificate_for_another_name_is_reissued_by_the_same_ca(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, hierarchy, {}, {"domain": "api2.example.internal"})
    assert status == 1
    assert (
        "Certificate `api2.example.internal` (`Review/Api`): re-issued with a new key (`DomainName` changed)"
        in text
    )


def test_a_ca_added_to_a_trust_store_is_a_content_change(tmp_path: Path) -> None:
    before = {"second_issuer": True}
    text, status = review_of(tmp_path, hierarchy, before, {**before, "trust_second": True})
    assert status == 1
    assert (
        "- Trust store `Review/TrustStore/Bundle` now trusts **Example Issuing CA G2** (`Review/Second`): "
        "their clients are accepted." in text
    )
    text, status = review_of(tmp_path, hierarchy, {**before, "trust_second": True}, before)
    assert "no longer trusts **Example Issuing CA G2** (`Review/Second`): their clients are refused." in text


def cross_region(app: cdk.App, o: dict[str, Any]) -> None:
    home = cdk.Stack(app, "Home", env=env("us-east-1"))
    workload = cdk.Stack(app, "Workload", env=env("eu-west-1"))
    root = RootCa(
        home, "Root", subject=subject("Example Root CA G1"), crl=CrlConfiguration(omit_extension=True)
    )
    other = RootCa(
        home, "OtherRoot", subject=subject("Example Root CA R2"), crl=CrlConfiguration(omit_extension=True)
    )
    SubordinateCa(
        workload,
        "Issuing",
        parent=other if o.get("reparent") else root,
        subject=subject("Example Issuing CA G1"),
        validity=cdk.Duration.days(o.get("issuing_days", 1825)),
        crl=CrlConfiguration(omit_extension=True),
    )


def review_of_apps(
    tmp_path: Path,
    build: Callable[[cdk.App, dict[str, Any]], None],
    before: dict[str, Any],
    after: dict[str, Any],
) -> tuple[str, int]:
    outputs = []
    for name, options in (("old", before), ("new", after)):
        app = make_app(outdir=str(tmp_path / name))
        build(app, options)
        outputs.append(Path(app.synth().directory))
    review = compare(*outputs)
    return render(review), int(review.status)


def test_renewing_a_ca_activated_across_regions_is_a_reissue_that_keeps_trust(tmp_path: Path) -> None:
    text, status = review_of_apps(tmp_path, cross_region, {}, {"issuing_days": 1500})
    assert status == 1
    assert (
        "- CA **Example Issuing CA G1** (`Workload/Issuing`): CA certificate re-issued with the same key "
        "(`Validity` changed). Re-issue, trust kept" in text
    )


def test_moving_a_ca_to_another_parent_breaks_trust(tmp_path: Path) -> None:
    text, status = review_of_apps(tmp_path, cross_region, {}, {"reparent": True})
    assert status == 2
    assert (
        "- CA **Example Issuing CA G1** (`Workload/Issuing`), subordinate: moves from parent `Home/Root` to "
        "`Home/OtherRoot`. Same key, another chain: relying parties that trust only the old chain refuse what "
        "it issued." in text
    )


def rotation(stack: cdk.Stack, o: dict[str, Any]) -> None:
    """Issue 17's rotation, one step per value of ``step``: 0 G1 alone; 1 G2 beside it, trusted too;
    2 the service certificate moves to G2; 3 G1 is removed."""
    step = o["step"]
    root = RootCa(
        stack, "Root", subject=subject("Example Root CA"), crl=CrlConfiguration(omit_extension=True)
    )
    generations = {
        name: SubordinateCa(stack, name, parent=root, subject=subject(f"Example Issuing CA {name}"))
        for name, present in (("G1", step < 3), ("G2", step >= 1))
        if present
    }
    ServiceCertificate(
        stack,
        "Api",
        certificate_authority=generations["G2" if step >= 2 else "G1"],
        domain_name="api.example.internal",
    )
    MutualTlsTrustStore(stack, "TrustStore", trusted_cas=list(generations.values()))


def test_rotation_steps_are_named_for_what_they_are_and_never_break_trust(tmp_path: Path) -> None:
    """Issue 17 item 5: a new generation beside the old one, clients moved, the old one retired."""
    text, status = review_of(tmp_path, rotation, {"step": 0}, {"step": 1})
    assert status == 1
    assert "- Added 1 CA: **Example Issuing CA G2** (`Review/G2`) under `Review/Root`" in text
    assert "- +$400/month: new GENERAL_PURPOSE CA x 1" in text
    assert "Trust store `Review/TrustStore/Bundle` now trusts **Example Issuing CA G2** (`Review/G2`)" in text

    text, status = review_of(tmp_path, rotation, {"step": 1}, {"step": 2})
    assert status == 1
    assert (
        "Certificate `api.example.internal` (`Review/Api`): re-issued by `Review/G2` instead of `Review/G1`"
        in text
    )

    text, status = review_of(tmp_path, rotation, {"step": 2}, {"step": 3})
    assert status == 1
    assert "no longer trusts **Example Issuing CA G1** (`Review/G1`): their clients are refused." in text
    assert "- Removed 1 CA: **Example Issuing CA G1** (`Review/G1`) under `Review/Root`" in text
    assert "still billing $400/month until deleted by hand: **Example Issuing CA G1** (`Review/G1`)" in text
    assert "renewal permission removed" not in text  # it goes with its CA
    assert "## Replacements that break trust\nNone." in text


def two_stacks(app: cdk.App, o: dict[str, Any]) -> None:
    """The CAs and a certificate in one stack, the listener that presents it in another (same region)."""
    # The listener reads the certificate ARN through an export, which the app check refuses unless told to warn.
    app.node.set_context("pki-constructs:strongReferences", "warn")
    pki = cdk.Stack(app, "Pki", env=env())
    root = RootCa(pki, "Root", subject=subject("Example Root CA", o.get("root_unit", "PKI")))
    issuing = SubordinateCa(pki, "Issuing", parent=root, subject=subject("Example Issuing CA"))
    certificate = ServiceCertificate(
        pki, "Api", certificate_authority=issuing, domain_name="api.example.internal"
    )
    elbv2.CfnListenerCertificate(
        cdk.Stack(app, "Frontend", env=env()),
        "ApiCertificate",
        listener_arn="arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/a/1/2",
        certificates=[
            elbv2.CfnListenerCertificate.CertificateProperty(certificate_arn=certificate.certificate_arn)
        ],
    )


def test_a_service_in_another_stack_is_in_the_blast_radius(tmp_path: Path) -> None:
    text, status = review_of_apps(tmp_path, two_stacks, {}, {"root_unit": "X"})
    assert status == 2
    assert "  - Services: `Frontend/ApiCertificate` (listener certificate)" in text


# ------------------------------------------------------------------------------------------ posture


def test_turning_off_ocsp_and_crl_is_a_posture_change(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, hierarchy, {}, {"ocsp": False, "crl": False})
    assert status == 1
    assert "- **Example Root CA G1** (`Review/Root`): CRL turned off" in text
    assert "- **Example Root CA G1** (`Review/Root`): OCSP turned off" in text


def bucket(stack: cdk.Stack, o: dict[str, Any]) -> None:
    s3.Bucket(
        stack,
        "Bucket",
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL
        if o["blocked"]
        else s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
    )


def test_opening_a_bucket_is_a_posture_change(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, bucket, {"blocked": True}, {"blocked": False})
    assert status == 1
    assert (
        "bucket opened: public access block `BlockPublicPolicy`, `RestrictPublicBuckets` turned off." in text
    )


def security_group(stack: cdk.Stack, o: dict[str, Any]) -> None:
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-1", availability_zones=["us-east-1a"])
    group = ec2.SecurityGroup(stack, "Group", vpc=vpc, allow_all_outbound=False)
    group.add_ingress_rule(
        ec2.Peer.any_ipv4() if o["open"] else ec2.Peer.ipv4("10.0.0.0/16"), ec2.Port.tcp(443)
    )


def test_opening_a_security_group_is_a_posture_change(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, security_group, {"open": False}, {"open": True})
    assert status == 1
    assert "security group opened to the internet: 0.0.0.0/0 tcp 443." in text


def listener(stack: cdk.Stack, o: dict[str, Any]) -> None:
    elbv2.CfnListener(
        stack,
        "Listener",
        load_balancer_arn="arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/a/1",
        port=443,
        protocol="HTTPS",
        ssl_policy=o.get("policy", "ELBSecurityPolicy-TLS13-1-2-2021-06"),
        certificates=[
            elbv2.CfnListener.CertificateProperty(certificate_arn="arn:aws:acm:us-east-1:1:certificate/x")
        ],
        mutual_authentication=elbv2.CfnListener.MutualAuthenticationProperty(
            mode=o.get("mode", "verify"),
            trust_store_arn="arn:aws:elasticloadbalancing:us-east-1:1:truststore/t/1"
            if o.get("mode", "verify") == "verify"
            else None,
        ),
        default_actions=[
            elbv2.CfnListener.ActionProperty(
                type="fixed-response", fixed_response_config={"statusCode": "200"}
            )
        ],
    )


def test_a_weaker_tls_policy_is_a_posture_change(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, listener, {}, {"policy": "ELBSecurityPolicy-TLS-1-2-2017-01"})
    assert status == 1
    assert (
        "TLS policy weakened: `ELBSecurityPolicy-TLS13-1-2-2021-06` (TLS 1.2+, with TLS 1.3) -> "
        "`ELBSecurityPolicy-TLS-1-2-2017-01` (TLS 1.2+)." in text
    )


def test_relaxing_mutual_tls_is_a_posture_change(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, listener, {}, {"mode": "passthrough"})
    assert status == 1
    assert "mTLS relaxed: mode `verify` -> `passthrough`." in text


def grant(stack: cdk.Stack, o: dict[str, Any]) -> None:
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["acm-pca:IssueCertificate"],
            resources=[
                "*" if o["wide"] else "arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/1"
            ],
        )
    )


def test_widening_a_grant_is_a_posture_change(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, grant, {"wide": False}, {"wide": True})
    assert status == 1
    assert "grant widened: `acm-pca:issuecertificate` on `*`." in text
    _, status = review_of(tmp_path, grant, {"wide": True}, {"wide": False})
    assert status == 0  # narrowing is not a finding


def test_tls_floors_follow_the_policy_names() -> None:
    floors = [
        elb_tls_floor(name)
        for name in (
            "ELBSecurityPolicy-2016-08",
            "ELBSecurityPolicy-TLS-1-1-2017-01",
            "ELBSecurityPolicy-TLS-1-2-2017-01",
            "ELBSecurityPolicy-TLS13-1-2-2021-06",
            "ELBSecurityPolicy-TLS13-1-3-2021-06",
        )
    ]
    assert None not in floors and floors == sorted(floors)  # type: ignore[type-var]
    assert elb_tls_floor("SomethingElse") is None
    assert [cloudfront_tls_floor(v) for v in ("TLSv1_2016", "TLSv1.2_2021")] == sorted(
        [cloudfront_tls_floor("TLSv1.2_2021"), cloudfront_tls_floor("TLSv1_2016")]  # type: ignore[type-var]
    )


# ------------------------------------------------------------------------------------------ cost, nothing


def test_a_new_ca_adds_its_monthly_cost(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, hierarchy, {}, {"second_issuer": True})
    assert status == 1
    assert "- +$400/month: new GENERAL_PURPOSE CA x 1 ($400/month each)" in text
    assert "- Added 1 CA: **Example Issuing CA G2** (`Review/Second`) under `Review/Root`" in text


def test_an_unrelated_change_exits_0(tmp_path: Path) -> None:
    def build(stack: cdk.Stack, o: dict[str, Any]) -> None:
        hierarchy(stack, {})
        cdk.aws_sqs.Queue(stack, "Queue", retention_period=cdk.Duration.days(o["days"]))

    text, status = review_of(tmp_path, build, {"days": 4}, {"days": 5})
    assert status == Status.NOTHING == 0
    assert "_1 other resource change(s) with no PKI meaning" in text


# ------------------------------------------------------------------------------------------ the reference app


def reference_assembly(outdir: Path, edit: Callable[[cdk.App], None] | None = None, **config: Any) -> Path:
    import app as reference_app

    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    context["pki-reference"] = {**context["pki-reference"], **config}
    app = reference_app.build(cdk.App(context=context, outdir=str(outdir), analytics_reporting=False))
    if edit is not None:
        edit(app)
    app.synth()
    return outdir


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return reference_assembly(tmp_path_factory.mktemp("main"))


def test_reference_first_synth_is_a_short_report(reference: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    review = compare(empty, reference)
    text = render(review)
    assert review.status == 1
    assert len(text.splitlines()) < 80
    assert "- +$1200/month: new GENERAL_PURPOSE CAs x 3 ($400/month each)" in text
    # every CA, certificate and trust bundle of the reference app carries its record
    assert [len(review.added[what]) for what in ("CAs", "certificates", "trust stores")] == [3, 5, 1]
    assert (
        "**MyCompany Issuing CA eu-west-1 G1** (`PkiReference-Workload/IssuingCa`) under `PkiReference-Pki/RootCa`"
        in text
    )


@pytest.fixture(scope="module")
def new_unit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reference app with another organizationalUnit in cdk.json's pki-reference context."""
    return reference_assembly(tmp_path_factory.mktemp("ou"), organizationalUnit="Security")


def test_reference_root_subject_change_exits_2_naming_everything_beneath(
    reference: Path, new_unit: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(reference), str(new_unit)]) == 2
    text = capsys.readouterr().out
    root_entry = text.split("\n- CA ")[1]  # the root owns the blast radius
    assert root_entry.startswith(
        "**MyCompany Root CA G1** (`PkiReference-Pki/RootCa`), root: replaced: `Subject`"
    )
    assert "The new CA costs $400/month (GENERAL_PURPOSE)." in root_entry
    for name in (
        "`PkiReference-Pki/CodeSigningCa`",
        "`PkiReference-Workload/IssuingCa`",
        "`PkiReference-Workload/PrivateTier/ServerCertificate`",
        "`PkiReference-Workload/PrivateTier/OrdersClientCertificate`",
        "`PkiReference-Workload/PrivateTier/PaymentsClientCertificate`",
        "`PkiReference-Workload/PrivateTier/LoadBalancer/MutualTls/Bundle`",
    ):
        assert name in root_entry


def test_reference_expiry_alarm_threshold_change_exits_0(
    reference: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    def new_threshold(app: cdk.App) -> None:
        alarms = [c for c in app.node.find_all() if isinstance(c, cdk.aws_cloudwatch.CfnAlarm)]
        assert alarms
        alarms[0].add_property_override("Threshold", 45)

    changed = reference_assembly(tmp_path_factory.mktemp("alarm"), edit=new_threshold)
    review = compare(reference, changed)
    assert review.status == 0, render(review)
    assert review.other_resources == 1


# ------------------------------------------------------------------------------------------ inputs, CLI


def test_fails_on_an_input_that_is_not_a_template(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"not": "a template"}')
    assert main([str(bad), str(bad)]) == INPUT_ERROR == 3
    assert "not a CloudFormation template" in capsys.readouterr().err
    assert main([str(tmp_path / "missing"), str(bad)]) == 3


def test_fails_with_3_not_2_on_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["only-one"])
    assert exit_info.value.code == 3


def test_the_review_runs_without_aws_cdk_lib(reference: Path, tmp_path: Path) -> None:
    """CI can run it without jsii: nothing under pki_constructs.review imports aws-cdk-lib."""
    code = (
        "import sys\nfrom pki_constructs.review.cli import main\ncode = main(['/dev/null', sys.argv[1]])\n"
        "assert 'aws_cdk' not in sys.modules and 'jsii' not in sys.modules, 'aws-cdk-lib was imported'\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(reference)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("# PKI change review: review needed (exit 1)")


def test_records_cross_region_parent_by_construct_path(reference: Path) -> None:
    workload = json.loads((reference / "PkiReference-Workload.template.json").read_text())
    records = [
        r["Metadata"]["pki-constructs"]
        for r in workload["Resources"].values()
        if "pki-constructs" in r.get("Metadata", {})
    ]
    issuing = next(r for r in records if r["kind"] == "ca")
    assert issuing == {
        "v": 1,
        "kind": "ca",
        "id": "PkiReference-Workload/IssuingCa",
        "name": "MyCompany Issuing CA eu-west-1 G1",
        "parent": "PkiReference-Pki/RootCa",
        "usageMode": "GENERAL_PURPOSE",
        "monthlyUsd": 400,
    }
    assert {"v": 1, "kind": "ca-activation", "ca": "PkiReference-Workload/IssuingCa"} in records


def test_fails_with_3_and_advice_without_cfn_lint(tmp_path: Path) -> None:
    code = (
        "import sys\nsys.modules['cfnlint'] = None\nfrom pki_constructs.review.cli import main\n"
        "sys.exit(main(['/dev/null', '/dev/null']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 3
    assert "pip install 'pki-constructs[review]'" in result.stderr


def test_every_public_name_of_the_review_resolves() -> None:
    import pki_constructs.review as review

    for name in review.__all__:
        assert getattr(review, name).__name__ == name


def test_replacement_rules_come_from_the_cloudformation_schemas() -> None:
    ca = create_only_properties("AWS::ACMPCA::CertificateAuthority", "us-east-1")
    assert {("Subject",), ("KeyAlgorithm",), ("UsageMode",)} <= set(ca)
    assert ("RevocationConfiguration",) not in ca  # updated in place
    assert ("Validity",) in create_only_properties("AWS::ACMPCA::Certificate", "eu-west-1")
    assert create_only_properties("Custom::PkiCaActivation", "us-east-1") == ()


def test_reads_the_reference_snapshot_file(tmp_path: Path) -> None:
    snapshot = ROOT / "tests/__snapshots__/test_reference_app"  # split per stack and construct
    assert compare(snapshot, snapshot).status == 0
    first = compare(Path("/dev/null"), snapshot)
    assert first.status == 1
    assert len(render(first).splitlines()) < 80
    assert [line.count for line in first.cost] == [3]


def without_records(assembly: Path, into: Path) -> Path:
    """The templates as synthesized before constructs wrote pki-constructs records."""
    into.mkdir()
    for template_file in assembly.glob("*.template.json"):
        template = json.loads(template_file.read_text())
        for resource in template["Resources"].values():
            resource.get("Metadata", {}).pop("pki-constructs", None)
        (into / template_file.name).write_text(json.dumps(template))
    return into


def test_a_base_synthesized_before_the_records_is_matched_by_resource(
    reference: Path, new_unit: Path, tmp_path: Path
) -> None:
    """The first pull request after upgrading compares a base without records: same resources, no verdict."""
    old = without_records(reference, tmp_path / "old")
    assert compare(old, reference).status == 0
    breaking = compare(old, new_unit)
    assert breaking.status == 2
    assert [radius.ca.id for radius in breaking.breaking] == ["PkiReference-Pki/RootCa"]
    assert len(breaking.breaking[0].certificates) == 3


# ------------------------------------------------------------------------------------------ issue 16 attacks


def test_renaming_a_ca_construct_is_a_trust_breaking_replacement(tmp_path: Path) -> None:
    """New logical id and path: CloudFormation deletes the old CA and creates a new one (a new key) that takes
    over its certificates; grants that name the CA by another logical id are not wider."""
    text, status = review_of(
        tmp_path, hierarchy, {"worker": True}, {"worker": True, "issuing_id": "IssuingV2"}
    )
    assert status == 2
    assert (
        "- CA **Example Issuing CA G1** (`Review/IssuingV2`), subordinate: replaced: `Review/Issuing` is removed "
        "and `Review/IssuingV2`" in text
    )
    assert "  - Certificates beneath: `api.example.internal` (`Review/Api`)" in text
    assert "  - Trust stores to rebuild: `Review/TrustStore/Bundle`" in text
    assert "grant widened" not in text
    assert "re-issued by" not in text  # inside the blast radius, not a re-issue
    assert "+$400/month: replacement GENERAL_PURPOSE CA x 1" in text


def l1_ca(stack: cdk.Stack, o: dict[str, Any]) -> None:
    """A plain CfnCertificateAuthority: no pki-constructs record."""
    cdk.aws_acmpca.CfnCertificateAuthority(
        stack,
        "Plain",
        type=o.get("type", "ROOT"),
        key_algorithm="EC_prime256v1",
        signing_algorithm="SHA256WITHECDSA",
        subject=cdk.aws_acmpca.CfnCertificateAuthority.SubjectProperty(
            common_name="Plain CA", organization=o["org"]
        ),
        usage_mode=o.get("usage_mode"),
    )


def test_a_ca_without_records_takes_role_and_cost_from_its_template(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, l1_ca, {"org": "A"}, {"org": "B"})
    assert status == 2
    assert "- CA **Plain CA** (`Review/Plain`), root: replaced: `Subject` changed." in text
    assert "The new CA costs $400/month (GENERAL_PURPOSE)." in text
    text, _ = review_of(
        tmp_path,
        l1_ca,
        {"org": "A", "type": "SUBORDINATE", "usage_mode": "SHORT_LIVED_CERTIFICATE"},
        {"org": "B", "type": "SUBORDINATE", "usage_mode": "SHORT_LIVED_CERTIFICATE"},
    )
    assert "(`Review/Plain`), subordinate: replaced: `Subject` changed." in text
    assert "The new CA costs $50/month (SHORT_LIVED_CERTIFICATE)." in text


def test_removing_a_listener_tls_policy_falls_back_to_tls_1_0(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, listener, {}, {"policy": None})
    assert status == 1
    assert (
        "TLS policy weakened: `ELBSecurityPolicy-TLS13-1-2-2021-06` (TLS 1.2+, with TLS 1.3) -> "
        "`ELBSecurityPolicy-2016-08 (the default, SslPolicy unset)` (TLS 1.0+)." in text
    )


def admin_policy(stack: cdk.Stack, o: dict[str, Any]) -> None:
    if o["present"]:
        iam.ManagedPolicy(
            stack,
            "PcaAdmin",
            statements=[iam.PolicyStatement(actions=[o.get("action", "acm-pca:*")], resources=["*"])],
        )
    cdk.aws_sqs.Queue(stack, "Queue")


def test_a_new_open_policy_is_a_posture_change(tmp_path: Path) -> None:
    text, status = review_of(tmp_path, admin_policy, {"present": False}, {"present": True})
    assert status == 1
    assert (
        ": new open grant: `acm-pca:*` on `*`."
        in text.split("## Security posture changes\n- `Review/PcaAdmin")[1]
    )
    _, status = review_of(
        tmp_path,
        admin_policy,
        {"present": False},
        {"present": True, "action": "acm-pca:DescribeCertificateAuthority"},
    )
    assert status == 0  # a new read-only grant is left to the template diff


@pytest.fixture(scope="module")
def two_account(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The two-account reference app ({stack: template}): the issuing CA shared from the PKI account."""
    assembly = Path(two_account_app(str(tmp_path_factory.mktemp("two"))).synth().directory)
    return {
        p.name.removesuffix(".template.json"): json.loads(p.read_text())
        for p in assembly.glob("*.template.json")
    }


SHARED = "PkiReference-SharedIssuing"


def review_of_mutation(
    tmp_path: Path, base: dict[str, Any], mutate: Callable[[dict[str, Any]], None]
) -> tuple[str, int]:
    changed = json.loads(json.dumps(base))
    mutate(changed)
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(base))
    new.write_text(json.dumps(changed))
    review = compare(old, new)
    return render(review), int(review.status)


def _of_type(templates: dict[str, Any], stack: str, kind: str) -> list[dict[str, Any]]:
    return [r for r in templates[stack]["Resources"].values() if r["Type"] == kind]


def test_a_shared_ca_names_the_other_accounts_certificates_and_trust_stores(
    two_account: dict[str, Any], tmp_path: Path
) -> None:
    def new_subject(t: dict[str, Any]) -> None:
        for ca in _of_type(t, SHARED, "AWS::ACMPCA::CertificateAuthority"):
            ca["Properties"]["Subject"]["OrganizationalUnit"] = "Other"

    text, status = review_of_mutation(tmp_path, two_account, new_subject)
    assert status == 2
    entry = text.split("## Re-issues")[0]
    assert "(`PkiReference-SharedIssuing/IssuingCa`), subordinate: replaced: `Subject` changed." in entry
    for name in (
        "`PkiReference-Workload/PrivateTier/ServerCertificate`",
        "`PkiReference-Workload/PrivateTier/OrdersClientCertificate`",
        "`PkiReference-Workload/PrivateTier/LoadBalancer/MutualTls/Bundle`",
    ):
        assert name in entry


def test_records_a_ca_read_through_a_weak_reference_by_its_producer(two_account: dict[str, Any]) -> None:
    records = [
        r["Metadata"]["pki-constructs"]
        for r in two_account["PkiReference-Workload"]["Resources"].values()
        if "pki-constructs" in r.get("Metadata", {})
    ]
    issuers = {r.get("issuer") for r in records if r["kind"] == "certificate"}
    assert issuers == {"acm", "PkiReference-SharedIssuing/IssuingCa"}
    assert [r["cas"] for r in records if r["kind"] == "trust-store"] == [
        ["PkiReference-SharedIssuing/IssuingCa"]
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda share: share["Properties"].update(
                Principals=["arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5"]
            ),
            "now shared with `arn:aws:organizations::111111111111:organization/o-a1b2c3d4e5` (every account in it), "
            "was `222222222222`.",
        ),
        (
            lambda share: share["Properties"].update(
                PermissionArns=[
                    "arn:aws:ram::aws:permission/AWSRAMSubordinateCACertificatePathLen0IssuanceCertificateAuthority"
                ]
            ),
            "RAM share permission changed: `AWSRAMDefaultPermissionCertificateAuthority` -> "
            "`AWSRAMSubordinateCACertificatePathLen0IssuanceCertificateAuthority`",
        ),
        (
            None,
            "RAM share removed: `222222222222` can no longer issue from **MyCompany Issuing CA eu-west-1 G1**",
        ),
    ],
    ids=["organization", "permission", "removed"],
)
def test_ram_share_changes_are_grant_changes(
    two_account: dict[str, Any],
    tmp_path: Path,
    change: Callable[[dict[str, Any]], None] | None,
    expected: str,
) -> None:
    def mutate(t: dict[str, Any]) -> None:
        resources = t[SHARED]["Resources"]
        for logical_id in [k for k, r in resources.items() if r["Type"] == "AWS::RAM::ResourceShare"]:
            if change is None:
                del resources[logical_id]
            else:
                change(resources[logical_id])

    text, status = review_of_mutation(tmp_path, two_account, mutate)
    assert status == 1
    assert expected in text.split("## Security posture changes")[1]


def test_fails_on_input_that_is_not_json_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "broken.json"
    bad.write_text("{not json")
    assert main([str(bad), str(bad)]) == 3
    assert f"{bad}: not JSON" in capsys.readouterr().err


def test_fails_on_resources_that_are_not_an_object(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "list.json"
    bad.write_text('{"Resources": []}')
    assert main(["/dev/null", str(bad)]) == 3
    assert "`Resources` must be an object" in capsys.readouterr().err
