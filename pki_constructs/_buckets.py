"""The private S3 bucket every construct here creates (Block Public Access, SSE-S3, SSL-only), and what
synth can know about a bucket a user passes in (its default encryption, its region)."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Duration, Stack, Token, Validations
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ._compliance import exempt

LOG_RETENTION = Duration.days(365)
"""How long access-log buckets keep objects unless told otherwise."""

SSE_S3_REASON = (
    "SSE-S3: ELB access logs and CloudFront standard logs can only be delivered to SSE-S3 buckets; CRLs and CA "
    "bundles are public certificate data, signed, with nothing to keep secret"
)
NO_REPLICATION_REASON = (
    "its objects are rewritten by AWS (CRLs, CA bundles) or are logs; cross-region replication would double "
    "storage for data the service regenerates"
)
NO_VERSIONING_REASON = (
    "objects are written once by an AWS service (logs) or rewritten in full on every change (CRLs); "
    "older versions serve no reader"
)


def private_bucket(
    scope: Construct,
    id: str,
    *,
    object_ownership: s3.ObjectOwnership,
    no_access_logs_reason: str,
    log_retention: Duration | None = None,
    **props: Any,
) -> s3.Bucket:
    """A bucket that blocks all public access, is encrypted with SSE-S3 (the only encryption ELB and
    CloudFront log delivery accept) and refuses plain HTTP. Its scanner findings (access logs, versioning,
    replication, KMS) are explained to cdk-nag and checkov where they apply.

    :param object_ownership: ``BUCKET_OWNER_PREFERRED`` where a writer sets ACLs (AWS Private CA, CloudFront
        standard logs), else ``BUCKET_OWNER_ENFORCED``.
    :param no_access_logs_reason: why the bucket needs no server access logs (cdk-nag S1), acknowledged on it.
    :param log_retention: for log buckets: objects expire after this long. Default: - kept until deleted
    :param props: further ``s3.Bucket`` props (removal policy, versioning, lifecycle rules).
    """
    if log_retention is not None:
        props["lifecycle_rules"] = [
            *props.get("lifecycle_rules", []),
            s3.LifecycleRule(id="ExpireLogs", expiration=log_retention),
        ]
    bucket = s3.Bucket(
        scope,
        id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=object_ownership,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        **props,
    )
    Validations.of(bucket).acknowledge(Acknowledgment(id="AwsSolutions-S1", reason=no_access_logs_reason))
    exempt(
        bucket,
        reason=no_access_logs_reason,
        nag=["S3BucketLoggingEnabled"],
        checkov=["CKV_AWS_18"],
        resource_types=["AWS::S3::Bucket"],
    )
    exempt(bucket, reason=SSE_S3_REASON, nag=["S3DefaultEncryptionKMS"])
    exempt(bucket, reason=NO_REPLICATION_REASON, nag=["S3BucketReplicationEnabled"])
    if not props.get("versioned"):
        exempt(
            bucket,
            reason=NO_VERSIONING_REASON,
            nag=["S3BucketVersioningEnabled"],
            checkov=["CKV_AWS_21"],
            resource_types=["AWS::S3::Bucket"],
        )
    return bucket


def default_encryption(bucket: s3.IBucket) -> str | None:
    """The ``SSEAlgorithm`` of a bucket defined in this app (``AES256``, ``aws:kms``, ``aws:kms:dsse``), or
    None when synth cannot know it (an imported bucket, a token). A bucket without the property gets SSE-S3
    from S3 (default encryption for every new bucket since January 2023), so that reads as ``AES256``."""
    cfn = bucket.node.default_child
    if not isinstance(cfn, s3.CfnBucket):
        return None
    config = Stack.of(cfn).resolve(cfn.bucket_encryption)
    if config is None:
        return "AES256"
    rules = config.get("serverSideEncryptionConfiguration") or []
    algorithms = {(rule.get("serverSideEncryptionByDefault") or {}).get("sseAlgorithm") for rule in rules} - {
        None
    }
    if len(algorithms) != 1:
        return None
    (algorithm,) = algorithms
    return None if Token.is_unresolved(algorithm) else str(algorithm)


def literal_region(bucket: s3.IBucket) -> str | None:
    """The bucket's region when synth knows it (its stack's, or the one it was imported with), else None."""
    region = bucket.env.region
    return None if Token.is_unresolved(region) else region
