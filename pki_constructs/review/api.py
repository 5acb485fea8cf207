"""One call for the whole review: load both sides, diff them, give the diff its PKI meaning."""

from __future__ import annotations

from pathlib import Path

from .assembly import load
from .changes import diff
from .classify import Review, classify


def compare(old: str | Path, new: str | Path) -> Review:
    """The review of deploying ``new`` over ``old`` (each a cdk.out folder or a template/snapshot file)."""
    before, after = load(old), load(new)
    return classify(before, after, diff(before, after))
