"""CertifiedAlb: an Application Load Balancer whose HTTPS listener can't be left on an old TLS policy.

Why: with no ``ssl_policy`` the synthesized listener has no ``SslPolicy`` at all and the service default
``ELBSecurityPolicy-2016-08`` (TLS 1.0+) applies; the seed recommends ``ELBSecurityPolicy-TLS-1-2-2017-01``
(no TLS 1.3). AWS now recommends ``ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09`` (TLS 1.3 + 1.2, hybrid
ML-KEM key exchange): that is the default here, always written explicitly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from aws_cdk import Acknowledgment, Annotations, Stack, Token, Validations
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ._buckets import LOG_RETENTION, default_encryption, literal_region, private_bucket
from ._compliance import exempt
from .certificate_facts import certificate_account_problems
from .errors import Problem, add_late_validation, raise_if_any
from .inputs import typed_props
from .public_certificate import CertificateFacts, certificate_facts, certificate_in
from .trust_store import MutualTls, verify_listener_problems
from .value_rules import unknown_ssl_policy_problem

__all__ = [
    "DEFAULT_SSL_POLICY",
    "MAX_CERTIFICATES",
    "CertifiedAlb",
    "minimum_tls_version",
    "ssl_policy_name",
    "ssl_policy_problems",
]

CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing"
"""The AWS-managed prefix list of CloudFront's origin-facing servers. aws-cdk-lib's VPC-origin guide
(aws_cloudfront_origins README, "Restrict traffic coming to the VPC origin") admits it in the origin's
security group; CloudFront's VPC origins reach the ALB from inside the VPC through it."""

DEFAULT_SSL_POLICY = elbv2.SslPolicy.TLS13_12_RES_PQ
"""``ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09``, the policy AWS recommends (describe-ssl-policies)."""

MAX_CERTIFICATES = 26
"""One default certificate plus the quota "Certificates per Application Load Balancer (excluding default
certificates)" of 25 (load-balancer-limits)."""

# What each aws-cdk-lib 2.275 SslPolicy member synthesizes to; tests check the table against a synth.
SSL_POLICY_NAMES: dict[str, str] = {
    "RECOMMENDED_TLS": "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "TLS13_12_PQ": "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "RECOMMENDED": "ELBSecurityPolicy-2016-08",
    "TLS13_RES": "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "TLS13_EXT1": "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
    "TLS13_EXT2": "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
    "TLS13_10": "ELBSecurityPolicy-TLS13-1-0-2021-06",
    "TLS13_11": "ELBSecurityPolicy-TLS13-1-1-2021-06",
    "TLS13_13": "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "TLS13_13_PQ": "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
    "TLS13_12_RES_PQ": "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "TLS13_12_EXT1_PQ": "ELBSecurityPolicy-TLS13-1-2-Ext1-PQ-2025-09",
    "TLS13_12_EXT2_PQ": "ELBSecurityPolicy-TLS13-1-2-Ext2-PQ-2025-09",
    "TLS13_10_PQ": "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09",
    "FIPS_TLS13_13": "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "FIPS_TLS13_12_RES": "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "FIPS_TLS13_12": "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "FIPS_TLS13_12_EXT0": "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-2023-04",
    "FIPS_TLS13_12_EXT1": "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-2023-04",
    "FIPS_TLS13_12_EXT2": "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-2023-04",
    "FIPS_TLS13_11": "ELBSecurityPolicy-TLS13-1-1-FIPS-2023-04",
    "FIPS_TLS13_10": "ELBSecurityPolicy-TLS13-1-0-FIPS-2023-04",
    "FIPS_TLS13_13_PQ": "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
    "FIPS_TLS13_12_PQ": "ELBSecurityPolicy-TLS13-1-2-FIPS-PQ-2025-09",
    "FIPS_TLS13_12_RES_PQ": "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-PQ-2025-09",
    "FIPS_TLS13_12_EXT0_PQ": "ELBSecurityPolicy-TLS13-1-2-Ext0-FIPS-PQ-2025-09",
    "FIPS_TLS13_12_EXT1_PQ": "ELBSecurityPolicy-TLS13-1-2-Ext1-FIPS-PQ-2025-09",
    "FIPS_TLS13_12_EXT2_PQ": "ELBSecurityPolicy-TLS13-1-2-Ext2-FIPS-PQ-2025-09",
    "FIPS_TLS13_10_PQ": "ELBSecurityPolicy-TLS13-1-0-FIPS-PQ-2025-09",
    "FORWARD_SECRECY_TLS12_RES_GCM": "ELBSecurityPolicy-FS-1-2-Res-2020-10",
    "FORWARD_SECRECY_TLS12_RES": "ELBSecurityPolicy-FS-1-2-Res-2019-08",
    "FORWARD_SECRECY_TLS12": "ELBSecurityPolicy-FS-1-2-2019-08",
    "FORWARD_SECRECY_TLS11": "ELBSecurityPolicy-FS-1-1-2019-08",
    "FORWARD_SECRECY": "ELBSecurityPolicy-FS-2018-06",
    "TLS12": "ELBSecurityPolicy-TLS-1-2-2017-01",
    "TLS12_EXT": "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
    "TLS11": "ELBSecurityPolicy-TLS-1-1-2017-01",
    "LEGACY": "ELBSecurityPolicy-TLS-1-0-2015-04",
}

# Lowest TLS version a predefined policy accepts, from its name (describe-ssl-policies naming scheme).
_MIN_TLS_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"-TLS13-1-([0-3])-"), "1.{}"),
    (re.compile(r"-TLS-1-([0-2])-"), "1.{}"),
    (re.compile(r"-FS-1-([12])-"), "1.{}"),
    (re.compile(r"^ELBSecurityPolicy-FS-\d{4}-\d{2}$"), "1.0"),
    (re.compile(r"^ELBSecurityPolicy-\d{4}-\d{2}$"), "1.0"),  # 2016-08, 2015-05, ...: TLS 1.0 (or SSLv3)
    (re.compile(r"^ELBSample-"), "1.0"),
)


def ssl_policy_name(policy: elbv2.SslPolicy | str) -> str:
    """The ELB policy name of an ``elbv2.SslPolicy`` member, or ``policy`` itself when it is a name."""
    if isinstance(policy, elbv2.SslPolicy):
        return SSL_POLICY_NAMES[policy.name]
    return policy


def minimum_tls_version(policy_name: str) -> str | None:
    """ "1.0" … "1.3" for a predefined ELB policy name; None when the name doesn't say."""
    for pattern, template in _MIN_TLS_PATTERNS:
        match = pattern.search(policy_name)
        if match:
            return template.format(*match.groups())
    return None


def ssl_policy_problems(policy_name: str, *, allow_legacy_tls: bool) -> tuple[list[Problem], list[str]]:
    """(problems, warnings) of a listener policy: below TLS 1.2 is refused unless explicitly allowed;
    no TLS 1.3 or an unrecognised name is a warning."""
    if Token.is_unresolved(policy_name):
        return [], []
    minimum = minimum_tls_version(policy_name)
    if minimum is None:
        return [], [
            f"ssl_policy {policy_name!r} is not a predefined ELB policy name this library recognises; "
            "its TLS versions could not be checked"
        ]
    if minimum < "1.2":
        if allow_legacy_tls:
            return [], [
                f"ssl_policy {policy_name!r} accepts TLS {minimum} (allowed by allow_legacy_tls=True)"
            ]
        return [
            Problem(
                "ssl_policy",
                policy_name,
                f"this policy accepts TLS {minimum}; TLS 1.0/1.1 are deprecated (RFC 8996)",
                f"use the default {ssl_policy_name(DEFAULT_SSL_POLICY)!r}, or pass allow_legacy_tls=True "
                "if old clients really need it",
            )
        ], []
    if policy_name not in SSL_POLICY_NAMES.values():  # follows the scheme, yet ELB has no such policy
        return [unknown_ssl_policy_problem(policy_name, SSL_POLICY_NAMES.values())], []
    if "TLS13" not in policy_name:
        return [], [f"ssl_policy {policy_name!r} offers no TLS 1.3; AWS recommends a TLS13 PQ policy"]
    return [], []


def access_logs_bucket_problems(bucket: s3.IBucket, alb_region: str) -> list[Problem]:
    """ELB's bucket requirements for access logs: in the load balancer's region, and "the only server-side
    encryption option that's supported is Amazon S3-managed keys (SSE-S3)" (Elastic Load Balancing user guide,
    "Enable access logs for your Application Load Balancer"). ELB does not refuse such a bucket: the logs
    just never arrive. Facts synth cannot know (an imported bucket's encryption) are not checked."""
    problems = []
    algorithm = "aws:kms" if bucket.encryption_key is not None else default_encryption(bucket)
    if algorithm is not None and algorithm != "AES256":
        problems.append(
            Problem(
                "access_logs_bucket",
                f"{bucket.node.path} ({algorithm})",
                "ELB delivers access logs only to a bucket encrypted with SSE-S3 (AES256), not SSE-KMS or DSSE-KMS",
                "pass a bucket with encryption=s3.BucketEncryption.S3_MANAGED, or let CertifiedAlb create one",
            )
        )
    bucket_region = literal_region(bucket)
    if bucket_region is not None and not Token.is_unresolved(alb_region) and bucket_region != alb_region:
        problems.append(
            Problem(
                "access_logs_bucket",
                f"{bucket.node.path} ({bucket_region})",
                f"ELB delivers access logs only to a bucket in the load balancer's region ({alb_region})",
                f"pass a bucket in {alb_region}, or let CertifiedAlb create one",
            )
        )
    return problems


class CertifiedAlb(Construct):
    """An Application Load Balancer with an HTTPS listener on the given certificates, secure by default.

    - HTTPS listener on port 443 with an explicit TLS policy (default
      ``ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09``); policies accepting TLS 1.0/1.1 are refused unless
      ``allow_legacy_tls=True``.
    - HTTP (port 80) answers with a permanent redirect to HTTPS (not on a CloudFront origin: HTTPS only).
    - Deletion protection on (``deletion_protection=False`` to turn it off).
    - ``cloudfront_origin=True``: an internal ALB that only CloudFront reaches (a CloudFront VPC origin,
      wired by :class:`CertifiedDistribution`): no public address, no port 80, ingress on 443 only from
      CloudFront's origin-facing managed prefix list. Nobody can go around the distribution (and its WAF).
    - Access logs go to a private bucket (Block Public Access, SSL-only, SSE-S3 — ELB log delivery can't
      write to SSE-KMS buckets), created unless passed in.
    - Invalid HTTP header fields are dropped.

    Targets: ``alb.https_listener.add_targets(...)`` or ``add_action(...)``.

    :param scope: construct scope.
    :param id: construct id.
    :param vpc: the VPC.
    :param certificates: 1 to 26 certificates (the first is the default); each must be in the ALB's region.
        ``PublicCertificate`` and ``acm.ICertificate`` (including private ones) are accepted; a certificate
        of another stack in the same region is read through an SSM parameter, not an export.
    :param internet_facing: Default: - True (listeners open to the internet on 80 and 443) unless
        ``cloudfront_origin``; False: HTTPS (443) only, open to the VPC's CIDR.
    :param cloudfront_origin: this ALB is the origin of a CloudFront distribution and has no other viewers:
        internal, HTTPS only, reachable only from CloudFront's origin-facing prefix list. Default: - False
    :param origin_facing_prefix_list_id: the ID of ``com.amazonaws.global.cloudfront.origin-facing`` in the
        ALB's region. Default: - looked up by name at synth (a CDK context lookup, cached in cdk.context.json;
        needs the stack's account and region)
    :param deletion_protection: Default: - True (a CloudFormation delete or replacement of the ALB fails
        until it is turned off)
    :param ssl_policy: ``elbv2.SslPolicy`` member or policy name.
        Default: - ``elbv2.SslPolicy.TLS13_12_RES_PQ`` (``ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09``).
    :param allow_legacy_tls: accept a policy that allows TLS 1.0/1.1 (with a warning). Default: - False.
    :param access_logs_bucket: an existing bucket for access logs, in the ALB's region, SSE-S3 (not SSE-KMS
        or DSSE-KMS: ELB delivers nothing there).
        Default: - a new private bucket.
    :param access_logs_prefix: Default: - no prefix.
    :param default_action: what the HTTPS listener does with requests no rule matches.
        Default: - a fixed 404 response.
    :param vpc_subnets: Default: - public subnets when internet-facing, else private.
    :param security_group: Default: - a new security group. A security group you pass keeps its own rules
        and gets no cdk-nag acknowledgement from this construct.
    :param load_balancer_name: Default: - generated by CloudFormation.
    :param mutual_tls: client-certificate checking on the HTTPS listener, e.g.
        ``MutualTls(trusted_cas=[issuing_ca])`` (verify mode, a trust store fed by our CA bundle).
        Default: - no mutual TLS.
    """

    @typed_props
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        certificates: Sequence[acm.ICertificate],
        internet_facing: bool | None = None,
        cloudfront_origin: bool = False,
        origin_facing_prefix_list_id: str | None = None,
        deletion_protection: bool = True,
        ssl_policy: elbv2.SslPolicy | str = DEFAULT_SSL_POLICY,
        allow_legacy_tls: bool = False,
        access_logs_bucket: s3.IBucket | None = None,
        access_logs_prefix: str | None = None,
        default_action: elbv2.ListenerAction | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        security_group: ec2.ISecurityGroup | None = None,
        load_balancer_name: str | None = None,
        mutual_tls: MutualTls | None = None,
    ) -> None:
        super().__init__(scope, id)
        policy_name = ssl_policy_name(ssl_policy)
        problems, warnings = ssl_policy_problems(policy_name, allow_legacy_tls=allow_legacy_tls)
        facts = [certificate_facts(c) for c in certificates]
        problems += self._certificate_problems(facts)
        problems += [
            p
            for i, f in enumerate(facts)
            for p in certificate_account_problems(f, self, f"certificates[{i}]")
        ]
        problems += self._origin_problems(
            cloudfront_origin=cloudfront_origin,
            internet_facing=internet_facing,
            prefix_list_id=origin_facing_prefix_list_id,
        )
        if mutual_tls is not None:
            problems += mutual_tls.problems()
        if access_logs_bucket is not None:
            problems += access_logs_bucket_problems(access_logs_bucket, Stack.of(self).region)
        raise_if_any(self, problems)
        for warning in warnings:
            Annotations.of(self).add_warning_v2("pki-constructs:alb-tls-policy", warning)

        self.ssl_policy_name: str = policy_name
        """The ELB security policy name on the HTTPS listener."""
        self.certificate_facts: tuple[CertificateFacts, ...] = tuple(facts)
        """What synth knows about each certificate (region, names, private or public)."""
        internet_facing = bool(internet_facing) if internet_facing is not None else not cloudfront_origin
        self.internet_facing: bool = internet_facing
        self.cloudfront_origin: bool = cloudfront_origin
        """Whether only CloudFront (a VPC origin) reaches this ALB."""
        self.mutual_tls: MutualTls | None = mutual_tls
        """The HTTPS listener's mutual TLS settings, if any."""

        self.access_logs_bucket: s3.IBucket = access_logs_bucket or self._create_access_logs_bucket()
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "Resource",
            vpc=vpc,
            internet_facing=internet_facing,
            drop_invalid_header_fields=True,
            vpc_subnets=vpc_subnets,
            security_group=security_group,
            load_balancer_name=load_balancer_name,
            deletion_protection=deletion_protection,
        )
        """The ``elbv2.ApplicationLoadBalancer``."""
        self.load_balancer.log_access_logs(self.access_logs_bucket, access_logs_prefix)

        listener_certificates = [
            elbv2.ListenerCertificate.from_certificate_manager(
                certificate_in(c, self, f"Certificate{i}", field=f"certificates[{i}]")
            )
            for i, c in enumerate(certificates)
        ]
        self.https_listener = self._create_https_listener(
            certificates=listener_certificates,
            default_action=default_action
            or elbv2.ListenerAction.fixed_response(404, content_type="text/plain"),
            open=internet_facing,
        )
        """The HTTPS (443) ``elbv2.ApplicationListener``."""
        self.http_listener: elbv2.ApplicationListener | None = None
        """The HTTP (80) listener that redirects to HTTPS; only on an internet-facing ALB (browsers type
        http://). Internal and CloudFront-origin ALBs listen on HTTPS alone."""
        if internet_facing:
            self.http_listener = self.load_balancer.add_redirect(
                source_port=80, source_protocol=elbv2.ApplicationProtocol.HTTP, target_port=443, open=True
            )
            exempt(
                self.http_listener,
                reason="answers only with a permanent redirect to HTTPS; there is nothing to encrypt",
                nag=["ELBv2ACMCertificateRequired"],
            )
        if cloudfront_origin:
            prefix_list = origin_facing_prefix_list_id or (
                ec2.PrefixList.from_lookup(
                    self, "CloudFrontOriginFacing", prefix_list_name=CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST
                ).prefix_list_id
            )
            self.load_balancer.connections.allow_from(
                ec2.Peer.prefix_list(prefix_list), ec2.Port.tcp(443), "CloudFront origin-facing servers only"
            )
        elif not internet_facing:
            self.load_balancer.connections.allow_from(
                ec2.Peer.ipv4(vpc.vpc_cidr_block), ec2.Port.tcp(443), "clients in the VPC"
            )
        exempt(self.load_balancer, reason=self._waf_reason(), nag=["ALBWAFEnabled"])
        if security_group is None:
            self._acknowledge_own_security_group()

    def _waf_reason(self) -> str:
        if self.cloudfront_origin:
            return "only CloudFront reaches this ALB; attach the WAF web ACL to the distribution (web_acl_id)"
        if self.mutual_tls is not None:
            return "clients are authenticated by mutual TLS before any request reaches a target"
        if not self.internet_facing:
            return "internal ALB, reachable from its VPC only"
        return "optional and paid: associate a WAFv2 web ACL (wafv2.CfnWebACLAssociation) if the application needs one"

    def _acknowledge_own_security_group(self) -> None:
        """EC23 (open ingress) is acknowledged only on the group this construct creates and fills: a group
        the user passes in keeps its own rules, which an acknowledgement here would hide."""
        if self.cloudfront_origin:
            return  # a prefix-list peer is neither open ingress nor an unresolvable CIDR
        groups = self.load_balancer.connections.security_groups
        if self.internet_facing:
            reason = "an internet-facing ALB that is not a CloudFront origin serves any viewer: 443, and 80 only to redirect"
            for group in groups:
                Validations.of(group).acknowledge(Acknowledgment(id="AwsSolutions-EC23", reason=reason))
                exempt(group, reason=reason, checkov=["CKV_AWS_260"])
            return
        reason = "internal ALB: ingress is the VPC's own CIDR on 443 only, a token cdk-nag cannot resolve"
        for group in groups:
            Validations.of(group).acknowledge(Acknowledgment(id="AwsSolutions-EC23", reason=reason))
            exempt(group, reason=reason, nag=["EC2RestrictedCommonPorts", "EC2RestrictedSSH"])

    def _create_https_listener(
        self,
        *,
        certificates: Sequence[elbv2.IListenerCertificate],
        default_action: elbv2.ListenerAction,
        open: bool,
    ) -> elbv2.ApplicationListener:
        """The one place the HTTPS listener is made (mutual TLS and other listener options go here)."""
        listener = self.load_balancer.add_listener(
            "Https",
            port=443,
            protocol=elbv2.ApplicationProtocol.HTTPS,
            certificates=list(certificates),
            default_action=default_action,
            open=open,
            mutual_authentication=self.mutual_tls.bind(self, "MutualTls") if self.mutual_tls else None,
        )
        # ELB allows 2 verify-mode listeners per ALB; users may add listeners after us, so count at synth.
        add_late_validation(self, lambda: verify_listener_problems(self._verify_listeners()))
        # Written as the validated name (SslPolicy members and plain names alike), never left to defaults.
        cfn_listener = listener.node.default_child
        assert isinstance(cfn_listener, elbv2.CfnListener)
        cfn_listener.ssl_policy = self.ssl_policy_name
        return listener

    def _verify_listeners(self) -> int:
        stack = Stack.of(self)
        count = 0
        for child in self.load_balancer.node.find_all():
            if isinstance(child, elbv2.CfnListener):
                auth = stack.resolve(child.mutual_authentication)
                if isinstance(auth, dict) and auth.get("mode") == "verify":
                    count += 1
        return count

    @property
    def has_private_certificate(self) -> bool:
        """Whether any certificate on the HTTPS listener comes from a private CA (CloudFront won't trust it)."""
        return any(f.private for f in self.certificate_facts)

    @property
    def certificate_names(self) -> tuple[str, ...] | None:
        """Every name on the listener's certificates, or None when some can't be known at synth."""
        names: list[str] = []
        for facts in self.certificate_facts:
            if facts.names is None:
                return None
            names.extend(facts.names)
        return tuple(names)

    def _origin_problems(
        self, *, cloudfront_origin: bool, internet_facing: bool | None, prefix_list_id: str | None
    ) -> list[Problem]:
        if not cloudfront_origin:
            return []
        problems = []
        if internet_facing:
            problems.append(
                Problem(
                    "internet_facing",
                    True,
                    "a CloudFront origin with a public address can be reached around the distribution (and its WAF)",
                    "drop internet_facing: with cloudfront_origin=True the ALB is internal and CertifiedDistribution "
                    "reaches it as a CloudFront VPC origin",
                )
            )
        stack = Stack.of(self)
        if prefix_list_id is None and (
            Token.is_unresolved(stack.account) or Token.is_unresolved(stack.region)
        ):
            problems.append(
                Problem(
                    "origin_facing_prefix_list_id",
                    None,
                    f"the {CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST} prefix list is looked up by name, which needs the "
                    "stack's account and region",
                    "give the stack an env (account and region), or pass the prefix list's ID",
                )
            )
        return problems

    def _certificate_problems(self, facts: Sequence[CertificateFacts]) -> list[Problem]:
        problems: list[Problem] = []
        if not 1 <= len(facts) <= MAX_CERTIFICATES:
            problems.append(
                Problem(
                    "certificates",
                    f"<{len(facts)} certificates>",
                    f"an HTTPS listener needs 1 default certificate and at most 25 more ({MAX_CERTIFICATES} in all)",
                    "pass between 1 and 26 certificates (SNI picks among them); use SANs to combine names",
                )
            )
        region = Stack.of(self).region
        if not Token.is_unresolved(region):
            for index, fact in enumerate(facts):
                if fact.region is not None and fact.region != region:
                    problems.append(
                        Problem(
                            f"certificates[{index}]",
                            f"{fact.path} in {fact.region}",
                            f"an ALB can only use ACM certificates of its own region ({region})",
                            f"request the certificate in {region} (a PublicCertificate in a {region} stack)",
                        )
                    )
        return problems

    def _create_access_logs_bucket(self) -> s3.Bucket:
        return private_bucket(
            self,
            "AccessLogs",
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            no_access_logs_reason="this bucket receives the ALB's access logs; logging a log bucket would recurse",
            log_retention=LOG_RETENTION,
        )
