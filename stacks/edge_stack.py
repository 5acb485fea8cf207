"""The edge stack in us-east-1: the CloudFront certificate and distribution in front of the origin ALB."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_route53 as route53
from constructs import Construct

from pki_constructs import CertifiedAlb, CertifiedDistribution, PublicCertificate

from .alerts import expiry_topic
from .config import ReferenceConfig


class EdgeStack(cdk.Stack):
    """CloudFront needs its certificate in us-east-1, so the certificate, the distribution and the
    certificate's expiry alarm live here; the ALB origin in the workload region is reached through a weak
    reference (an SSM parameter read in its region), never a cross-region export."""

    def __init__(
        self, scope: Construct, id: str, *, config: ReferenceConfig, origin: CertifiedAlb, **kwargs: Any
    ) -> None:
        super().__init__(scope, id, **kwargs)
        zone = route53.HostedZone.from_hosted_zone_attributes(
            self, "Zone", hosted_zone_id=config.hosted_zone_id, zone_name=config.domain_name
        )
        self.certificate = PublicCertificate(
            self, "SiteCertificate", domain_name=config.site_name, hosted_zone=zone
        )
        self.distribution = CertifiedDistribution(
            self,
            "Site",
            certificate=self.certificate,
            domain_names=[config.site_name],
            origin=origin,
            hosted_zone=zone,
            comment="pki-constructs reference: public tier",
        )
        self.alarm_topic = expiry_topic(self, config)
        self.certificate.add_expiry_alarm(topic=self.alarm_topic)
