"""Test scaffolding shared by several test modules: what a test app needs around the construct under test
(a VPC, a hosted zone), built the same way everywhere. Test modules never import one another; they import
from here (or from tests/gate_apps.py for whole apps)."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_route53 as route53


def fixture_vpc(stack: cdk.Stack) -> ec2.Vpc:
    """A small two-AZ VPC with no lookups; its own flow-log finding is not the construct under test."""
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        availability_zones=[f"{stack.region}a", f"{stack.region}b"],
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC),
            ec2.SubnetConfiguration(name="private", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
        ],
    )
    cdk.Validations.of(vpc).acknowledge(
        cdk.Acknowledgment(
            id="AwsSolutions-VPC7", reason="test fixture VPC, not part of the construct under test"
        )
    )
    return vpc


def fixture_zone(stack: cdk.Stack) -> route53.IHostedZone:
    return route53.HostedZone.from_hosted_zone_attributes(
        stack, "Zone", hosted_zone_id="Z0123456789ABCDEFGHIJ", zone_name="example.com"
    )
