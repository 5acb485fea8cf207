"""The PKI stack in the home region: the root CA, kept apart, and a same-region code-signing CA."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from pki_constructs import CrlConfiguration, OcspConfiguration, RootCa, SubordinateCa

from .alerts import expiry_topic
from .config import ReferenceConfig


class PkiStack(cdk.Stack):
    """Root CA (CRL behind CloudFront, OCSP) and a code-signing CA activated natively, both watched for expiry."""

    def __init__(self, scope: Construct, id: str, *, config: ReferenceConfig, **kwargs: Any) -> None:
        super().__init__(scope, id, **kwargs)
        self.root_ca = RootCa(
            self,
            "RootCa",
            subject=config.subject(f"{config.organization} Root CA G1"),
            validity=cdk.Duration.days(3650),
            crl=CrlConfiguration(cloudfront=True, expiration=cdk.Duration.days(7)),
            ocsp=OcspConfiguration(),
            certificate_generation=config.root_ca_generation,
        )
        self.code_signing_ca = SubordinateCa(
            self,
            "CodeSigningCa",
            parent=self.root_ca,
            subject=config.subject(f"{config.organization} Code Signing CA G1"),
            validity=cdk.Duration.days(1825),
            path_length=0,
            # Signature verifiers fetch the CRL from the distribution point, so it must be reachable.
            crl=CrlConfiguration(cloudfront=True),
        )
        self.alarm_topic = expiry_topic(self, config)
        for ca in (self.root_ca, self.code_signing_ca):
            ca.add_expiry_alarm(topic=self.alarm_topic)
        # Every subordinate CA certificate the root signs is announced (CloudTrail IssueCertificate events).
        self.root_ca.on_ca_certificate_issued("CaCertificateIssued", topic=self.alarm_topic)
