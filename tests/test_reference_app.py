"""App-level gates on the reference app: CDK's built-in validation, cfn-lint, no secrets, snapshots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from syrupy.assertion import SnapshotAssertion

import app as reference_app
from tests.nag import nag_findings
from tests.synth import cfn_lint_errors, make_app, normalise


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> cdk.App:
    return reference_app.build(make_app(validation=True, outdir=str(tmp_path_factory.mktemp("cdk.out"))))


@pytest.fixture(scope="module")
def assembly(app: cdk.App) -> Path:
    return Path(app.synth().directory)


@pytest.fixture(scope="module")
def stacks(assembly: Path) -> dict[str, dict[str, Any]]:
    """Stack artifacts of the manifest by name: their region and template."""
    manifest = json.loads((assembly / "manifest.json").read_text())
    return {
        name: {
            "region": artifact["environment"].rsplit("/", 1)[1],
            "template": json.loads((assembly / artifact["properties"]["templateFile"]).read_text()),
        }
        for name, artifact in manifest["artifacts"].items()
        if artifact["type"] == "aws:cloudformation:stack"
    }


@pytest.fixture(scope="module")
def templates(stacks: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: stack["template"] for name, stack in stacks.items()}


def test_cdk_builtin_validation_has_no_findings(assembly: Path) -> None:
    report = json.loads((assembly / "validation-report.json").read_text())
    findings = [violation for plugin in report["pluginReports"] for violation in plugin.get("violations", [])]
    assert findings == []


def test_cdk_nag_aws_solutions_has_no_unacknowledged_findings(app: cdk.App) -> None:
    # Acknowledgements sit on the constructs they concern, each with a reason; a new finding fails here.
    assert nag_findings(app) == []


def test_every_template_passes_cfn_lint(stacks: dict[str, dict[str, Any]]) -> None:
    for name, stack in stacks.items():
        assert cfn_lint_errors(stack["template"], [stack["region"]]) == [], name


def test_no_pem_or_key_material_or_cross_region_exports(templates: dict[str, dict[str, Any]]) -> None:
    text = json.dumps(templates)
    assert "BEGIN CERTIFICATE" not in text
    assert "PRIVATE KEY" not in text
    assert "crossRegionReferences" not in text


def test_snapshot_every_stack(templates: dict[str, dict[str, Any]], snapshot_json: SnapshotAssertion) -> None:
    normalised = {
        name: normalise({k: v for k, v in template.items() if k != "_region"})
        for name, template in templates.items()
    }
    assert normalised == snapshot_json
