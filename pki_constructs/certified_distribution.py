"""CertifiedDistribution: CloudFront with a public us-east-1 ACM certificate, from a stack in any region.

Why: CloudFront only accepts ACM certificates from us-east-1 and only trusts public CAs (for viewers and
for origins alike: "the origin's certificate ... needs to be issued by a CA on the Mozilla Included CA
Certificate List"). CDK checks the region only when it is a literal, and its cross-region answer
(``crossRegionReferences``) locks exports. Here the certificate's ARN crosses regions through
:mod:`pki_constructs.cross_region`, and every name, region and TLS rule is checked at synth.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import Acknowledgment, Annotations, Names, Stack, Token, Validations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk.region_info import RegionInfo
from constructs import Construct

from ._buckets import LOG_RETENTION, literal_region, private_bucket
from ._compliance import exempt
from .certificate_facts import (
    CLOUDFRONT_CERTIFICATE_REGION,
    certificate_facts,
    cloudfront_certificate_problems,
)
from .certified_alb import CertifiedAlb
from .cross_region import RegionalExport, default_parameter_name
from .domain_names import covers, dedupe_names, domain_name_problems, in_zone
from .errors import Problem, add_late_validation, raise_if_any
from .inputs import typed_props
from .public_certificate import certificate_in

__all__ = ["CLOUDFRONT_CERTIFICATE_REGION", "CertifiedDistribution", "minimum_protocol_problems"]

# CloudFormation value of each SecurityPolicyProtocol member (MinimumProtocolVersion enum, cloudfront model).
SECURITY_POLICY_NAMES: dict[str, str] = {
    "SSL_V3": "SSLv3",
    "TLS_V1": "TLSv1",
    "TLS_V1_2016": "TLSv1_2016",
    "TLS_V1_1_2016": "TLSv1.1_2016",
    "TLS_V1_2_2018": "TLSv1.2_2018",
    "TLS_V1_2_2019": "TLSv1.2_2019",
    "TLS_V1_2_2021": "TLSv1.2_2021",
    "TLS_V1_2_2025": "TLSv1.2_2025",
    "TLS_V1_3_2025": "TLSv1.3_2025",
}
_BELOW_TLS_1_2 = {"SSLv3", "TLSv1", "TLSv1_2016", "TLSv1.1_2016"}
_OLD_TLS_1_2 = {"TLSv1.2_2018", "TLSv1.2_2019"}
_WEAK_ORIGIN_PROTOCOLS = {"SSLv3", "TLSv1", "TLSv1.1"}
_ACL_ENABLED_OWNERSHIP = {"BucketOwnerPreferred", "ObjectWriter"}


def minimum_protocol_problems(policy: cloudfront.SecurityPolicyProtocol) -> tuple[list[Problem], list[str]]:
    """(problems, warnings): below TLS 1.2 is refused; the 2018/2019 TLS 1.2 policies are a warning."""
    name = SECURITY_POLICY_NAMES[policy.name]
    if name in _BELOW_TLS_1_2:
        return [
            Problem(
                "minimum_protocol_version",
                name,
                "viewers must use TLS 1.2 or newer",
                "use SecurityPolicyProtocol.TLS_V1_2_2021 (default), TLS_V1_2_2025 or TLS_V1_3_2025",
            )
        ], []
    if name in _OLD_TLS_1_2:
        return [], [
            f"minimum_protocol_version {name} keeps older TLS 1.2 ciphers; TLSv1.2_2021 or newer is advised"
        ]
    return [], []


class CertifiedDistribution(Construct):
    """A CloudFront distribution on your domain names with a public ACM certificate, secure by default.

    - Viewer TLS: the certificate over SNI, minimum ``TLSv1.2_2021`` (below TLS 1.2 refused), HTTP
      redirected to HTTPS, managed ``SecurityHeadersPolicy`` response headers (HSTS, nosniff, frame
      options, referrer policy, XSS protection).
    - Origin: HTTPS only, TLS 1.2. A :class:`CertifiedAlb` origin must be made with
      ``cloudfront_origin=True``: an internal ALB that CloudFront reaches as a VPC origin, so nothing reaches
      it around the distribution. It is wired directly (same stack) or through its ARN and DNS name read in
      its own region (other stack), with caching off and every viewer header — including ``Host``, which
      CloudFront matches against the ALB's certificate — forwarded.
    - Standard access logs to a private bucket (ACLs enabled: CloudFront writes logs with an ACL).
    - A and AAAA alias records for every name, when ``hosted_zone`` is given.

    The certificate must be public and in us-east-1; the distribution's stack may be in any region: a
    :class:`PublicCertificate` (or ``acm.Certificate``) of a us-east-1 stack is read through an SSM
    parameter in us-east-1 with an explicit stack dependency — no ``crossRegionReferences``, no export.

    :param scope: construct scope.
    :param id: construct id.
    :param certificate: a public certificate in us-east-1 covering every name in ``domain_names``.
    :param domain_names: the aliases (CNAMEs) of the distribution.
    :param origin: a ``CertifiedAlb`` or any ``cloudfront.IOrigin`` (custom origins must be HTTPS-only).
    :param hosted_zone: the public zone for the alias records. Default: - no records.
    :param minimum_protocol_version: Default: - ``SecurityPolicyProtocol.TLS_V1_2_2021``.
    :param response_headers_policy: Default: - the managed ``SECURITY_HEADERS`` policy.
    :param cache_policy: Default: - ``CACHING_DISABLED`` for a ``CertifiedAlb`` origin, else ``CACHING_OPTIMIZED``.
    :param origin_request_policy: Default: - ``ALL_VIEWER`` for a ``CertifiedAlb`` origin, else none.
    :param allowed_methods: Default: - all methods for a ``CertifiedAlb`` origin, else GET/HEAD.
    :param log_bucket: an existing bucket with ACLs enabled for standard logs, not in an opt-in region.
        Default: - a new private bucket in this stack's region.
    :param log_file_prefix: Default: - no prefix.
    :param web_acl_id: ARN of a WAFv2 web ACL (scope CLOUDFRONT, us-east-1). Default: - none.
    :param price_class: Default: - ``PRICE_CLASS_ALL``.
    :param comment: Default: - none.
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        certificate: acm.ICertificate,
        domain_names: Sequence[str],
        origin: CertifiedAlb | cloudfront.IOrigin,
        hosted_zone: route53.IHostedZone | None = None,
        minimum_protocol_version: cloudfront.SecurityPolicyProtocol = cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        response_headers_policy: cloudfront.IResponseHeadersPolicy | None = None,
        cache_policy: cloudfront.ICachePolicy | None = None,
        origin_request_policy: cloudfront.IOriginRequestPolicy | None = None,
        allowed_methods: cloudfront.AllowedMethods | None = None,
        log_bucket: s3.IBucket | None = None,
        log_file_prefix: str | None = None,
        web_acl_id: str | None = None,
        price_class: cloudfront.PriceClass | None = None,
        comment: str | None = None,
    ) -> None:
        super().__init__(scope, id)
        names = dedupe_names(domain_names)
        facts = certificate_facts(certificate)
        problems, warnings = minimum_protocol_problems(minimum_protocol_version)
        problems += self._name_problems(domain_names, names, certificate)
        problems += self._origin_problems(origin, names)
        problems += self._zone_problems(names, hosted_zone)
        problems += self._log_bucket_problems(log_bucket)
        raise_if_any(self, problems)
        for warning in warnings:
            Annotations.of(self).add_warning_v2("pki-constructs:cloudfront-tls", warning)
        if facts.region is None:
            Annotations.of(self).add_warning_v2(
                "pki-constructs:certificate-region-unknown",
                f"the region of {facts.path} is not known at synth; CloudFront needs it in us-east-1",
            )

        self.domain_names: list[str] = names
        self.certificate: acm.ICertificate = certificate_in(certificate, self, "Certificate")
        """The certificate as used by the distribution (re-imported from its ARN when it lives elsewhere)."""
        self.log_bucket: s3.IBucket = log_bucket or self._create_log_bucket()
        is_alb = isinstance(origin, CertifiedAlb)
        self.distribution = cloudfront.Distribution(
            self,
            "Resource",
            default_behavior=cloudfront.BehaviorOptions(
                origin=self._origin(origin) if isinstance(origin, CertifiedAlb) else origin,
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=response_headers_policy
                or cloudfront.ResponseHeadersPolicy.SECURITY_HEADERS,
                cache_policy=cache_policy or (cloudfront.CachePolicy.CACHING_DISABLED if is_alb else None),
                origin_request_policy=origin_request_policy
                or (cloudfront.OriginRequestPolicy.ALL_VIEWER if is_alb else None),
                allowed_methods=allowed_methods or (cloudfront.AllowedMethods.ALLOW_ALL if is_alb else None),
            ),
            certificate=self.certificate,
            domain_names=names,
            minimum_protocol_version=minimum_protocol_version,
            ssl_support_method=cloudfront.SSLMethod.SNI,
            enable_logging=True,
            log_bucket=self.log_bucket,
            log_file_prefix=log_file_prefix,
            web_acl_id=web_acl_id,
            price_class=price_class,
            comment=comment,
        )
        """The ``cloudfront.Distribution``."""
        acknowledgements = [
            Acknowledgment(
                id="AwsSolutions-CFR1",
                reason="a public site serves every country; pass a geo restriction if yours must not",
            )
        ]
        if web_acl_id is None:
            acknowledgements.append(
                Acknowledgment(
                    id="AwsSolutions-CFR2", reason="no WAF web ACL was given (web_acl_id); optional, paid"
                )
            )
        Validations.of(self.distribution).acknowledge(*acknowledgements)
        if web_acl_id is None:
            exempt(
                self.distribution,
                reason="no WAF web ACL was given (web_acl_id); optional, paid",
                checkov=["CKV_AWS_68"],
            )
        raise_if_any(self, self._origin_protocol_problems())  # the origin is known now: fail here (issue 11)
        add_late_validation(self, self._origin_protocol_problems)  # and again for origins added later

        self.records: list[route53.RecordSet] = []
        """The A and AAAA alias records (empty without ``hosted_zone``)."""
        if hosted_zone is not None:
            target = route53.RecordTarget.from_alias(targets.CloudFrontTarget(self.distribution))
            for name in names:
                self.records.append(
                    route53.ARecord(self, f"{name} A", zone=hosted_zone, record_name=name, target=target)
                )
                self.records.append(
                    route53.AaaaRecord(
                        self, f"{name} AAAA", zone=hosted_zone, record_name=name, target=target
                    )
                )

    @property
    def distribution_id(self) -> str:
        return self.distribution.distribution_id

    @property
    def distribution_domain_name(self) -> str:
        """The ``*.cloudfront.net`` name."""
        return self.distribution.distribution_domain_name

    # --- origin ---------------------------------------------------------------------------------------

    def _origin(self, alb: CertifiedAlb) -> cloudfront.IOrigin:
        """A CloudFront VPC origin for the internal ALB (HTTPS only, TLS 1.2)."""
        https = cloudfront.OriginProtocolPolicy.HTTPS_ONLY
        tls = [cloudfront.OriginSslPolicy.TLS_V1_2]
        if Stack.of(alb) is Stack.of(self):
            return origins.VpcOrigin.with_application_load_balancer(
                alb.load_balancer, protocol_policy=https, origin_ssl_protocols=tls
            )
        # Another stack (maybe another region): its ARN and DNS name travel like a certificate ARN, weakly.
        # CloudFront is a global service, so the VPC origin resource lives here, beside the distribution.
        arn = RegionalExport.of(
            alb,
            "ArnExport",
            value=alb.load_balancer.load_balancer_arn,
            name=default_parameter_name(alb, "arn"),
        ).value_in(self)
        dns_name = RegionalExport.of(
            alb,
            "DnsNameExport",
            value=alb.load_balancer.load_balancer_dns_name,
            name=default_parameter_name(alb, "dns-name"),
        ).value_in(self)
        vpc_origin = cloudfront.CfnVpcOrigin(
            self,
            "VpcOrigin",
            vpc_origin_endpoint_config=cloudfront.CfnVpcOrigin.VpcOriginEndpointConfigProperty(
                name=Names.unique_resource_name(self, max_length=64),
                arn=arn,
                http_port=80,
                https_port=443,
                # CloudFormation values of HTTPS_ONLY and TLS_V1_2 (VpcOriginEndpointConfig).
                origin_protocol_policy="https-only",
                origin_ssl_protocols=["TLSv1.2"],
            ),
        )
        imported = cloudfront.VpcOrigin.from_vpc_origin_attributes(
            self, "ImportedVpcOrigin", vpc_origin_id=vpc_origin.attr_id, vpc_origin_arn=vpc_origin.attr_arn
        )
        return origins.VpcOrigin.with_vpc_origin(imported, domain_name=dns_name)

    def _origin_problems(
        self, origin: CertifiedAlb | cloudfront.IOrigin, names: Sequence[str]
    ) -> list[Problem]:
        if not isinstance(origin, CertifiedAlb):
            return []
        problems: list[Problem] = []
        if not origin.cloudfront_origin:
            problems.append(
                Problem(
                    "origin",
                    origin.node.path,
                    "internet-facing: anyone can reach it around the distribution (and its WAF)"
                    if origin.internet_facing
                    else "its security group does not admit CloudFront",
                    "create the ALB with CertifiedAlb(..., cloudfront_origin=True): internal, HTTPS only, reachable "
                    "only from CloudFront's origin-facing prefix list, wired here as a CloudFront VPC origin",
                )
            )
        if origin.has_private_certificate:
            problems.append(
                Problem(
                    "origin",
                    origin.node.path,
                    "CloudFront reaches an HTTPS origin only if its certificate chains to a public CA; this ALB "
                    "carries a private-CA certificate",
                    "put a PublicCertificate on the ALB (keep private certificates for internal listeners)",
                )
            )
        alb_names = origin.certificate_names
        if alb_names is not None:
            uncovered = [n for n in names if not covers(alb_names, n)]
            if uncovered:
                problems.append(
                    Problem(
                        "origin",
                        f"{origin.node.path} lacks {uncovered}",
                        "CloudFront forwards the viewer's Host header and checks the ALB's certificate against "
                        "it; the ALB's certificates don't cover these names",
                        "add the names to a certificate on the ALB",
                    )
                )
        return problems

    def _origin_protocol_problems(self) -> list[Problem]:
        """Custom origins must be HTTPS-only with TLS 1.2 (checked on the synthesized config, any IOrigin)."""
        cfn = self.distribution.node.default_child
        assert isinstance(cfn, cloudfront.CfnDistribution)
        # _cfn_properties is untyped on the jsii side; the typed distribution_config getter can't carry
        # the L2's partial structs across.
        properties: Any = Stack.of(self).resolve(cfn._cfn_properties)
        config: Any = properties.get("distributionConfig", {})
        problems: list[Problem] = []
        for origin in config.get("origins", []):
            custom = origin.get("customOriginConfig")
            if custom is None:
                continue
            policy = custom.get("originProtocolPolicy")
            if policy != "https-only":
                problems.append(
                    Problem(
                        "origin",
                        f"{origin.get('id')}: {policy}",
                        "traffic to the origin must be HTTPS only",
                        "build the origin with protocol_policy=OriginProtocolPolicy.HTTPS_ONLY",
                    )
                )
            weak = sorted(_WEAK_ORIGIN_PROTOCOLS & set(custom.get("originSslProtocols") or []))
            if weak:
                problems.append(
                    Problem(
                        "origin",
                        f"{origin.get('id')}: {weak}",
                        "origin TLS must be 1.2",
                        "pass origin_ssl_protocols=[OriginSslPolicy.TLS_V1_2]",
                    )
                )
        return problems

    # --- names, zone, logs ------------------------------------------------------------------------------

    def _name_problems(
        self, domain_names: Sequence[str], names: Sequence[str], certificate: acm.ICertificate
    ) -> list[Problem]:
        problems: list[Problem] = []
        if not names:
            problems.append(
                Problem(
                    "domain_names",
                    [],
                    "a distribution with a certificate needs its aliases",
                    "pass domain names",
                )
            )
        for index, name in enumerate(domain_names):
            problems += domain_name_problems(name, field=f"domain_names[{index}]")
        problems += cloudfront_certificate_problems(
            certificate,
            {f"domain_names[{index}]": name for index, name in enumerate(domain_names)},
            certificate_field="certificate",
        )
        return problems

    def _zone_problems(self, names: Sequence[str], zone: route53.IHostedZone | None) -> list[Problem]:
        if zone is None:
            return []
        try:
            zone_name = zone.zone_name
        except RuntimeError:
            return []
        if Token.is_unresolved(zone_name):
            return []
        return [
            Problem(
                "hosted_zone",
                f"{name} in {zone_name}",
                "an alias record can only be created in a zone that contains the name",
                "pass the zone of these names, or create the records yourself",
            )
            for name in names
            if not Token.is_unresolved(name) and not in_zone(name, zone_name)
        ]

    def _log_bucket_problems(self, bucket: s3.IBucket | None) -> list[Problem]:
        stack_region = Stack.of(self).region
        region = (
            literal_region(bucket)
            if bucket is not None
            else None
            if Token.is_unresolved(stack_region)
            else stack_region
        )
        if region is not None and RegionInfo.get(region).is_opt_in_region:
            # CloudFront standard logging (legacy, what Distribution's enable_logging configures) does not
            # deliver to buckets in opt-in regions; only standard logging v2 can (CloudFront developer guide,
            # "Configure standard logging (legacy)" and "Configure standard logging (v2)").
            return [
                Problem(
                    "log_bucket",
                    f"{bucket.node.path} ({region})" if bucket is not None else f"a new bucket in {region}",
                    f"CloudFront standard logs are not delivered to buckets in opt-in regions such as {region}",
                    "pass log_bucket= a bucket (ACLs enabled) in a region enabled by default, e.g. us-east-1",
                )
            ]
        cfn = bucket.node.default_child if bucket is not None else None
        if not isinstance(cfn, s3.CfnBucket):
            return []
        controls = Stack.of(cfn).resolve(cfn._cfn_properties).get("ownershipControls") or {}
        ownership = {rule.get("objectOwnership") for rule in controls.get("rules") or []}
        # No OwnershipControls means S3's default for new buckets (since April 2023): BucketOwnerEnforced.
        if not ownership & _ACL_ENABLED_OWNERSHIP:
            return [
                Problem(
                    "log_bucket",
                    bucket.node.path if bucket else None,
                    "CloudFront standard logs are written with an ACL; this bucket has ACLs disabled "
                    "(BucketOwnerEnforced, S3's default when object_ownership is not set)",
                    "use object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED, or let the construct create it",
                )
            ]
        return []

    def _create_log_bucket(self) -> s3.Bucket:
        return private_bucket(
            self,
            "Logs",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,  # CloudFront standard logs need ACLs
            no_access_logs_reason="this bucket receives CloudFront's access logs; logging a log bucket would recurse",
            log_retention=LOG_RETENTION,
        )
