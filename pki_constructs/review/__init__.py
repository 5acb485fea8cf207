"""``pki-review``: what a change does to the PKI, in words a reviewer can act on.

Compares two cloud assemblies (``cdk.out``) or two template snapshots offline, from plain JSON: no
aws-cdk-lib, no jsii, no AWS. CloudFormation's resource schemas (shipped with cfn-lint, the ``review``
extra) say what is replaced; the ``pki-constructs`` metadata our constructs write says what a replacement
means (see :mod:`pki_constructs.review.record_format`).

    python -m pki_constructs.review OLD NEW      # or: pki-review OLD NEW

Exit status: 0 nothing PKI-relevant, 1 review needed, 2 trust-breaking change, 3 an input could not be read.

Names load on first use: the constructs import :mod:`.record_format` from here and must not need cfn-lint.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULE_OF = {
    "compare": "api",
    "render": "report",
    "Review": "classify",
    "Status": "classify",
    "ReviewInputError": "assembly",
}

__all__ = ["Review", "ReviewInputError", "Status", "compare", "render"]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from .api import compare
    from .assembly import ReviewInputError
    from .classify import Review, Status
    from .report import render
