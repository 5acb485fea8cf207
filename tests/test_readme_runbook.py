"""The README's "CA lifecycle runbook": every Python block between its markers runs, verbatim, and synthesizes.

The README-wide mechanism (pytest-markdown-docs) was not on main when the runbook was written, so this test
extracts the runbook's blocks itself. Each block gets what its fence declares (``fixture:stack``, the
convention of the README prelude: a stack with a literal environment) in a fresh app, so blocks stay
independent. Once every README block runs through the plugin, this test is redundant.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.synth import make_app, make_stack

README = Path(__file__).resolve().parents[1] / "README.md"
_SECTION = re.compile(r"<!-- runbook:start -->(.*?)<!-- runbook:end -->", re.S)
_PYTHON = re.compile(r"^```python(?: [^\n]*)?\n(.*?)^```", re.S | re.M)


def runbook_blocks() -> list[str]:
    (section,) = _SECTION.findall(README.read_text())
    return _PYTHON.findall(section)


def test_the_runbook_has_its_renewal_and_rotation_blocks() -> None:
    blocks = runbook_blocks()
    assert len(blocks) == 2
    assert "certificate_generation=2" in blocks[0]
    assert "CaRotation(" in blocks[1]


@pytest.mark.parametrize("index", range(2))
def test_runbook_block_runs_and_synthesizes(index: int) -> None:
    stack = make_stack(make_app())
    exec(compile(runbook_blocks()[index], f"README.md runbook block {index}", "exec"), {"stack": stack})
    stack.node.root.synth()  # type: ignore[attr-defined]
