"""First contact, measured: clone the repository into a throwaway folder and time the README's commands.

Prints three wall times: the first ``npm run synth`` (venv with runtime dependencies, CDK CLI, Node 22,
then synth), the first ``npm test`` (adds the test toolchain, runs mypy without a cache and every test) and
a second, warm ``npm test``. Targets (issue 14, 2 cores, idle, warm package caches): 40 s, 150 s, 60 s.

Each step's CPU time (user + system of every process it started) is printed beside its wall time: it
does not grow with other load, so it tells what a step costs on a busy machine. Package caches
(pip's and npm's) are the machine's: run this once to warm them, then again to measure.
The load average before and after is printed, because other work on the machine inflates every figure.

    python3 benchmarks/fresh_clone.py [--source PATH] [--keep] [--log FILE]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"first npm run synth": 40.0, "first npm test": 150.0, "warm npm test": 60.0}


def _clean_env() -> dict[str, str]:
    """The caller's environment without this repository's venv or tools on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "JSII_NODE")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if "/.venv/" not in p and "/node_modules/" not in p
    )
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(label: str, command: list[str], cwd: Path, log: Path) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, all child processes) of one command."""
    print(f"{label}: running `{' '.join(command)}` ...", flush=True)
    cpu_before = _children_cpu()
    started = time.perf_counter()
    with log.open("a") as out:
        out.write(f"\n===== {label}: {' '.join(command)}\n")
        out.flush()
        done = subprocess.run(command, cwd=cwd, env=_clean_env(), stdout=out, stderr=subprocess.STDOUT)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:  # still a timing, but say so: a failing run is no figure to publish
        print(f"{label} FAILED (exit {done.returncode}) after {elapsed:.0f} s; see {log}", flush=True)
    return elapsed, _children_cpu() - cpu_before


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--source", default=str(ROOT), help="repository to clone (default: this one, at HEAD)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the clone")
    parser.add_argument("--log", default=None, help="where the commands' output goes")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="pki-fresh-clone-"))
    clone = workdir / "clone"
    log = Path(args.log) if args.log else workdir / "commands.log"
    subprocess.run(["git", "clone", "--quiet", args.source, str(clone)], check=True)
    load_before = os.getloadavg()
    figures = {
        "first npm run synth": _timed("first npm run synth", ["npm", "run", "synth"], clone, log),
        "first npm test": _timed("first npm test", ["npm", "test"], clone, log),
        "warm npm test": _timed("warm npm test", ["npm", "test"], clone, log),
    }
    load_after = os.getloadavg()

    print(f"\nfresh clone of {args.source} on {os.cpu_count()} cores")
    print(
        f"load average (1/5/15 min) before {load_before[0]:.1f}/{load_before[1]:.1f}/{load_before[2]:.1f}, "
        f"after {load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f}"
    )
    # CPU seconds are what the steps cost whatever else runs; on an idle machine wall >= CPU / cores.
    print(f"{'step':<22}{'wall':>8}{'cpu':>8}{'target (wall)':>15}")
    for name, (wall, cpu) in figures.items():
        verdict = "" if wall <= TARGETS[name] else "  missed"
        print(f"{name:<22}{wall:>7.0f}s{cpu:>7.0f}s{TARGETS[name]:>14.0f}s{verdict}")
    if args.keep:
        print(f"clone kept at {clone}; log {log}")
    else:
        if args.log is None:
            kept_log = Path(tempfile.gettempdir()) / "pki-fresh-clone.log"
            shutil.copy(log, kept_log)
            print(f"log: {kept_log}")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
