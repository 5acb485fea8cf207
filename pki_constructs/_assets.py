"""Locates the Lambda handler folders, in an installed wheel and in a source checkout alike."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aws_cdk import aws_lambda as lambda_

_EXCLUDE = ["__pycache__", "*.pyc", "tests"]


def handler_dir(name: str) -> Path:
    """The folder of handler ``name``: ``pki_constructs/_lambda/<name>`` in a wheel, ``lambda/<name>`` in a
    source tree or editable install. Never relative to the working directory."""
    packaged = Path(str(resources.files("pki_constructs"))) / "_lambda" / name
    if packaged.is_dir():
        return packaged
    source = Path(__file__).resolve().parents[1] / "lambda" / name
    if source.is_dir():
        return source
    raise FileNotFoundError(f"pki-constructs handler {name!r} not found in {packaged} or {source}")


def handler_code(name: str) -> lambda_.Code:
    """Lambda code for handler ``name`` (stdlib + boto3 only, so no bundling is needed)."""
    return lambda_.Code.from_asset(str(handler_dir(name)), exclude=_EXCLUDE)
