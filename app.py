#!/usr/bin/env python3
"""The reference hybrid architecture of pki-constructs. `npm run synth` (or `npx cdk synth`) runs this."""

from __future__ import annotations

import aws_cdk as cdk

from stacks.config import ReferenceConfig
from stacks.pki_stack import PkiStack


def build(app: cdk.App) -> cdk.App:
    config = ReferenceConfig.from_context(app)
    PkiStack(
        app,
        "PkiReference-Pki",
        config=config,
        env=cdk.Environment(account=config.pki_account, region=config.home_region),
        description="pki-constructs reference: root CA, CRL/OCSP, code-signing CA",
    )
    return app


if __name__ == "__main__":
    build(cdk.App()).synth()
