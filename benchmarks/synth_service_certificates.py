"""Synth cost per service certificate: a stack with 1 vs 50 ServiceCertificates, plain (the key stays in
ACM: one certificate resource each) and exported (secret, KMS key, export resource and renewal rules each).

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


def measure_once(count: int, export: bool) -> None:
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
                export=export,
            )
        app.synth()
    print(json.dumps({"seconds": time.perf_counter() - started}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--once", type=int)
    parser.add_argument("--export", action="store_true")
    args = parser.parse_args()
    if args.once is not None:
        measure_once(args.once, args.export)
        return
    for export in (False, True):
        me = [python(), __file__, *(["--export"] if export else []), "--once"]
        kind = "exported" if export else "plain"
        one, many = f"1 {kind}", f"{MANY} {kind}"
        results = run_alternately({one: [*me, "1"], many: [*me, str(MANY)]}, rounds=args.rounds)
        medians = report(results, baseline=one)
        per_certificate = (medians[many] - medians[one]) / (MANY - 1)
        print(f"per extra {kind} certificate: {per_certificate * 1000:.1f} ms (target <= 20 ms)")


if __name__ == "__main__":
    main()
