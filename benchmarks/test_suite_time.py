"""Wall time of the full test suite (the README's pytest run, without ruff/mypy), target <= 120 s on
a 2-core machine. Run: `.ci/with-env python benchmarks/test_suite_time.py [--rounds N]`."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from _timing import ROOT


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    seconds = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        seconds.append(time.perf_counter() - started)
    print(
        f"test suite wall time: median {statistics.median(seconds):.1f} s "
        f"(min {min(seconds):.1f}, max {max(seconds):.1f}, n={len(seconds)}; target <= 120 s)"
    )


if __name__ == "__main__":
    main()
