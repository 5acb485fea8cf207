"""The gate: every construct's test app passes cfn-lint and cdk-nag.

Covers every app registered in tests/gate_apps.py ``REGISTRY`` (each construct on the variants its tests
check, the reference app in its one- and two-account and StackSet shapes, and the showcase):

- ``test_cfn_lint[<app>]``: cfn-lint, errors and warnings, on every stack's template (nested stages
  included) in that stack's region, and on templates an app carries besides its stacks (a StackSet's
  body). Only the CDK noise in tests/synth.py ``CFN_LINT_IGNORED`` is ignored, with its reasons.
- ``test_cdk_nag[<app>-<pack>]``: no unacknowledged finding of each cdk-nag pack (AwsSolutions, NIST
  800-53 R5, HIPAA Security, PCI DSS 3.2.1). Acknowledgements with reasons live on the constructs
  (pki_constructs/_compliance.py; the README "Compliance" table lists them). Findings are excused only
  under an app's ``scaffolding`` paths (what the test builds around the constructs, each with its reason
  and the packs it is excused in)
  and as its ``expected_findings`` (exact pack rule and construct path, with the reason the library leaves
  it unacknowledged; each must still fire).
- ``test_scaffolding_paths_excuse_findings[<app>]``: each scaffolding path still has findings to excuse in
  each pack it is excused in, so a filter cannot outlive what it excuses.
- ``test_every_public_construct_is_gated``: every construct class in ``pki_constructs.__all__`` appears in
  some registered app.
- test modules build shared apps from the registry, never from one another.

To gate a new construct: write a builder in tests/gate_apps.py, register it in ``REGISTRY`` (with any
scaffolding paths and expected findings, each with its reason), and build the module's fixture from
``built("<name>")``.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from constructs import Construct

import pki_constructs
from tests.gate_apps import PACKS, REGISTRY, built
from tests.nag import nag_findings
from tests.synth import cfn_lint

UNKNOWN_REGION = "unknown-region"
"""An environment-agnostic stack's region in the cloud assembly (cx-api's ``UNKNOWN_REGION``, not exported
to Python)."""

NOT_IN_ANY_APP: dict[str, str] = {}
"""Public construct classes no registered app can hold, each with its reason."""


def stack_templates(app: cdk.App) -> tuple[list[tuple[str, dict[str, Any], str]], list[str]]:
    """Every stack's template in the cloud assembly (nested stages included) with its region, and the
    names of the environment-agnostic stacks (no region to lint them in)."""
    templates, agnostic = [], []
    for artifact in app.synth().stacks_recursively:
        region = artifact.environment.region
        if region == UNKNOWN_REGION:
            agnostic.append(artifact.hierarchical_id)
        else:
            templates.append((artifact.hierarchical_id, artifact.template, region))
    return templates, agnostic


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_cfn_lint(name: str) -> None:
    gate = REGISTRY[name]
    app = built(name)
    templates, agnostic = stack_templates(app["app"])
    if agnostic:  # e.g. a StackSet's member stack: it deploys where the StackSet says
        assert gate.extra_templates is not None, f"{agnostic}: register their templates with a region"
    if gate.extra_templates is not None:
        templates += gate.extra_templates(app)
    assert templates
    findings = {
        template_name: lint
        for template_name, template, region in templates
        if (lint := cfn_lint(template, [region]))
    }
    assert findings == {}


def _construct_path(finding: str) -> str:
    """The construct path of a ``nag_findings`` line: ``"<severity> <rule> <path>: <description>"``."""
    return finding.split(" ", 2)[2].split(": ", 1)[0]


def _under(path: str, prefixes: Any) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)


@cache
def findings_of(name: str, pack: str) -> tuple[str, ...]:
    """The unacknowledged findings of one pack in one registered app (computed once per worker)."""
    return tuple(nag_findings(built(name)["app"], pack=pack))


@pytest.mark.parametrize(("name", "pack"), [(name, pack) for name in sorted(REGISTRY) for pack in PACKS])
def test_cdk_nag(name: str, pack: str) -> None:
    gate = REGISTRY[name]
    scaffolding = [path for path, excused in gate.scaffolding.items() if pack in excused.packs]
    findings = [f for f in findings_of(name, pack) if not _under(_construct_path(f), scaffolding)]
    expected = {
        key: reason for key, reason in gate.expected_findings.items() if key[0].startswith(pack + "-")
    }
    absent = [key for key in expected if not any(_is(f, *key) for f in findings)]
    assert absent == [], "expected findings that no longer fire: drop them from the registry"
    assert [f for f in findings if not any(_is(f, *key) for key in expected)] == []


@pytest.mark.parametrize("name", sorted(name for name, gate in REGISTRY.items() if gate.scaffolding))
def test_scaffolding_paths_excuse_findings(name: str) -> None:
    """A scaffolding path with nothing to excuse in a pack is a filter waiting to hide a library finding."""
    idle = [
        (path, pack)
        for path, excused in REGISTRY[name].scaffolding.items()
        for pack in excused.packs
        if not any(_under(_construct_path(f), [path]) for f in findings_of(name, pack))
    ]
    assert idle == []


def _is(finding: str, rule: str, path: str) -> bool:
    return finding.split(" ", 2)[1] == rule and _under(_construct_path(finding), [path])


def _construct_classes() -> dict[str, type]:
    return {
        name: value
        for name in pki_constructs.__all__
        if isinstance(value := getattr(pki_constructs, name), type) and issubclass(value, Construct)
    }


def test_every_public_construct_is_gated() -> None:
    classes = _construct_classes()
    assert classes, "pki_constructs exports no construct class: the check below would pass vacuously"
    seen = {type(construct) for name in REGISTRY for construct in built(name)["app"].node.find_all()}
    missing = sorted(
        name
        for name, cls in classes.items()
        if name not in NOT_IN_ANY_APP and not any(issubclass(kind, cls) for kind in seen)
    )
    assert missing == []
    assert not set(NOT_IN_ANY_APP) - set(classes), "exclusions of names that are not public constructs"


def test_test_modules_share_apps_through_the_registry_not_through_each_other() -> None:
    """A test module importing another runs that module's fixtures' construction twice and hides where an
    app is built: shared apps and scaffolding live in tests/gate_apps.py and tests/scaffolding.py."""
    tests = Path(__file__).parent
    imports = {
        (path.name, module)
        for path in sorted(tests.glob("test_*.py"))
        for node in ast.walk(ast.parse(path.read_text()))
        for module in (
            [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        if module.startswith("tests.test_")
    }
    assert imports == set()
