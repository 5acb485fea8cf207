"""Reading the two sides of a review: cloud assemblies (``cdk.out``) or snapshot files, as plain JSON."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_REGION = "us-east-1"
"""Region whose CloudFormation schemas judge a template of unknown region (a snapshot file)."""


class ReviewInputError(Exception):
    """An input that is neither a cloud assembly nor a template snapshot."""


@dataclass(frozen=True)
class StackTemplate:
    name: str
    region: str
    template: dict[str, Any] = field(repr=False)

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.template.get("Resources") or {}


App = dict[str, StackTemplate]
"""The stacks of one side, by stack name (artifact id)."""


def load(path: str | Path) -> App:
    """Every stack template of a cloud assembly folder, a folder of ``*.template.json`` files, one template
    file, or a snapshot file holding ``{stack name: template}``. An empty folder or an empty file (e.g.
    ``/dev/null``) is an app without stacks: the "before" of a first deploy."""
    path = Path(path)
    if path.is_dir():
        return _load_folder(path)
    if path.is_file() or path.is_char_device():
        text = path.read_text()
        if not text.strip():
            return {}
        return _load_json(_parse(text, path), default_name=path.name.split(".")[0])
    raise ReviewInputError(f"{path}: no such file or folder")


def _load_folder(folder: Path) -> App:
    manifest = folder / "manifest.json"
    if manifest.is_file():
        return _load_assembly(folder, _parse(manifest.read_text(), manifest))
    templates = sorted(folder.glob("*.template.json"))
    parts = sorted(p for p in folder.glob("*].json") if _SPLIT_PART.search(p.name))
    if not templates and parts:
        return _load_split_snapshot(parts)
    if not templates and any(folder.iterdir()):
        raise ReviewInputError(
            f"{folder}: neither a cloud assembly (manifest.json) nor *.template.json files"
        )
    return {
        p.name.removesuffix(".template.json"): StackTemplate(
            p.name.removesuffix(".template.json"), DEFAULT_REGION, _checked(_parse(p.read_text(), p), p.name)
        )
        for p in templates
    }


_SPLIT_PART = re.compile(r"\[([^.\]]+)\.[^\]]*\]\.json$")
"""A snapshot split per stack and construct (``test_x[<stack>.<construct>].json``, each a template fragment)."""


def _load_split_snapshot(parts: list[Path]) -> App:
    """Merge each stack's fragments into one template (``CdkPlumbing`` summaries carry no resources)."""
    templates: dict[str, dict[str, Any]] = {}
    for part in parts:
        match = _SPLIT_PART.search(part.name)
        assert match is not None
        fragment = _checked(_parse(part.read_text(), part), part.name)
        template = templates.setdefault(match.group(1), {"Resources": {}})
        for section in ("Resources", "Outputs", "Parameters"):
            template.setdefault(section, {}).update(fragment.get(section) or {})
    return {name: StackTemplate(name, DEFAULT_REGION, t) for name, t in sorted(templates.items())}


def _load_assembly(folder: Path, manifest: dict[str, Any]) -> App:
    stacks: App = {}
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        properties = artifact.get("properties", {})
        if artifact.get("type") == "aws:cloudformation:stack":
            region = str(artifact.get("environment", "")).rsplit("/", 1)[-1]
            template_file = folder / properties["templateFile"]
            template = _checked(_parse(template_file.read_text(), template_file), template_file.name)
            name = artifact.get("displayName") or artifact_id
            stacks[name] = StackTemplate(name, _region_or_default(region), template)
        elif artifact.get("type") == "cdk:cloud-assembly":  # a Stage: its stacks live in a nested assembly
            stacks.update(_load_folder(folder / properties["directoryName"]))
    return stacks


def _load_json(data: Any, *, default_name: str) -> App:
    if not isinstance(data, dict):
        raise ReviewInputError(f"{default_name}: expected a JSON object (a template or {{stack: template}})")
    if _is_template(data):
        return {default_name: StackTemplate(default_name, DEFAULT_REGION, _checked(data, default_name))}
    if data and all(isinstance(v, dict) and _is_template(v) for v in data.values()):
        return {
            name: StackTemplate(name, DEFAULT_REGION, _checked(template, f"{default_name}: {name}"))
            for name, template in data.items()
        }
    if not data:
        return {}
    raise ReviewInputError(
        f"{default_name}: not a CloudFormation template nor a {{stack name: template}} map"
    )


def _parse(text: str, path: Path) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ReviewInputError(f"{path}: not JSON ({error})") from error


def _checked(template: Any, where: str) -> dict[str, Any]:
    """A template whose ``Resources`` is an object of resources, each an object with a ``Type``."""
    resources = template.get("Resources") if isinstance(template, dict) else None
    if not isinstance(template, dict) or not isinstance(resources, dict | None):
        raise ReviewInputError(f"{where}: `Resources` must be an object of {{logical id: resource}}")
    bad = [
        k
        for k, r in (resources or {}).items()
        if not isinstance(r, dict) or not isinstance(r.get("Type"), str)
    ]
    if bad:
        raise ReviewInputError(f"{where}: resource `{bad[0]}` is not an object with a `Type`")
    return template


def _is_template(data: dict[str, Any]) -> bool:
    return "Resources" in data or "AWSTemplateFormatVersion" in data


def _region_or_default(region: str) -> str:
    return region if region and not region.startswith("unknown") else DEFAULT_REGION
