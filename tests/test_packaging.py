"""The wheel alone is enough for a consumer to synth: it carries the Lambda handlers (found through
importlib.resources, not the source tree), and a cross-region SubordinateCa synthesizes from it in a fresh
virtual environment outside the repository.

The fresh venv gets the wheel with ``pip install --no-index``; its dependencies (aws-cdk-lib, constructs, jsii
and theirs) are not downloaded again but linked from the project's venv into a separate folder the new venv
sees through a ``.pth`` file. Only those distributions are linked, never pki_constructs itself.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lambda" / "pki_handlers"
MODULES = sorted(p.relative_to(ROOT / "lambda").as_posix() for p in PACKAGE.glob("*.py"))

CONSUMER_APP = """
import json, sys
import aws_cdk as cdk
import pki_constructs
from pki_constructs import DistinguishedName, RootCa, SubordinateCa

app = cdk.App(outdir="cdk.out")
root_stack = cdk.Stack(app, "Root", env=cdk.Environment(account="111111111111", region="us-east-1"))
issuing_stack = cdk.Stack(app, "Issuing", env=cdk.Environment(account="111111111111", region="eu-west-1"))
root = RootCa(root_stack, "Root", subject=DistinguishedName(common_name="Consumer Root CA"))
SubordinateCa(issuing_stack, "Issuing", parent=root, subject=DistinguishedName(common_name="Consumer Issuing CA"))
app.synth()
print(json.dumps({"package": pki_constructs.__file__}))
"""


def _requirements(name: str) -> list[str]:
    found = []
    for requirement in md.requires(name) or []:
        if "extra ==" in requirement:
            continue
        match = re.match(r"[A-Za-z0-9_.\-]+", requirement)
        if match:
            found.append(match.group(0))
    return found


def _closure(names: list[str]) -> dict[str, md.Distribution]:
    seen: dict[str, md.Distribution] = {}
    pending = list(names)
    while pending:
        name = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            seen[key] = md.distribution(name)
        except md.PackageNotFoundError:
            continue  # an optional/environment-marked dependency absent here
        pending += _requirements(name)
    return seen


def _link_dependencies(target: Path) -> None:
    """Symlink the top-level entries (packages, modules, dist-info) of pki-constructs' runtime dependencies."""
    target.mkdir()
    dependencies = _closure(_requirements("pki-constructs"))
    assert "aws-cdk-lib" in dependencies and "pki-constructs" not in dependencies
    for dist in dependencies.values():
        base = Path(str(dist.locate_file("")))
        tops = {Path(str(f)).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
        for top in tops:
            source = base / top
            if source.exists() and not (target / top).exists() and not top.startswith("__"):
                (target / top).symlink_to(source)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
        cwd=out,
    )
    (built,) = out.glob("pki_constructs-*.whl")
    return built


def test_wheel_ships_every_handler_without_bytecode(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "pki_handlers/ca_activation.py" in MODULES and "pki_handlers/aws.py" in MODULES
    for module in MODULES:
        assert f"pki_constructs/_lambda/{module}" in names
        packaged = zipfile.ZipFile(wheel).read(f"pki_constructs/_lambda/{module}")
        assert packaged == (ROOT / "lambda" / module).read_bytes()
    assert not [n for n in names if n.endswith((".pyc", ".pyo")) or "__pycache__" in n]
    assert not [n for n in names if n.startswith(("tests/", "lambda/"))]


def test_wheel_ships_py_typed_so_consumers_type_checkers_see_our_types(wheel: Path) -> None:
    # PEP 561: without the marker a consumer's mypy/pyright treats every pki_constructs name as Any.
    names = zipfile.ZipFile(wheel).namelist()
    assert "pki_constructs/py.typed" in names


def test_consumer_synths_a_cross_region_subordinate_from_the_wheel_alone(
    wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    home = tmp_path_factory.mktemp("consumer")
    venv = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    deps = home / "deps"
    _link_dependencies(deps)
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "project-dependencies.pth").write_text(f"{deps}\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["CDK_VALIDATION"] = "false"  # CDK's own template validation is not under test here
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-index", "--no-cache-dir", str(wheel)],
        capture_output=True,
        text=True,
        env=env,
        cwd=home,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    app_dir = home / "app"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(CONSUMER_APP)
    run = subprocess.run([str(python), "app.py"], capture_output=True, text=True, env=env, cwd=app_dir)
    assert run.returncode == 0, run.stderr[-3000:]

    package = Path(json.loads(run.stdout.strip().splitlines()[-1])["package"])
    assert package.is_relative_to(site) and not package.is_relative_to(ROOT)
    template = json.loads((app_dir / "cdk.out" / "Issuing.template.json").read_text())
    assert any(r["Type"] == "Custom::PkiCaActivation" for r in template["Resources"].values())
    assert "Fn::ImportValue" not in json.dumps(template)
    handler_functions = [
        r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Lambda::Function"
        and r["Properties"].get("Handler", "").startswith("pki_handlers.")
    ]
    assert {f["Properties"]["Handler"] for f in handler_functions} == {
        "pki_handlers.ca_activation.on_event",
        "pki_handlers.ca_activation.is_complete",
    }
    # one asset: the packaged handler package, and nothing else of the source tree
    assert len({json.dumps(f["Properties"]["Code"], sort_keys=True) for f in handler_functions}) == 1
    assets = json.loads((app_dir / "cdk.out" / "Issuing.assets.json").read_text())["files"]
    staged = [app_dir / "cdk.out" / a["source"]["path"] for a in assets.values() if "source" in a]
    handler_assets = [p for p in staged if (p / "pki_handlers").is_dir()]
    assert len(handler_assets) == 1, staged
    [asset] = handler_assets
    assert sorted(p.relative_to(asset).as_posix() for p in asset.rglob("*") if p.is_file()) == MODULES
    for module in MODULES:
        assert (asset / module).read_bytes() == (ROOT / "lambda" / module).read_bytes()
