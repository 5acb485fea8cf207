"""``pki-review OLD NEW``: print the Markdown review, exit 0 / 1 / 2 (3 when an input is unreadable)."""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from .assembly import ReviewInputError

INPUT_ERROR = 3
"""Not 2: CI reads 2 as "trust-breaking", so a usage or input error must not look like one."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(INPUT_ERROR, f"{self.prog}: error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(
        prog="pki-review",
        description="Review what a change does to the PKI: compares two cloud assemblies (cdk.out folders) or "
        "two template snapshot files. Exit status: 0 nothing PKI-relevant, 1 review needed, 2 trust-breaking, "
        "3 input error.",
    )
    parser.add_argument(
        "old",
        type=Path,
        help="before: a cdk.out folder, a template or snapshot JSON file, or "
        "an empty folder or /dev/null for a first deploy",
    )
    parser.add_argument("new", type=Path, help="after: same kinds as OLD")
    parser.add_argument("-o", "--output", type=Path, help="also write the Markdown to this file")
    args = parser.parse_args(argv)
    try:
        # Imported here, not above: without cfn-lint (the "review" extra) this must still exit 3 with advice.
        from .api import compare
        from .report import render
    except ImportError as error:
        print(f"pki-review: {error}; install it with: pip install 'pki-constructs[review]'", file=sys.stderr)
        return INPUT_ERROR
    try:
        review = compare(args.old, args.new)
    except (ReviewInputError, OSError, ValueError) as error:
        print(f"pki-review: {error}", file=sys.stderr)
        return INPUT_ERROR
    except Exception:  # a crash must not exit 1 ("review needed") or 2 as if it had judged the change
        traceback.print_exc()
        return INPUT_ERROR
    text = render(review)
    sys.stdout.write(text)
    if args.output is not None:
        args.output.write_text(text)
    return int(review.status)
