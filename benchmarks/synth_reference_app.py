"""Synth time of the reference app against an empty app, both with CDK's built-in validation on.

Each measurement is a fresh process that imports the app modules and times App construction + synth,
run alternately. Target: reference / empty <= 2.0 (issue 14). Run: `.ci/with-env python benchmarks/synth_reference_app.py`.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time

from _timing import cpu_seconds, python, report, run_alternately_fields


def measure_once(variant: str) -> None:
    import aws_cdk as cdk

    import app as reference_app
    from tests.synth import pinned_context

    started, cpu_started = time.perf_counter(), cpu_seconds()
    with tempfile.TemporaryDirectory() as outdir:
        app = cdk.App(outdir=outdir, analytics_reporting=False, context=pinned_context())
        if variant == "reference":
            reference_app.build(app)
        app.synth()
    print(json.dumps({"seconds": time.perf_counter() - started, "cpu_seconds": cpu_seconds() - cpu_started}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--once", choices=["empty", "reference"])
    args = parser.parse_args()
    if args.once:
        measure_once(args.once)
        return
    me = [python(), __file__, "--once"]
    results = run_alternately_fields(
        {"empty": [*me, "empty"], "reference": [*me, "reference"]}, rounds=args.rounds
    )
    for field in ("seconds", "cpu_seconds"):
        print(f"-- {field}")
        medians = report(results[field], baseline="empty")
        print(
            f"reference app / empty app ({field}): {medians['reference'] / medians['empty']:.2f} (target <= 2.0)"
        )


if __name__ == "__main__":
    main()
