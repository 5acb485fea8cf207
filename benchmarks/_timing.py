"""Shared measuring helpers: run variants alternately in fresh processes and report medians and ratios."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_alternately(
    variants: dict[str, Sequence[str]], rounds: int, warmup: int = 1, field: str = "seconds"
) -> dict[str, list[float]]:
    """Run each variant's command ``rounds`` times, A B A B ..., each printing one JSON line
    ``{"seconds": x, ...}``; return ``field`` per variant (warm-up rounds dropped)."""
    return run_alternately_fields(variants, rounds, warmup)[field]


def run_alternately_fields(
    variants: dict[str, Sequence[str]], rounds: int, warmup: int = 1
) -> dict[str, dict[str, list[float]]]:
    """Like :func:`run_alternately`, returning every field of the JSON lines: field -> variant -> values."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    results: dict[str, dict[str, list[float]]] = {}
    for round_number in range(warmup + rounds):
        for name, command in variants.items():
            out = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
            measured = json.loads(out.stdout.strip().splitlines()[-1])
            if round_number >= warmup:
                for field, value in measured.items():
                    results.setdefault(field, {n: [] for n in variants})[name].append(value)
    return results


def cpu_seconds() -> float:
    """CPU time of this process and its live descendants (the jsii node kernel does most of a synth's work).

    Wall time on a loaded machine measures the queue for the cores; CPU time measures the work, so medians
    and ratios of CPU time stay comparable between an idle and a busy machine (Linux /proc only)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = time.process_time()
    pending = _children(os.getpid())
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (stat fields 14, 15)
        pending.extend(_children(pid))
    return total


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


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
