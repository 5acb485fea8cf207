"""Shared synthesis helpers for tests: one App factory with the project's pinned context, template
normalisation for snapshots, and the cfn-lint / cdk-nag gates.

``App()`` in pytest does not read ``cdk.json``, so the feature flags are loaded from it here: tests and
``cdk synth`` then agree on every flag the templates depend on.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "111111111111"
OTHER_ACCOUNT = "222222222222"
PINNED_TODAY = "2026-11-29"
"""The date the public-certificate lifetime schedule is read at in tests (``pki-constructs:today``), so
templates do not change when a CA/B Forum SC-081 date passes; tests of the schedule pass their own date."""


@cache
def pinned_context() -> dict[str, Any]:
    return dict(json.loads((ROOT / "cdk.json").read_text())["context"])


def make_app(*, validation: bool = False, outdir: str | None = None, **context: Any) -> cdk.App:
    """An App with the pinned flags. CDK's built-in template validation costs ~3 s per process, so unit
    tests leave it off; the app-level gate turns it on."""
    return cdk.App(
        analytics_reporting=False,
        builtin_cloud_formation_validation=validation,
        outdir=outdir,
        context={**pinned_context(), "pki-constructs:today": PINNED_TODAY, **context},
    )


def env(region: str = "us-east-1", account: str = ACCOUNT) -> cdk.Environment:
    return cdk.Environment(account=account, region=region)


def make_stack(
    app: cdk.App | None = None, name: str = "Test", region: str = "us-east-1", account: str = ACCOUNT
) -> cdk.Stack:
    return cdk.Stack(app or make_app(), name, env=env(region, account))


_ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def normalise(template: dict[str, Any]) -> dict[str, Any]:
    """Drop bootstrap noise and replace asset hashes, which change with every aws-cdk-lib or handler edit
    and would make every snapshot churn."""
    template = json.loads(_ASSET_HASH.sub("<asset-hash>", json.dumps(template)))
    template.get("Parameters", {}).pop("BootstrapVersion", None)
    if not template.get("Parameters"):
        template.pop("Parameters", None)
    template.get("Rules", {}).pop("CheckBootstrapVersion", None)
    if not template.get("Rules"):
        template.pop("Rules", None)
    return template


def template_of(stack: cdk.Stack) -> dict[str, Any]:
    return Template.from_stack(stack).to_json()  # type: ignore[no-any-return]


def snapshot_of(stack: cdk.Stack) -> dict[str, Any]:
    return normalise(template_of(stack))


def resources_of_type(template: dict[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template.get("Resources", {}).items() if v["Type"] == type_name}


# cfn-lint findings that are CDK's own noise, each with the reason it is ignored.
CFN_LINT_IGNORED = {
    "W3005": "CDK adds DependsOn on a Lambda's service role that is also referenced (redundant, harmless)",
    "W3010": "ec2.Vpc writes the availability zones of CDK's context lookup (cached in cdk.json) as literals",
}


def cfn_lint(template: dict[str, Any], regions: list[str]) -> list[str]:
    """cfn-lint findings of one template, as 'RULE path: message', minus the documented CDK noise."""
    from cfnlint.api import ManualArgs, lint

    matches = lint(json.dumps(template), config=ManualArgs(regions=regions))
    return [
        f"{m.rule.id} {'/'.join(map(str, m.path))}: {m.message}"
        for m in matches
        if m.rule.id not in CFN_LINT_IGNORED
    ]


def cfn_lint_errors(template: dict[str, Any], regions: list[str]) -> list[str]:
    return [f for f in cfn_lint(template, regions) if f.startswith("E")]
