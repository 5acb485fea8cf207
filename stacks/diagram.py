"""Prints the reference app's CA hierarchy as Mermaid, for the README: `.ci/with-env python -m stacks.diagram`."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk

import app as reference_app
from pki_constructs.diagram import hierarchy_mermaid


def reference_hierarchy() -> str:
    context = json.loads((Path(__file__).resolve().parents[1] / "cdk.json").read_text())["context"]
    return hierarchy_mermaid(reference_app.build(cdk.App(context=context)))


if __name__ == "__main__":
    print(reference_hierarchy(), end="")
