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

# The singleton function behind every AwsCustomResource (aws-cdk-lib custom-resources/aws-custom-resource.ts).
AWS_CUSTOM_RESOURCE_SINGLETON = "AWS679f53fac002430cb0da5b7982bd2287"
PLUMBING = "CdkPlumbing"
"""The key under which a snapshot lists, by logical id and type only, the CDK plumbing it leaves out."""


def _references(value: Any) -> set[str]:
    """Logical ids a template fragment points at through Ref or Fn::GetAtt."""
    found: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str):
                found.add(inner)
            elif key == "Fn::GetAtt" and isinstance(inner, list) and inner:
                found.add(str(inner[0]))
            else:
                found |= _references(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _references(inner)
    return found


def _is_plumbing_entry_point(logical_id: str, resource: dict[str, Any]) -> bool:
    properties = resource.get("Properties", {})
    if resource["Type"] == "AWS::Lambda::Function":
        handler = str(properties.get("Handler", ""))
        return (
            handler.startswith("framework.")  # custom-resources Provider: onEvent, isComplete, onTimeout
            or handler
            == "__entrypoint__.handler"  # core CustomResourceProvider (cross-region exports, VPC SG)
            or logical_id.startswith(AWS_CUSTOM_RESOURCE_SINGLETON)
        )
    if resource["Type"] == "AWS::StepFunctions::StateMachine":  # the Provider's isComplete waiter
        return "framework-isComplete-task" in json.dumps(properties.get("DefinitionString"))
    return False


def plumbing_of(template: dict[str, Any]) -> set[str]:
    """Logical ids of the CDK plumbing in a template: Provider-framework functions and waiter, core
    custom-resource providers, the AwsCustomResource singleton, their roles, those roles' own default
    policies and log groups made inside them. What the library configures around them (our handlers, the
    log groups we give the Provider, the policy an AwsCustomResource gets, custom resources' properties)
    stays in the snapshot."""
    resources = template.get("Resources", {})
    entry_points = {rid for rid, r in resources.items() if _is_plumbing_entry_point(rid, r)}
    roles = {
        ref
        for rid in entry_points
        for key in ("Role", "RoleArn")
        for ref in _references(resources[rid].get("Properties", {}).get(key))
        if resources.get(ref, {}).get("Type") == "AWS::IAM::Role"
    }
    policies = {
        rid
        for rid, r in resources.items()
        if r["Type"] == "AWS::IAM::Policy"
        and (attached := _references(r["Properties"].get("Roles")))
        and attached <= roles
        and any(rid.startswith(role[:-8]) for role in attached)  # the role's own DefaultPolicy, by CDK naming
    }
    dropped = entry_points | roles | policies
    log_groups = {  # made inside a plumbing construct (the AwsCustomResource singleton's), not by the library
        rid
        for rid, r in resources.items()
        if r["Type"] == "AWS::Logs::LogGroup" and any(rid.startswith(entry[:-8]) for entry in entry_points)
    }
    return dropped | log_groups


def assert_plumbing_is_wired(template: dict[str, Any]) -> None:
    """What the snapshots no longer show, asserted by structure: every custom resource's service token and
    every plumbing function's role exists; every Provider's onEvent calls a function of the library (kept
    in the snapshot); and no plumbing policy grants anything but log delivery on ``*``."""
    resources = template.get("Resources", {})
    plumbing = plumbing_of(template)
    for rid, resource in resources.items():
        properties = resource.get("Properties", {})
        if (
            resource["Type"].startswith("Custom::")
            or resource["Type"] == "AWS::CloudFormation::CustomResource"
        ):
            missing = _references(properties.get("ServiceToken")) - set(resources)
            assert not missing, f"{rid}: service token points at missing {missing}"
        if rid not in plumbing:
            continue
        if resource["Type"] == "AWS::Lambda::Function":
            assert _references(properties.get("Role")) <= set(resources), f"{rid}: its role is missing"
            user_functions = _references(properties.get("Environment", {}).get("Variables", {}))
            user_functions = {
                f for f in user_functions if resources.get(f, {}).get("Type") == "AWS::Lambda::Function"
            }
            if properties.get("Handler") == "framework.onEvent":
                assert user_functions and not user_functions & plumbing, (
                    f"{rid} must call the library's handler"
                )
        if resource["Type"] == "AWS::IAM::Policy":
            for statement in properties["PolicyDocument"]["Statement"]:
                actions = (
                    statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
                )
                # CloudWatch Logs delivery (the waiter's logging) has no resource-level permissions.
                wildcard_ok = all(action.startswith("logs:") for action in actions)
                assert statement.get("Resource") != "*" or wildcard_ok, (
                    f"{rid}: plumbing grants on '*': {statement}"
                )


def normalise(template: dict[str, Any]) -> dict[str, Any]:
    """What a snapshot shows: the template minus CDK plumbing (listed by id and type under ``CdkPlumbing``
    and asserted by :func:`assert_plumbing_is_wired`) and bootstrap noise, with asset hashes replaced, since
    they change with every aws-cdk-lib or handler edit and would make every snapshot churn."""
    assert_plumbing_is_wired(template)
    template = json.loads(_ASSET_HASH.sub("<asset-hash>", json.dumps(template)))
    plumbing = plumbing_of(template)
    resources = template.get("Resources", {})
    if plumbing:
        template[PLUMBING] = {rid: resources.pop(rid)["Type"] for rid in sorted(plumbing)}
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


def snapshot_parts(
    stack: cdk.Stack, template: dict[str, Any], *, max_bytes: int = 40_000
) -> dict[str, dict[str, Any]]:
    """A normalised template cut into one part per top-level construct of ``stack`` (its resources), plus
    ``Stack`` (everything else: outputs, parameters, conditions, the plumbing list), so that a big stack's
    snapshot is several files, each small enough to review where the change happens. A part whose JSON
    exceeds ``max_bytes`` is cut one level further down (``Private.LoadBalancer``, ...)."""
    paths = {
        stack.get_logical_id(element): element.node.path.split("/")[1:]
        for element in stack.node.find_all()
        if isinstance(element, cdk.CfnElement) and cdk.Stack.of(element) is stack
    }
    parts: dict[str, dict[str, Any]] = {"Stack": {k: v for k, v in template.items() if k != "Resources"}}

    def place(resources: dict[str, Any], depth: int) -> None:
        groups: dict[str, dict[str, Any]] = {}
        for logical_id, resource in resources.items():
            path = paths.get(logical_id)
            name = (
                ".".join(path[:depth])
                if path and len(path) > depth
                else "Stack"
                if not path
                else ".".join(path)
            )
            groups.setdefault(name, {})[logical_id] = resource
        for name, group in groups.items():
            leaf = name == "Stack" or len(name.split(".")) < depth
            if not leaf and len(json.dumps(group, indent=2)) > max_bytes:
                place(group, depth + 1)
            else:
                parts.setdefault(name, {}).setdefault("Resources", {}).update(group)

    place(template.get("Resources", {}), 1)
    return parts
