"""Shared measuring helpers: run variants alternately in fresh processes and report medians and ratios."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_alternately(
    variants: dict[str, Sequence[str]], rounds: int, warmup: int = 1, field: str = "seconds"
) -> dict[str, list[float]]:
    """Run each variant's command ``rounds`` times, A B A B ..., each printing one JSON line
    ``{"seconds": x, ...}``; return ``field`` per variant (warm-up rounds dropped)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    results: dict[str, list[float]] = {name: [] for name in variants}
    for round_number in range(warmup + rounds):
        for name, command in variants.items():
            out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
            seconds = json.loads(out.stdout.strip().splitlines()[-1])[field]
            if round_number >= warmup:
                results[name].append(seconds)
    return results


def report(results: dict[str, list[float]], baseline: str) -> dict[str, float]:
    """Print median (min-max) per variant and its ratio to ``baseline``; return the medians."""
    medians = {name: statistics.median(values) for name, values in results.items()}
    for name, values in results.items():
        print(
            f"{name:<28} median {medians[name] * 1000:8.1f} ms  (min {min(values) * 1000:.1f}, "
            f"max {max(values) * 1000:.1f}, n={len(values)})  ratio vs {baseline}: "
            f"{medians[name] / medians[baseline]:.3f}"
        )
    return medians


def python() -> str:
    return sys.executable
