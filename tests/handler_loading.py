"""Loads a Lambda handler module for tests. Every handler file is ``lambda/<name>/index.py`` and
``lambda`` is a Python keyword, so handlers are loaded by path under a unique module name."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"


def load_handler(name: str, module_name: str | None = None) -> ModuleType:
    """A freshly executed ``lambda/<name>/index.py`` (so lazily cached clients start empty), registered in
    ``sys.modules`` as ``module_name`` (default ``pki_handler_<name>``) for dataclasses and pickling."""
    spec = importlib.util.spec_from_file_location(
        module_name or f"pki_handler_{name}", LAMBDA_DIR / name / "index.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module
