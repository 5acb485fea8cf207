"""Exemptions from compliance scanners, recorded where each scanner sees them, always with a reason.

cdk-nag v3 reads acknowledgements from the construct tree (``Validations.of(c).acknowledge``); checkov
reads only the template, from a resource's ``Metadata.checkov.skip`` list. :func:`exempt` writes both for
one resource (or construct subtree), so a finding is never explained to one tool and hidden from the
other. Every exemption names its rules; nothing here silences a rule for a whole stack or app. The README
"Compliance" table lists each one with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from aws_cdk import Acknowledgment, CfnResource, Validations
from aws_cdk import aws_iam as iam
from constructs import IConstruct

# Resources are recognised by CloudFormation type, not by aws_lambda/aws_logs classes: importing those
# bindings here would load them for every CA construct (tests/test_package_root.py).
FUNCTION = "AWS::Lambda::Function"
LOG_GROUP = "AWS::Logs::LogGroup"

NAG_PACKS = ("NIST.800.53.R5", "HIPAA.Security", "PCI.DSS.321")
"""The cdk-nag packs (besides AwsSolutions) whose rule names are shared: ``<pack>-<RuleName>``."""

HANDLER_NOT_IN_VPC = (
    "pki-constructs handler: calls only AWS APIs (ACM PCA, ACM, S3, SSM, Secrets Manager, CloudWatch) over "
    "their public endpoints; a VPC would add NAT or endpoints and protect nothing"
)
HANDLER_NO_DLQ = (
    "invoked synchronously (CloudFormation custom-resource Provider) or by EventBridge with retries; a failure "
    "fails the stack operation or raises an alarm, a dead-letter queue would hold nothing actionable"
)
HANDLER_NO_RESERVED_CONCURRENCY = (
    "runs a few times per deploy or per schedule; reserving concurrency would take it from the account's "
    "pool for nothing"
)
HANDLER_ENVIRONMENT = (
    "environment holds names and ARNs only, never secrets; Lambda encrypts it at rest with an AWS key"
)
LOGS_NOT_KMS = (
    "handler logs carry ARNs, serials, dates and fingerprints, never key material (DESIGN 3.4); "
    "CloudWatch Logs encrypts them at rest"
)
INLINE_POLICY = (
    "least-privilege statements on exact ARNs that belong to this one role; a managed policy could be "
    "attached to other principals"
)


def cfn_resources(scope: IConstruct) -> list[CfnResource]:
    """The CloudFormation resources in ``scope``'s subtree (``scope`` itself included)."""
    return [c for c in scope.node.find_all() if isinstance(c, CfnResource)]


def skip_checkov(resource: CfnResource, checks: Iterable[str], reason: str) -> None:
    """Add checkov skips (``Metadata.checkov.skip``, each with its comment) to one resource."""
    metadata: Any = resource.get_metadata("checkov") or {}
    skips = list(metadata.get("skip", []))
    known = {skip["id"] for skip in skips}
    skips += [{"id": check, "comment": reason} for check in checks if check not in known]
    resource.add_metadata("checkov", {**metadata, "skip": skips})


def exempt(
    scope: IConstruct,
    *,
    reason: str,
    nag: Sequence[str] = (),
    aws_solutions: Sequence[str] = (),
    checkov: Sequence[str] = (),
    resource_types: Sequence[str] | None = None,
) -> None:
    """Explain findings on ``scope`` to every scanner.

    :param nag: rule names shared by the NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1 packs, e.g.
        ``"LambdaDLQ"``; acknowledged on ``scope`` (cdk-nag applies it to the subtree) in each pack.
    :param aws_solutions: AwsSolutions rule ids, e.g. ``"AwsSolutions-S1"``.
    :param checkov: checkov check ids, written into the metadata of the CloudFormation resources of
        ``scope``'s subtree (only those of ``resource_types`` when given, e.g. ``["AWS::S3::Bucket"]``).
    """
    acknowledgements = [
        Acknowledgment(id=f"{pack}-{rule}", reason=reason) for rule in nag for pack in NAG_PACKS
    ]
    acknowledgements += [Acknowledgment(id=rule, reason=reason) for rule in aws_solutions]
    if acknowledgements:
        Validations.of(scope).acknowledge(*acknowledgements)
    if checkov:
        for resource in cfn_resources(scope):
            if resource_types is None or resource.cfn_resource_type in resource_types:
                skip_checkov(resource, checkov, reason)


def exempt_handler(function: IConstruct) -> None:
    """The exemptions every custom-resource or scheduled handler function of ours (or of aws-cdk-lib's
    Provider framework and custom-resource providers) needs, each with its reason. Skipped where the
    function already complies (properties readable on a typed ``CfnFunction``)."""
    cfn = function if isinstance(function, CfnResource) else function.node.default_child
    assert isinstance(cfn, CfnResource) and cfn.cfn_resource_type == FUNCTION
    exempt(cfn, reason=HANDLER_NOT_IN_VPC, nag=["LambdaInsideVPC"], checkov=["CKV_AWS_117"])
    if getattr(cfn, "dead_letter_config", None) is None:
        exempt(cfn, reason=HANDLER_NO_DLQ, nag=["LambdaDLQ"], checkov=["CKV_AWS_116"])
    if getattr(cfn, "reserved_concurrent_executions", None) is None:
        exempt(
            cfn, reason=HANDLER_NO_RESERVED_CONCURRENCY, nag=["LambdaConcurrency"], checkov=["CKV_AWS_115"]
        )
    if getattr(cfn, "environment", None) is not None and getattr(cfn, "kms_key_arn", None) is None:
        exempt(cfn, reason=HANDLER_ENVIRONMENT, checkov=["CKV_AWS_173"])


def exempt_handler_scope(scope: IConstruct) -> None:
    """:func:`exempt_handler` for every function in ``scope``, plus its log groups and role policies."""
    for child in scope.node.find_all():
        if isinstance(child, CfnResource) and child.cfn_resource_type == FUNCTION:
            exempt_handler(child)
        elif isinstance(child, CfnResource) and child.cfn_resource_type == LOG_GROUP:
            exempt(child, reason=LOGS_NOT_KMS, nag=["CloudWatchLogGroupEncrypted"], checkov=["CKV_AWS_158"])
        elif isinstance(child, iam.Role | iam.CfnPolicy):
            exempt(child, reason=INLINE_POLICY, nag=["IAMNoInlinePolicy"])
