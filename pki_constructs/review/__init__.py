"""``pki-review``: what a change does to the PKI, in words a reviewer can act on.

Compares two cloud assemblies (``cdk.out``) or two template snapshots offline, from plain JSON: no
aws-cdk-lib, no jsii, no AWS. CloudFormation's resource schemas (shipped with cfn-lint) say what is
replaced; the ``pki-constructs`` metadata our constructs write says what a replacement means (see
:mod:`pki_constructs.review.record_format`).

    python -m pki_constructs.review OLD NEW      # or: pki-review OLD NEW

Exit status: 0 nothing PKI-relevant, 1 review needed, 2 trust-breaking change, 3 an input could not be read.
"""

from __future__ import annotations

from pathlib import Path

from .assembly import ReviewInputError, load
from .changes import diff
from .classify import Review, Status, classify
from .report import render

__all__ = ["Review", "ReviewInputError", "Status", "compare", "render"]


def compare(old: str | Path, new: str | Path) -> Review:
    """The review of deploying ``new`` over ``old`` (each a cdk.out folder or a template/snapshot file)."""
    before, after = load(old), load(new)
    return classify(before, after, diff(before, after))
