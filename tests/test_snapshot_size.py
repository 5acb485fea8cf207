"""Snapshots are reviewed as code: no file may grow past what a reviewer reads in one sitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.synth import ROOT

LIMIT_BYTES = 60 * 1024
SNAPSHOT_DIR = ROOT / "tests" / "__snapshots__"
SNAPSHOTS = sorted(SNAPSHOT_DIR.rglob("*.json"))


def test_there_are_snapshots_to_check() -> None:
    assert len(SNAPSHOTS) > 10


@pytest.mark.parametrize("path", SNAPSHOTS, ids=lambda p: str(p.relative_to(SNAPSHOT_DIR)))
def test_no_snapshot_file_is_over_60_kb(path: Path) -> None:
    size = path.stat().st_size
    assert size <= LIMIT_BYTES, (
        f"{path.name} is {size // 1024} KB: split it (tests.synth.snapshot_parts) or snapshot less"
    )
