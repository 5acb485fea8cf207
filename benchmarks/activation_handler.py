"""The ca_activation handler's cold-start import time and Lambda invocations per activation.

* import: a fresh process per sample times ``import pki_handlers.ca_activation`` (with ``lambda/`` on
  ``sys.path``, as Lambda puts the asset root) alone (boto3 is imported lazily, on the first AWS call), and
  separately with boto3 + botocore.config, which the first invocation pays. Target: handler import <= 0.3 s.
* invocations: the Provider framework in miniature (on_event, then is_complete until complete) against moto
  answering at once, cross-region (parent us-east-1, child eu-west-1). Target: <= 3.

Run: `.ci/with-env python benchmarks/activation_handler.py [--rounds N]`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_ROOT = ROOT / "lambda"

_IMPORT = """
import json, sys, time
sys.path.insert(0, {path!r})
t = time.perf_counter()
import pki_handlers.ca_activation
handler = time.perf_counter() - t
t = time.perf_counter()
import boto3, botocore.config
print(json.dumps({{"handler": handler, "boto3": time.perf_counter() - t}}))
"""


def import_times(rounds: int) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {"handler": [], "boto3": []}
    for _ in range(rounds + 1):  # the first is a warm-up (disk cache)
        out = subprocess.run(
            [sys.executable, "-c", _IMPORT.format(path=str(LAMBDA_ROOT))],
            capture_output=True,
            text=True,
            check=True,
        )
        values = json.loads(out.stdout)
        for key in samples:
            samples[key].append(values[key])
    return {key: values[1:] for key, values in samples.items()}


def invocations_per_activation(activations: int) -> list[int]:
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="eu-west-1"
    )
    sys.path.insert(0, str(ROOT))
    from moto import mock_aws

    from tests.handler_loading import load_handler
    from tests.handlers.activation_support import (
        CHILD_REGION,
        PARENT_REGION,
        Provider,
        create_root,
        create_subordinate,
        event,
        properties,
    )

    index: Any = load_handler("ca_activation")
    counts = []
    with mock_aws():
        root = create_root(PARENT_REGION)
        for number in range(activations):
            child = create_subordinate(CHILD_REGION, f"Issuing CA {number}")
            provider = Provider(index)
            provider.run(event("Create", properties(child, root), request_id=f"req-{number}"))
            counts.append(provider.invocations)
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="fresh-process import samples")
    parser.add_argument("--activations", type=int, default=3, help="moto activations to count")
    args = parser.parse_args()

    times = import_times(args.rounds)
    for key, label in (("handler", "handler module import"), ("boto3", "+ boto3 on first call")):
        values = times[key]
        print(
            f"{label:<24} median {statistics.median(values) * 1000:7.1f} ms "
            f"(min {min(values) * 1000:.1f}, max {max(values) * 1000:.1f}, n={len(values)})"
        )
    counts = invocations_per_activation(args.activations)
    print(f"invocations per activation (AWS answering at once): {counts} (target <= 3)")
    handler_median = statistics.median(times["handler"])
    verdict = "OK" if handler_median <= 0.3 and max(counts) <= 3 else "MISSED"
    print(f"targets: import <= 300 ms, invocations <= 3 -> {verdict}")


if __name__ == "__main__":
    main()
