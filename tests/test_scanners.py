"""Scanner gates (issue 13): checkov finds nothing unexplained in the reference app and in a showcase app
holding each construct on its defaults (tests/gate_apps.py), and the README "Compliance" table lists every
exemption.

checkov runs once, over one directory holding every synthesized template (it sees only templates: each
remaining finding carries a ``Metadata.checkov.skip`` entry with a comment). The cdk-nag packs run on
every registered app, these two included, in tests/test_gates.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

import app as reference_app
from pki_constructs._compliance import NAG_PACKS
from tests.gate_apps import REGISTRY, built, showcase_app
from tests.synth import ROOT, make_app, pinned_context

README_COMPLIANCE_HEADING = "## Compliance"


@pytest.fixture(scope="module")
def apps() -> dict[str, cdk.App]:
    """Every app the gate checks (tests/gate_apps.py): an exemption any of them carries is in the README."""
    return {name: built(name)["app"] for name in REGISTRY}


def checkov_binary() -> str | None:
    """checkov lives in its own venv (.ci/setup makes it: its pins clash with ours), or on PATH."""
    own = ROOT / ".venv-checkov" / "bin" / "checkov"
    if own.exists():
        return str(own)
    return os.environ.get("CHECKOV") or shutil.which("checkov")


def test_checkov_finds_nothing_unexplained(tmp_path: Path) -> None:
    checkov = checkov_binary()
    if checkov is None:
        if os.environ.get("CI"):
            pytest.fail("checkov is not installed: .ci/setup installs it into .venv-checkov")
        pytest.skip("checkov not installed (bash .ci/setup installs it into .venv-checkov)")
    templates = tmp_path / "templates"
    templates.mkdir()
    for name, build in (
        ("reference", reference_app.build),
        ("showcase", lambda app: showcase_app(str(tmp_path / "s"))),
    ):
        outdir = tmp_path / name
        app = build(make_app(outdir=str(outdir))) if name == "reference" else build(None)
        assembly = Path(app.synth().directory)
        for template in assembly.glob("*.template.json"):
            shutil.copy(template, templates / f"{name}-{template.name}")
    result = subprocess.run(
        [
            checkov,
            "-d",
            str(templates),
            "--framework",
            "cloudformation",
            "--compact",
            "-o",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    reports: Any = json.loads(result.stdout) if result.stdout.strip().startswith(("[", "{")) else None
    assert reports is not None, result.stderr[-2000:]
    reports = reports if isinstance(reports, list) else [reports]
    failed = [
        f"{check['check_id']} {check['resource']} ({check['file_path']})"
        for report in reports
        for check in report["results"].get("failed_checks", [])
    ]
    assert failed == []
    skipped = [check for report in reports for check in report["results"].get("skipped_checks", [])]
    assert skipped, "the templates carry checkov skips; none were read"
    assert all(check["check_result"].get("suppress_comment") for check in skipped), (
        "every skip carries its reason"
    )


def test_readme_compliance_table_lists_every_checkov_skip_and_nag_rule(apps: dict[str, cdk.App]) -> None:
    """Every exemption the templates and trees carry is named in the README's Compliance section."""
    readme = (ROOT / "README.md").read_text()
    assert README_COMPLIANCE_HEADING in readme
    section = readme.split(README_COMPLIANCE_HEADING, 1)[1].split("\n## ", 1)[0]
    named: set[str] = set()
    for app in apps.values():
        for stack in app.node.children:
            if not isinstance(stack, cdk.Stack):
                continue
            for construct in stack.node.find_all():
                if isinstance(construct, cdk.CfnResource):
                    for skip in (construct.get_metadata("checkov") or {}).get("skip", []):
                        named.add(skip["id"])
                for entry in construct.node.metadata:
                    if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY:
                        for rule in json.dumps(entry.data).split('"'):
                            for pack in NAG_PACKS:
                                if rule.startswith(pack + "-"):
                                    named.add(rule.split("-", 1)[1].split("[")[0])
    missing = sorted(rule for rule in named if f"`{rule}`" not in section)
    assert missing == []


def test_pinned_context_has_the_reference_prefix_list_lookups() -> None:
    keys = [k for k in pinned_context() if "cloudfront.origin-facing" in k]
    assert keys, (
        "cdk.json caches the origin-facing prefix list lookup so the reference app synthesizes offline"
    )
