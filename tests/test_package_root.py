"""The package root re-exports lazily: every public name resolves, and a CA alone stays light."""

from __future__ import annotations

import subprocess
import sys

import pki_constructs
from tests.synth import ROOT


def test_every_public_name_resolves_to_its_module() -> None:
    for name in pki_constructs.__all__:
        value = getattr(pki_constructs, name)
        assert value.__name__ == name
        assert value.__module__.startswith("pki_constructs.")


def test_importing_the_ca_constructs_does_not_load_lambda_elb_or_cloudfront_distribution_code() -> None:
    # Loading aws_lambda alone costs ~0.16 s per process; an app with only CAs should not pay for it.
    probe = (
        "import sys; from pki_constructs import RootCa, SubordinateCa; "
        "print(sorted(m for m in ('aws_cdk.aws_lambda', 'aws_cdk.aws_elasticloadbalancingv2', "
        "'aws_cdk.aws_secretsmanager') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
