"""Synth cost per service certificate: a stack with 1 vs 50 ServiceCertificates, plain (the key stays in
ACM: one certificate resource each) and exported (one certificate resource each, tagged, plus an entry in the
stack's one export manifest; the key, function, rules and permissions are the stack's, paid once).

Fresh processes, run alternately, each timing App construction + synth with CDK's built-in validation
on. Targets (issue 14): <= 5 ms per extra plain certificate, <= 10 ms per extra exported certificate. Run: `.ci/with-env python benchmarks/synth_service_certificates.py`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

from _timing import cpu_seconds, python, report, run_alternately_fields

MANY = 50


def measure_once(count: int, export: bool) -> None:
    import aws_cdk as cdk

    from pki_constructs import DistinguishedName, RootCa, ServiceCertificate, SubordinateCa
    from tests.synth import pinned_context

    started, cpu_started = time.perf_counter(), cpu_seconds()
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
    print(json.dumps({"seconds": time.perf_counter() - started, "cpu_seconds": cpu_seconds() - cpu_started}))


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
        results = run_alternately_fields({one: [*me, "1"], many: [*me, str(MANY)]}, rounds=args.rounds)
        target = 10 if export else 5
        for field in ("seconds", "cpu_seconds"):
            print(f"-- {field}")
            medians = report(results[field], baseline=one)
            per_certificate = (medians[many] - medians[one]) / (MANY - 1)
            print(
                f"per extra {kind} certificate ({field}): {per_certificate * 1000:.1f} ms (target <= {target} ms)"
            )


if __name__ == "__main__":
    main()
