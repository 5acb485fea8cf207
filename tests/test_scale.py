"""Scale (issue 14): 250 exported ServiceCertificates in one stack stay inside CloudFormation's, EventBridge's,
IAM's and Lambda's limits, and an extra exported certificate costs at most 3 resources (it costs 1).

Limits, from the services' quota pages: CloudFormation 500 resources per stack and a 1 MB template (uploaded to
S3; 51,200 bytes inline); EventBridge 300 rules per event bus (default quota); IAM 10,240 characters of inline
policy per role; Lambda 256 KB for an asynchronous invocation payload (how CloudFormation invokes a custom
resource's function; an Update carries the old and the new properties).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from pki_constructs import DistinguishedName, RootCa, ServiceCertificate, SubordinateCa
from tests.synth import make_app, make_stack, resources_of_type, template_of

pytestmark = pytest.mark.slow

CERTIFICATES = 250
CLOUDFORMATION_MAX_RESOURCES = 500
CLOUDFORMATION_MAX_TEMPLATE_BYTES = 1_000_000
EVENTBRIDGE_MAX_RULES_PER_BUS = 300
IAM_MAX_INLINE_POLICY_CHARACTERS = 10_240
LAMBDA_MAX_ASYNC_PAYLOAD_BYTES = 256 * 1024
RESOLVED_CERTIFICATE_ARN = "arn:aws:acm:eu-west-1:111111111111:certificate/" + "0" * 36
RESOLVED_KEY_ARN = "arn:aws:kms:eu-west-1:111111111111:key/" + "0" * 36


def _stack_with(count: int) -> dict[str, Any]:
    stack = make_stack(make_app(), "Services")
    root = RootCa(stack, "Root", subject=DistinguishedName(common_name="Scale Root CA"))
    issuing = SubordinateCa(
        stack, "Issuing", parent=root, subject=DistinguishedName(common_name="Scale Issuing CA")
    )
    for i in range(count):
        ServiceCertificate(
            stack,
            f"Service{i:03}",
            certificate_authority=issuing,
            domain_name=f"service{i:03}.internal.example",
            export=True,
        )
    return template_of(stack)


@pytest.fixture(scope="module")
def one() -> dict[str, Any]:
    return _stack_with(1)


@pytest.fixture(scope="module")
def many() -> dict[str, Any]:
    return _stack_with(CERTIFICATES)


def _bytes(template: dict[str, Any]) -> int:
    # As the CDK writes it for CloudFormation (indented JSON); minified it is about a third smaller.
    return len(json.dumps(template, indent=1).encode())


def test_250_exported_certificates_fit_in_one_stack(many: dict[str, Any]) -> None:
    assert len(many["Resources"]) < CLOUDFORMATION_MAX_RESOURCES
    assert len(resources_of_type(many, "AWS::CertificateManager::Certificate")) == CERTIFICATES
    assert len(resources_of_type(many, "AWS::Events::Rule")) == 2 < EVENTBRIDGE_MAX_RULES_PER_BUS
    assert _bytes(many) < CLOUDFORMATION_MAX_TEMPLATE_BYTES


def test_an_extra_exported_certificate_costs_at_most_three_resources(
    one: dict[str, Any], many: dict[str, Any]
) -> None:
    per_certificate = (len(many["Resources"]) - len(one["Resources"])) / (CERTIFICATES - 1)
    assert per_certificate <= 3
    assert per_certificate == 1  # its ACM certificate; the export mechanism is the stack's


def test_template_bytes_per_exported_certificate(one: dict[str, Any], many: dict[str, Any]) -> None:
    per_certificate = (_bytes(many) - _bytes(one)) / (CERTIFICATES - 1)
    # ~0.97 KB measured: room for about a thousand in 1 MB, resources permitting.
    assert per_certificate < CLOUDFORMATION_MAX_TEMPLATE_BYTES / CERTIFICATES / 2


def test_handler_policies_do_not_grow_with_the_certificates(
    one: dict[str, Any], many: dict[str, Any]
) -> None:
    def policies(template: dict[str, Any]) -> dict[str, str]:
        return {
            logical_id: json.dumps(policy["Properties"]["PolicyDocument"], separators=(",", ":"))
            for logical_id, policy in resources_of_type(template, "AWS::IAM::Policy").items()
            if logical_id.startswith(("PkiConstructsCertExport", "PkiConstructsCertificateExports"))
        }

    assert len(policies(many)) == 3  # export handler, renewal function, the Provider framework
    assert policies(many) == policies(one)
    assert all(len(document) < IAM_MAX_INLINE_POLICY_CHARACTERS for document in policies(many).values())


def test_manifest_fits_a_custom_resource_update(many: dict[str, Any]) -> None:
    (manifest,) = resources_of_type(many, "Custom::PkiCertificateExports").values()
    properties = json.dumps(manifest["Properties"], separators=(",", ":"))
    # As CloudFormation sends it: references resolved to ARNs.
    resolved = re.sub(r'\{"Ref":"[A-Za-z0-9]+"\}', f'"{RESOLVED_CERTIFICATE_ARN}"', properties)
    resolved = re.sub(r'\{"Fn::GetAtt":\["[A-Za-z0-9]+","Arn"\]\}', f'"{RESOLVED_KEY_ARN}"', resolved)
    assert len(manifest["Properties"]["Exports"]) == CERTIFICATES
    assert 2 * len(resolved.encode()) < LAMBDA_MAX_ASYNC_PAYLOAD_BYTES
