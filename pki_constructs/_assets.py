"""Locates the Lambda handler package, in an installed wheel and in a source checkout alike."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from aws_cdk import aws_lambda as lambda_

HANDLER_PACKAGE = "pki_handlers"
"""Every handler is a module of this one package, shipped as one asset (``lambda/`` is the asset root)."""
_EXCLUDE = ["__pycache__", "*.pyc", "*.md", "tests"]


def handlers_root() -> Path:
    """The asset root holding ``pki_handlers/``: ``pki_constructs/_lambda`` in a wheel, ``lambda`` in a source
    tree or editable install. Never relative to the working directory."""
    packaged = Path(str(resources.files("pki_constructs"))) / "_lambda"
    if (packaged / HANDLER_PACKAGE).is_dir():
        return packaged
    source = Path(__file__).resolve().parents[1] / "lambda"
    if (source / HANDLER_PACKAGE).is_dir():
        return source
    raise FileNotFoundError(
        f"pki-constructs handlers ({HANDLER_PACKAGE}) not found in {packaged} or {source}"
    )


def handler_entry(module: str, function: str) -> str:
    """The Lambda ``Handler`` setting for ``pki_handlers.<module>.<function>``."""
    return f"{HANDLER_PACKAGE}.{module}.{function}"


@cache
def _asset_path() -> str:
    return str(handlers_root())


def handler_code() -> lambda_.Code:
    """Lambda code of every handler (stdlib + boto3 only, so no bundling is needed): one asset, one hash."""
    return lambda_.Code.from_asset(_asset_path(), exclude=_EXCLUDE)
