"""What CloudFormation will do to each resource: add, remove, replace (and why) or update in place.

Which property changes replace a resource comes from the CloudFormation resource provider schemas that
cfn-lint ships (``createOnlyProperties``), not from a table of ours. A resource whose create-only property
refers to a replaced resource (``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, or an ``Fn::ImportValue`` of an output
that does) is replaced too: its value changes at deploy although the template text does not, as the CDK
CLI's ``cdk diff`` reports "may be replaced". Custom resources have no schema: every change is an update,
and the handler decides what it means.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cfnlint.schema import PROVIDER_SCHEMA_MANAGER, ResourceNotFoundError  # the "review" extra

from .assembly import DEFAULT_REGION, App

Key = tuple[str, str]
"""(stack name, logical id): CloudFormation's identity of a resource."""


class Action(enum.Enum):
    ADD = "added"
    REMOVE = "removed"
    REPLACE = "replaced"
    UPDATE = "updated"
    NONE = "unchanged"


@dataclass
class Change:
    key: Key
    type: str
    region: str
    action: Action
    old: dict[str, Any] | None = field(repr=False)
    new: dict[str, Any] | None = field(repr=False)
    causes: list[str] = field(default_factory=list)
    """For a replacement: the create-only properties that changed, or what they refer to."""
    changed: list[str] = field(default_factory=list)
    """Top-level properties whose value differs (an update's content)."""

    @property
    def properties_old(self) -> dict[str, Any]:
        return (self.old or {}).get("Properties") or {}

    @property
    def properties_new(self) -> dict[str, Any]:
        return (self.new or {}).get("Properties") or {}


def diff(old: App, new: App) -> dict[Key, Change]:
    """Every resource of both sides with what a deploy of ``new`` over ``old`` does to it."""
    changes: dict[Key, Change] = {}
    for name in sorted(set(old) | set(new)):
        before = old[name].resources if name in old else {}
        after = new[name].resources if name in new else {}
        region = (new.get(name) or old[name]).region
        for logical_id in sorted(set(before) | set(after)):
            changes[(name, logical_id)] = _compare(
                (name, logical_id), before.get(logical_id), after.get(logical_id), region
            )
    _propagate_replacements(changes, exports(new))
    return changes


def _compare(key: Key, old: dict[str, Any] | None, new: dict[str, Any] | None, region: str) -> Change:
    if old is None or new is None:
        resource = new if old is None else old
        action = Action.ADD if old is None else Action.REMOVE
        return Change(key, str(resource["Type"]), region, action, old, new)  # type: ignore[index]
    change = Change(key, str(new["Type"]), region, Action.NONE, old, new)
    if old["Type"] != new["Type"]:
        change.action, change.causes = Action.REPLACE, [f"type {old['Type']} -> {new['Type']}"]
        return change
    before, after = old.get("Properties") or {}, new.get("Properties") or {}
    change.changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    replacing = [p for p in create_only_properties(change.type, region) if _at(before, p) != _at(after, p)]
    if replacing:
        change.action, change.causes = Action.REPLACE, ["/".join(p) for p in replacing]
    elif change.changed:
        change.action = Action.UPDATE
    return change


def _propagate_replacements(changes: dict[Key, Change], exports: dict[str, set[Key]]) -> None:
    replaced = {key for key, c in changes.items() if c.action is Action.REPLACE}
    grew = True
    while grew:
        grew = False
        for key, change in changes.items():
            if change.action not in (Action.NONE, Action.UPDATE):
                continue
            for path in create_only_properties(change.type, change.region):
                targets = set(references(_at(change.properties_new, path), key[0], exports)) & replaced
                if targets:
                    target = sorted(targets)[0]
                    change.action = Action.REPLACE
                    change.causes.append(f"{'/'.join(path)} (refers to replaced {target[1]})")
            if change.action is Action.REPLACE:
                replaced.add(key)
                grew = True


@cache
def create_only_properties(resource_type: str, region: str) -> tuple[tuple[str, ...], ...]:
    """Property paths (``("Subject",)``, ``("Tags", "*", "Key")``) whose change replaces the resource."""
    if resource_type.startswith("Custom::") or resource_type == "AWS::CloudFormation::CustomResource":
        return ()
    try:
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type)
    except (ResourceNotFoundError, KeyError):
        if region == DEFAULT_REGION:
            return ()
        return create_only_properties(resource_type, DEFAULT_REGION)
    paths = []
    for pointer in schema.schema.get("createOnlyProperties", []):
        parts = pointer.split("/")[2:]  # "/properties/A/B"
        # a wildcard compares the whole list above it: coarser, never misses a change
        paths.append(tuple(parts[: parts.index("*")] if "*" in parts else parts))
    return tuple(dict.fromkeys(paths))


_MISSING = object()


def _at(properties: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = properties
    for part in path:
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[^}]*)?\}")


def references(value: Any, stack: str, exports: dict[str, set[Key]] | None = None) -> Iterator[Key]:
    """Resources a property value refers to: ``Ref``, ``Fn::GetAtt``, ``Fn::Sub`` names, and (with
    ``exports``) the resources behind an ``Fn::ImportValue`` of another stack's output."""
    if isinstance(value, dict):
        if "Ref" in value and isinstance(value["Ref"], str):
            yield (stack, value["Ref"])
        get_att = value.get("Fn::GetAtt")
        if isinstance(get_att, list) and get_att and isinstance(get_att[0], str):
            yield (stack, get_att[0])
        elif isinstance(get_att, str):
            yield (stack, get_att.split(".")[0])
        sub = value.get("Fn::Sub")
        text = sub[0] if isinstance(sub, list) and sub else sub
        if isinstance(text, str):
            yield from ((stack, name) for name in _SUB_NAME.findall(text))
        imported = value.get("Fn::ImportValue")
        if exports is not None and isinstance(imported, str):
            yield from exports.get(imported, ())
        for item in value.values():
            yield from references(item, stack, exports)
    elif isinstance(value, list):
        for item in value:
            yield from references(item, stack, exports)


def exports(app: App) -> dict[str, set[Key]]:
    """Export name -> the resources its output's value refers to (CDK's strong cross-stack references)."""
    exports: dict[str, set[Key]] = {}
    for name, stack in app.items():
        for output in (stack.template.get("Outputs") or {}).values():
            export_name = (output.get("Export") or {}).get("Name")
            if isinstance(export_name, str):
                exports[export_name] = set(references(output.get("Value"), name))
    return exports


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"))
