"""The private S3 bucket every construct here creates: Block Public Access, SSE-S3, SSL-only."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Duration, Validations
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
