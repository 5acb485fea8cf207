"""The shared issuing CA: in the PKI account, in the workload region, shared with the workload account.

Used when ``pkiAccount`` and ``workloadAccount`` differ (AWS's central-PKI-account pattern): the workload
account gets no CA of its own, it requests ACM private certificates from this one through the RAM share.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import Construct

from pki_constructs import (
    CrlConfiguration,
    KeyAlgorithm,
    RamPermission,
    RegionalExport,
    RootCa,
    SubordinateCa,
)

from .alerts import expiry_topic
from .config import ReferenceConfig

ISSUING_CA_ARN_PARAMETER = "/pki-reference/shared-issuing-ca-arn"


class SharedIssuingStack(cdk.Stack):
    """The issuing CA signed by the home-region root, shared through AWS RAM with the workload account, and
    its ARN published for the workload account's stacks (a weak reference through a reader role, no export)."""

    def __init__(
        self, scope: Construct, id: str, *, config: ReferenceConfig, root_ca: RootCa, **kwargs: Any
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.issuing_ca = SubordinateCa(
            self,
            "IssuingCa",
            parent=root_ca,
            subject=config.subject(f"{config.organization} Issuing CA {self.region} G1"),
            key_algorithm=KeyAlgorithm.EC_PRIME256V1,
            validity=cdk.Duration.days(1825),
            path_length=0,
            # Member accounts' trust stores cannot read this account's CRL bucket; only AWS reads it here.
            crl=CrlConfiguration(omit_extension=True),
            # Renewal (README "CA lifecycle runbook"): the same context key renews the issuing CA in either layout.
            certificate_generation=config.issuing_ca_generation,
        )
        self.share = self.issuing_ca.share(
            "WorkloadShare",
            principals=[config.workload_account],
            permission=RamPermission.END_ENTITY,
        )
        self.issuing_ca_arn = RegionalExport(
            self,
            "IssuingCaArn",
            value=self.issuing_ca.certificate_authority_arn,
            name=ISSUING_CA_ARN_PARAMETER,
        )
        self.issuing_ca_arn.readable_by(config.workload_account)
        # The CA's owner watches its certificate; the member account watches its own ACM certificates.
        self.alarm_topic = expiry_topic(self, config)
        self.issuing_ca.add_expiry_alarm(topic=self.alarm_topic)
