"""The package root: what a user composes is exported (and documented), internals are not, and the lazy
re-export resolves every name it promises. A CA alone stays light.

When a construct is added, renamed or moved, the change here is one line: its name in
``pki_constructs/__init__.py``'s ``_MODULE_OF`` (exported), or in ``INTERNAL`` below with the reason.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import subprocess
import sys

import pytest
from constructs import Construct

import pki_constructs
from tests.synth import ROOT

# Importable from their modules, deliberately not in __all__: "module.Name": why a user does not compose it.
INTERNAL = {
    "pki_constructs.acm_certificate.AcmCertificateBase": "shared base; type certificate props with acm.ICertificate",
    "pki_constructs.app_checks.AppChecks": "the app-wide check; the first library construct of an app installs it",
    "pki_constructs.acm_issuance.AcmIssuanceCheck": "the app-wide ACM issuance check; the first CA of an app installs it",
    "pki_constructs.certificate_exports.CertificateExports": "the stack's export mechanism; ServiceCertificate(export=True) creates it",
    "pki_constructs.custom_activation.CaActivation": "SubordinateCa creates it when CloudFormation cannot reach the parent",
    "pki_constructs.private_ca.CertificateAuthorityBase": "shared base; type CA props with aws_acmpca.ICertificateAuthority",
    "pki_constructs.imported_ca.ImportedCertificateAuthority": "built by SubordinateCa.from_certificate_authority_attributes",
    "pki_constructs.acm_certificate.CertificateImport": "what certificate_in returns in another stack; type it as acm.ICertificate",
    "pki_constructs.ca_facts.CaFacts": "facts the hierarchy rules read, computed from each kind of CA",
    "pki_constructs.algorithms.KeyFamily": "a classification the rules derive from KeyAlgorithm",
    "pki_constructs.errors.Problem": "read from PkiValidationError.problems, never built by a user",
    "pki_constructs.private_tier.PrivateService": "what PrivateServiceTier.services holds, made by the tier",
    "pki_constructs.revocation.CrlDistribution": "the CRL bucket and front a CA creates for itself",
    "pki_constructs.sharing.CaShare": "ca.share(...) makes it from the CA's own facts; its constructor takes internal CaFacts",
    "pki_constructs.ca_expiry.CaExpiryMonitor": "the per-stack checker CaExpiryAlarm shares; reached through CaExpiryAlarm",
}

README = (ROOT / "README.md").read_text()


def _public_modules() -> list[str]:
    names = ["pki_constructs"]
    for info in pkgutil.walk_packages(pki_constructs.__path__, "pki_constructs."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def _public_construct_classes() -> dict[str, type]:
    """Every construct class defined (not merely imported) in a public module, by qualified name."""
    found: dict[str, type] = {}
    for module_name in _public_modules():
        module = importlib.import_module(module_name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Construct)
                and value.__module__ == module_name
                and not name.startswith("_")
            ):
                found[f"{module_name}.{name}"] = value
    return found


@pytest.mark.parametrize("name", pki_constructs.__all__)
def test_every_exported_name_resolves_and_is_documented(name: str) -> None:
    value = getattr(pki_constructs, name)
    assert value.__name__ == name
    assert value.__module__.startswith("pki_constructs.")
    assert (inspect.getdoc(value) or "").strip(), f"{name} has no docstring"
    assert re.search(rf"\b{name}\b", README), f"{name} is exported but README.md never mentions it"


@pytest.mark.parametrize("name", pki_constructs.__all__)
def test_an_exported_constructor_takes_only_what_a_user_can_pass(name: str) -> None:
    """What __all__ lists, a user builds: no private keyword, no prop typed with an internal (``CaFacts``)."""
    value = getattr(pki_constructs, name)
    if not inspect.isclass(value) or "__init__" not in vars(value) or issubclass(value, Exception):
        return  # PkiValidationError is caught and read, not built
    internal = {qualified.rpartition(".")[2] for qualified in INTERNAL}
    for parameter in list(inspect.signature(value.__init__).parameters.values())[1:]:
        assert not parameter.name.startswith("_"), f"{name}({parameter.name}=...) is private"
        words = set(re.findall(r"\w+", str(parameter.annotation)))
        assert not words & internal, (
            f"{name}({parameter.name}: {parameter.annotation}) takes an internal type"
        )


def test_every_public_construct_is_exported_or_internal_with_a_reason() -> None:
    exported = {f"{getattr(pki_constructs, n).__module__}.{n}" for n in pki_constructs.__all__}
    missing = sorted(set(_public_construct_classes()) - exported - set(INTERNAL))
    assert not missing, f"public constructs neither in __all__ nor in INTERNAL: {missing}"


@pytest.mark.parametrize("qualified", sorted(INTERNAL))
def test_internals_stay_importable_from_their_module_but_are_not_exported(qualified: str) -> None:
    module_name, name = qualified.rsplit(".", 1)
    assert inspect.isclass(getattr(importlib.import_module(module_name), name))
    assert name not in pki_constructs.__all__
    with pytest.raises(AttributeError):
        getattr(pki_constructs, name)


def test_type_checkers_see_exactly_what_the_lazy_root_exports() -> None:
    """The TYPE_CHECKING imports (what IDEs and mypy see) and the lazy table (what runs) must agree."""
    tree = ast.parse((ROOT / "pki_constructs" / "__init__.py").read_text())
    guarded = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    seen = {
        alias.name: node.module
        for node in guarded.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert seen == dict(pki_constructs._MODULE_OF)


def test_importing_the_ca_constructs_does_not_load_lambda_elb_or_cloudfront_distribution_code() -> None:
    # Loading aws_lambda alone costs ~0.16 s per process; an app with only CAs should not pay for it.
    probe = (
        "import sys; from pki_constructs import RootCa, SubordinateCa; "
        "print(sorted(m for m in ('aws_cdk.aws_lambda', 'aws_cdk.aws_elasticloadbalancingv2', "
        "'aws_cdk.aws_secretsmanager') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_architecture_page_names_every_module() -> None:
    """docs/architecture.md is the map of the library: a module missing from it is a module nobody can find."""
    page = (ROOT / "docs" / "architecture.md").read_text()
    modules = {path.stem for path in (ROOT / "pki_constructs").glob("*.py") if path.stem != "__init__"}
    assert sorted(m for m in modules if f"`{m}`" not in page) == []
