"""The hierarchy a template configures, issued for real by a local CA shaped like AWS's templates.

moto ignores algorithms, validity and path lengths, so this is where the nesting rules RootCa and
SubordinateCa enforce are checked against what X.509 path validation actually needs: the chain our
templates imply verifies, and the chains our rules refuse are the ones verification rejects.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from aws_cdk import Duration
from cryptography import x509
from cryptography.x509.verification import VerificationError

from pki_constructs import DistinguishedName, KeyAlgorithm, RootCa, SubordinateCa
from tests.local_pki import LocalCa, generate_key
from tests.synth import make_stack, resources_of_type, template_of


def _issuance_plan(template: dict[str, Any]) -> list[dict[str, Any]]:
    """Per CA certificate in the template, root first: key, signing algorithm, days, path length."""
    cas = resources_of_type(template, "AWS::ACMPCA::CertificateAuthority")
    certificates = resources_of_type(template, "AWS::ACMPCA::Certificate")
    plan = []
    for certificate in certificates.values():
        props = certificate["Properties"]
        ca_id = props["CertificateSigningRequest"]["Fn::GetAtt"][0]
        match = re.search(r"PathLen(\d)", props["TemplateArn"])
        plan.append(
            {
                "name": cas[ca_id]["Properties"]["Subject"]["CommonName"],
                "key": cas[ca_id]["Properties"]["KeyAlgorithm"],
                "signed_with": props["SigningAlgorithm"],
                "days": props["Validity"]["Value"],
                "path_length": int(match.group(1)) if match else None,
            }
        )
    # Root first, then by falling path length (each level's is below its parent's).
    return sorted(
        plan, key=lambda step: float("-inf") if step["path_length"] is None else -step["path_length"]
    )


def _issue(plan: list[dict[str, Any]]) -> list[LocalCa]:
    root_step, *children = plan
    assert root_step["path_length"] is None
    chain = [LocalCa.root(root_step["name"], key_algorithm=root_step["key"], days=root_step["days"])]
    for step in children:
        chain.append(
            chain[-1].subordinate(
                step["name"],
                key_algorithm=step["key"],
                path_length=step["path_length"],
                days=step["days"],
                signing_algorithm=step["signed_with"],
            )
        )
    return chain


HIERARCHIES = {
    "seed RSA": [(KeyAlgorithm.RSA_2048, 3650, None), (KeyAlgorithm.RSA_2048, 1825, 0)],
    "EC": [(KeyAlgorithm.EC_SECP384R1, 3650, None), (KeyAlgorithm.EC_PRIME256V1, 1825, 0)],
    "RSA root, EC issuing": [(KeyAlgorithm.RSA_4096, 7300, None), (KeyAlgorithm.EC_SECP384R1, 3650, 0)],
    "four levels": [
        (KeyAlgorithm.RSA_3072, 7300, None),
        (KeyAlgorithm.RSA_2048, 5475, 2),
        (KeyAlgorithm.EC_SECP521R1, 3650, 1),
        (KeyAlgorithm.EC_PRIME256V1, 1825, 0),
    ],
}


@pytest.mark.parametrize("levels", HIERARCHIES.values(), ids=HIERARCHIES.keys())
def test_configured_hierarchy_issues_a_chain_x509_accepts(
    levels: list[tuple[KeyAlgorithm, int, int | None]],
) -> None:
    stack = make_stack(name="Profile")
    (root_key, root_days, _), *rest = levels
    parent: RootCa | SubordinateCa = RootCa(
        stack,
        "Level0",
        subject=DistinguishedName(common_name="Level 0"),
        key_algorithm=root_key,
        validity=Duration.days(root_days),
    )
    for depth, (key, days, path_length) in enumerate(rest, start=1):
        parent = SubordinateCa(
            stack,
            f"Level{depth}",
            parent=parent,
            subject=DistinguishedName(common_name=f"Level {depth}"),
            key_algorithm=key,
            validity=Duration.days(days),
            path_length=path_length or 0,
        )
    plan = _issuance_plan(template_of(stack))
    assert [step["path_length"] for step in plan] == [level[2] for level in levels]

    chain = _issue(plan)  # LocalCa enforces AWS's issuance rules too
    issuing = chain[-1]
    leaf = issuing.issue_end_entity(
        generate_key("EC_prime256v1"), dns_names=["svc.internal.example"], days=30
    )
    intermediates = [ca.certificate for ca in reversed(chain[1:])]
    path = chain[0].verify_server(leaf, "svc.internal.example", intermediates=intermediates)
    assert len(path) == len(levels) + 1
    for ca, step in zip(chain, plan, strict=True):
        constraints = ca.certificate.extensions.get_extension_for_class(x509.BasicConstraints)
        assert constraints.critical and constraints.value.ca
        assert constraints.value.path_length == step["path_length"]


def test_what_the_path_length_rule_refuses_x509_rejects() -> None:
    """SubordinateCa refuses a CA below a path-length-0 CA; such a chain indeed fails validation."""
    root = LocalCa.root("Root", enforce_aws_rules=False)
    issuing = root.subordinate("Issuing", path_length=0, days=1825)
    below = issuing.subordinate("Below", path_length=0, days=365)
    leaf = below.issue_end_entity(generate_key(), dns_names=["svc.internal.example"], days=30)
    with pytest.raises(VerificationError):
        root.verify_server(
            leaf, "svc.internal.example", intermediates=[below.certificate, issuing.certificate]
        )


def test_what_the_validity_rule_refuses_breaks_the_chain_once_the_parent_expires() -> None:
    """A CA outliving its parent (refused at synth) leaves a window where its certificates don't verify."""
    now = dt.datetime.now(dt.UTC)
    root = LocalCa.root("Root", days=365, enforce_aws_rules=False, now=now)
    issuing = root.subordinate("Issuing", days=730, now=now)
    leaf = issuing.issue_end_entity(
        generate_key(), dns_names=["svc.internal.example"], days=30, now=now + dt.timedelta(days=500)
    )
    later = now + dt.timedelta(days=510)  # leaf and issuing CA valid, root expired
    with pytest.raises(VerificationError):
        root.verify_server(leaf, "svc.internal.example", intermediates=[issuing.certificate], at=later)
