"""Revocation for a CA: a CRL in a private S3 bucket (optionally fronted by CloudFront) and OCSP.

Secure by default: the CRL bucket blocks all public access, keeps ACLs for the bucket owner
(AWS Private CA writes CRLs with an ACL), is encrypted and SSL-only, and admits only
``acm-pca.amazonaws.com`` acting for this account's CAs. The bucket policy exists before the CA,
because AWS tests the bucket when the CA is created.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field, replace

from aws_cdk import Acknowledgment, Annotations, Duration, RemovalPolicy, Stack, Token, Validations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk.region_info import RegionInfo
from constructs import Construct, IConstruct

from ._buckets import private_bucket
from ._compliance import exempt
from .acm_certificate import certificate_in
from .certificate_facts import cloudfront_certificate_problems
from .errors import Problem
from .inputs import is_token

MAX_CRL_EXPIRATION_DAYS = 5000
_HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*")
"""An RFC 1123 host name: what a CNAME in a revocation URL must be (see :func:`host_name_problems`)."""
_CUSTOM_PATH = re.compile(r"(/|[-a-zA-Z0-9;?:@&=+$,%_.!~*()']+(/[-a-zA-Z0-9;?:@&=+$,%_.!~*()']+)*)")
_MAX_CNAME = 253


# Partitions whose regions lack what the default CRL front is made of, per cfn-lint's region provider schemas
# (cfnlint/data/schemas/providers/<region>.json): cn-north-1 and cn-northwest-1 have AWS::CloudFront::Distribution
# but no AWS::CloudFront::OriginAccessControl; us-gov-east-1 and us-gov-west-1 have neither.
NO_CRL_FRONT_PARTITIONS = {
    "aws-cn": "AWS::CloudFront::OriginAccessControl does not exist in the China regions",
    "aws-us-gov": "CloudFront (AWS::CloudFront::Distribution) does not exist in the GovCloud (US) regions",
}


def partition_of(scope: IConstruct) -> str | None:
    """The partition of ``scope``'s stack when its region is a literal known to aws-cdk-lib, else None."""
    region = Stack.of(scope).region
    if Token.is_unresolved(region):
        return None
    return RegionInfo.get(region).partition


class CrlType(enum.Enum):
    """``COMPLETE`` lists every revoked certificate in one CRL; ``PARTITIONED`` splits it and marks the
    Issuing Distribution Point extension critical, which every relying party must then understand."""

    COMPLETE = "COMPLETE"
    PARTITIONED = "PARTITIONED"


class S3ObjectAcl(enum.Enum):
    """The ACL AWS Private CA writes CRL objects with. ``PUBLIC_READ`` (AWS's default) fails on a bucket
    that blocks public access."""

    PUBLIC_READ = "PUBLIC_READ"
    BUCKET_OWNER_FULL_CONTROL = "BUCKET_OWNER_FULL_CONTROL"


@dataclass(frozen=True, kw_only=True)
class CrlConfiguration:
    """Where and how a CA publishes its certificate revocation list.

    ``CrlConfiguration()`` is the default of every CA: a CRL renewed every 7 days in a new private
    bucket, served to relying parties through a CloudFront distribution (origin access control; the bucket
    stays private), whose domain is the CRL distribution point of every certificate the CA issues. So the
    revocation pointer in a certificate works: without the front it would name the private bucket's S3
    address, which answers 403. Cost: CloudFront bills per request and per byte transferred, with no fixed
    monthly fee, and a CRL is a few KB. ``CrlConfiguration.disabled()`` turns CRLs off. The CRL distribution
    point written into issued certificates is plain ``http://`` (RFC 5280), so the front allows HTTP.

    :param enabled: Default: - True
    :param bucket: an existing bucket for the CRL; you then own its policy and public-access settings.
        Default: - a new private bucket
    :param expiration: how long each CRL is valid, 1 to 5000 whole days. Default: - 7 days
    :param custom_cname: DNS host name (no scheme, path or port) written into the CRL distribution point instead of the
        bucket's S3 host. Default: - the CloudFront domain when ``cloudfront`` is on, else the S3 host
    :param custom_path: object path prefix instead of ``crl/``. Default: - ``crl/``
    :param crl_type: Default: - ``CrlType.COMPLETE``
    :param omit_extension: leave the CRL distribution point extension out of issued certificates.
        Default: - False
    :param s3_object_acl: Default: - ``BUCKET_OWNER_FULL_CONTROL``, the only ACL that works with Block
        Public Access
    :param cloudfront: serve the CRL through a CloudFront distribution (origin access control; the bucket
        stays private). Not available in the aws-cn and aws-us-gov partitions (no origin access control there,
        no CloudFront at all in GovCloud): there ``True`` is refused and the default is False, with a warning.
        Default: - True when the construct creates the bucket and none of ``custom_cname``
        (you serve that name), ``cloudfront_certificate`` (say ``cloudfront=True`` with it) or
        ``omit_extension`` (nobody follows a pointer) is set, outside aws-cn and aws-us-gov; else False
    :param cloudfront_certificate: a us-east-1 ACM certificate for ``custom_cname`` on the distribution. One of
        another stack or region (the CA need not be in us-east-1) is read weakly (``certificate_in``: an SSM
        parameter, no export).
        Default: - none; required when both ``cloudfront`` and ``custom_cname`` are set
    """

    enabled: bool = True
    bucket: s3.IBucket | None = None
    expiration: Duration | None = None
    custom_cname: str | None = None
    custom_path: str | None = None
    crl_type: CrlType | None = None
    omit_extension: bool | None = None
    s3_object_acl: S3ObjectAcl | None = None
    cloudfront: bool | None = None
    cloudfront_certificate: acm.ICertificate | None = None
    # Set by in_stack: the partition of the CA's stack, when the default front was dropped or cannot exist there.
    _partition_without_front: str | None = field(default=None, init=False, repr=False, compare=False)
    _cloudfront_defaulted: bool = field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cloudfront_defaulted", self.cloudfront is None)
        if self.cloudfront is None:
            default = (
                self.enabled
                and self.bucket is None
                and self.custom_cname is None
                and self.cloudfront_certificate is None
                and not self.omit_extension
            )
            object.__setattr__(self, "cloudfront", default)

    @classmethod
    def disabled(cls) -> CrlConfiguration:
        return cls(enabled=False)

    @property
    def partition_without_front(self) -> str | None:
        """Set by :meth:`in_stack`: the partition of the CA's stack when it has no CloudFront CRL front."""
        return self._partition_without_front

    def in_stack(self, scope: IConstruct) -> CrlConfiguration:
        """This configuration as it applies in ``scope``'s stack: in a partition without the CloudFront front
        (:data:`NO_CRL_FRONT_PARTITIONS`) the default front is dropped (the CRL stays in the bucket), and an
        explicit ``cloudfront=True`` is reported by :meth:`problems`."""
        partition = partition_of(scope)
        if partition not in NO_CRL_FRONT_PARTITIONS or not self.cloudfront:
            return self
        adapted = replace(self, cloudfront=False) if self._cloudfront_defaulted else replace(self)
        object.__setattr__(adapted, "_cloudfront_defaulted", self._cloudfront_defaulted)
        object.__setattr__(adapted, "_partition_without_front", partition)
        return adapted

    def _settings(self) -> dict[str, object]:
        names = ["bucket", "expiration", "custom_cname", "custom_path", "crl_type", "omit_extension"]
        names += ["s3_object_acl", "cloudfront_certificate"]
        settings = {name: getattr(self, name) for name in names if getattr(self, name) is not None}
        if self.cloudfront:
            settings["cloudfront"] = True
        return settings

    @property
    def expiration_days(self) -> int:
        return int((self.expiration or Duration.days(7)).to_days())

    def problems(self) -> list[Problem]:
        if not self.enabled:
            return [
                Problem(
                    f"crl.{name}",
                    value,
                    "a disabled CRL configuration must carry nothing but enabled=False (AWS rejects it)",
                    "drop the setting, or enable the CRL",
                )
                for name, value in self._settings().items()
            ]
        problems = []
        if self.cloudfront and self._partition_without_front is not None:
            problems.append(
                Problem(
                    "crl.cloudfront",
                    True,
                    f"the CRL front is a CloudFront distribution with origin access control, and "
                    f"{NO_CRL_FRONT_PARTITIONS[self._partition_without_front]} "
                    f"(partition {self._partition_without_front})",
                    "drop cloudfront=True: the CRL stays in its bucket; serve it under custom_cname by your own "
                    "means, or set omit_extension=True if only AWS services read it",
                )
            )
        days = (self.expiration or Duration.days(7)).to_days(integral=False)
        if not is_token(self.expiration) and (days != int(days) or not 1 <= days <= MAX_CRL_EXPIRATION_DAYS):
            problems.append(
                Problem(
                    "crl.expiration",
                    f"{days} days",
                    f"must be a whole number of days from 1 to {MAX_CRL_EXPIRATION_DAYS}",
                    "use Duration.days(n), e.g. Duration.days(7)",
                )
            )
        if self.custom_cname is not None:
            problems += host_name_problems("crl.custom_cname", self.custom_cname)
            if self.omit_extension:
                problems.append(
                    Problem(
                        "crl.omit_extension",
                        True,
                        "AWS cannot omit the CRL distribution point extension when a custom CNAME is set",
                        "drop custom_cname or omit_extension",
                    )
                )
        path = self.custom_path
        if path is not None and not Token.is_unresolved(path) and not _valid_custom_path(path):
            problems.append(
                Problem(
                    "crl.custom_path",
                    path,
                    "must be at most 253 URI path characters, segments separated by single '/'",
                    "use e.g. 'crl' or 'pki/crl'",
                )
            )
        if self.s3_object_acl is S3ObjectAcl.PUBLIC_READ and self.bucket is None:
            problems.append(
                Problem(
                    "crl.s3_object_acl",
                    "PUBLIC_READ",
                    "the CRL bucket this construct creates blocks public access; AWS then fails PUBLIC_READ writes",
                    "keep BUCKET_OWNER_FULL_CONTROL and serve the CRL with cloudfront=True",
                )
            )
        if self.cloudfront_certificate is not None and not self.cloudfront:
            problems.append(
                Problem(
                    "crl.cloudfront_certificate",
                    "certificate",
                    "only used by the CloudFront front",
                    "set cloudfront=True or drop the certificate",
                )
            )
        if self.cloudfront and self.cloudfront_certificate is not None:
            if self.custom_cname is None:
                problems.append(
                    Problem(
                        "crl.cloudfront_certificate",
                        "certificate",
                        "without custom_cname the distribution serves its *.cloudfront.net name and never this "
                        "certificate",
                        "pass custom_cname (a name the certificate covers), or drop cloudfront_certificate",
                    )
                )
            else:  # CertifiedDistribution's rules: an ACM certificate, public, us-east-1, covering the name
                problems += cloudfront_certificate_problems(
                    self.cloudfront_certificate,
                    {"crl.custom_cname": self.custom_cname},
                    certificate_field="crl.cloudfront_certificate",
                )
        if self.cloudfront and self.custom_cname is not None and self.cloudfront_certificate is None:
            problems.append(
                Problem(
                    "crl.cloudfront_certificate",
                    None,
                    "CloudFront serves a custom CNAME only with a us-east-1 ACM certificate covering it",
                    "pass cloudfront_certificate, or drop custom_cname to use the distribution's own domain",
                )
            )
        return problems


@dataclass(frozen=True, kw_only=True)
class OcspConfiguration:
    """AWS-hosted OCSP for a CA's certificates. Off by default (billed per query).

    :param enabled: Default: - True
    :param custom_cname: DNS host name (no scheme, path or port) written into issued certificates' AIA extension; you must
        proxy it to ``ocsp.acm-pca.<region>.amazonaws.com``. Default: - the AWS responder URL
    """

    enabled: bool = True
    custom_cname: str | None = None

    @classmethod
    def disabled(cls) -> OcspConfiguration:
        return cls(enabled=False)

    def problems(self) -> list[Problem]:
        if self.custom_cname is None:
            return []
        if not self.enabled:
            return [
                Problem(
                    "ocsp.custom_cname",
                    self.custom_cname,
                    "a disabled OCSP configuration must carry nothing but enabled=False (AWS rejects it)",
                    "drop custom_cname, or enable OCSP",
                )
            ]
        return host_name_problems("ocsp.custom_cname", self.custom_cname)


def _valid_custom_path(path: str) -> bool:
    return len(path) <= _MAX_CNAME and _CUSTOM_PATH.fullmatch(path) is not None


def host_name_problems(field: str, cname: str) -> list[Problem]:
    """A CNAME for AWS Private CA: a DNS host name, at most 253 characters.

    The API accepts any RFC 2396 characters (botocore ``CnameString``), paths and ports included, but AWS
    writes the value as the host of ``http://<cname>/...`` into every certificate (the CRL distribution point,
    the OCSP URL in AIA), and it must be a DNS CNAME to the bucket, CloudFront or
    ``ocsp.acm-pca.<region>.amazonaws.com``: with a path or a port, every revocation check fails at runtime."""
    if Token.is_unresolved(cname):
        return []
    problems = []
    scheme = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", cname)
    host = cname[scheme.end() :] if scheme else cname
    if scheme:
        problems.append(Problem(field, cname, "must be a host name without a scheme", f"use {host!r}"))
    if len(cname) > _MAX_CNAME:
        problems.append(
            Problem(field, cname, f"is {len(cname)} characters; at most 253 allowed", "shorten it")
        )
    elif not _HOST_NAME.fullmatch(host):
        bare = re.split(r"[/:?#]", host, maxsplit=1)[0]
        fix = f"use {bare!r}" if bare and _HOST_NAME.fullmatch(bare) else "use a plain DNS name"
        if field.startswith("crl.") and "/" in host:
            fix += " and put the path in custom_path"
        problems.append(
            Problem(
                field,
                cname,
                "must be a DNS host name (letters, digits, hyphens, dot-separated): AWS writes it as the host "
                "of the revocation URL in every certificate, so a path, port or other characters break "
                "revocation checks",
                fix,
            )
        )
    return problems


class CrlDistribution(Construct):
    """The bucket (and optional CloudFront front) a CA publishes its CRL to. Created by the CA."""

    def __init__(
        self, scope: Construct, id: str, *, config: CrlConfiguration, removal_policy: RemovalPolicy
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.bucket: s3.IBucket = config.bucket or self._private_bucket(removal_policy)
        # Pattern rather than the CA's own ARN: AWS probes the bucket while creating the CA, before the ARN exists.
        ca_arn_pattern = stack.format_arn(
            service="acm-pca", resource="certificate-authority", resource_name="*"
        )
        self.bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AcmPcaWritesCrl",
                principals=[iam.ServicePrincipal("acm-pca.amazonaws.com")],
                actions=["s3:PutObject", "s3:PutObjectAcl", "s3:GetBucketAcl", "s3:GetBucketLocation"],
                resources=[self.bucket.bucket_arn, self.bucket.arn_for_objects("*")],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {"aws:SourceArn": ca_arn_pattern},
                },
            )
        )
        self.distribution: cloudfront.Distribution | None = None
        if config.cloudfront:
            self.distribution = self._front(config)
        elif (partition := config.partition_without_front) is not None and config.bucket is None:
            Annotations.of(self).add_warning_v2(
                "pki-constructs:crlNoCloudFront",
                f"No CloudFront front for the CRL in partition {partition}: {NO_CRL_FRONT_PARTITIONS[partition]}. "
                "The CRL is published to its private bucket, whose S3 address (the default distribution point) "
                "answers 403 to relying parties: serve it under custom_cname by your own means, or set "
                "omit_extension=True if only AWS services read it (e.g. ALB trust stores).",
            )
        self.host_name: str | None = config.custom_cname or (
            self.distribution.distribution_domain_name if self.distribution else None
        )

    @property
    def policy_dependable(self) -> Construct | None:
        """What the CA must be created after: the bucket policy that admits AWS Private CA."""
        return self.bucket.policy if isinstance(self.bucket, s3.Bucket) else None

    def _private_bucket(self, removal_policy: RemovalPolicy) -> s3.Bucket:
        return private_bucket(
            self,
            "Bucket",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,  # AWS Private CA writes with an ACL
            no_access_logs_reason="only acm-pca.amazonaws.com writes here (CloudTrail records it); readers come via CloudFront",
            removal_policy=removal_policy,
        )

    def _front(self, config: CrlConfiguration) -> cloudfront.Distribution:
        logs = private_bucket(
            self,
            "AccessLogs",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,  # CloudFront standard logs need ACLs
            no_access_logs_reason="this is the access-log bucket; it cannot log to itself",
            log_retention=Duration.days(365),
        )
        distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="CRL distribution point (plain HTTP by RFC 5280; CRLs are signed)",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                # Issued certificates say http://<host>/crl/<id>.crl: redirecting to HTTPS breaks many clients.
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.ALLOW_ALL,
                allowed_methods=cloudfront.AllowedMethods.ALLOW_GET_HEAD,
                cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            ),
            domain_names=[config.custom_cname] if config.custom_cname else None,
            # us-east-1 while the CA may be anywhere: read weakly across stacks and regions (SSM), never exported.
            certificate=certificate_in(
                config.cloudfront_certificate,
                self,
                "CloudFrontCertificate",
                field="crl.cloudfront_certificate",
            )
            if config.cloudfront_certificate is not None
            else None,
            # Only meaningful with our own certificate; the *.cloudfront.net one has a fixed policy.
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021
            if config.cloudfront_certificate
            else None,
            enable_logging=True,
            log_bucket=logs,
            log_file_prefix="crl/",
        )
        acknowledgements = [
            Acknowledgment(id="AwsSolutions-CFR1", reason="relying parties everywhere must fetch the CRL"),
            Acknowledgment(
                id="AwsSolutions-CFR2", reason="static signed CRL objects; no application to protect"
            ),
        ]
        if config.cloudfront_certificate is None:
            acknowledgements.append(
                Acknowledgment(
                    id="AwsSolutions-CFR4",
                    reason="*.cloudfront.net default certificate; CRLs are fetched over plain HTTP by design",
                )
            )
        Validations.of(distribution).acknowledge(*acknowledgements)
        exempt(
            distribution,
            reason="CRLs are fetched over plain HTTP by design (RFC 5280 CDP is http://; CRLs are signed), so "
            "viewers may use HTTP and the default *.cloudfront.net certificate",
            checkov=["CKV_AWS_34", "CKV_AWS_174"],
        )
        exempt(
            distribution,
            reason="static signed CRL objects; no application to protect",
            checkov=["CKV_AWS_68"],
        )
        return distribution
