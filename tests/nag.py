"""cdk-nag (v3) in a test: the unacknowledged AwsSolutions findings of an app, as plain strings.

cdk-nag 3 dropped Aspects and ``NagSuppressions``. Its packs are ``IPolicyValidationPlugin``s, and each
pack also offers ``validate_scope(scope)``, which walks the construct tree directly and returns an
``aws_cdk.PolicyValidationPluginReport`` without synthesizing (and without the ``ValidationFailed``
exception that ``Validations.of(app).add_plugins(...)`` + ``app.synth()`` raises). Acknowledgements made
with ``aws_cdk.Validations.of(construct).acknowledge(aws_cdk.Acknowledgment(id=..., reason=...))`` are
honoured: an acknowledged finding is not in the report.

Usage::

    from tests.nag import nag_findings

    assert nag_findings(app) == []

Each finding reads ``"<severity> <rule>[<finding>] <construct path>: <description>"``, e.g.
``"error AwsSolutions-S1 Stack/Bucket/Resource: The S3 Bucket has server access logs disabled."`` so a
failing assertion says what fired and where. Warnings (e.g. CFR1, CFR2) are findings too: acknowledge them
where they are deliberate.
"""

from __future__ import annotations

from constructs import IConstruct


def nag_findings(
    scope: IConstruct, *, include_warnings: bool = True, pack: str = "AwsSolutions"
) -> list[str]:
    """Unacknowledged findings of one cdk-nag pack in ``scope`` (usually the App), sorted, one string each.

    :param scope: the construct tree to check; the App checks every stack in it.
    :param include_warnings: also report warning-level rules. Default: - True.
    :param pack: the rule prefix of the pack: ``AwsSolutions``, ``NIST.800.53.R5``, ``HIPAA.Security`` or
        ``PCI.DSS.321``. Default: - AwsSolutions
    """
    import cdk_nag  # dev dependency only; imported lazily

    packs = {
        "AwsSolutions": cdk_nag.AwsSolutionsChecks,
        "NIST.800.53.R5": cdk_nag.NIST80053R5Checks,
        "HIPAA.Security": cdk_nag.HIPAASecurityChecks,
        "PCI.DSS.321": cdk_nag.PCIDSS321Checks,
    }
    report = packs[pack](verbose=False).validate_scope(scope)
    findings: list[str] = []
    for violation in report.violations:
        severity = str(violation.severity or "error")
        if not include_warnings and severity.lower().startswith("warn"):
            continue
        for resource in violation.violating_resources:
            findings.append(
                f"{severity} {violation.rule_name} {resource.construct_path}: {violation.description}"
            )
    return sorted(findings)
