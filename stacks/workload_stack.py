"""The workload stack in another region: the issuing CA, the CloudFront-only origin ALB and the private mTLS tier."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_acmpca as acmpca
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from constructs import Construct

from pki_constructs import (
    CertifiedAlb,
    ExpiryAlarm,
    KeyAlgorithm,
    MutualTlsTrustStore,
    PrivateServiceTier,
    PublicCertificate,
    RootCa,
    SubordinateCa,
)
from pki_constructs._compliance import INLINE_POLICY, exempt, exempt_handler_scope

from .alerts import expiry_topic
from .config import ReferenceConfig
from .shared_issuing_stack import SharedIssuingStack

EXAMPLE_SERVICES = ("orders", "payments")


class WorkloadStack(cdk.Stack):
    """An issuing CA signed by the home-region root through the cross-region custom resource; the internal
    ALB that CloudFront reaches as a VPC origin; an internal mTLS ALB trusting the issuing CA, with two example
    services whose client certificates live in Secrets Manager; expiry alarms for all of it."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: ReferenceConfig,
        root_ca: RootCa,
        shared_issuing: SharedIssuingStack | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.issuing_ca: acmpca.ICertificateAuthority
        if shared_issuing is None:
            self.issuing_ca = SubordinateCa(
                self,
                "IssuingCa",
                parent=root_ca,
                subject=config.subject(f"{config.organization} Issuing CA {self.region} G1"),
                key_algorithm=KeyAlgorithm.EC_PRIME256V1,
                validity=cdk.Duration.days(1825),
                path_length=0,
                # The default CRL: served through CloudFront, so every certificate's distribution point works for
                # any relying party; the internal ALB's trust store reads the same CRL from the bucket.
                certificate_generation=config.issuing_ca_generation,
            )
        else:
            # Multi-account: the PKI account's issuing CA, shared with this account through AWS RAM; its ARN is
            # read at deploy time through the PKI account's reader role (no export, no CA of our own).
            ca = shared_issuing.issuing_ca
            self.issuing_ca = SubordinateCa.from_certificate_authority_attributes(
                self,
                "IssuingCa",
                certificate_authority_arn=shared_issuing.issuing_ca_arn.value_in(self),
                shared_permissions=[shared_issuing.share.permission],
                subject=ca.subject,
                key_algorithm=ca.key_algorithm,
                validity=ca.validity,
                path_length=ca.path_length,
                usage_mode=ca.usage_mode,
                depth=ca.depth,
                # The trust store re-reads the shared CA's certificate when the PKI account renews it.
                certificate_generation=ca.certificate_generation,
            )

        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            max_azs=2,
            nat_gateways=1,
            subnet_configuration=[
                # Public subnets hold only the NAT gateway (an Elastic IP, no auto-assigned addresses).
                ec2.SubnetConfiguration(
                    name="Public", subnet_type=ec2.SubnetType.PUBLIC, map_public_ip_on_launch=False
                ),
                ec2.SubnetConfiguration(name="Private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            ],
        )
        for subnet in self.vpc.public_subnets:
            exempt(
                subnet,
                reason="the NAT gateway's subnet: its default route to the internet gateway carries the private "
                "subnets' egress; no load balancer or instance here is public",
                nag=["VPCNoUnrestrictedRouteToIGW"],
            )
        restrict_default_sg = self.node.try_find_child("Custom::VpcRestrictDefaultSGCustomResourceProvider")
        if (
            restrict_default_sg is not None
        ):  # aws-cdk-lib's own handler that empties the default security group
            exempt_handler_scope(restrict_default_sg)
        flow_log = self.vpc.add_flow_log("FlowLogs")
        exempt(
            flow_log,
            reason="VPC flow log records hold addresses and ports only; CloudWatch Logs encrypts them at rest",
            nag=["CloudWatchLogGroupEncrypted"],
            checkov=["CKV_AWS_158"],
            resource_types=["AWS::Logs::LogGroup"],
        )
        exempt(flow_log, reason=INLINE_POLICY, nag=["IAMNoInlinePolicy"])
        zone = route53.HostedZone.from_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=config.hosted_zone_id, zone_name=config.domain_name
        )

        # Public tier origin: CloudFront forwards the viewer's Host, so this certificate names the site too.
        self.origin_certificate = PublicCertificate(
            self, "OriginCertificate", domain_name=config.site_name, hosted_zone=zone
        )
        # Internal: CloudFront reaches it as a VPC origin; nobody reaches it around the distribution.
        self.origin_alb = CertifiedAlb(
            self,
            "OriginAlb",
            vpc=self.vpc,
            certificates=[self.origin_certificate],
            cloudfront_origin=True,
            default_action=elbv2.ListenerAction.fixed_response(
                200, content_type="text/plain", message_body="ok"
            ),
        )

        # Private tier: mutual TLS with certificates from the issuing CA.
        self.private_tier = PrivateServiceTier(
            self,
            "PrivateTier",
            vpc=self.vpc,
            certificate_authority=self.issuing_ca,
            domain_name=f"api.internal.{config.domain_name}",
            services=list(EXAMPLE_SERVICES),
            # Revoked client certificates are refused from the first deploy on: the CA writes its first CRL
            # once it has issued, so the bundle is published after this stack's certificates are issued.
            # A CA shared from the PKI account keeps its CRL bucket there: single-account only.
            revocation=config.trust_store_revocation and shared_issuing is None,
        )
        trust_store = self.private_tier.load_balancer.node.try_find_child("MutualTls")
        if isinstance(trust_store, MutualTlsTrustStore):
            trust_store.bundle.node.add_dependency(self.private_tier.server_certificate)
            for service in self.private_tier.services.values():
                trust_store.bundle.node.add_dependency(service.client_certificate)

        self.alarm_topic = topic = expiry_topic(self, config)
        if isinstance(self.issuing_ca, SubordinateCa):  # a shared CA is watched in its owner's stack
            self.issuing_ca.add_expiry_alarm(topic=topic)
        self.origin_certificate.add_expiry_alarm(topic=topic)
        ExpiryAlarm(
            self, "ServerCertificateExpiry", certificate=self.private_tier.server_certificate, topic=topic
        )
        for name, service in self.private_tier.services.items():
            ExpiryAlarm(
                self,
                f"{name.title()}ClientCertificateExpiry",
                certificate=service.client_certificate,
                topic=topic,
            )
