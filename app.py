#!/usr/bin/env python3
"""The reference hybrid architecture of pki-constructs. `npm run synth` (or `npx cdk synth`) runs this.

Three stacks, deployed in this order (explicit dependencies, no cross-region exports):
- PkiReference-Pki (home region): root CA, CRL behind CloudFront, OCSP, code-signing CA;
- PkiReference-Workload (workload region): issuing CA signed across regions, CloudFront-only origin ALB,
  private mTLS tier with service certificates in Secrets Manager;
- PkiReference-Edge (us-east-1): CloudFront certificate and distribution in front of the ALB.
When the context's pkiAccount and workloadAccount differ, PkiReference-SharedIssuing (PKI account, workload
region) holds the issuing CA, shared through AWS RAM, and the Workload stack issues from it with no CA.
Every certificate and CA has an expiry alarm in its own region.
"""

from __future__ import annotations

import aws_cdk as cdk

from stacks.config import ReferenceConfig
from stacks.edge_stack import EdgeStack
from stacks.member_stackset import MemberStackSetStack
from stacks.pki_stack import PkiStack
from stacks.shared_issuing_stack import SharedIssuingStack
from stacks.workload_stack import WorkloadStack

CLOUDFRONT_REGION = "us-east-1"


def build(app: cdk.App) -> cdk.App:
    config = ReferenceConfig.from_context(app)
    pki = PkiStack(
        app,
        "PkiReference-Pki",
        config=config,
        env=cdk.Environment(account=config.pki_account, region=config.home_region),
        description="pki-constructs reference: root CA, CRL/OCSP, code-signing CA",
    )
    shared_issuing = None
    if config.multi_account:
        # AWS's central PKI account: the issuing CA lives in the PKI account (in the workload region) and is
        # shared with the workload account through AWS RAM; the workload account has no CA of its own.
        shared_issuing = SharedIssuingStack(
            app,
            "PkiReference-SharedIssuing",
            config=config,
            root_ca=pki.root_ca,
            env=cdk.Environment(account=config.pki_account, region=config.workload_region),
            description="pki-constructs reference: issuing CA in the PKI account, shared with the workload account",
        )
    workload = WorkloadStack(
        app,
        "PkiReference-Workload",
        config=config,
        root_ca=pki.root_ca,
        shared_issuing=shared_issuing,
        env=cdk.Environment(account=config.workload_account, region=config.workload_region),
        description="pki-constructs reference: issuing CA, CloudFront-only origin ALB, private mTLS tier",
    )
    if config.member_stack_set is not None:
        # Many member accounts: one member stack template stamped into every account of the OUs by a
        # service-managed StackSet (created in the management or a delegated administrator account).
        stack_set = config.member_stack_set
        MemberStackSetStack(
            app,
            "PkiReference-MemberStackSet",
            config=config,
            env=cdk.Environment(account=stack_set.administrator_account, region=config.home_region),
            description="pki-constructs reference: member-account certificates from the shared CA, via a StackSet",
        )
    EdgeStack(
        app,
        "PkiReference-Edge",
        config=config,
        origin=workload.origin_alb,
        env=cdk.Environment(account=config.workload_account, region=CLOUDFRONT_REGION),
        description="pki-constructs reference: CloudFront with an ACM certificate in front of the ALB",
    )
    return app


if __name__ == "__main__":
    build(cdk.App()).synth()
