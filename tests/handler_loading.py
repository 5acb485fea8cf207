"""Loads a Lambda handler module for tests. The handlers are one package, ``lambda/pki_handlers`` (``lambda``
is a Python keyword, so the package's parent folder is put on ``sys.path``, as Lambda does with the asset root)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType

LAMBDA_DIR = Path(__file__).resolve().parents[1] / "lambda"
PACKAGE = "pki_handlers"


def load_handler(name: str, module_name: str | None = None) -> ModuleType:
    """A freshly executed ``pki_handlers.<name>`` with fresh shared helpers (so lazily cached clients and the
    deadline start empty). ``module_name``, when given, also registers the module under that name."""
    if str(LAMBDA_DIR) not in sys.path:
        sys.path.insert(0, str(LAMBDA_DIR))
    for loaded in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
        del sys.modules[loaded]
    module = importlib.import_module(f"{PACKAGE}.{name}")
    if module_name:
        sys.modules[module_name] = module
    return module
