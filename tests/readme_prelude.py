"""The hidden prelude of README.md's Python blocks, which pytest-markdown-docs runs verbatim (``--markdown-docs``,
README.md is in ``testpaths``; the root conftest.py loads this module as a plugin).

A block names what it assumes in its fence's info string, which GitHub does not render:

    ```python fixture:stack fixture:issuing_ca fixture:vpc

Each ``fixture:NAME`` below puts ``NAME`` into the block's globals. Things the reader's own app would
already have (a VPC, hosted zones, roles, an API) are imported by literal attributes, so any stack of any
block may use them; our own constructs (``root``, ``issuing``) live in ``stack``. ``python continuation``
runs a block after the one before it (the plugin's own option); ``python notest`` skips a block and must
say why in the README text next to it.

After a block has run, :class:`SynthesizingRunner` synthesizes every app the block's globals reach, so
rules checked at synth (late validations, aspects) run too, and fails on error annotations as ``cdk synth``
would.

To add a prelude name: write a fixture here named exactly as the README uses it, depending on ``stack``
(or ``app``) when it creates constructs, and add ``fixture:NAME`` to the block's info string.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_sns as sns
from aws_cdk import cx_api
from constructs import Construct

# The plugin's runner hook (the `runner:` info-string option and its registry; pinned exactly in pyproject).
from pytest_markdown_docs._runners import DefaultRunner, register_runner
from pytest_markdown_docs.definitions import FenceTestDefinition

from pki_constructs import DistinguishedName, ExpiryTopic, PublicCertificate, RootCa, SubordinateCa
from tests.synth import ACCOUNT, env

EXISTING_ZONE_ID = "Z0123456789ABCDEFGHIJ"


@register_runner(default=True)
class SynthesizingRunner(DefaultRunner):
    """Runs a block as the plugin does, then synthesizes the apps it built, as `cdk synth` would."""

    def runtest(self, test: FenceTestDefinition, args: dict[str, Any], *, asyncio_runner: Any = None) -> None:
        super().runtest(test, args, asyncio_runner=asyncio_runner)
        apps = {id(root): root for root in _roots(args.values()) if isinstance(root, cdk.App)}
        for app in apps.values():
            assembly = app.synth()
            errors = [
                f"{message.id}: {message.entry.data}"
                for stack in assembly.stacks
                for message in stack.messages
                if message.level == cx_api.SynthesisMessageLevel.ERROR
            ]
            assert not errors, f"cdk synth would fail: {errors}"


def _roots(values: Any) -> Iterator[Construct]:
    for value in values:
        if isinstance(value, Construct):
            yield value.node.root


@pytest.fixture
def app() -> cdk.App:
    return cdk.App()


@pytest.fixture
def stack(app: cdk.App) -> cdk.Stack:
    return cdk.Stack(app, "Pki", env=env("us-east-1", ACCOUNT))


@pytest.fixture
def pki_stack(stack: cdk.Stack) -> cdk.Stack:
    """The parent CA's stack in the README's IssuerRole example: here the one that holds ``root``."""
    return stack


@pytest.fixture
def edge_stack(app: cdk.App) -> cdk.Stack:
    return cdk.Stack(app, "Edge", env=env("us-east-1", ACCOUNT))


@pytest.fixture
def root(stack: cdk.Stack) -> RootCa:
    return RootCa(stack, "Root", subject=DistinguishedName(common_name="Example Root CA G1"))


@pytest.fixture
def issuing(stack: cdk.Stack, root: RootCa) -> SubordinateCa:
    return SubordinateCa(
        stack, "Issuing", parent=root, subject=DistinguishedName(common_name="Example Issuing CA G1")
    )


@pytest.fixture
def issuing_ca(issuing: SubordinateCa) -> SubordinateCa:
    return issuing


@pytest.fixture
def existing(app: cdk.App) -> cdk.Stack:
    """Where the reader's existing resources are imported, by literal attributes only."""
    stack = cdk.Stack(app, "Existing")
    # Imports only: its template has no Resources, which CDK's built-in validation reports (F0001) on every run.
    cdk.Validations.of(stack).acknowledge(
        cdk.Acknowledgment(id="CloudFormation-Validate::F0001", reason="holds imports only, deploys nothing")
    )
    return stack


@pytest.fixture
def workload_role(existing: cdk.Stack) -> iam.IRole:
    return iam.Role.from_role_arn(
        existing, "WorkloadRole", f"arn:aws:iam::{ACCOUNT}:role/workload", mutable=False
    )


@pytest.fixture
def task_role(stack: cdk.Stack) -> iam.Role:
    return iam.Role(stack, "TaskRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))


@pytest.fixture
def vpc(existing: cdk.Stack) -> ec2.IVpc:
    """Imported by attributes, so one VPC serves blocks of any region (the Public tier's site is in eu-west-1, the
    Private tier's stack in us-east-1). The README says any ``ec2.IVpc`` of the block's region works; a real
    ``ec2.Vpc`` of a network stack is tried in tests/test_adversarial.py (the Public tier block)."""
    return ec2.Vpc.from_vpc_attributes(
        existing,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        vpc_cidr_block="10.0.0.0/16",
        availability_zones=["az-a", "az-b"],
        public_subnet_ids=["subnet-0000000000000000a", "subnet-0000000000000000b"],
        private_subnet_ids=["subnet-0000000000000000c", "subnet-0000000000000000d"],
    )


def _zone(scope: Construct, id: str) -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(
        scope, id, hosted_zone_id=EXISTING_ZONE_ID, zone_name="example.com"
    )


@pytest.fixture
def edge_zone(existing: cdk.Stack) -> route53.IHostedZone:
    return _zone(existing, "EdgeZone")


@pytest.fixture
def site_zone(existing: cdk.Stack) -> route53.IHostedZone:
    return _zone(existing, "SiteZone")


@pytest.fixture
def public_cert(existing: cdk.Stack) -> acm.ICertificate:
    """An existing public ACM certificate in the API's region."""
    return acm.Certificate.from_certificate_arn(
        existing,
        "PublicCert",
        f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/22222222-3333-4444-5555-666666666666",
    )


@pytest.fixture
def cdn_cert(edge_stack: cdk.Stack) -> PublicCertificate:
    return PublicCertificate(
        edge_stack, "CdnCert", domain_name="www.example.com", hosted_zone=_zone(edge_stack, "CdnZone")
    )


@pytest.fixture
def any_acm_certificate(stack: cdk.Stack) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(
        stack,
        "AnyCertificate",
        f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/11111111-2222-3333-4444-555555555555",
    )


@pytest.fixture
def rest_api(stack: cdk.Stack) -> apigw.RestApi:
    api = apigw.RestApi(stack, "Api", disable_execute_api_endpoint=True)
    api.root.add_method("GET", apigw.MockIntegration())
    return api


@pytest.fixture
def regional_alerts(stack: cdk.Stack) -> ExpiryTopic:
    return ExpiryTopic(stack, "RegionalAlerts")


@pytest.fixture
def alerts_topic(stack: cdk.Stack) -> sns.Topic:
    return sns.Topic(stack, "AlertsTopic")


@pytest.fixture
def member_stack(app: cdk.App) -> cdk.Stack:
    """A member account's stack in the shared CA's region (the README's RAM sharing example)."""
    return cdk.Stack(app, "Member", env=env("eu-west-1", "222222222222"))
