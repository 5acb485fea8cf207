"""Synth time of a RootCa + SubordinateCa stack against the same hierarchy hand-wired with L1 resources.

Each measurement is a fresh process timing App construction + synth (not the ~1 s import, which both
pay alike), run alternately. Target: ratio <= 1.10. Run: `.ci/with-env python benchmarks/synth_ca_vs_l1.py`.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time

from _timing import cpu_seconds, python, report, run_alternately_fields


def _constructs(stack: object) -> None:
    from pki_constructs import CrlConfiguration, DistinguishedName, RootCa, SubordinateCa

    root = RootCa(
        stack, "Root", subject=DistinguishedName(common_name="Bench Root CA"), crl=CrlConfiguration.disabled()
    )  # type: ignore[arg-type]
    SubordinateCa(
        stack,  # type: ignore[arg-type]
        "Sub",
        parent=root,
        subject=DistinguishedName(common_name="Bench Sub CA"),
        crl=CrlConfiguration.disabled(),
        acm_renewal_permission=False,
    )


def _l1(stack: object) -> None:
    from aws_cdk import aws_acmpca as pca

    def ca(id: str, ca_type: str, cn: str) -> pca.CfnCertificateAuthority:
        return pca.CfnCertificateAuthority(
            stack,  # type: ignore[arg-type]
            id,
            type=ca_type,
            key_algorithm="RSA_2048",
            signing_algorithm="SHA256WITHRSA",
            subject=pca.CfnCertificateAuthority.SubjectProperty(common_name=cn),
            usage_mode="GENERAL_PURPOSE",
            revocation_configuration=pca.CfnCertificateAuthority.RevocationConfigurationProperty(
                crl_configuration=pca.CfnCertificateAuthority.CrlConfigurationProperty(enabled=False),
                ocsp_configuration=pca.CfnCertificateAuthority.OcspConfigurationProperty(enabled=False),
            ),
        )

    root = ca("Root", "ROOT", "Bench Root CA")
    root_cert = pca.CfnCertificate(
        stack,  # type: ignore[arg-type]
        "RootCert",
        certificate_authority_arn=root.attr_arn,
        certificate_signing_request=root.attr_certificate_signing_request,
        signing_algorithm="SHA256WITHRSA",
        template_arn="arn:aws:acm-pca:::template/RootCACertificate/V1",
        validity=pca.CfnCertificate.ValidityProperty(type="DAYS", value=3650),
    )
    root_act = pca.CfnCertificateAuthorityActivation(
        stack,  # type: ignore[arg-type]
        "RootActivation",
        certificate_authority_arn=root.attr_arn,
        certificate=root_cert.attr_certificate,
        status="ACTIVE",
    )
    sub = ca("Sub", "SUBORDINATE", "Bench Sub CA")
    sub_cert = pca.CfnCertificate(
        stack,  # type: ignore[arg-type]
        "SubCert",
        certificate_authority_arn=root_act.ref,
        certificate_signing_request=sub.attr_certificate_signing_request,
        signing_algorithm="SHA256WITHRSA",
        template_arn="arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1",
        validity=pca.CfnCertificate.ValidityProperty(type="DAYS", value=1825),
    )
    pca.CfnCertificateAuthorityActivation(
        stack,  # type: ignore[arg-type]
        "SubActivation",
        certificate_authority_arn=sub.attr_arn,
        certificate=sub_cert.attr_certificate,
        certificate_chain=root_act.attr_complete_certificate_chain,
        status="ACTIVE",
    )


def measure_once(variant: str) -> None:
    """Print the seconds of App construction + synth, and of importing what the variant needs."""
    started = time.perf_counter()
    import aws_cdk as cdk
    from aws_cdk import aws_acmpca  # noqa: F401  (what the L1 variant needs)

    if variant == "constructs":
        from pki_constructs import CrlConfiguration, DistinguishedName, RootCa, SubordinateCa  # noqa: F401
    imported, cpu_imported = time.perf_counter(), cpu_seconds()
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir, analytics_reporting=False)
        stack = cdk.Stack(app, "Bench", env=cdk.Environment(account="111111111111", region="us-east-1"))
        (_constructs if variant == "constructs" else _l1)(stack)
        app.synth()
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "seconds": done - imported,
                "cpu_seconds": cpu_seconds() - cpu_imported,
                "import_seconds": imported - started,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--once", choices=["constructs", "l1"])
    args = parser.parse_args()
    if args.once:
        measure_once(args.once)
        return
    me = [python(), __file__, "--once"]
    results = run_alternately_fields(
        {"l1": [*me, "l1"], "constructs": [*me, "constructs"]}, rounds=args.rounds
    )
    for field in ("seconds", "cpu_seconds"):
        print(f"-- {field}")
        medians = report(results[field], baseline="l1")
        ratio = medians["constructs"] / medians["l1"]
        print(f"synth, RootCa+SubordinateCa / hand-wired L1 ({field}): {ratio:.3f} (target <= 1.10)")
    print("-- import_seconds (paid once per process, not part of the ratio)")
    report(
        {f"{name} import": values for name, values in results["import_seconds"].items()}, baseline="l1 import"
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
