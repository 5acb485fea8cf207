"""Synth cost per service certificate: a stack with 1 vs 50 exported ServiceCertificates.

Fresh processes, run alternately, each timing App construction + synth with CDK's built-in validation
on. Target: <= 20 ms per extra certificate. Run: `.ci/with-env python benchmarks/synth_service_certificates.py`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

from _timing import python, report, run_alternately

MANY = 50


def measure_once(count: int) -> None:
    import aws_cdk as cdk

    from pki_constructs import DistinguishedName, RootCa, ServiceCertificate, SubordinateCa
    from tests.synth import pinned_context

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir, analytics_reporting=False, context=pinned_context())
        stack = cdk.Stack(app, "Bench", env=cdk.Environment(account="111111111111", region="eu-west-1"))
        root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Bench Root CA"))
        issuing = SubordinateCa(
            stack, "Issuing", parent=root, subject=DistinguishedName(common_name="Bench Issuing CA")
        )
        for i in range(count):
            ServiceCertificate(
                stack,
                f"Service{i}",
                certificate_authority=issuing,
                domain_name=f"svc{i}.internal.example",
                export=True,
            )
        app.synth()
    print(json.dumps({"seconds": time.perf_counter() - started}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--once", type=int)
    args = parser.parse_args()
    if args.once is not None:
        measure_once(args.once)
        return
    me = [python(), __file__, "--once"]
    results = run_alternately(
        {"1 certificate": [*me, "1"], f"{MANY} certificates": [*me, str(MANY)]}, rounds=args.rounds
    )
    medians = report(results, baseline="1 certificate")
    per_certificate = (medians[f"{MANY} certificates"] - medians["1 certificate"]) / (MANY - 1)
    print(f"per extra certificate: {per_certificate * 1000:.1f} ms (target <= 20 ms)")


if __name__ == "__main__":
    main()
