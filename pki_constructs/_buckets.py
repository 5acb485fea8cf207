"""The private S3 bucket every construct here creates: Block Public Access, SSE-S3, SSL-only."""

from __future__ import annotations

from typing import Any

from aws_cdk import Acknowledgment, Validations
from aws_cdk import aws_s3 as s3
from constructs import Construct


def private_bucket(
    scope: Construct,
    id: str,
    *,
    object_ownership: s3.ObjectOwnership,
    no_access_logs_reason: str,
    **props: Any,
) -> s3.Bucket:
    """A bucket that blocks all public access, is encrypted with SSE-S3 (the only encryption ELB and
    CloudFront log delivery accept) and refuses plain HTTP.

    :param object_ownership: ``BUCKET_OWNER_PREFERRED`` where a writer sets ACLs (AWS Private CA, CloudFront
        standard logs), else ``BUCKET_OWNER_ENFORCED``.
    :param no_access_logs_reason: why the bucket needs no server access logs (cdk-nag S1), acknowledged on it.
    :param props: further ``s3.Bucket`` props (removal policy, versioning, lifecycle rules).
    """
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
    return bucket
